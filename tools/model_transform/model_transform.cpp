//===- model_transform.cpp - ONNX model to Top MLIR -----------------------===//
//
// Part of tpuc. Imports an ONNX model into the Top dialect, runs the Top
// pipeline, writes the .mlir and its weight npz, and, given a test input,
// validates the Top interpreter against onnxruntime tensor by tensor.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/InputSpec.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Frontend/Onnx/Importer.h"
#include "tpuc/Frontend/Onnx/Reference.h"
#include "tpuc/Interpreter/ModuleInterpreter.h"
#include "tpuc/Support/CommandLine.h"
#include "tpuc/Support/Compare.h"
#include "tpuc/Support/Dataset.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace tpuc;
namespace cl = llvm::cl;

static cl::OptionCategory category("model_transform options");

static cl::opt<std::string> modelName("model_name", cl::desc("Model name (prefix of the output files)"), cl::cat(category));
static cl::opt<std::string> modelDef("model_def", cl::desc("The ONNX model (.onnx)"), cl::cat(category));
static cl::opt<std::string> inputShapesText("input_shapes", cl::desc("Input shapes, e.g. [[1,3,224,224],[1,10]]"), cl::cat(category));
static cl::opt<std::string> inputTypes("input_types", cl::desc("Input types (float32 only for now; accepted for compatibility)"), cl::cat(category));
static cl::opt<std::string> outputNamesText("output_names", cl::desc("Cut the graph at these tensors: a,b"), cl::cat(category));
static cl::opt<std::string> mlirPath("mlir", cl::desc("Output Top .mlir"), cl::cat(category));
static cl::opt<std::string> resizeDimsText("resize_dims", cl::desc("Image resize before crop: h,w"), cl::cat(category));
static cl::opt<bool> keepAspectRatio("keep_aspect_ratio", cl::desc("Letterbox when resizing"), cl::cat(category));
static cl::opt<double> padValue("pad_value", cl::desc("Letterbox pad value"), cl::init(0.0), cl::cat(category));
static cl::opt<std::string> meanText("mean", cl::desc("Per-channel mean: a,b,c"), cl::cat(category));
static cl::opt<std::string> scaleText("scale", cl::desc("Per-channel scale: a,b,c"), cl::cat(category));
static cl::opt<std::string> pixelFormat("pixel_format", cl::desc("rgb|bgr|gray|rgba"), cl::cat(category));
static cl::opt<std::string> channelFormat("channel_format", cl::desc("nchw|nhwc"), cl::cat(category));
static cl::opt<std::string> testInput("test_input", cl::desc("Validation input: image, .npz or .npy"), cl::cat(category));
static cl::opt<std::string> testResult("test_result", cl::desc("Top outputs npz (default <name>_top_outputs.npz)"), cl::cat(category));
static cl::opt<std::string> toleranceText("tolerance", cl::desc("Minimum cosine,euclidean similarity"), cl::init("0.99,0.99"), cl::cat(category));
static cl::opt<std::string> exceptsText("excepts", cl::desc("Tensors not compared: a,b"), cl::cat(category));
static cl::opt<std::string> debugCmd("debug_cmd", cl::desc("Debug switches (use_pil_resize)"), cl::cat(category));
static cl::opt<bool> debugFlag("debug", cl::desc("Keep onnxruntime's working files in <name>_onnxruntime/"), cl::cat(category));
static cl::opt<bool> listOps("list_supported_ops", cl::desc("Print the ONNX op types that can be imported and exit"), cl::cat(category));
static cl::extrahelp threadsHelp(kThreadsHelp);

/// Prints `error: <message>` and returns `code`.
static int fail(const Twine &message, int code = 1) {
  llvm::errs() << "error: " << message << "\n";
  return code;
}

static SmallVector<std::string> splitList(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/false);
  SmallVector<std::string> out;
  for (StringRef p : parts)
    out.push_back(p.trim().str());
  return out;
}

/// Parses "a,b,c" into doubles; failure on a non-number.
static bool parseDoubles(StringRef flag, StringRef text,
                         std::vector<double> &out) {
  for (const std::string &item : splitList(text)) {
    double v;
    if (StringRef(item).getAsDouble(v)) {
      llvm::errs() << "error: --" << flag << " expects numbers separated by "
                   << "commas, got '" << text << "', command line\n";
      return false;
    }
    out.push_back(v);
  }
  return true;
}

static bool parseInts(StringRef flag, StringRef text,
                      std::vector<int64_t> &out) {
  for (const std::string &item : splitList(text)) {
    int64_t v;
    if (StringRef(item).getAsInteger(10, v)) {
      llvm::errs() << "error: --" << flag << " expects integers separated by "
                   << "commas, got '" << text << "', command line\n";
      return false;
    }
    out.push_back(v);
  }
  return true;
}

/// Parses [[1,3,224,224],[1,10]] (also [1,3,224,224] for one input).
static bool parseShapes(StringRef text,
                        std::vector<std::vector<int64_t>> &shapes) {
  std::string compact;
  for (char c : text)
    if (!isspace(static_cast<unsigned char>(c)))
      compact += c;
  StringRef rest(compact);
  auto bad = [&]() {
    llvm::errs() << "error: --input_shapes must look like [[1,3,224,224]] or "
                    "[[1,3,224,224],[1,10]], got '"
                 << text << "', command line\n";
    return false;
  };
  bool nested = rest.starts_with("[[");
  if (!rest.consume_front("[") || !rest.consume_back("]"))
    return bad();
  if (!nested) {
    std::vector<int64_t> shape;
    if (!parseInts("input_shapes", rest, shape))
      return false;
    shapes.push_back(shape);
    return !shape.empty() || bad();
  }
  while (!rest.empty()) {
    if (!rest.consume_front("["))
      return bad();
    size_t close = rest.find(']');
    if (close == StringRef::npos)
      return bad();
    std::vector<int64_t> shape;
    if (!parseInts("input_shapes", rest.take_front(close), shape))
      return false;
    if (shape.empty())
      return bad();
    shapes.push_back(shape);
    rest = rest.drop_front(close + 1);
    if (!rest.empty() && !rest.consume_front(","))
      return bad();
  }
  return !shapes.empty() || bad();
}

/// The path of an output file `<dir of --mlir>/<name><suffix>`.
static std::string outputPath(StringRef suffix) {
  SmallString<256> path(llvm::sys::path::parent_path(mlirPath));
  llvm::sys::path::append(path, modelName + suffix);
  return std::string(path);
}

/// Builds the model inputs from --test_input.
static llvm::Expected<NpzFile> loadTestInput(func::FuncOp main) {
  std::vector<InputSpec> inputs = getInputSpecs(main);
  bool pil = StringRef(debugCmd).contains("use_pil_resize");
  for (InputSpec &input : inputs)
    input.preprocess.usePilResize = pil;
  Sample sample;
  sample.files.push_back(testInput);
  sample.origin = testInput;
  return loadSample(sample, inputs);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::vector<const char *> args(argv, argv + argc);
  llvm::Expected<unsigned> threadsOrError = takeThreadsFlag(args);
  if (!threadsOrError)
    return fail(llvm::toString(threadsOrError.takeError()), 2);
  unsigned threads = *threadsOrError;
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(static_cast<int>(args.size()), args.data(),
                              "model_transform: ONNX model to Top MLIR\n");
  if (listOps) {
    for (const std::string &op : getSupportedOnnxOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (modelName.empty() || modelDef.empty() || mlirPath.empty())
    return fail("--model_name, --model_def and --mlir are required, "
                "command line", 2);
  if (!inputTypes.empty())
    for (const std::string &t : splitList(inputTypes))
      if (t != "float32")
        return fail("--input_types supports float32 only, got '" + t +
                    "', command line", 2);

  OnnxImportOptions options;
  if (!inputShapesText.empty() &&
      !parseShapes(inputShapesText, options.inputShapes))
    return 2;
  for (const std::string &name : splitList(outputNamesText))
    options.outputNames.push_back(name);
  if (!parseInts("resize_dims", resizeDimsText, options.resizeDims) ||
      !parseDoubles("mean", meanText, options.mean) ||
      !parseDoubles("scale", scaleText, options.scale))
    return 2;
  std::vector<double> tolerance;
  if (!parseDoubles("tolerance", toleranceText, tolerance))
    return 2;
  if (tolerance.size() != 2)
    return fail("--tolerance needs two values cosine,euclidean, got '" +
                toleranceText + "', command line", 2);
  options.pixelFormat = pixelFormat;
  options.channelFormat = channelFormat;
  options.keepAspectRatio = keepAspectRatio;
  options.padValue = padValue;
  std::string weightPath = outputPath("_top_f32_all_weight.npz");
  options.weightFile = llvm::sys::path::filename(weightPath).str();

  DialectRegistry registry;
  registry.insert<func::FuncDialect, quant::QuantizationDialect,
                  top::TopDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::errs() << "model_transform: importing " << modelDef << "\n";
  llvm::Expected<OnnxImport> imported = importOnnx(context, modelDef, options);
  if (!imported)
    return fail(llvm::toString(imported.takeError()));
  ModuleOp module = *imported->module;

  // The Top pipeline resolves the weight file next to the module; give it
  // the weights first.
  if (llvm::Error err = imported->weights.save(weightPath))
    return fail(llvm::toString(std::move(err)));
  PassManager pm(&context);
  top::buildTopPipeline(pm);
  {
    // Diagnostics name the tensor; the pipeline's weight check needs the
    // weight file path relative to the working directory.
    setWeightFile(module, weightPath);
    if (failed(pm.run(module)))
      return fail("the Top pipeline failed, " + modelDef);
    setWeightFile(module, options.weightFile);
  }
  if (llvm::Error err = writeModuleFile(module, mlirPath))
    return fail(llvm::toString(std::move(err)));
  llvm::errs() << "model_transform: wrote " << mlirPath << " and "
               << weightPath << "\n";

  if (testInput.empty())
    return 0;
  if (!llvm::sys::fs::exists(testInput))
    return fail("test input not found, " + testInput);
  auto main = module.lookupSymbol<func::FuncOp>("main");
  llvm::Expected<NpzFile> inputs = loadTestInput(main);
  if (!inputs)
    return fail(llvm::toString(inputs.takeError()));
  std::string inPath = outputPath("_in_f32.npz");
  if (llvm::Error err = inputs->save(inPath))
    return fail(llvm::toString(std::move(err)));

  llvm::errs() << "model_transform: running onnxruntime\n";
  ReferenceOptions refOptions;
  refOptions.allTensors = true;
  if (debugFlag)
    refOptions.workDir = outputPath("_onnxruntime");
  llvm::Expected<NpzFile> reference =
      runOnnxReference(modelDef, *inputs, refOptions);
  if (!reference)
    return fail(llvm::toString(reference.takeError()));
  if (llvm::Error err = reference->save(outputPath("_ref_outputs.npz")))
    return fail(llvm::toString(std::move(err)));

  llvm::errs() << "model_transform: running the Top interpreter\n";
  // The interpreter resolves the weight file relative to the working
  // directory or the module's file; give it the full path.
  setWeightFile(module, weightPath);
  llvm::Expected<NpzFile> outputs =
      runModule(module, *inputs, /*allTensors=*/true, threads);
  setWeightFile(module, options.weightFile);
  if (!outputs)
    return fail(llvm::toString(outputs.takeError()));
  std::string resultPath =
      testResult.empty() ? outputPath("_top_outputs.npz") : testResult.getValue();
  if (llvm::Error err = outputs->save(resultPath))
    return fail(llvm::toString(std::move(err)));

  CompareOptions compare;
  compare.cosineTolerance = tolerance[0];
  compare.euclideanTolerance = tolerance[1];
  for (const std::string &name : splitList(exceptsText))
    compare.excepts.push_back(name);
  CompareReport report = compareNpz(*outputs, *reference, compare);
  report.print(llvm::outs());
  return report.passed() ? 0 : 1;
}
