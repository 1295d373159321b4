//===- model_deploy.cpp - lower a Top model for a chip --------------------===//
//
// Part of tpuc. Lowers a Top .mlir to a chip-specific Tpu module and checks
// it numerically against the float model:
//
//   model_deploy --mlir m.mlir --quantize INT8 --processor bm1684x
//                --calibration_table m_cali_table [--quantize_table q]
//                [--asymmetric] [--quant_output]
//                [--test_input m_in_f32.npz --test_reference m_top_outputs.npz]
//                [--tolerance c,e] [--excepts a,b] [--compare_all]
//                --model m.bmodel
//
// writes <dir of --model>/<prefix>_tpu.mlir and <prefix>_tpu_weights.npz,
// <prefix> = <model name>_<chip>_<mode>[_sym|_asym]; with --test_input, runs
// the Tpu interpreter, writes <prefix>_tpu_outputs.npz (every tensor,
// quantized ones as real values) and compares with the reference; FAILED
// exits 1. Exit codes: 0 success, 1 bad input or failed comparison, 2 bad
// command line.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Conversion/TopToTpu/Passes.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Interpreter/ModuleInterpreter.h"
#include "tpuc/Support/CommandLine.h"
#include "tpuc/Support/Compare.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Npz.h"
#include "tpuc/Target/ChipSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <vector>

using namespace tpuc;
namespace cl = llvm::cl;

static cl::OptionCategory category("model_deploy options");
static cl::opt<std::string> mlirPath("mlir", cl::desc("Top .mlir"),
                                     cl::value_desc("top.mlir"),
                                     cl::cat(category));
static cl::opt<std::string>
    quantize("quantize", cl::desc("INT8, F16, BF16 or F32"), cl::cat(category));
static cl::opt<std::string> processor("processor",
                                      cl::desc("bm1684x, bm1684, cv183x, ..."),
                                      cl::cat(category));
static cl::alias chipAlias("chip", cl::aliasopt(processor),
                           cl::desc("Alias of --processor"), cl::cat(category));
static cl::opt<std::string> caliTable("calibration_table",
                                      cl::desc("Calibration table (INT8)"),
                                      cl::cat(category));
static cl::opt<std::string>
    quantizeTable("quantize_table",
                  cl::desc("qtable: per-op modes (mixed precision)"),
                  cl::cat(category));
static cl::opt<bool> asymmetric("asymmetric", cl::desc("Asymmetric INT8"),
                                cl::cat(category));
static cl::opt<bool> matmulPerChannel(
    "matmul_perchannel",
    cl::desc("BM1684X: quantize MatMul weights per output column (default: "
             "one scale for the whole matrix)"),
    cl::cat(category));
static cl::opt<bool>
    quantInput("quant_input",
               cl::desc("Feed the INT8 inputs quantized (the model input "
                        "takes its INT8 type)"),
               cl::cat(category));
static cl::opt<bool>
    quantOutput("quant_output",
                cl::desc("Keep the outputs in their lowered types"),
                cl::cat(category));
static cl::opt<std::string> testInput("test_input",
                                      cl::desc("Inputs (.npz) to validate on"),
                                      cl::cat(category));
static cl::opt<std::string>
    testReference("test_reference",
                  cl::desc("Reference outputs (.npz, e.g. the Top model's)"),
                  cl::cat(category));
static cl::opt<std::string>
    toleranceText("tolerance",
                  cl::desc("Minimum cosine,euclidean similarity (default by "
                           "mode: INT8 0.90,0.80; F16/BF16 0.99,0.90; F32 "
                           "0.99,0.99)"),
                  cl::cat(category));
static cl::opt<std::string> excepts("excepts",
                                    cl::desc("Tensors not compared (a,b,...)"),
                                    cl::cat(category));
static cl::opt<bool> compareAll("compare_all",
                                cl::desc("Compare every tensor, not only the "
                                         "outputs"),
                                cl::cat(category));
static cl::opt<bool> debug("debug", cl::desc("Keep intermediate files"),
                           cl::cat(category));
static cl::opt<std::string>
    modelPath("model", cl::desc("Output model (.bmodel)"), cl::cat(category));
static cl::extrahelp threadsHelp(kThreadsHelp);

namespace {
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

int fail(const llvm::Twine &message, int code = kExitError) {
  llvm::errs() << "error: " << message << "\n";
  return code;
}

std::string siblingPath(llvm::StringRef of, llvm::StringRef name) {
  llvm::SmallString<256> path(llvm::sys::path::parent_path(of));
  llvm::sys::path::append(path, name);
  return std::string(path);
}

/// One line per lowered module: how many compute ops run in each type, and
/// which stay Top ops (no Tpu form yet), e.g.
///   model_deploy: 21 ops: 18 INT8, 2 F16, 1 top-f32 [/Softmax_output_0]
std::string summarize(mlir::ModuleOp module) {
  llvm::StringMap<int> counts;
  std::vector<std::string> topOps;
  int total = 0;
  module.walk([&](mlir::Operation *op) {
    if (mlir::isa<top::InputOp, top::WeightOp, top::NoneOp, tpu::CastOp>(op) ||
        op->getNumResults() == 0 ||
        (op->getDialect() && op->getDialect()->getNamespace() != "tpu" &&
         op->getDialect()->getNamespace() != "top"))
      return;
    ++total;
    if (op->getDialect()->getNamespace() == "top") {
      topOps.push_back(getName(op));
      ++counts["top-f32"];
      return;
    }
    mlir::Type element =
        mlir::cast<mlir::ShapedType>(op->getResult(0).getType())
            .getElementType();
    if (mlir::isa<mlir::quant::UniformQuantizedType>(element))
      ++counts["INT8"];
    else if (element.isF16())
      ++counts["F16"];
    else if (element.isBF16())
      ++counts["BF16"];
    else if (element.isF32())
      ++counts["F32"];
    else
      ++counts["other"];
  });
  std::string line = "model_deploy: " + std::to_string(total) + " ops:";
  bool first = true;
  for (llvm::StringRef key :
       {"INT8", "F16", "BF16", "F32", "top-f32", "other"}) {
    auto it = counts.find(key);
    if (it == counts.end())
      continue;
    line += (first ? " " : ", ") + std::to_string(it->second) + " " + key.str();
    first = false;
  }
  if (!topOps.empty()) {
    line += " [";
    for (size_t i = 0; i < topOps.size() && i < 8; ++i)
      line += (i ? ", " : "") + topOps[i];
    if (topOps.size() > 8)
      line += ", ...";
    line += "]";
  }
  return line;
}

/// The names of the tensors @main returns.
std::vector<std::string> outputNames(mlir::ModuleOp module) {
  std::vector<std::string> names;
  if (auto main = module.lookupSymbol<mlir::func::FuncOp>("main"))
    for (mlir::Value v : main.getBody().front().getTerminator()->getOperands())
      names.push_back(getName(v));
  return names;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::vector<const char *> args(argv, argv + argc);
  llvm::Expected<unsigned> threads = takeThreadsFlag(args);
  if (!threads)
    return fail(llvm::toString(threads.takeError()), kExitUsage);
  cl::HideUnrelatedOptions(category);
  if (!cl::ParseCommandLineOptions(
          static_cast<int>(args.size()), args.data(),
          "model_deploy: lower a Top model for a chip\n", &llvm::errs()))
    return kExitUsage;

  if (mlirPath.empty() || quantize.empty() || processor.empty() ||
      modelPath.empty())
    return fail("--mlir, --quantize, --processor and --model are required, "
                "command line",
                kExitUsage);
  const target::ChipSpec *spec =
      target::lookupChip(llvm::StringRef(processor).lower());
  if (!spec)
    return fail("unknown processor '" + processor +
                    "' (known: " + target::listChipNames() + "), command line",
                kExitUsage);
  std::optional<target::Mode> mode = target::symbolizeMode(quantize);
  if (!mode)
    return fail("unknown --quantize '" + quantize +
                    "' (expected INT8, F16, BF16 or F32), command line",
                kExitUsage);
  if (!spec->supports(*mode))
    return fail(target::stringifyMode(*mode) + " is not supported by " +
                spec->name + ", --quantize");
  if (asymmetric && (*mode != target::Mode::INT8 || !spec->int8Asymmetric))
    return fail(llvm::Twine("asymmetric INT8 is not supported by ") +
                spec->name +
                (*mode != target::Mode::INT8 ? " in a float mode" : "") +
                ", --asymmetric");
  if (*mode == target::Mode::INT8 && caliTable.empty())
    return fail("INT8 needs a calibration table (--calibration_table), "
                "command line");
  if (!testInput.empty() && testReference.empty())
    return fail("--test_input needs --test_reference, command line",
                kExitUsage);
  for (const std::string &path :
       {testInput.getValue(), testReference.getValue()})
    if (!path.empty() && !llvm::sys::fs::exists(path))
      return fail("file not found, " + path);
  CompareOptions compare;
  std::string tolerance = toleranceText;
  if (tolerance.empty())
    tolerance = *mode == target::Mode::INT8  ? "0.90,0.80"
                : *mode == target::Mode::F32 ? "0.99,0.99"
                                             : "0.99,0.90";
  if (llvm::Error err = parseTolerance(tolerance, compare, "--tolerance"))
    return fail(llvm::toString(std::move(err)), kExitUsage);
  for (const std::string &name : splitNameList(excepts))
    compare.excepts.push_back(name);

  auto buffer = llvm::MemoryBuffer::getFile(mlirPath);
  if (!buffer)
    return fail("cannot open the model: " + buffer.getError().message() + ", " +
                mlirPath);
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::quant::QuantizationDialect,
                  top::TopDialect, tpu::TpuDialect>();
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return fail("cannot parse the model, " + mlirPath);
  anchorWeightFile(*module, mlirPath);
  std::vector<std::string> outputs = outputNames(*module);

  std::string modelName = module->getName()
                              ? module->getName()->str()
                              : llvm::sys::path::stem(mlirPath).str();
  std::string prefix = modelName + "_" + spec->name.str() + "_" +
                       llvm::StringRef(target::stringifyMode(*mode)).lower();
  if (*mode == target::Mode::INT8)
    prefix += asymmetric ? "_asym" : "_sym";
  std::string tpuPath = siblingPath(modelPath, prefix + "_tpu.mlir");
  std::string weightPath = siblingPath(modelPath, prefix + "_tpu_weights.npz");

  llvm::StringRef outDir = llvm::sys::path::parent_path(tpuPath);
  if (!outDir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
      return fail("cannot create the output folder: " + ec.message() + ", " +
                  outDir);

  LoweringPipelineOptions options;
  options.chip = spec->name.str();
  options.mode = target::stringifyMode(*mode).str();
  options.calibrationTable = caliTable;
  options.qtable = quantizeTable;
  options.asymmetric = asymmetric;
  options.weightFile = weightPath;
  options.quantOutput = quantOutput;
  options.quantInput = quantInput;
  options.matmulPerChannel = matmulPerChannel;
  mlir::PassManager pm(&context);
  buildLoweringPipeline(pm, options);
  auto start = std::chrono::steady_clock::now();
  if (mlir::failed(pm.run(*module)))
    return fail("lowering failed, " + mlirPath);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  // One weight file next to the .mlir: weight-fold's, when an op folded,
  // replaces the lowering's under <prefix>_tpu_weights.npz, and
  // processor-top-optimize's intermediate goes (the lowering copied what it
  // kept). The module records the name only.
  if (std::optional<std::string> lowered = getWeightFile(*module))
    if (*lowered != weightPath)
      if (std::error_code ec = llvm::sys::fs::rename(*lowered, weightPath))
        return fail("cannot rename " + *lowered + " to " + weightPath + ": " +
                    ec.message());
  llvm::sys::fs::remove(topOptimizeWeightFile(weightPath));
  setWeightFile(*module, llvm::sys::path::filename(weightPath));
  if (llvm::Error err = writeModuleFile(*module, tpuPath))
    return fail(llvm::toString(std::move(err)));
  llvm::errs() << llvm::format("model_deploy: lowered in %.3f s, wrote ",
                               seconds)
               << tpuPath << " and " << weightPath << "\n";
  llvm::errs() << summarize(*module) << "\n";

  if (!testInput.empty()) {
    llvm::Expected<NpzFile> inputs = NpzFile::load(testInput);
    if (!inputs)
      return fail(llvm::toString(inputs.takeError()));
    llvm::Expected<NpzFile> reference = NpzFile::load(testReference);
    if (!reference)
      return fail(llvm::toString(reference.takeError()));
    setWeightFile(*module, weightPath);
    llvm::Expected<NpzFile> results =
        runModule(*module, *inputs, /*allTensors=*/true, *threads,
                  /*dequantize=*/true);
    if (!results)
      return fail(llvm::toString(results.takeError()));
    std::string outPath = siblingPath(modelPath, prefix + "_tpu_outputs.npz");
    if (llvm::Error err = results->save(outPath))
      return fail(llvm::toString(std::move(err)));
    NpzFile compared;
    if (compareAll) {
      compared = std::move(*reference);
    } else {
      for (const std::string &name : outputs)
        if (const Array *array = reference->lookup(name))
          compared.set(name, *array);
    }
    CompareReport report = compareNpz(*results, compared, compare);
    report.print(llvm::outs());
    if (!report.passed())
      return kExitError;
  }
  llvm::errs() << "model_deploy: the bmodel is not written yet (codegen is a "
                  "later step); "
               << modelPath << " was not created\n";
  return 0;
}
