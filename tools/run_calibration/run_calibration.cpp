//===- run_calibration.cpp - activation calibration tables ----------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
//   run_calibration m.mlir --dataset DIR --input_num 100 -o m_cali_table
//
// Runs the Top module over the samples and writes a TPU-MLIR-compatible
// calibration table (docs/formats.md); see docs/cli.md for every option.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/CalibrationTable.h"
#include "tpuc/Calibration/Calibrator.h"
#include "tpuc/Calibration/WeightEqualization.h"
#include "tpuc/Dialect/Top/IR/InputSpec.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Support/CommandLine.h"
#include "tpuc/Support/Dataset.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Npz.h"
#include "tpuc/Support/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

using namespace tpuc;
using namespace tpuc::calibration;
namespace cl = llvm::cl;

static cl::OptionCategory category("run_calibration options");
static cl::opt<std::string> mlirPath(cl::Positional, cl::Required,
                                     cl::desc("<top.mlir>"), cl::cat(category));
static cl::opt<std::string>
    datasetDir("dataset",
               cl::desc("Folder of samples: images, .npy or .npz files"),
               cl::value_desc("dir"), cl::cat(category));
static cl::opt<std::string>
    dataList("data_list",
             cl::desc("File listing one sample per line (several inputs "
                      "separated by commas)"),
             cl::value_desc("file"), cl::cat(category));
static cl::opt<int64_t>
    inputNum("input_num",
             cl::desc("Samples to calibrate on (0 = all of the dataset)"),
             cl::init(0), cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("Output calibration table"),
                                       cl::value_desc("cali_table"),
                                       cl::cat(category));
static cl::opt<std::string> methodText(
    "cali_method",
    cl::desc("use_kl (default) | use_mse | use_max | use_percentile9999 | "
             "use_aciq_gauss | use_aciq_laplace"),
    cl::init("use_kl"), cl::cat(category));
static cl::opt<int64_t>
    histogramBins("histogram_bin_num",
                  cl::desc("Bins of the |x| histogram (KLD)"), cl::init(2048),
                  cl::cat(category));
static cl::opt<int64_t>
    tuneNum("tune_num",
            cl::desc("Samples for auto-tune of KLD / ACIQ thresholds "
                     "(0 = no tune)"),
            cl::init(5), cl::cat(category));
static cl::opt<std::string>
    tuneList("tune_list",
             cl::desc("Data list of the auto-tune samples (default: the "
                      "first --tune_num calibration samples)"),
             cl::value_desc("file"), cl::cat(category));
static cl::opt<bool>
    weightEqualization("we",
                       cl::desc("Cross-layer weight equalization first; "
                                "writes <model>_we.mlir and its weights"),
                       cl::cat(category));
static cl::opt<std::string>
    chip("chip",
         cl::desc("bm1684x (default) | bm1684 | cv183x | cv182x | cv181x | "
                  "cv180x (CV18xx tables are symmetric)"),
         cl::init("bm1684x"), cl::cat(category));
static cl::opt<bool> debugLog("debug_log",
                              cl::desc("Log per-tensor statistics"),
                              cl::cat(category));
static cl::opt<bool> inferenceOnly(
    "inference_only",
    cl::desc("Benchmark baseline: run the samples without taking statistics "
             "and write no table"),
    cl::Hidden, cl::cat(category));
static cl::extrahelp threadsHelp(kThreadsHelp);

namespace {
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

int fail(llvm::Error error, int code = kExitError) {
  llvm::errs() << "error: " << llvm::toString(std::move(error)) << "\n";
  return code;
}

/// TPU-MLIR options that belong to later tpuc work: refused, never ignored.
constexpr llvm::StringLiteral kNotSupported[] = {
    "search",
    "inference_num",
    "bc_inference_num",
    "expected_cos",
    "min_layer_cos",
    "max_float_layers",
    "fp_type",
    "post_process",
    "global_compare_layers",
    "quantize_method_list",
    "benchmark_method",
    "kurtosis_analysis",
    "part_quantize",
    "custom_operator",
    "part_asymmetric",
    "mix_mode",
    "pre_qtable",
    "cluster",
    "quantize_table",
    "bc",
    "sq",
    "smc",
    "debug_cmd",
};

/// The first argument naming an unsupported option, or "".
std::string findUnsupported(llvm::ArrayRef<const char *> args) {
  for (const char *arg : args.drop_front()) {
    llvm::StringRef text(arg);
    if (!text.consume_front("-"))
      continue;
    text.consume_front("-");
    llvm::StringRef name = text.split('=').first;
    for (llvm::StringRef unsupported : kNotSupported)
      if (name == unsupported)
        return name.str();
  }
  return "";
}

bool isKnownChip(llvm::StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases("bm1684x", "bm1684", "cv183x", "cv182x", "cv181x", "cv180x", true)
      .Default(false);
}

/// `<dir of -o>/<stem of the model><suffix>`.
std::string besideOutput(llvm::StringRef suffix) {
  llvm::SmallString<256> path(llvm::sys::path::parent_path(outputPath));
  llvm::sys::path::append(path, llvm::sys::path::stem(mlirPath) + suffix);
  return std::string(path);
}

/// Equalizes the weights and writes the new model and weight file; the
/// in-memory module then refers to the new weights.
llvm::Error equalize(mlir::ModuleOp module, std::string &modelFile) {
  std::optional<std::string> weightFile = getWeightFile(module);
  if (!weightFile)
    return makeError("the model names no weight file (tpuc.weight_file)",
                     mlirPath);
  llvm::Expected<NpzFile> weights =
      NpzFile::load(resolveWeightFile(module, *weightFile));
  if (!weights)
    return weights.takeError();
  llvm::Expected<EqualizationResult> result = equalizeWeights(module, *weights);
  if (!result)
    return result.takeError();
  std::string newModel = besideOutput("_we.mlir");
  std::string newWeights = besideOutput("_we_top_f32_all_weight.npz");
  if (llvm::Error err = weights->save(newWeights))
    return err;
  // The written model names its weights relative to itself.
  setWeightFile(module, llvm::sys::path::filename(newWeights));
  if (llvm::Error err = writeModuleFile(module, newModel))
    return err;
  setWeightFile(module, newWeights);
  modelFile = newModel;
  llvm::errs() << "weight equalization: " << result->pairs << " conv pairs, "
               << result->iterations << " passes; wrote " << newModel << " and "
               << newWeights << "\n";
  return llvm::Error::success();
}

llvm::Expected<std::vector<Sample>> listSamples() {
  if (!datasetDir.empty())
    return listDatasetFolder(datasetDir);
  return readDataList(dataList);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::vector<const char *> args(argv, argv + argc);
  llvm::Expected<unsigned> threads = takeThreadsFlag(args);
  if (!threads)
    return fail(threads.takeError(), kExitUsage);
  std::string unsupported = findUnsupported(args);
  if (!unsupported.empty())
    return fail(
        makeError("--" + unsupported + " is not supported yet", "command line"),
        kExitUsage);
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          static_cast<int>(args.size()), args.data(),
          "run_calibration: activation thresholds of a Top model\n",
          &llvm::errs()))
    return kExitUsage;

  std::optional<Method> method = parseMethod(methodText);
  if (!method)
    return fail(makeError("unknown --cali_method '" + methodText +
                              "' (use_kl, use_mse, use_max, "
                              "use_percentile9999, use_aciq_gauss, "
                              "use_aciq_laplace)",
                          "command line"));
  if (!isKnownChip(chip))
    return fail(makeError("unknown --chip '" + chip + "'", "command line"));
  if (histogramBins < 128 || histogramBins > (1 << 20))
    return fail(makeError("--histogram_bin_num must be in [128, 1048576], "
                          "got " +
                              llvm::Twine(histogramBins.getValue()),
                          "command line"),
                kExitUsage);
  if (inputNum < 0 || tuneNum < 0)
    return fail(makeError("--input_num and --tune_num must not be negative",
                          "command line"),
                kExitUsage);

  if (datasetDir.empty() == dataList.empty())
    return fail(makeError(datasetDir.empty()
                              ? "--dataset or --data_list is required"
                              : "give --dataset or --data_list, not both",
                          "command line"),
                kExitUsage);
  llvm::Expected<std::vector<Sample>> samples = listSamples();
  if (!samples)
    return fail(samples.takeError());
  if (inputNum > 0) {
    if (static_cast<size_t>(inputNum) > samples->size())
      llvm::errs() << "warning: --input_num " << inputNum << " but the "
                   << "dataset has " << samples->size()
                   << " samples; using all of them\n";
    else
      samples->resize(inputNum);
  }
  std::vector<Sample> tuneSamples;
  if (!tuneList.empty()) {
    llvm::Expected<std::vector<Sample>> listed = readDataList(tuneList);
    if (!listed)
      return fail(listed.takeError());
    tuneSamples = std::move(*listed);
    if (tuneNum > 0 && tuneSamples.size() > static_cast<size_t>(tuneNum))
      tuneSamples.resize(tuneNum);
  }

  auto buffer = llvm::MemoryBuffer::getFile(mlirPath);
  if (!buffer)
    return fail(makeError(
        "cannot open the model: " + buffer.getError().message(), mlirPath));
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::quant::QuantizationDialect,
                  top::TopDialect>();
  mlir::MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return kExitError; // the parser reported where
  anchorWeightFile(*module, mlirPath);
  if (mlir::failed(
          requireState(*module, "run_calibration", {ModuleState::TopF32})))
    return kExitError;
  auto main = module->lookupSymbol<mlir::func::FuncOp>("main");
  if (!main)
    return fail(makeError("the model has no func.func @main", mlirPath));

  std::string modelFile = mlirPath;
  if (weightEqualization)
    if (llvm::Error err = equalize(*module, modelFile))
      return fail(std::move(err));

  CalibrationOptions options;
  options.method = *method;
  options.histogramBins = histogramBins;
  options.tuneCount = tuneNum;
  options.tuneSamples = std::move(tuneSamples);
  options.symmetric = llvm::StringRef(chip).starts_with("cv18");
  options.threads = *threads;
  options.mlirFile = llvm::sys::path::filename(modelFile).str();
  options.debugLog = debugLog;
  options.log = [](llvm::StringRef line) { llvm::errs() << line << "\n"; };
  options.makeProgress = [](llvm::StringRef what, llvm::StringRef unit,
                            int64_t total) {
    return std::make_unique<Progress>(what, unit, total);
  };
  options.inferenceOnly = inferenceOnly;
  std::vector<InputSpec> inputs = getInputSpecs(main);
  llvm::Expected<CalibrationRun> run =
      calibrate(*module, *samples, inputs, options);
  if (!run)
    return fail(run.takeError());
  if (inferenceOnly)
    return 0;
  if (run->untuned)
    if (llvm::Error err =
            writeCalibrationTable(*run->untuned, outputPath + ".1"))
      return fail(std::move(err));
  if (llvm::Error err = writeCalibrationTable(run->table, outputPath))
    return fail(std::move(err));
  llvm::errs() << "calibration table (" << getMethodName(*method) << ", "
               << run->table.entries.size() << " tensors, " << samples->size()
               << " samples) written to " << outputPath << "\n";
  return 0;
}
