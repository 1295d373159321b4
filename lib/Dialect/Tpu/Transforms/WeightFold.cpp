//===- WeightFold.cpp - evaluate ops on weights at compile time -----------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Tpu/Transforms/Passes.h"

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Interfaces/InferenceInterface.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <limits>

namespace tpuc::tpu {
#define GEN_PASS_DEF_WEIGHTFOLD
#include "tpuc/Dialect/Tpu/Transforms/Passes.h.inc"
} // namespace tpuc::tpu

using namespace mlir;
using namespace tpuc;

namespace {

/// Whether `op` can be evaluated now: it has the InferenceInterface, every
/// operand is a top.Weight or none, every result is a statically shaped
/// tensor and one of them is used.
bool isFoldable(Operation *op) {
  if (!isa<InferenceInterface>(op) || isa<top::WeightOp>(op) ||
      op->getNumRegions() != 0 || op->getNumResults() == 0)
    return false;
  for (Value operand : op->getOperands())
    if (!isa<NoneType>(operand.getType()) &&
        !operand.getDefiningOp<top::WeightOp>())
      return false;
  for (Value result : op->getResults()) {
    auto type = dyn_cast<RankedTensorType>(result.getType());
    if (!type || !type.hasStaticShape())
      return false;
  }
  return llvm::any_of(op->getResults(),
                      [](Value result) { return !result.use_empty(); });
}

/// The dtype a weight of element type `element` is stored in: the first
/// that checkWeightDType accepts (f32 for every float type).
std::optional<DType> storageDType(Type element) {
  for (DType dtype : {DType::F32, DType::I8, DType::U8, DType::I16, DType::U16,
                      DType::I32, DType::U32, DType::I64, DType::U64})
    if (!checkWeightDType(element, dtype))
      return dtype;
  return std::nullopt;
}

/// `values` (integers held in float) as an array of T; std::nullopt when a
/// value is not an integer that T holds.
template <typename T>
std::optional<Array> integerArray(ArrayRef<int64_t> shape,
                                  ArrayRef<float> values) {
  std::vector<T> data;
  data.reserve(values.size());
  for (float v : values) {
    double d = v;
    if (!std::isfinite(d) || std::trunc(d) != d ||
        d < static_cast<double>(std::numeric_limits<T>::min()) ||
        d > static_cast<double>(std::numeric_limits<T>::max()))
      return std::nullopt;
    data.push_back(static_cast<T>(d));
  }
  return Array::fromData<T>(shape, data);
}

/// The computed buffer of a result as the weight file holds it.
std::optional<Array> toStoredArray(RankedTensorType type,
                                   ArrayRef<float> values) {
  std::optional<DType> dtype = storageDType(type.getElementType());
  if (!dtype)
    return std::nullopt;
  ArrayRef<int64_t> shape = type.getShape();
  switch (*dtype) {
  case DType::F32:
    return Array::fromFloat(shape, values);
  case DType::I8:
    return integerArray<int8_t>(shape, values);
  case DType::U8:
    return integerArray<uint8_t>(shape, values);
  case DType::I16:
    return integerArray<int16_t>(shape, values);
  case DType::U16:
    return integerArray<uint16_t>(shape, values);
  case DType::I32:
    return integerArray<int32_t>(shape, values);
  case DType::U32:
    return integerArray<uint32_t>(shape, values);
  case DType::I64:
    return integerArray<int64_t>(shape, values);
  case DType::U64:
    return integerArray<uint64_t>(shape, values);
  default:
    return std::nullopt;
  }
}

struct WeightFoldPass : tpu::impl::WeightFoldBase<WeightFoldPass> {
  using WeightFoldBase::WeightFoldBase;

  void runOnOperation() override {
    if (failed(runOn(getOperation())))
      signalPassFailure();
  }

  LogicalResult runOn(ModuleOp module);

  /// The array of the weight `name`: folded by this run, else the input's.
  const Array *lookup(StringRef name) const {
    if (const Array *array = folded.lookup(name))
      return array;
    return inWeights.lookup(name);
  }

  /// Evaluates `op` and replaces its used results by new weights; false
  /// (after a warning) when it cannot be folded; failure on a broken
  /// weight file.
  FailureOr<bool> fold(Operation *op, OpBuilder &builder);

  NpzFile inWeights, folded;
  std::string inPath;
  llvm::SetVector<Operation *> readWeights;
};

FailureOr<bool> WeightFoldPass::fold(Operation *op, OpBuilder &builder) {
  // The operands as the interpreter binds them: float buffers, plus the
  // arrays of the weights stored in another dtype.
  SmallVector<std::vector<float>> buffers;
  InferenceParameter param;
  for (Value operand : op->getOperands()) {
    if (isa<NoneType>(operand.getType())) {
      buffers.emplace_back();
      continue;
    }
    std::string name = tpuc::getName(operand);
    const Array *array = lookup(name);
    if (!array)
      return operand.getDefiningOp()->emitError("weight '")
             << name << "' is not in the weight file " << inPath;
    if (array->shape() != cast<RankedTensorType>(operand.getType()).getShape())
      return operand.getDefiningOp()->emitError("weight '")
             << name << "' has another shape in the weight file " << inPath;
    buffers.push_back(array->toFloat());
  }
  for (auto [operand, buffer] : llvm::zip(op->getOperands(), buffers)) {
    bool none = isa<NoneType>(operand.getType());
    param.inputs.push_back(none ? nullptr : buffer.data());
    const Array *array = none ? nullptr : lookup(tpuc::getName(operand));
    param.weights.push_back(array && array->dtype() != DType::F32 ? array
                                                                  : nullptr);
  }
  SmallVector<std::vector<float>> outputs;
  for (Value result : op->getResults())
    outputs.emplace_back(
        cast<RankedTensorType>(result.getType()).getNumElements(), 0.0f);
  for (std::vector<float> &output : outputs)
    param.outputs.push_back(output.data());

  // The op's own diagnostics become part of one warning.
  std::string why;
  LogicalResult ran = success();
  {
    ScopedDiagnosticHandler capture(op->getContext(), [&](Diagnostic &diag) {
      if (!why.empty())
        why += "; ";
      why += diag.str();
      return success();
    });
    auto iface = cast<InferenceInterface>(op);
    ran = iface.init(param);
    if (succeeded(ran)) {
      ran = iface.inference(param);
      iface.deinit(param);
    }
  }
  if (failed(ran)) {
    op->emitWarning("not folded: its inference failed")
        << (why.empty() ? "" : ": ") << why;
    return false;
  }

  SmallVector<std::optional<Array>> arrays;
  for (auto [result, output] : llvm::zip(op->getResults(), outputs)) {
    if (result.use_empty()) {
      arrays.emplace_back();
      continue;
    }
    auto type = cast<RankedTensorType>(result.getType());
    std::optional<Array> array = toStoredArray(type, output);
    std::string name = tpuc::getName(result);
    if (!array || name.empty()) {
      auto diag = op->emitWarning("not folded: ");
      if (name.empty())
        diag << "a result has no name to store it under";
      else if (std::optional<DType> dtype = storageDType(type.getElementType()))
        diag << "the values of '" << name << "' do not fit "
             << dtypeName(*dtype) << ", the dtype the weight file holds "
             << type.getElementType() << " in";
      else
        diag << "the weight file cannot hold " << type.getElementType();
      return false;
    }
    arrays.push_back(std::move(array));
  }

  builder.setInsertionPoint(op);
  for (auto [result, array] : llvm::zip(op->getResults(), arrays)) {
    if (!array)
      continue;
    std::string name = tpuc::getName(result);
    Location loc = op->getNumResults() == 1
                       ? op->getLoc()
                       : NameLoc::get(builder.getStringAttr(name));
    auto weight = builder.create<top::WeightOp>(loc, result.getType(),
                                                /*weight_scale=*/nullptr);
    folded.set(name, std::move(*array));
    result.replaceAllUsesWith(weight.getOutput());
  }
  for (Value operand : op->getOperands())
    if (Operation *weight = operand.getDefiningOp<top::WeightOp>())
      readWeights.insert(weight);
  op->erase();
  return true;
}

LogicalResult WeightFoldPass::runOn(ModuleOp module) {
  if (failed(requireState(module, getArgument(), {ModuleState::TpuLowered})))
    return failure();
  inWeights = NpzFile();
  folded = NpzFile();
  readWeights.clear();
  SmallVector<Operation *> candidates;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal())
      for (Operation &op : func.getBody().front().without_terminator())
        candidates.push_back(&op);
  // Folding makes users foldable: candidates are decided in program order.
  if (!llvm::any_of(candidates, isFoldable))
    return success();

  std::optional<std::string> weightFile = getWeightFile(module);
  inPath = weightFile ? resolveWeightFile(module, *weightFile) : "weights.npz";
  if (weightFile) {
    auto loaded = NpzFile::load(inPath);
    if (!loaded)
      return module.emitError() << llvm::toString(loaded.takeError());
    inWeights = std::move(*loaded);
  }

  OpBuilder builder(module.getContext());
  for (Operation *op : candidates) {
    if (!isFoldable(op))
      continue;
    FailureOr<bool> done = fold(op, builder);
    if (failed(done))
      return failure();
  }
  if (folded.empty())
    return success();
  for (Operation *weight : readWeights)
    if (weight->use_empty())
      weight->erase();

  // Every weight the module still uses, in the module's order.
  return writeModuleWeights(
      module, [&](StringRef name) { return lookup(name); }, inPath,
      weightFileOut, "_fold.npz");
}

} // namespace
