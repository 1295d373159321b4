//===- Passes.h - Top to Tpu conversion passes -------------------*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CONVERSION_TOPTOTPU_PASSES_H
#define TPUC_CONVERSION_TOPTOTPU_PASSES_H

#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace tpuc {

#define GEN_PASS_DECL
#include "tpuc/Conversion/TopToTpu/Passes.h.inc"

/// What `model_deploy` lowers with: processor-assign, import-calibration-table
/// (when `calibrationTable` is set), processor-top-optimize,
/// convert-top-to-tpu (writing `weightFile` when set), weight-fold (writing
/// `<weightFile stem>_fold.npz` when an op folds; the module's
/// `tpuc.weight_file` names the final weights).
struct LoweringPipelineOptions {
  std::string chip, mode, calibrationTable, qtable, weightFile;
  bool asymmetric = false, quantOutput = false, quantInput = false;
  /// BM1684X MatMul weights per output column instead of per tensor.
  bool matmulPerChannel = false;
};
void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const LoweringPipelineOptions &options);
/// The intermediate weights processor-top-optimize writes in that pipeline:
/// `<weightFile stem>_top_opt.npz` (not needed once lowered: the lowering
/// copies the weights it keeps).
std::string topOptimizeWeightFile(llvm::StringRef weightFile);

/// Registers `tpuc-lowering-pipeline="chip=… mode=… cali=… qtable=…
/// asymmetric=… weight_file=…"`.
void registerLoweringPipeline();

#define GEN_PASS_REGISTRATION
#include "tpuc/Conversion/TopToTpu/Passes.h.inc"

} // namespace tpuc

#endif // TPUC_CONVERSION_TOPTOTPU_PASSES_H
