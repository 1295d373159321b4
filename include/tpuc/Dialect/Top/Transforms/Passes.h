//===- Passes.h - Top dialect passes ----------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_TRANSFORMS_PASSES_H
#define TPUC_DIALECT_TOP_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"

namespace tpuc::top {

#define GEN_PASS_DECL
#include "tpuc/Dialect/Top/Transforms/Passes.h.inc"

/// The Top pipeline run after import: shape-infer, canonicalize.
void buildTopPipeline(mlir::OpPassManager &pm);

/// Registers `tpuc-top-pipeline`. The passes themselves are registered by
/// the generated `registerTopPasses()`.
void registerTopPipelines();

#define GEN_PASS_REGISTRATION
#include "tpuc/Dialect/Top/Transforms/Passes.h.inc"

} // namespace tpuc::top

#endif // TPUC_DIALECT_TOP_TRANSFORMS_PASSES_H
