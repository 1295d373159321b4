//===- model_runner.cpp - run a model on an npz of inputs -----------------===//
//
// Part of tpuc. Runs a model (a Top or Tpu .mlir through the interpreter) on
// the inputs of an npz and writes its outputs, or every tensor, to an npz:
//
//   model_runner --input in.npz --model m.mlir --output out.npz
//                [--dump_all_tensors] [--threads N] [--profile N]
//
// --profile N runs the model N more times with every op timed and prints
// the time per kind of op and the slowest ops to stderr (the output file
// is the same).
//
// Exit codes: 0 success, 1 bad input (unreadable npz or model, missing or
// misshapen input, ...), 2 bad command line.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Interpreter/ModuleInterpreter.h"
#include "tpuc/Support/CommandLine.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

using namespace tpuc;
namespace cl = llvm::cl;

static cl::OptionCategory category("model_runner options");
static cl::opt<std::string> inputPath("input", cl::Required,
                                      cl::desc("Input npz"),
                                      cl::value_desc("in.npz"),
                                      cl::cat(category));
static cl::opt<std::string> modelPath("model", cl::Required,
                                      cl::desc("Model: a .mlir"),
                                      cl::value_desc("model"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath("output", cl::Required,
                                       cl::desc("Output npz"),
                                       cl::value_desc("out.npz"),
                                       cl::cat(category));
static cl::opt<bool> dumpAllTensors(
    "dump_all_tensors",
    cl::desc("Write every tensor (inputs included), not only the outputs"),
    cl::cat(category));
static cl::opt<unsigned> profileRuns(
    "profile",
    cl::desc("Run the model N more times with every op timed and print the "
             "time per kind of op and the slowest ops to stderr"),
    cl::value_desc("N"), cl::init(0), cl::cat(category));
// --threads is taken out of argv before llvm::cl parses it (see
// tpuc/Support/CommandLine.h).
static cl::extrahelp threadsHelp(kThreadsHelp);

namespace {
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

int fail(llvm::Error error) {
  llvm::errs() << "error: " << llvm::toString(std::move(error)) << "\n";
  return kExitError;
}

/// Loads an .mlir model and runs it. Diagnostics about the IR are printed as
/// `<file>:<line>:<col>: error: ...`; any failure is returned as an error
/// (empty when the diagnostics already said it).
llvm::Expected<NpzFile> runMlir(llvm::StringRef path, const NpzFile &inputs,
                                bool allTensors, unsigned threadCount,
                                bool &reported) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot open the model: " + buffer.getError().message(),
                     path);
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::quant::QuantizationDialect,
                  top::TopDialect, tpu::TpuDialect>();
  mlir::MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module) {
    reported = true;
    return makeError("cannot parse the model", path);
  }
  anchorWeightFile(*module, path);
  std::vector<OpProfile> profile;
  llvm::Expected<NpzFile> outputs =
      runModule(*module, inputs, allTensors, threadCount, /*dequantize=*/false,
                profileRuns, &profile);
  if (outputs && profileRuns > 0)
    printProfile(llvm::errs(), profile, profileRuns);
  return outputs;
}

/// Runs the model at `path`, whatever its format (only .mlir so far).
llvm::Expected<NpzFile> runModel(llvm::StringRef path, const NpzFile &inputs,
                                 bool allTensors, unsigned threadCount,
                                 bool &reported) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".mlir")
    return runMlir(path, inputs, allTensors, threadCount, reported);
  return makeError("unsupported model format '" + ext + "' (expected a .mlir)",
                   path);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  std::vector<const char *> args(argv, argv + argc);
  llvm::Expected<unsigned> threads = takeThreadsFlag(args);
  if (!threads) {
    fail(threads.takeError());
    return kExitUsage;
  }
  if (!cl::ParseCommandLineOptions(
          args.size(), args.data(),
          "model_runner: run a model on an npz of inputs\n", &llvm::errs()))
    return kExitUsage;

  llvm::Expected<NpzFile> inputs = NpzFile::load(inputPath);
  if (!inputs)
    return fail(inputs.takeError());
  bool reported = false;
  llvm::Expected<NpzFile> outputs =
      runModel(modelPath, *inputs, dumpAllTensors, *threads, reported);
  if (!outputs) {
    if (reported) {
      llvm::consumeError(outputs.takeError());
      return kExitError;
    }
    return fail(outputs.takeError());
  }
  if (llvm::Error err = outputs->save(outputPath))
    return fail(std::move(err));
  return 0;
}
