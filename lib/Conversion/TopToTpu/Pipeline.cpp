//===- Pipeline.cpp - the lowering pipeline -------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Conversion/TopToTpu/Passes.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"

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
};
} // namespace

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
  ConvertTopToTpuOptions convert;
  convert.qtable = options.qtable;
  convert.weightFileOut = options.weightFile;
  convert.quantOutput = options.quantOutput;
  convert.quantInput = options.quantInput;
  pm.addPass(createConvertTopToTpu(convert));
}

void tpuc::registerLoweringPipeline() {
  PassPipelineRegistration<PipelineOptions>(
      "tpuc-lowering-pipeline",
      "What model_deploy runs: processor-assign, import-calibration-table "
      "(with cali=), convert-top-to-tpu",
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
        buildLoweringPipeline(pm, options);
      });
}
