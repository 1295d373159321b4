//===- Lowering.cpp - state shared by the Top to Tpu lowering -------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "tpuc/Dialect/Top/IR/Module.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::lowering;

std::string tpuc::lowering::nameOf(Operation *op) { return getName(op); }

Location tpuc::lowering::nameLoc(MLIRContext *context, StringRef name) {
  return NameLoc::get(StringAttr::get(context, name));
}

Mode Lowering::modeOf(Operation *op) const {
  Mode mode = moduleMode;
  auto it = qtable.find(nameOf(op));
  if (it != qtable.end())
    mode = it->second;
  return spec.mapFloatMode(mode);
}

Type Lowering::floatType(Mode mode) {
  switch (mode) {
  case Mode::F16:
    return builder.getF16Type();
  case Mode::BF16:
    return builder.getBF16Type();
  default:
    return builder.getF32Type();
  }
}

tpuc::quant::RoundMode Lowering::roundMode() const {
  // The BM168x requant rounds half up; CV18xx's QDM half away from zero.
  return spec.family == target::Family::CV18xx
             ? tpuc::quant::RoundMode::HalfAwayFromZero
             : tpuc::quant::RoundMode::HalfUp;
}

std::optional<mlir::quant::UniformQuantizedType>
Lowering::int8TypeOf(Value oldValue) {
  auto tensor = dyn_cast<ShapedType>(oldValue.getType());
  auto calibrated = tensor ? dyn_cast<mlir::quant::CalibratedQuantizedType>(
                                 tensor.getElementType())
                           : nullptr;
  if (!calibrated)
    return std::nullopt;
  double min = calibrated.getMin(), max = calibrated.getMax();
  auto asymmetric = module->getAttrOfType<BoolAttr>(attr::kAsymmetric);
  Type f32 = builder.getF32Type();
  MLIRContext *context = getContext();
  if (asymmetric && asymmetric.getValue()) {
    tpuc::quant::ScaleZeroPoint sz =
        tpuc::quant::getScaleAndZeroPoint(min, max);
    bool isUnsigned = min >= 0;
    Type storage = IntegerType::get(context, 8);
    return mlir::quant::UniformQuantizedType::get(
        isUnsigned ? 0 : mlir::quant::QuantizationFlags::Signed, storage, f32,
        sz.scale, sz.zeroPoint, isUnsigned ? 0 : -128, isUnsigned ? 255 : 127);
  }
  double threshold = std::max(std::fabs(min), std::fabs(max));
  threshold = std::max(threshold, 1e-5);
  // BM1684X keeps a non-negative tensor unsigned (one more bit); BM1684 and
  // CV18xx quantize every activation as signed int8.
  bool isUnsigned = min >= 0 && spec.family == target::Family::BM1684X;
  double scale = tpuc::quant::getScale(threshold, !isUnsigned);
  return mlir::quant::UniformQuantizedType::get(
      isUnsigned ? 0 : mlir::quant::QuantizationFlags::Signed,
      IntegerType::get(context, 8), f32, scale, 0, isUnsigned ? 0 : -128,
      isUnsigned ? 255 : 127);
}

/// "i8", "u8", "f16", ... for cast names.
static std::string typeSuffix(Type element) {
  if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(element))
    return q.isSigned() ? "i8" : "u8";
  std::string text;
  llvm::raw_string_ostream os(text);
  element.print(os);
  return text;
}

Value Lowering::castValue(Value value, Type element, StringRef userName) {
  if (!value)
    return value;
  auto type = cast<ShapedType>(value.getType());
  if (type.getElementType() == element)
    return value;
  std::string name = getName(value) + "_" +
                     (userName.empty() ? "" : userName.str() + "_") +
                     typeSuffix(element);
  // One cast per (value, type): a second user reuses the first's.
  if (Value existing = casts.lookup({value, element}))
    return existing;
  auto cast = builder.create<tpu::CastOp>(nameLoc(getContext(), name),
                                          withElement(type, element), value,
                                          tpu::RoundMode::HalfAwayFromZero);
  casts[{value, element}] = cast.getOutput();
  return cast.getOutput();
}

Value Lowering::quantizedOperand(Value oldValue, StringRef userName) {
  Value value = lookup(oldValue);
  if (!value)
    return value;
  if (isa<mlir::quant::UniformQuantizedType>(
          cast<ShapedType>(value.getType()).getElementType()))
    return value;
  std::optional<mlir::quant::UniformQuantizedType> type = int8TypeOf(oldValue);
  if (!type)
    return nullptr;
  return castTo(oldValue, *type, userName);
}

std::optional<mlir::quant::UniformQuantizedType>
Lowering::quantizedTypeOf(Value oldValue) {
  if (Value value = lookup(oldValue))
    if (mlir::quant::UniformQuantizedType q = quantizedOf(value))
      return q;
  return int8TypeOf(oldValue);
}

void Lowering::insertCasts(Operation *op) {
  auto typed = dyn_cast<TypeInterface>(op);
  if (!typed || op->getNumResults() == 0)
    return;
  Type resultElement =
      cast<ShapedType>(op->getResult(0).getType()).getElementType();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(op);
  std::string user = nameOf(op);
  for (OpOperand &operand : op->getOpOperands()) {
    OperandRequirement requirement =
        typed.getOperandRequirement(operand.getOperandNumber());
    Value value = operand.get();
    if (meetsRequirement(value.getType(), requirement, resultElement))
      continue;
    Value old = origins.lookup(value);
    if (!old)
      continue;
    Type element = resultElement;
    if (requirement == OperandRequirement::Quantized8) {
      std::optional<mlir::quant::UniformQuantizedType> q = int8TypeOf(old);
      if (!q)
        continue;
      element = *q;
    }
    Value now = value == old && old.getDefiningOp<top::WeightOp>() &&
                        isa<FloatType>(element)
                    ? floatWeight(old, element)
                    : castValue(value, element, user);
    if (now)
      operand.set(now);
  }
}

const Array *Lowering::weightData(Value oldValue) const {
  auto weight = oldValue.getDefiningOp<top::WeightOp>();
  if (!weight)
    return nullptr;
  const Array *array = inWeights.lookup(getName(weight.getOperation()));
  if (!array || array->dtype() != DType::F32)
    return nullptr;
  return array;
}

Value Lowering::createWeight(StringRef name, Array array,
                             RankedTensorType type) {
  if (Value existing = createdWeights.lookup(name))
    return existing;
  outWeights.set(name, std::move(array));
  auto weight = builder.create<top::WeightOp>(nameLoc(getContext(), name), type,
                                              /*weight_scale=*/nullptr);
  createdWeights[name] = weight.getOutput();
  return weight.getOutput();
}

Value Lowering::floatWeight(Value oldWeight, Type element) {
  Value value = lookup(oldWeight);
  if (element.isF32() || !value)
    return value;
  const Array *array = weightData(oldWeight);
  if (!array)
    return value;
  std::vector<float> data = array->toFloat();
  for (float &v : data)
    v = element.isF16() ? tpuc::quant::roundToF16(v)
                        : tpuc::quant::roundToBF16(v);
  std::string name = getName(oldWeight) + (element.isF16() ? "_f16" : "_bf16");
  return createWeight(name, Array::fromFloat(array->shape(), data),
                      withElement(oldWeight.getType(), element));
}

mlir::quant::UniformQuantizedType tpuc::lowering::quantizedOf(Value value) {
  return dyn_cast<mlir::quant::UniformQuantizedType>(
      cast<ShapedType>(value.getType()).getElementType());
}

void tpuc::lowering::copyAttrs(Operation *op, ArrayRef<StringRef> names,
                               SmallVectorImpl<NamedAttribute> &attrs) {
  for (StringRef name : names)
    if (Attribute a = op->getAttr(name))
      attrs.push_back(
          NamedAttribute(StringAttr::get(op->getContext(), name), a));
}

static tpu::RoundMode toTpu(tpuc::quant::RoundMode mode) {
  switch (mode) {
  case tpuc::quant::RoundMode::HalfUp:
    return tpu::RoundMode::HalfUp;
  case tpuc::quant::RoundMode::HalfToEven:
    return tpu::RoundMode::HalfToEven;
  case tpuc::quant::RoundMode::TowardsZero:
    return tpu::RoundMode::TowardsZero;
  case tpuc::quant::RoundMode::Down:
    return tpu::RoundMode::Down;
  default:
    return tpu::RoundMode::HalfAwayFromZero;
  }
}

void tpuc::lowering::addRequant(
    Lowering &l, SmallVectorImpl<NamedAttribute> &attrs, tpu::QuantMode mode,
    ArrayRef<int64_t> multiplier, ArrayRef<int64_t> rshift,
    StringRef multiplierName, StringRef rshiftName) {
  OpBuilder &b = l.getBuilder();
  MLIRContext *context = l.getContext();
  attrs.push_back(
      b.getNamedAttr("quant_mode", tpu::QuantModeAttr::get(context, mode)));
  attrs.push_back(b.getNamedAttr(
      "round_mode", tpu::RoundModeAttr::get(context, toTpu(l.roundMode()))));
  attrs.push_back(
      b.getNamedAttr(multiplierName, b.getI64ArrayAttr(multiplier)));
  attrs.push_back(b.getNamedAttr(rshiftName, b.getI64ArrayAttr(rshift)));
}

void tpuc::lowering::eltwiseRequant(const Lowering &l, ArrayRef<double> factors,
                                    SmallVectorImpl<int64_t> &multipliers,
                                    SmallVectorImpl<int64_t> &rshifts) {
  if (l.chip().family == target::Family::CV18xx) {
    double largest = 0;
    for (double f : factors)
      largest = std::max(largest, std::fabs(f));
    int64_t r = 0;
    while (r < 31 && std::round(largest * std::ldexp(1.0, r + 1)) <= 127)
      ++r;
    for (double f : factors)
      multipliers.push_back(
          static_cast<int64_t>(std::round(f * std::ldexp(1.0, r))));
    rshifts.push_back(r);
    return;
  }
  for (double f : factors) {
    tpuc::quant::MultiplierShift ms =
        tpuc::quant::getScaleAndShiftPositive(std::fabs(f), 8);
    multipliers.push_back(f < 0 ? -ms.multiplier : ms.multiplier);
    rshifts.push_back(ms.rshift);
  }
}

Value tpuc::lowering::floatOperand(Lowering &l, Value old, Type element) {
  if (old.getDefiningOp<top::WeightOp>())
    return l.floatWeight(old, element);
  return l.lookup(old);
}
