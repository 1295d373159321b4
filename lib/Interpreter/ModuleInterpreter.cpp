//===- ModuleInterpreter.cpp - runs a tpuc module on float buffers --------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The module is flattened into steps (one per op of @main, in order) over
// numbered tensors. Every tensor lives in a slot (a float buffer): inputs,
// weights and kept tensors in slots of their own; other activations in
// slots shared by liveness, assigned once at creation. A slot remembers
// which tensor wrote it last (its owner), so reading a tensor whose buffer
// was reused is detected instead of returning another tensor's data.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Interpreter/ModuleInterpreter.h"

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Interfaces/InferenceInterface.h"
#include "tpuc/Interfaces/ShapeInterface.h"
#include "tpuc/Support/Error.h"
#include "tpuc/Support/Parallel.h"
#include "tpuc/Support/QuantMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>

using namespace mlir;
using llvm::Error;
using llvm::Expected;

namespace tpuc {

namespace {

enum class TensorKind { Argument, Weight, Activation };
enum class StepKind { None, Weight, Input, Compute };

struct Tensor {
  /// Empty for an argument that is exposed through its top.Input.
  std::string name;
  SmallVector<int64_t, 4> shape;
  int64_t size = 1;
  TensorKind kind = TensorKind::Activation;
  bool kept = false;
  int slot = -1;
  /// The step producing it (-1 for arguments) and the last step reading
  /// it (the number of steps for function outputs).
  int producer = -1;
  int lastUse = -1;
};

struct Slot {
  std::vector<float> data;
  int64_t capacity = 0;
  bool dedicated = false;
  /// The tensor whose value the slot holds, -1 when none.
  int owner = -1;
};

struct Step {
  Operation *op = nullptr;
  StepKind kind = StepKind::None;
  std::string name;
  /// Tensor ids; -1 for a `none` operand.
  SmallVector<int, 4> operands;
  SmallVector<int, 2> results;
  InferenceParameter param;
  bool initialized = false;
  /// InterpreterOptions::profile: runs timed and their total time.
  int64_t profileCalls = 0;
  double profileMs = 0;
};

std::string describeLoc(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->getLoc().print(os);
  return text;
}

/// Collects the MLIR diagnostics emitted while it lives (ops report
/// inference failures as diagnostics) instead of printing them.
class DiagnosticCapture {
public:
  explicit DiagnosticCapture(MLIRContext *context)
      : handler(context, [this](Diagnostic &diag) {
          if (message.empty())
            message = diag.str();
          return success();
        }) {}

  /// The first message, or `fallback` when there was none.
  std::string take(StringRef fallback) {
    std::string result = message.empty() ? fallback.str() : message;
    message.clear();
    return result;
  }

private:
  std::string message;
  ScopedDiagnosticHandler handler;
};

} // namespace

struct ModuleInterpreter::Impl {
  ModuleOp module;
  InterpreterOptions options;
  std::vector<Tensor> tensors;
  std::vector<Slot> slots;
  std::vector<Step> steps;
  llvm::DenseMap<Value, int> tensorOf;
  llvm::StringMap<int> tensorByName;
  llvm::StringMap<int> stepByName;
  std::vector<std::string> inputNames, outputNames, tensorNames, weightNames;
  std::vector<int> inputTensors; // the argument tensor of each input
  std::vector<bool> inputSet;
  std::vector<TensorCallback> callbacks;
  MemoryStats stats;
  /// The typed weight arrays (see InferenceParameter::weights) by tensor id:
  /// weights whose array is not f32.
  llvm::DenseMap<int, std::unique_ptr<Array>> typedWeights;

  Error build();
  Error plan();
  Error loadWeights();
  Error initOps();

  int addTensor(Value value, TensorKind kind, std::string name, int producer);
  Expected<int> lookupTensor(StringRef name) const;
  Expected<int> lookupStep(StringRef name) const;
  bool holds(int tensor) const {
    return slots[tensors[tensor].slot].owner == tensor;
  }
  float *dataOf(int tensor) { return slots[tensors[tensor].slot].data.data(); }
  const float *dataOf(int tensor) const {
    return slots[tensors[tensor].slot].data.data();
  }
  void bind(Step &step);
  Error runStep(Step &step, DiagnosticCapture &diagnostics);
  void notify(const Step &step);
};

//===----------------------------------------------------------------------===//
// Building the steps
//===----------------------------------------------------------------------===//

int ModuleInterpreter::Impl::addTensor(Value value, TensorKind kind,
                                       std::string name, int producer) {
  auto type = cast<RankedTensorType>(value.getType());
  Tensor t;
  t.name = std::move(name);
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  for (int64_t d : t.shape)
    t.size *= d;
  t.kind = kind;
  t.producer = producer;
  int id = tensors.size();
  tensors.push_back(std::move(t));
  tensorOf[value] = id;
  return id;
}

Error ModuleInterpreter::Impl::build() {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.isExternal())
    return makeError("the module has no func.func @main with a body", "module");
  if (!main.getBody().hasOneBlock())
    return makeError("@main must have a single block", "func @main");
  Block &body = main.getBody().front();

  // The name of each argument: its first top.Input user's, else its own.
  SmallVector<std::string> argNames(body.getNumArguments());
  SmallVector<bool> hasInputOp(body.getNumArguments(), false);
  for (Operation &op : body)
    if (auto input = dyn_cast<top::InputOp>(op))
      if (auto arg = dyn_cast<BlockArgument>(input.getInput()))
        if (arg.getOwner() == &body && !hasInputOp[arg.getArgNumber()]) {
          hasInputOp[arg.getArgNumber()] = true;
          argNames[arg.getArgNumber()] = getName(input.getOperation());
        }
  for (BlockArgument arg : body.getArguments()) {
    unsigned i = arg.getArgNumber();
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape())
      return makeError(llvm::formatv("argument #{0} of @main has no static "
                                     "shape (run shape-infer first)",
                                     i),
                       "func @main");
    if (!hasInputOp[i])
      argNames[i] = getName(arg);
    if (argNames[i].empty())
      return makeError(llvm::formatv("argument #{0} of @main has neither a "
                                     "top.Input user nor a name",
                                     i),
                       "func @main");
    int id = addTensor(arg, TensorKind::Argument,
                       hasInputOp[i] ? "" : argNames[i], -1);
    tensors[id].kept = true;
    inputNames.push_back(argNames[i]);
    inputTensors.push_back(id);
  }
  inputSet.assign(inputNames.size(), false);

  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands()) {
        int id = tensorOf.lookup(v);
        if (!tensorOf.count(v))
          return makeError("@main returns a value that is not a tensor",
                           describeLoc(&op));
        tensors[id].kept = true;
        outputNames.push_back(tensors[id].name.empty()
                                  ? inputNames[llvm::find(inputTensors, id) -
                                               inputTensors.begin()]
                                  : tensors[id].name);
      }
      continue;
    }
    Step step;
    step.op = &op;
    step.name = getName(&op);
    int index = steps.size();
    if (isa<top::NoneOp>(op))
      step.kind = StepKind::None;
    else if (isa<top::WeightOp>(op))
      step.kind = StepKind::Weight;
    else if (isa<top::InputOp>(op))
      step.kind = StepKind::Input;
    else if (isa<InferenceInterface>(op))
      step.kind = StepKind::Compute;
    else
      return makeError("'" + op.getName().getStringRef() +
                           "' cannot be interpreted (it has no inference)",
                       step.name.empty() ? describeLoc(&op) : step.name);
    std::string where = step.name.empty() ? describeLoc(&op) : step.name;

    for (Value v : op.getOperands()) {
      if (isa<NoneType>(v.getType())) {
        step.operands.push_back(-1);
        continue;
      }
      auto it = tensorOf.find(v);
      if (it == tensorOf.end())
        return makeError("an operand of '" + op.getName().getStringRef() +
                             "' is not a tensor",
                         where);
      step.operands.push_back(it->second);
      tensors[it->second].lastUse = index;
    }
    if (step.kind == StepKind::None) {
      steps.push_back(std::move(step));
      continue;
    }
    for (Value v : op.getResults()) {
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || !type.hasStaticShape())
        return makeError("the result of '" + op.getName().getStringRef() +
                             "' has no static shape (run shape-infer first)",
                         where);
      std::string name = getName(v);
      if (name.empty())
        return makeError("a result of '" + op.getName().getStringRef() +
                             "' has no name (NameLoc)",
                         where);
      if (tensorByName.count(name))
        return makeError("two tensors are named '" + name + "'", where);
      int id = addTensor(v,
                         step.kind == StepKind::Weight ? TensorKind::Weight
                                                       : TensorKind::Activation,
                         name, index);
      tensorByName[name] = id;
      step.results.push_back(id);
      if (step.kind == StepKind::Weight) {
        tensors[id].kept = true;
        weightNames.push_back(name);
      } else {
        tensorNames.push_back(name);
        if (step.kind == StepKind::Input)
          tensors[id].kept = true;
      }
    }
    if (!step.name.empty())
      stepByName.try_emplace(step.name, index);
    steps.push_back(std::move(step));
  }
  // Arguments used directly (without top.Input) are tensors too.
  std::vector<std::string> exposed;
  for (auto [name, id] : llvm::zip(inputNames, inputTensors))
    if (!tensors[id].name.empty()) {
      if (tensorByName.count(name))
        return makeError("two tensors are named '" + name + "'", "func @main");
      tensorByName[name] = id;
      exposed.push_back(name);
    }
  tensorNames.insert(tensorNames.begin(), exposed.begin(), exposed.end());
  // Outputs stay until the end; tensors nobody reads die where they are
  // made.
  int end = steps.size();
  for (Tensor &t : tensors) {
    if (t.kept && t.kind == TensorKind::Activation)
      t.lastUse = end;
    if (t.lastUse < 0)
      t.lastUse = std::max(t.producer, 0);
  }
  for (const std::string &name : options.keepTensors) {
    auto it = tensorByName.find(name);
    if (it == tensorByName.end())
      return makeError("cannot keep '" + name + "': no such tensor",
                       "interpreter options");
    tensors[it->second].kept = true;
  }
  if (options.keepAllTensors)
    for (Tensor &t : tensors)
      t.kept = true;
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Buffer plan
//===----------------------------------------------------------------------===//

/// Whether the op's single result may share its first operand's buffer
/// (the op computes nothing but a new view of the same data).
static bool canAlias(Operation *op) { return isa<top::ReshapeOp>(op); }

Error ModuleInterpreter::Impl::plan() {
  std::vector<int> freeSlots;
  auto dedicated = [&](int64_t size) {
    Slot s;
    s.capacity = size;
    s.dedicated = true;
    slots.push_back(std::move(s));
    return static_cast<int>(slots.size()) - 1;
  };
  auto shared = [&](int64_t size) {
    // Best fit among the free slots; else grow the largest; else a new one.
    int best = -1, largest = -1;
    for (int s : freeSlots) {
      int64_t cap = slots[s].capacity;
      if (cap >= size && (best < 0 || cap < slots[best].capacity))
        best = s;
      if (largest < 0 || cap > slots[largest].capacity)
        largest = s;
    }
    int chosen = best >= 0 ? best : largest;
    if (chosen < 0) {
      Slot s;
      slots.push_back(std::move(s));
      chosen = slots.size() - 1;
    } else {
      freeSlots.erase(llvm::find(freeSlots, chosen));
    }
    slots[chosen].capacity = std::max(slots[chosen].capacity, size);
    return chosen;
  };
  auto release = [&](int slot) {
    if (!slots[slot].dedicated && !llvm::is_contained(freeSlots, slot))
      freeSlots.push_back(slot);
  };

  for (Tensor &t : tensors)
    if (t.kind != TensorKind::Activation)
      t.slot = dedicated(t.size);

  for (auto [index, step] : llvm::enumerate(steps)) {
    int i = index;
    std::set<int> handedOver;
    for (int r : step.results) {
      Tensor &t = tensors[r];
      if (t.kind != TensorKind::Activation)
        continue;
      if (t.kept) {
        t.slot = dedicated(t.size);
        continue;
      }
      if (step.kind == StepKind::Compute && canAlias(step.op) &&
          step.results.size() == 1 && !step.operands.empty() &&
          step.operands[0] >= 0) {
        Tensor &in = tensors[step.operands[0]];
        if (in.kind == TensorKind::Activation && !in.kept && in.lastUse == i &&
            in.size == t.size) {
          t.slot = in.slot;
          handedOver.insert(step.operands[0]);
          continue;
        }
      }
      t.slot = shared(t.size);
    }
    for (int o : step.operands)
      if (o >= 0 && tensors[o].kind == TensorKind::Activation &&
          !tensors[o].kept && tensors[o].lastUse == i && !handedOver.count(o))
        release(tensors[o].slot);
    for (int r : step.results)
      if (tensors[r].kind == TensorKind::Activation && !tensors[r].kept &&
          tensors[r].lastUse == i)
        release(tensors[r].slot);
  }

  for (Slot &s : slots)
    s.data.assign(s.capacity, 0.0f);
  for (const Tensor &t : tensors) {
    if (t.kind == TensorKind::Weight)
      continue;
    if (t.kind == TensorKind::Activation)
      stats.activationBytes += t.size * sizeof(float);
    if (t.kept)
      stats.keptBytes += t.size * sizeof(float);
  }
  for (const Slot &s : slots)
    if (!s.dedicated) {
      ++stats.sharedBuffers;
      stats.sharedBytes += s.capacity * sizeof(float);
    }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Weights and init
//===----------------------------------------------------------------------===//

Error ModuleInterpreter::Impl::loadWeights() {
  if (weightNames.empty())
    return Error::success();
  std::optional<std::string> file = getWeightFile(module);
  if (!file)
    return makeError("the module has weights but no '" + attr::kWeightFile +
                         "' attribute",
                     "module");
  std::string path = resolveWeightFile(module, *file);
  Expected<NpzFile> npz = NpzFile::load(path);
  if (!npz)
    return npz.takeError();
  for (const std::string &name : weightNames) {
    int id = tensorByName.lookup(name);
    const Tensor &t = tensors[id];
    const Array *array = npz->lookup(name);
    if (!array)
      return makeError("weight '" + name + "' is not in the weight file", path);
    if (array->shape() != ArrayRef<int64_t>(t.shape))
      return makeError("weight '" + name + "' has shape " +
                           formatShape(array->shape()) +
                           " in the weight file but " + formatShape(t.shape) +
                           " in the module",
                       path);
    auto type =
        cast<RankedTensorType>(steps[t.producer].op->getResult(0).getType());
    if (std::optional<std::string> expected =
            checkWeightDType(type.getElementType(), array->dtype())) {
      std::string typeText;
      llvm::raw_string_ostream os(typeText);
      os << type.getElementType();
      return makeError("weight '" + name + "' of type " + typeText + " needs " +
                           *expected + " in the weight file, got " +
                           dtypeName(array->dtype()).str(),
                       path);
    }
    std::vector<float> values = array->toFloat();
    Slot &slot = slots[t.slot];
    std::copy(values.begin(), values.end(), slot.data.begin());
    slot.owner = id;
    if (array->dtype() != DType::F32)
      if (Array *stored = npz->lookup(name))
        typedWeights[id] = std::make_unique<Array>(std::move(*stored));
  }
  return Error::success();
}

void ModuleInterpreter::Impl::bind(Step &step) {
  step.param.inputs.clear();
  step.param.weights.clear();
  step.param.outputs.clear();
  for (int o : step.operands) {
    step.param.inputs.push_back(o < 0 ? nullptr : dataOf(o));
    auto typed = o < 0 ? typedWeights.end() : typedWeights.find(o);
    step.param.weights.push_back(
        typed == typedWeights.end() ? nullptr : typed->second.get());
  }
  for (int r : step.results)
    step.param.outputs.push_back(dataOf(r));
}

Error ModuleInterpreter::Impl::initOps() {
  ThreadCountScope threads(options.threads);
  DiagnosticCapture diagnostics(module.getContext());
  for (Step &step : steps) {
    if (step.kind != StepKind::Compute)
      continue;
    bind(step);
    if (failed(cast<InferenceInterface>(step.op).init(step.param)))
      return makeError("cannot prepare '" + step.op->getName().getStringRef() +
                           "': " + diagnostics.take("init failed"),
                       step.name);
    step.initialized = true;
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

Error ModuleInterpreter::Impl::runStep(Step &step,
                                       DiagnosticCapture &diagnostics) {
  if (options.profile && step.kind != StepKind::None &&
      step.kind != StepKind::Weight) {
    auto start = std::chrono::steady_clock::now();
    options.profile = false;
    Error err = runStep(step, diagnostics);
    options.profile = true;
    step.profileMs += std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
    ++step.profileCalls;
    return err;
  }
  if (step.kind == StepKind::Input) {
    int from = step.operands[0], to = step.results[0];
    if (tensors[from].slot != tensors[to].slot)
      std::copy_n(dataOf(from), tensors[to].size, dataOf(to));
  } else if (step.kind == StepKind::Compute) {
    bind(step);
    if (failed(cast<InferenceInterface>(step.op).inference(step.param)))
      return makeError("'" + step.op->getName().getStringRef() +
                           "' failed: " + diagnostics.take("inference failed"),
                       step.name);
  } else {
    return Error::success();
  }
  for (int r : step.results)
    slots[tensors[r].slot].owner = r;
  notify(step);
  return Error::success();
}

void ModuleInterpreter::Impl::notify(const Step &step) {
  if (callbacks.empty())
    return;
  for (int r : step.results) {
    const Tensor &t = tensors[r];
    ArrayRef<float> data(dataOf(r), t.size);
    for (const TensorCallback &callback : callbacks)
      callback(t.name, data, t.shape);
  }
}

Expected<int> ModuleInterpreter::Impl::lookupTensor(StringRef name) const {
  auto it = tensorByName.find(name);
  if (it == tensorByName.end())
    return makeError("no such tensor", "tensor '" + name + "'");
  return it->second;
}

Expected<int> ModuleInterpreter::Impl::lookupStep(StringRef name) const {
  auto it = stepByName.find(name);
  if (it == stepByName.end())
    return makeError("no such op", "op '" + name + "'");
  return it->second;
}

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

ModuleInterpreter::ModuleInterpreter(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}

ModuleInterpreter::~ModuleInterpreter() {
  for (Step &step : impl->steps)
    if (step.initialized)
      cast<InferenceInterface>(step.op).deinit(step.param);
}

Expected<std::unique_ptr<ModuleInterpreter>>
ModuleInterpreter::create(ModuleOp module, const InterpreterOptions &options) {
  auto impl = std::make_unique<Impl>();
  impl->module = module;
  impl->options = options;
  if (Error err = impl->build())
    return std::move(err);
  if (Error err = impl->plan())
    return std::move(err);
  if (Error err = impl->loadWeights())
    return std::move(err);
  // From here on the destructor deinits whatever was initialized.
  std::unique_ptr<ModuleInterpreter> interpreter(
      new ModuleInterpreter(std::move(impl)));
  if (Error err = interpreter->impl->initOps())
    return std::move(err);
  return interpreter;
}

ArrayRef<std::string> ModuleInterpreter::getInputNames() const {
  return impl->inputNames;
}
ArrayRef<std::string> ModuleInterpreter::getOutputNames() const {
  return impl->outputNames;
}
ArrayRef<std::string> ModuleInterpreter::getTensorNames() const {
  return impl->tensorNames;
}
ArrayRef<std::string> ModuleInterpreter::getWeightNames() const {
  return impl->weightNames;
}

bool ModuleInterpreter::hasTensor(StringRef name) const {
  return impl->tensorByName.count(name) ||
         llvm::is_contained(impl->inputNames, name);
}

bool ModuleInterpreter::isKept(StringRef name) const {
  auto it = impl->tensorByName.find(name);
  return it != impl->tensorByName.end() && impl->tensors[it->second].kept;
}

Expected<ArrayRef<int64_t>> ModuleInterpreter::getShape(StringRef name) const {
  auto input = llvm::find(impl->inputNames, name);
  if (input != impl->inputNames.end())
    return ArrayRef<int64_t>(
        impl->tensors[impl->inputTensors[input - impl->inputNames.begin()]]
            .shape);
  Expected<int> id = impl->lookupTensor(name);
  if (!id)
    return id.takeError();
  return ArrayRef<int64_t>(impl->tensors[*id].shape);
}

Error ModuleInterpreter::setInput(StringRef name, ArrayRef<float> data) {
  auto it = llvm::find(impl->inputNames, name);
  if (it == impl->inputNames.end()) {
    std::string known;
    llvm::raw_string_ostream os(known);
    llvm::interleave(impl->inputNames, os, ", ");
    return makeError("the model has no such input (its inputs: " + known + ")",
                     "input '" + name + "'");
  }
  size_t index = it - impl->inputNames.begin();
  int id = impl->inputTensors[index];
  const Tensor &t = impl->tensors[id];
  if (static_cast<int64_t>(data.size()) != t.size)
    return makeError(llvm::formatv("{0} values given, the input has shape {1} "
                                   "({2} values)",
                                   data.size(), formatShape(t.shape), t.size),
                     "input '" + name + "'");
  llvm::copy(data, impl->dataOf(id));
  impl->slots[t.slot].owner = id;
  impl->inputSet[index] = true;
  return Error::success();
}

Error ModuleInterpreter::invoke() {
  for (auto [name, set] : llvm::zip(impl->inputNames, impl->inputSet))
    if (!set)
      return makeError("the input was not set", "input '" + name + "'");
  ThreadCountScope threads(impl->options.threads);
  DiagnosticCapture diagnostics(impl->module.getContext());
  for (Step &step : impl->steps)
    if (Error err = impl->runStep(step, diagnostics))
      return err;
  return Error::success();
}

/// The kind of an op in a profile: its name; convolutions (ops with a
/// `kernel_shape` and a `group`) told apart by depthwise / grouped / kernel
/// size.
static std::string profileKind(Operation *op) {
  std::string kind = op->getName().getStringRef().str();
  auto kernel = op->getAttrOfType<ArrayAttr>("kernel_shape");
  auto group = op->getAttrOfType<IntegerAttr>("group");
  if (!kernel || !group || !op->getName().getStringRef().contains("Conv"))
    return kind;
  int64_t channels = 0;
  if (op->getNumOperands() > 0)
    if (auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType()))
      if (type.getRank() > 1)
        channels = type.getDimSize(1);
  if (group.getInt() > 1)
    return kind + (group.getInt() == channels ? " depthwise" : " grouped");
  std::string size;
  for (Attribute a : kernel)
    if (auto i = dyn_cast<IntegerAttr>(a))
      size += (size.empty() ? "" : "x") + std::to_string(i.getInt());
  return kind + " " + size;
}

std::vector<OpProfile> ModuleInterpreter::getProfile() const {
  std::vector<OpProfile> ops;
  for (const Step &step : impl->steps)
    if (step.profileCalls)
      ops.push_back(
          {step.name, profileKind(step.op), step.profileCalls, step.profileMs});
  return ops;
}

void ModuleInterpreter::resetProfile() {
  for (Step &step : impl->steps) {
    step.profileCalls = 0;
    step.profileMs = 0;
  }
}

void printProfile(llvm::raw_ostream &os, ArrayRef<OpProfile> ops,
                  unsigned runs, size_t slowest) {
  double perRun = runs ? 1.0 / runs : 1.0, total = 0;
  struct Kind {
    int64_t ops = 0;
    double ms = 0;
  };
  std::map<std::string, Kind> kinds;
  for (const OpProfile &op : ops) {
    Kind &k = kinds[op.kind];
    ++k.ops;
    k.ms += op.ms * perRun;
    total += op.ms * perRun;
  }
  std::vector<std::pair<std::string, Kind>> sorted(kinds.begin(),
                                                   kinds.end());
  llvm::stable_sort(sorted, [](const auto &a, const auto &b) {
    return a.second.ms > b.second.ms;
  });
  os << llvm::formatv("profile: {0} timed run(s), {1:f3} ms per run in {2} "
                      "ops\n",
                      runs, total, ops.size());
  os << llvm::formatv("  {0,-34} {1,5} {2,12} {3,7}\n", "kind", "ops",
                      "ms per run", "share");
  for (const auto &[kind, k] : sorted)
    os << llvm::formatv("  {0,-34} {1,5} {2,12:f3} {3,6:f1}%\n", kind, k.ops,
                        k.ms, total > 0 ? 100 * k.ms / total : 0.0);
  std::vector<const OpProfile *> bySlowest;
  for (const OpProfile &op : ops)
    bySlowest.push_back(&op);
  llvm::stable_sort(bySlowest, [](const OpProfile *a, const OpProfile *b) {
    return a->ms > b->ms;
  });
  if (bySlowest.size() > slowest)
    bySlowest.resize(slowest);
  if (bySlowest.empty())
    return;
  os << "  slowest ops (ms per run, kind, name):\n";
  for (const OpProfile *op : bySlowest)
    os << llvm::formatv("  {0,10:f3}  {1,-26} {2}\n", op->ms * perRun,
                        op->kind, op->name);
}

Expected<ArrayRef<float>> ModuleInterpreter::getTensor(StringRef name) const {
  Expected<int> id = impl->lookupTensor(name);
  if (!id)
    return id.takeError();
  const Tensor &t = impl->tensors[*id];
  if (!t.kept)
    return makeError("the tensor is not kept (keep it with "
                     "InterpreterOptions::keepTensors or keepAllTensors)",
                     "tensor '" + name + "'");
  if (!impl->holds(*id))
    return makeError("the tensor has no value yet (call invoke first)",
                     "tensor '" + name + "'");
  return ArrayRef<float>(impl->dataOf(*id), t.size);
}

Error ModuleInterpreter::setTensor(StringRef name, ArrayRef<float> data) {
  Expected<int> id = impl->lookupTensor(name);
  if (!id)
    return id.takeError();
  const Tensor &t = impl->tensors[*id];
  if (static_cast<int64_t>(data.size()) != t.size)
    return makeError(llvm::formatv("{0} values given, the tensor has shape "
                                   "{1} ({2} values)",
                                   data.size(), formatShape(t.shape), t.size),
                     "tensor '" + name + "'");
  llvm::copy(data, impl->dataOf(*id));
  impl->slots[t.slot].owner = *id;
  // A weight set here is read from its float buffer from now on.
  impl->typedWeights.erase(*id);
  return Error::success();
}

Error ModuleInterpreter::invokeFrom(StringRef opName) {
  Expected<int> start = impl->lookupStep(opName);
  if (!start)
    return start.takeError();
  std::vector<Step> &steps = impl->steps;
  std::vector<Tensor> &tensors = impl->tensors;
  for (int r : steps[*start].results)
    if (!impl->holds(r))
      return makeError("the tensor has no value (call invoke or setTensor "
                       "first)",
                       "tensor '" + tensors[r].name + "'");
  // The downstream cone, in execution order.
  std::vector<bool> changed(tensors.size(), false);
  for (int r : steps[*start].results)
    changed[r] = true;
  std::vector<int> cone;
  for (int i = *start + 1, e = steps.size(); i < e; ++i) {
    const Step &step = steps[i];
    if (step.kind != StepKind::Compute && step.kind != StepKind::Input)
      continue;
    if (llvm::none_of(step.operands,
                      [&](int o) { return o >= 0 && changed[o]; }))
      continue;
    cone.push_back(i);
    for (int r : step.results)
      changed[r] = true;
  }
  // Replay the slot owners first: every operand must still be held when
  // its reader runs, or nothing is run.
  std::vector<int> owners;
  for (const Slot &s : impl->slots)
    owners.push_back(s.owner);
  for (int i : cone) {
    for (int o : steps[i].operands)
      if (o >= 0 && owners[tensors[o].slot] != o)
        return makeError("invokeFrom('" + opName + "') needs tensor '" +
                             tensors[o].name +
                             "', whose buffer was reused: keep it "
                             "(InterpreterOptions::keepTensors or "
                             "keepAllTensors)",
                         "op '" + steps[i].name + "'");
    for (int r : steps[i].results)
      owners[tensors[r].slot] = r;
  }
  ThreadCountScope threads(impl->options.threads);
  DiagnosticCapture diagnostics(impl->module.getContext());
  for (int i : cone)
    if (Error err = impl->runStep(steps[i], diagnostics))
      return err;
  return Error::success();
}

Expected<std::vector<std::vector<float>>>
ModuleInterpreter::invokeAt(StringRef opName,
                            ArrayRef<ArrayRef<float>> inputs) {
  Expected<int> index = impl->lookupStep(opName);
  if (!index)
    return index.takeError();
  Step &step = impl->steps[*index];
  std::string where = "op '" + opName.str() + "'";
  if (step.kind != StepKind::Compute && step.kind != StepKind::Input)
    return makeError("only computing ops and inputs can be invoked", where);
  if (inputs.size() != step.operands.size())
    return makeError(llvm::formatv("{0} inputs given for {1} operands",
                                   inputs.size(), step.operands.size()),
                     where);
  InferenceParameter param;
  param.handle = step.param.handle;
  for (auto [i, o] : llvm::enumerate(step.operands)) {
    if (o < 0) {
      param.inputs.push_back(nullptr);
      param.weights.push_back(nullptr);
      continue;
    }
    const Tensor &t = impl->tensors[o];
    if (inputs[i].empty()) {
      if (!impl->holds(o))
        return makeError(llvm::formatv("operand #{0} ('{1}') is not given "
                                       "and has no value",
                                       i, t.name),
                         where);
      param.inputs.push_back(impl->dataOf(o));
      auto typed = impl->typedWeights.find(o);
      param.weights.push_back(
          typed == impl->typedWeights.end() ? nullptr : typed->second.get());
      continue;
    }
    // A given buffer replaces the operand, typed weight included.
    param.weights.push_back(nullptr);
    if (static_cast<int64_t>(inputs[i].size()) != t.size)
      return makeError(llvm::formatv("operand #{0} has shape {1} ({2} "
                                     "values), {3} given",
                                     i, formatShape(t.shape), t.size,
                                     inputs[i].size()),
                       where);
    param.inputs.push_back(inputs[i].data());
  }
  std::vector<std::vector<float>> results;
  for (int r : step.results)
    results.emplace_back(impl->tensors[r].size, 0.0f);
  for (std::vector<float> &r : results)
    param.outputs.push_back(r.data());
  if (step.kind == StepKind::Input) {
    std::copy_n(param.inputs[0], results[0].size(), results[0].data());
    return results;
  }
  ThreadCountScope threads(impl->options.threads);
  DiagnosticCapture diagnostics(impl->module.getContext());
  if (failed(cast<InferenceInterface>(step.op).inference(param)))
    return makeError("'" + step.op->getName().getStringRef() +
                         "' failed: " + diagnostics.take("inference failed"),
                     step.name);
  return results;
}

void ModuleInterpreter::addTensorCallback(TensorCallback callback) {
  impl->callbacks.push_back(std::move(callback));
}

ModuleInterpreter::MemoryStats ModuleInterpreter::getMemoryStats() const {
  return impl->stats;
}

//===----------------------------------------------------------------------===//
// runModule
//===----------------------------------------------------------------------===//

Expected<NpzFile> runModule(ModuleOp module, const NpzFile &inputs,
                            bool allTensors, unsigned threads, bool dequantize,
                            unsigned profileRuns,
                            std::vector<OpProfile> *profile) {
  InterpreterOptions options;
  options.keepAllTensors = allTensors;
  options.threads = threads;
  options.profile = profileRuns > 0 && profile;
  auto interpreter = ModuleInterpreter::create(module, options);
  if (!interpreter)
    return interpreter.takeError();
  ModuleInterpreter &interp = **interpreter;
  ArrayRef<std::string> names = interp.getInputNames();

  bool byName = llvm::all_of(
      names, [&](const std::string &name) { return inputs.contains(name); });
  bool anyName = llvm::any_of(
      names, [&](const std::string &name) { return inputs.contains(name); });
  if (!byName && (anyName || inputs.size() != names.size())) {
    std::string given;
    llvm::raw_string_ostream os(given);
    llvm::interleave(inputs.names(), os, ", ");
    for (const std::string &name : names)
      if (!inputs.contains(name))
        return makeError("no array for the model input '" + name +
                             "' (the npz has: " + given + ")",
                         "input npz");
  }
  // A quantized model input (model_deploy --quant_input) takes the codes of
  // an integer array as they are and quantizes a float array with the
  // input's scale and zero point (round half away from zero, saturated).
  llvm::StringMap<mlir::quant::UniformQuantizedType> quantizedInputs;
  module.walk([&](top::InputOp input) {
    if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(
            cast<ShapedType>(input.getInput().getType()).getElementType()))
      quantizedInputs[getName(input.getOperation())] = q;
  });
  auto entry = inputs.begin();
  for (const std::string &name : names) {
    const Array &array = byName ? *inputs.lookup(name) : (entry++)->array;
    std::vector<float> values = array.toFloat();
    auto q = quantizedInputs.find(name);
    if (q != quantizedInputs.end() &&
        (array.dtype() == DType::F32 || array.dtype() == DType::F64 ||
         array.dtype() == DType::F16)) {
      const mlir::quant::UniformQuantizedType &type = q->second;
      // As tpu.Cast quantizes: round half away from zero (NaN to 0),
      // then saturate to the storage range.
      const int64_t zp = type.getZeroPoint();
      for (float &v : values) {
        int64_t code =
            tpuc::quant::roundToInt(static_cast<double>(v) / type.getScale(),
                                    tpuc::quant::RoundMode::HalfAwayFromZero);
        code = std::clamp<int64_t>(code, type.getStorageTypeMin() - zp,
                                   type.getStorageTypeMax() - zp);
        v = static_cast<float>(code + zp);
      }
    }
    if (Error err = interp.setInput(name, values))
      return std::move(err);
  }
  if (Error err = interp.invoke())
    return std::move(err);
  if (options.profile) {
    // The timed runs recompute the same tensors from the same inputs; the
    // first run (weights reordered, buffers touched) is not timed.
    interp.resetProfile();
    for (unsigned run = 0; run < profileRuns; ++run)
      if (Error err = interp.invoke())
        return std::move(err);
    *profile = interp.getProfile();
  }

  // Quantized tensors are written as the real values they stand for,
  // (q - zero_point) * scale, so that any stage compares with the float
  // model by name.
  llvm::StringMap<mlir::quant::UniformQuantizedType> quantized;
  if (dequantize)
    module.walk([&](Operation *op) {
      for (Value result : op->getResults())
        if (auto shaped = dyn_cast<ShapedType>(result.getType()))
          if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(
                  shaped.getElementType()))
            quantized[getName(result)] = q;
    });

  NpzFile result;
  auto add = [&](StringRef name) -> Error {
    if (result.contains(name))
      return Error::success();
    Expected<ArrayRef<float>> data = interp.getTensor(name);
    if (!data)
      return data.takeError();
    Expected<ArrayRef<int64_t>> shape = interp.getShape(name);
    if (!shape)
      return shape.takeError();
    auto q = quantized.find(name);
    if (q == quantized.end()) {
      result.set(name, Array::fromFloat(*shape, *data));
      return Error::success();
    }
    double scale = q->second.getScale();
    int64_t zeroPoint = q->second.getZeroPoint();
    std::vector<float> real(data->size());
    for (size_t i = 0; i < real.size(); ++i)
      real[i] = static_cast<float>(((*data)[i] - zeroPoint) * scale);
    result.set(name, Array::fromFloat(*shape, real));
    return Error::success();
  };
  if (allTensors)
    for (const std::string &name : interp.getTensorNames())
      if (Error err = add(name))
        return std::move(err);
  for (const std::string &name : interp.getOutputNames())
    if (Error err = add(name))
      return std::move(err);
  return result;
}

} // namespace tpuc
