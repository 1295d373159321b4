//===- Calibrator.cpp - activation calibration of a Top module
//-------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The statistics pass runs every sample through one ModuleInterpreter whose
// tensor callback feeds a TensorStats per tensor; only what the method needs
// is collected (a histogram for KLD, tails for the percentile, per-sample
// thresholds for OCTAV and ACIQ). Auto-tune then reruns the tune samples on
// an interpreter that keeps every tensor and, for each op and each of its
// activation inputs, tries candidate thresholds between the untuned one and
// abs-max with invokeAt.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/Calibrator.h"
#include "tpuc/Calibration/Statistics.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Interpreter/ModuleInterpreter.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Parallel.h"
#include "tpuc/Support/Progress.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace mlir;
using namespace tpuc;
using namespace tpuc::calibration;

StringRef calibration::getMethodName(Method method) {
  switch (method) {
  case Method::Kl:
    return "kl";
  case Method::Mse:
    return "mse";
  case Method::Max:
    return "max";
  case Method::Percentile9999:
    return "percentile9999";
  case Method::AciqGauss:
    return "aciq_gauss";
  case Method::AciqLaplace:
    return "aciq_laplace";
  }
  return "kl";
}

std::optional<Method> calibration::parseMethod(StringRef text) {
  text.consume_front("use_");
  return llvm::StringSwitch<std::optional<Method>>(text)
      .Cases("kl", "kld", Method::Kl)
      .Case("mse", Method::Mse)
      .Case("max", Method::Max)
      .Case("percentile9999", Method::Percentile9999)
      .Case("aciq_gauss", Method::AciqGauss)
      .Case("aciq_laplace", Method::AciqLaplace)
      .Default(std::nullopt);
}

namespace {
/// What the statistics pass gathers about one tensor.
struct TensorStats {
  RangeStats range;
  std::optional<AbsHistogram> histogram;
  std::optional<TailTracker> tails;
  /// Sum and count of per-sample thresholds (OCTAV, ACIQ).
  double thresholdSum = 0;
  int64_t thresholdCount = 0;
  int64_t numElements = 0;
};

/// An op whose activation inputs auto-tune refines.
struct TuneTarget {
  std::string op;
  /// Operand positions and tensor names of the activation inputs.
  SmallVector<std::pair<unsigned, std::string>> inputs;
  unsigned numOperands = 0;
};

bool isActivation(Value value) {
  Operation *def = value.getDefiningOp();
  return !def || !isa<top::WeightOp, top::NoneOp>(def);
}

/// Fake-quantizes `data` to symmetric int8 with threshold `threshold`.
void fakeQuantize(ArrayRef<float> data, double threshold,
                  std::vector<float> &out) {
  out.resize(data.size());
  const double scale = 127.0 / threshold, inverse = threshold / 127.0;
  for (size_t i = 0; i < data.size(); ++i) {
    double q = std::nearbyint(double(data[i]) * scale);
    q = std::clamp(q, -128.0, 127.0);
    out[i] = static_cast<float>(q * inverse);
  }
}

/// ‖ref − out‖₂ / ‖ref‖₁ over all results; negative when undefined.
double tuneDistance(ArrayRef<std::vector<float>> reference,
                    ArrayRef<std::vector<float>> output) {
  double squared = 0, l1 = 0;
  for (size_t r = 0; r < reference.size() && r < output.size(); ++r) {
    const std::vector<float> &a = reference[r], &b = output[r];
    if (a.size() != b.size())
      return -1;
    for (size_t i = 0; i < a.size(); ++i) {
      double d = double(a[i]) - double(b[i]);
      squared += d * d;
      l1 += std::fabs(double(a[i]));
    }
  }
  if (!(l1 > 0) || !std::isfinite(squared))
    return -1;
  return std::sqrt(squared) / l1;
}

class CalibratorImpl {
public:
  CalibratorImpl(ModuleOp module, ArrayRef<InputSpec> inputs,
                 const CalibrationOptions &options)
      : module(module), inputs(inputs), options(options) {}

  Expected<CalibrationRun> run(ArrayRef<Sample> samples);

private:
  ModuleOp module;
  ArrayRef<InputSpec> inputs;
  const CalibrationOptions &options;
  StringMap<TensorStats> stats;
  std::vector<std::string> tensorOrder;
  StringMap<bool> isInput;
  int64_t numSamples = 0;

  void warn(const Twine &message) {
    if (options.log)
      options.log(message.str());
  }
  std::unique_ptr<Progress> progress(StringRef what, StringRef unit,
                                     int64_t total) {
    return options.makeProgress ? options.makeProgress(what, unit, total)
                                : nullptr;
  }
  void collect(StringRef name, ArrayRef<float> data, size_t tensorIndex);
  Error gatherStatistics(ArrayRef<Sample> samples);
  CalibrationTable makeTable(const StringMap<double> &thresholds) const;
  StringMap<double> computeThresholds();
  Expected<StringMap<double>> tune(ArrayRef<Sample> tuneSamples,
                                   const StringMap<double> &untuned);
  Error loadInputs(ModuleInterpreter &interpreter, const Sample &sample);
};
} // namespace

void CalibratorImpl::collect(StringRef name, ArrayRef<float> data,
                             size_t tensorIndex) {
  TensorStats &s = stats[name];
  s.numElements = static_cast<int64_t>(data.size());
  const bool input = isInput.lookup(name);
  if (options.method == Method::Kl && !input) {
    // The histogram pass measures the range too.
    if (!s.histogram)
      s.histogram.emplace(options.histogramBins);
    s.range.merge(s.histogram->addMeasured(data));
    return;
  }
  RangeStats sample;
  sample.add(data);
  s.range.merge(sample);
  if (input)
    return; // inputs take abs-max, whatever the method
  switch (options.method) {
  case Method::Kl:
    break;
  case Method::Percentile9999:
    if (!s.tails)
      s.tails.emplace(tailSizeFor(numSamples * s.numElements, 99.99));
    s.tails->add(data);
    break;
  case Method::Mse: {
    if (!sample.seen)
      break;
    s.thresholdSum += octavThreshold(data, sample.min >= 0);
    ++s.thresholdCount;
    break;
  }
  case Method::AciqGauss: {
    if (!sample.seen)
      break;
    s.thresholdSum += aciqGaussThreshold(sample.min, sample.max,
                                         static_cast<int64_t>(data.size()));
    ++s.thresholdCount;
    break;
  }
  case Method::AciqLaplace:
    s.thresholdSum += aciqLaplaceThreshold(data);
    ++s.thresholdCount;
    break;
  case Method::Max:
    break;
  }
  (void)tensorIndex;
}

Error CalibratorImpl::loadInputs(ModuleInterpreter &interpreter,
                                 const Sample &sample) {
  Expected<NpzFile> data = loadSample(sample, inputs);
  if (!data)
    return data.takeError();
  for (const InputSpec &input : inputs) {
    const Array *array = data->lookup(input.name);
    if (!array)
      return makeError("sample has no value for input '" + input.name + "'",
                       sample.origin);
    if (Error err = interpreter.setInput(input.name, array->toFloat()))
      return makeError(toString(std::move(err)), sample.origin);
  }
  return Error::success();
}

Error CalibratorImpl::gatherStatistics(ArrayRef<Sample> samples) {
  InterpreterOptions interpreterOptions;
  interpreterOptions.threads = options.threads;
  Expected<std::unique_ptr<ModuleInterpreter>> interpreter =
      ModuleInterpreter::create(module, interpreterOptions);
  if (!interpreter)
    return interpreter.takeError();
  ModuleInterpreter &interp = **interpreter;
  for (const std::string &name : interp.getInputNames())
    isInput[name] = true;
  tensorOrder.assign(interp.getTensorNames().begin(),
                     interp.getTensorNames().end());
  StringMap<size_t> indexOf;
  for (size_t i = 0; i < tensorOrder.size(); ++i)
    indexOf[tensorOrder[i]] = i;
  if (!options.inferenceOnly)
    interp.addTensorCallback(
        [&](StringRef name, ArrayRef<float> data, ArrayRef<int64_t>) {
          collect(name, data, indexOf.lookup(name));
        });

  std::unique_ptr<Progress> report =
      progress("calibration", "samples", static_cast<int64_t>(samples.size()));
  for (const Sample &sample : samples) {
    if (Error err = loadInputs(interp, sample))
      return err;
    if (Error err = interp.invoke())
      return makeError("inference failed: " + toString(std::move(err)),
                       sample.origin);
    if (report)
      report->advance();
  }
  if (report)
    report->finish();
  return Error::success();
}

StringMap<double> CalibratorImpl::computeThresholds() {
  StringMap<double> thresholds;
  const double depthStep =
      tensorOrder.empty() ? 0
                          : (99.999999 - 99.99) / double(tensorOrder.size());
  for (size_t index = 0; index < tensorOrder.size(); ++index) {
    const std::string &name = tensorOrder[index];
    TensorStats &s = stats[name];
    double absMax = s.range.absMax;
    double threshold = absMax;
    if (!isInput.lookup(name)) {
      switch (options.method) {
      case Method::Kl:
        if (s.histogram)
          threshold =
              kldThreshold(s.histogram->getCounts(), s.histogram->getWidth());
        break;
      case Method::Percentile9999:
        if (s.tails && s.tails->getCount() > 0) {
          // TPU-MLIR's rule: the percentile rises with the tensor's depth.
          double percent = 99.99 + double(index) * depthStep;
          double high = s.tails->percentile(percent);
          double low = s.tails->percentile(100.0 - percent);
          threshold = std::max(std::fabs(high), std::fabs(low));
          s.range.min = low;
          s.range.max = high;
        }
        break;
      case Method::Mse:
      case Method::AciqGauss:
      case Method::AciqLaplace:
        if (s.thresholdCount > 0)
          threshold = s.thresholdSum / double(s.thresholdCount);
        break;
      case Method::Max:
        break;
      }
    }
    if (absMax > 0 && threshold > absMax)
      threshold = absMax;
    if (!s.range.seen || absMax == 0) {
      warn("warning: tensor '" + name + "' is all zeros, threshold set to " +
           formatv("{0}", kMinThreshold).str());
      threshold = kMinThreshold;
    } else if (!(threshold >= kMinThreshold)) {
      threshold = kMinThreshold;
    }
    if (options.debugLog)
      warn(formatv("{0}: threshold {1:e} min {2:e} max {3:e} abs-max {4:e}",
                   name, threshold, s.range.min, s.range.max, absMax)
               .str());
    thresholds[name] = threshold;
  }
  return thresholds;
}

CalibrationTable
CalibratorImpl::makeTable(const StringMap<double> &thresholds) const {
  CalibrationTable table;
  table.mlirFile = options.mlirFile;
  table.method = getMethodName(options.method).str();
  table.histogramBins = options.histogramBins;
  table.sampleCount = numSamples;
  for (const std::string &name : tensorOrder) {
    const TensorStats &s = stats.find(name)->second;
    TableEntry entry;
    entry.name = name;
    entry.threshold = thresholds.lookup(name);
    entry.min = s.range.seen ? s.range.min : 0;
    entry.max = s.range.seen ? s.range.max : 0;
    if (options.symmetric) {
      entry.min = -entry.threshold;
      entry.max = entry.threshold;
    }
    table.entries.push_back(std::move(entry));
  }
  return table;
}

Expected<StringMap<double>>
CalibratorImpl::tune(ArrayRef<Sample> tuneSamples,
                     const StringMap<double> &untuned) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  std::vector<TuneTarget> targets;
  for (Operation &op : main.getBody().front()) {
    if (isa<top::InputOp, top::WeightOp, top::NoneOp, func::ReturnOp>(op) ||
        op.getNumResults() == 0)
      continue;
    TuneTarget target;
    target.op = getName(&op);
    target.numOperands = op.getNumOperands();
    for (OpOperand &operand : op.getOpOperands())
      if (isActivation(operand.get())) {
        std::string name = getName(operand.get());
        auto it = untuned.find(name);
        if (it == untuned.end())
          continue;
        // Nothing to try when the untuned threshold already is abs-max.
        if (it->second >= stats.find(name)->second.range.absMax)
          continue;
        target.inputs.push_back({operand.getOperandNumber(), name});
      }
    if (!target.inputs.empty())
      targets.push_back(std::move(target));
  }

  InterpreterOptions interpreterOptions;
  interpreterOptions.threads = options.threads;
  interpreterOptions.keepAllTensors = true;
  Expected<std::unique_ptr<ModuleInterpreter>> interpreter =
      ModuleInterpreter::create(module, interpreterOptions);
  if (!interpreter)
    return interpreter.takeError();
  ModuleInterpreter &interp = **interpreter;

  const int64_t steps = std::max<int64_t>(options.tuneSteps, 2);
  auto candidate = [&](StringRef name, int64_t step) {
    double low = untuned.lookup(name);
    double high = stats.find(name)->second.range.absMax;
    return low + (high - low) * double(step) / double(steps - 1);
  };
  // distances[target][input][step], summed over the tune samples; a
  // candidate whose op cannot run on quantized data is dropped (NaN).
  std::vector<std::vector<std::vector<double>>> distances(targets.size());
  for (size_t t = 0; t < targets.size(); ++t)
    distances[t].assign(targets[t].inputs.size(),
                        std::vector<double>(steps, 0.0));

  std::unique_ptr<Progress> report =
      progress("auto-tune", "ops",
               static_cast<int64_t>(targets.size() * tuneSamples.size()));
  std::vector<float> quantized;
  for (const Sample &sample : tuneSamples) {
    if (Error err = loadInputs(interp, sample))
      return err;
    if (Error err = interp.invoke())
      return makeError("inference failed: " + toString(std::move(err)),
                       sample.origin);
    for (size_t t = 0; t < targets.size(); ++t) {
      const TuneTarget &target = targets[t];
      std::vector<ArrayRef<float>> operands(target.numOperands);
      Expected<std::vector<std::vector<float>>> reference =
          interp.invokeAt(target.op, operands);
      if (!reference) {
        consumeError(reference.takeError());
        for (auto &perInput : distances[t])
          std::fill(perInput.begin(), perInput.end(), NAN);
        continue;
      }
      for (size_t i = 0; i < target.inputs.size(); ++i) {
        const auto &[position, name] = target.inputs[i];
        Expected<ArrayRef<float>> value = interp.getTensor(name);
        if (!value)
          return value.takeError();
        std::vector<float> original(value->begin(), value->end());
        for (int64_t step = 0; step < steps; ++step) {
          fakeQuantize(original, candidate(name, step), quantized);
          operands[position] = quantized;
          Expected<std::vector<std::vector<float>>> output =
              interp.invokeAt(target.op, operands);
          double distance = -1;
          if (output)
            distance = tuneDistance(*reference, *output);
          else
            consumeError(output.takeError());
          distances[t][i][step] += distance < 0 ? NAN : distance;
        }
        operands[position] = ArrayRef<float>();
      }
      if (report)
        report->advance();
    }
  }
  if (report)
    report->finish();

  // Each (op, input) keeps its best candidate; a tensor feeding several
  // ops takes the largest of their choices.
  StringMap<double> tuned;
  for (size_t t = 0; t < targets.size(); ++t)
    for (size_t i = 0; i < targets[t].inputs.size(); ++i) {
      const std::string &name = targets[t].inputs[i].second;
      const std::vector<double> &d = distances[t][i];
      int64_t best = -1;
      for (int64_t step = 0; step < steps; ++step)
        if (std::isfinite(d[step]) && (best < 0 || d[step] < d[best]))
          best = step;
      if (best < 0)
        continue;
      double threshold = candidate(name, best);
      auto [it, inserted] = tuned.try_emplace(name, threshold);
      if (!inserted)
        it->second = std::max(it->second, threshold);
      if (options.debugLog)
        warn(formatv("auto-tune: {0} input '{1}': {2:e} -> {3:e}",
                     targets[t].op, name, untuned.lookup(name), threshold)
                 .str());
    }
  StringMap<double> result = untuned;
  for (auto &entry : tuned)
    result[entry.getKey()] = entry.getValue();
  return result;
}

Expected<CalibrationRun> CalibratorImpl::run(ArrayRef<Sample> samples) {
  if (samples.empty())
    return makeError("no calibration samples", "dataset");
  ThreadCountScope threads(options.threads ? options.threads
                                           : getHardwareThreadCount());
  numSamples = static_cast<int64_t>(samples.size());
  if (Error err = gatherStatistics(samples))
    return std::move(err);
  if (options.inferenceOnly)
    return CalibrationRun();
  StringMap<double> thresholds = computeThresholds();

  CalibrationRun run;
  bool tunable = options.method == Method::Kl ||
                 options.method == Method::AciqGauss ||
                 options.method == Method::AciqLaplace;
  ArrayRef<Sample> tuneSamples = options.tuneSamples;
  if (tuneSamples.empty())
    tuneSamples = samples.take_front(std::min<size_t>(
        samples.size(), std::max<int64_t>(options.tuneCount, 0)));
  if (!tunable || options.tuneCount <= 0 || tuneSamples.empty()) {
    run.table = makeTable(thresholds);
    return run;
  }
  run.untuned = makeTable(thresholds);
  Expected<StringMap<double>> tuned = tune(tuneSamples, thresholds);
  if (!tuned)
    return tuned.takeError();
  run.table = makeTable(*tuned);
  run.table.tuneCount = static_cast<int64_t>(tuneSamples.size());
  return run;
}

Expected<CalibrationRun>
calibration::calibrate(ModuleOp module, ArrayRef<Sample> samples,
                       ArrayRef<InputSpec> inputs,
                       const CalibrationOptions &options) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return makeError("the module has no func.func @main", "model");
  CalibratorImpl impl(module, inputs, options);
  return impl.run(samples);
}
