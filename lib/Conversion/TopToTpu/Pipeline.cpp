//===- Pipeline.cpp - the lowering pipeline -------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Conversion/TopToTpu/Passes.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Dialect/Tpu/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace {
struct PipelineOptions : public PassPipelineOptions<PipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("Target chip")};
  Option<std::string> mode{*this, "mode",
                           llvm::cl::desc("INT8, F16, BF16 or F32")};
  Option<std::string> cali{*this, "cali",
                           llvm::cl::desc("Calibration table (INT8)")};
  Option<std::string> qtable{*this, "qtable", llvm::cl::desc("Quantize table")};
  Option<bool> asymmetric{*this, "asymmetric",
                          llvm::cl::desc("Asymmetric INT8"),
                          llvm::cl::init(false)};
  Option<std::string> weightFile{*this, "weight_file",
                                 llvm::cl::desc("Lowered weights (.npz)")};
  Option<bool> quantOutput{*this, "quant_output",
                           llvm::cl::desc("Keep lowered output types"),
                           llvm::cl::init(false)};
  Option<bool> quantInput{*this, "quant_input",
                          llvm::cl::desc("Quantized INT8 inputs"),
                          llvm::cl::init(false)};
  Option<bool> matmulPerChannel{
      *this, "matmul_perchannel",
      llvm::cl::desc("BM1684X MatMul weights per output column"),
      llvm::cl::init(false)};
};
} // namespace

std::string tpuc::topOptimizeWeightFile(llvm::StringRef weightFile) {
  llvm::SmallString<256> path(weightFile);
  llvm::sys::path::replace_extension(path, "");
  return (path + "_top_opt.npz").str();
}

void tpuc::buildLoweringPipeline(OpPassManager &pm,
                                 const LoweringPipelineOptions &options) {
  top::ProcessorAssignOptions assign;
  assign.chip = options.chip;
  assign.mode = options.mode;
  pm.addPass(top::createProcessorAssign(assign));
  if (!options.calibrationTable.empty()) {
    top::ImportCalibrationTableOptions import;
    import.file = options.calibrationTable;
    import.asymmetric = options.asymmetric;
    pm.addPass(top::createImportCalibrationTable(import));
  }
  // The Top weights the rewrites create sit next to the lowered ones (a
  // chip- and mode-specific name), not next to the user's model.
  top::ProcessorTopOptimizeOptions optimize;
  if (!options.weightFile.empty())
    optimize.weightFileOut = topOptimizeWeightFile(options.weightFile);
  pm.addPass(top::createProcessorTopOptimize(optimize));
  ConvertTopToTpuOptions convert;
  convert.qtable = options.qtable;
  convert.weightFileOut = options.weightFile;
  convert.quantOutput = options.quantOutput;
  convert.quantInput = options.quantInput;
  convert.matmulPerChannel = options.matmulPerChannel;
  pm.addPass(createConvertTopToTpu(convert));
  // Folded weights go to <lowered weights stem>_fold.npz when any op folds.
  pm.addPass(tpu::createWeightFold());
}

void tpuc::registerLoweringPipeline() {
  PassPipelineRegistration<PipelineOptions>(
      "tpuc-lowering-pipeline",
      "What model_deploy runs: processor-assign, import-calibration-table "
      "(with cali=), processor-top-optimize, convert-top-to-tpu, weight-fold",
      [](OpPassManager &pm, const PipelineOptions &o) {
        LoweringPipelineOptions options;
        options.chip = o.chip;
        options.mode = o.mode;
        options.calibrationTable = o.cali;
        options.qtable = o.qtable;
        options.asymmetric = o.asymmetric;
        options.weightFile = o.weightFile;
        options.quantOutput = o.quantOutput;
        options.quantInput = o.quantInput;
        options.matmulPerChannel = o.matmulPerChannel;
        buildLoweringPipeline(pm, options);
      });
}
