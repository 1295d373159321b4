//===- interpreter_timing.cpp - in-process latency of the Top interpreter -===//
//
// Part of tpuc's benchmarks (bench/interpreter.py and bench/deploy.py build
// and run it; it is not part of the CMake build and not a test). It runs
// Top modules and lowered Tpu modules alike.
//
//   interpreter_timing MODEL.mlir INPUT.npz THREADS WARMUP ITERS PROFILE OUT.npz
//
// Does what model_runner does (parse the .mlir, ModuleInterpreter::create:
// weights loaded, buffers planned, every op's init), then times
// ModuleInterpreter::invoke alone: WARMUP untimed calls, ITERS timed ones.
// Then PROFILE more calls with a tensor callback that timestamps every op,
// for the per-op-type breakdown (not used for the latency). Writes the
// outputs of the last call to OUT.npz and one JSON object to stdout:
// parse/create times, every timed invoke in ms, resident set sizes (kB) at
// start, after create and at the peak (VmHWM), and per op type the mean ms
// and count per profiled invoke.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Interpreter/ModuleInterpreter.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace tpuc;
using Clock = std::chrono::steady_clock;

static double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM); -1 when unknown.
static long statusKb(const std::string &field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, field.size() + 1, field + ":") == 0)
      return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

/// The profile's class of an op: its name; convolutions split further into
/// depthwise, grouped, 1x1 and KxK ones.
static std::string profileKey(mlir::Operation *op) {
  std::string key = op->getName().getStringRef().str();
  if (key != "top.Conv" && key != "tpu.Conv2D")
    return key;
  int64_t group = 1;
  if (auto attr = op->getAttrOfType<mlir::IntegerAttr>("group"))
    group = attr.getInt();
  int64_t channels = 0;
  if (auto type = llvm::dyn_cast<mlir::RankedTensorType>(
          op->getOperand(0).getType()))
    if (type.getRank() > 1)
      channels = type.getDimSize(1);
  if (group > 1)
    return key + (group == channels ? " depthwise" : " grouped");
  std::string kernel;
  if (auto attr = op->getAttrOfType<mlir::ArrayAttr>("kernel_shape"))
    for (mlir::Attribute a : attr)
      if (auto i = llvm::dyn_cast<mlir::IntegerAttr>(a))
        kernel += (kernel.empty() ? "" : "x") + std::to_string(i.getInt());
  return key + " " + (kernel.empty() ? "other" : kernel);
}

static int fail(llvm::Error err) {
  llvm::errs() << "error: " << llvm::toString(std::move(err)) << "\n";
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    llvm::errs() << "usage: " << argv[0]
                 << " MODEL.mlir INPUT.npz THREADS WARMUP ITERS PROFILE "
                    "OUT.npz\n";
    return 2;
  }
  std::string modelPath = argv[1], inputPath = argv[2], outPath = argv[7];
  unsigned threads = std::atoi(argv[3]);
  int warmup = std::atoi(argv[4]), iters = std::atoi(argv[5]),
      profile = std::atoi(argv[6]);
  long rssStart = statusKb("VmRSS");

  auto t0 = Clock::now();
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect, mlir::quant::QuantizationDialect,
                  top::TopDialect, tpu::TpuDialect>();
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(modelPath, &context);
  if (!module) {
    llvm::errs() << "error: cannot parse " << modelPath << "\n";
    return 1;
  }
  anchorWeightFile(*module, modelPath);
  double parseMs = msSince(t0);

  t0 = Clock::now();
  InterpreterOptions options;
  options.threads = threads;
  auto created = ModuleInterpreter::create(*module, options);
  if (!created)
    return fail(created.takeError());
  ModuleInterpreter &interp = **created;
  double createMs = msSince(t0);
  long rssCreated = statusKb("VmRSS");

  auto inputs = NpzFile::load(inputPath);
  if (!inputs)
    return fail(inputs.takeError());
  llvm::ArrayRef<std::string> inputNames = interp.getInputNames();
  if (inputs->size() != inputNames.size()) {
    llvm::errs() << "error: the model has " << inputNames.size()
                 << " inputs, the npz " << inputs->size() << "\n";
    return 1;
  }
  auto entry = inputs->begin();
  for (const std::string &name : inputNames) {
    const Array *array = inputs->lookup(name);
    if (!array)
      array = &(entry++)->array;
    if (llvm::Error err = interp.setInput(name, array->toFloat()))
      return fail(std::move(err));
  }

  for (int i = 0; i < warmup; ++i)
    if (llvm::Error err = interp.invoke())
      return fail(std::move(err));
  std::vector<double> times;
  for (int i = 0; i < iters; ++i) {
    t0 = Clock::now();
    if (llvm::Error err = interp.invoke())
      return fail(std::move(err));
    times.push_back(msSince(t0));
  }

  // Per-op-type profile: the time from the previous tensor's callback (or
  // the start of invoke) to this one is the op's.
  std::map<std::string, std::string> opType; // tensor name -> op type
  module->walk([&](mlir::Operation *op) {
    for (mlir::Value result : op->getResults())
      opType[getName(result)] = profileKey(op);
  });
  std::map<std::string, double> perType;
  std::map<std::string, int> countType;
  Clock::time_point last;
  bool profiling = false;
  interp.addTensorCallback([&](llvm::StringRef name, llvm::ArrayRef<float>,
                               llvm::ArrayRef<int64_t>) {
    if (!profiling)
      return;
    Clock::time_point now = Clock::now();
    auto it = opType.find(name.str());
    std::string type = it == opType.end() ? "other" : it->second;
    perType[type] += std::chrono::duration<double, std::milli>(now - last).count();
    countType[type] += 1;
    last = Clock::now();
  });
  profiling = true;
  for (int i = 0; i < profile; ++i) {
    last = Clock::now();
    if (llvm::Error err = interp.invoke())
      return fail(std::move(err));
  }

  NpzFile out;
  for (const std::string &name : interp.getOutputNames()) {
    auto data = interp.getTensor(name);
    if (!data)
      return fail(data.takeError());
    auto shape = interp.getShape(name);
    if (!shape)
      return fail(shape.takeError());
    out.set(name, Array::fromFloat(*shape, *data));
  }
  if (llvm::Error err = out.save(outPath))
    return fail(std::move(err));

  // VmHWM, not getrusage's ru_maxrss: the latter keeps the high-water
  // mark of the parent that forked this process (a Python driver holding
  // torch), across exec.
  llvm::outs() << "{\"parse_ms\": " << parseMs << ", \"create_ms\": "
               << createMs << ", \"rss_start_kb\": " << rssStart
               << ", \"rss_created_kb\": " << rssCreated
               << ", \"peak_rss_kb\": " << statusKb("VmHWM")
               << ", \"times_ms\": [";
  for (size_t i = 0; i < times.size(); ++i)
    llvm::outs() << (i ? ", " : "") << times[i];
  llvm::outs() << "], \"profile_ms\": {";
  bool first = true;
  for (auto &[type, ms] : perType) {
    llvm::outs() << (first ? "" : ", ") << "\"" << type << "\": ["
                 << (profile ? ms / profile : 0.0) << ", "
                 << (profile ? countType[type] / profile : 0) << "]";
    first = false;
  }
  llvm::outs() << "}}\n";
  return 0;
}
