//===- Passes.h - Tpu dialect passes ----------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_TRANSFORMS_PASSES_H
#define TPUC_DIALECT_TPU_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

namespace tpuc::tpu {

#define GEN_PASS_DECL
#include "tpuc/Dialect/Tpu/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tpuc/Dialect/Tpu/Transforms/Passes.h.inc"

} // namespace tpuc::tpu

#endif // TPUC_DIALECT_TPU_TRANSFORMS_PASSES_H
