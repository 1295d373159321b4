//===- LowerMore.cpp - Top to Tpu lowering of data, norms, eltwise ops ----===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The ops lowerOp (LowerOps.cpp) hands on to lowerMoreOp:
//
// - data movements (Permute, Slice, Pad, Interp as a nearest Upsample): in
//   every mode the result takes the type the input was lowered to (INT8
//   codes, f16, ...), as lowerReshape does; a Pad's constant is quantized
//   into that type;
// - Softmax and LayerNorm: float only; in INT8 the chip's float mode;
// - Mul (INT8 with one requant), Sub (INT8 as tpu.Add with a negative
//   multiplier), Max and Min (INT8 on inputs cast to the result's type), or
//   their float forms;
// - the elementwise unary ops in float modes, as tpu.Active (their INT8 form
//   is lowerUnary's table).
//
// docs/quantization.md works the arithmetic out on numbers.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Interfaces/InferenceInterface.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <vector>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::lowering;
namespace mq = mlir::quant;

namespace {

Type elementOf(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

int64_t rankOf(Value value) {
  return cast<ShapedType>(value.getType()).getRank();
}

SmallVector<int64_t> toInts(ArrayAttr array) {
  SmallVector<int64_t> values;
  if (array)
    for (Attribute a : array)
      values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// Creates the single-result op and maps `old`'s result to it.
template <typename OpTy>
void createAndMap(Lowering &l, Operation *old, Type element,
                  ValueRange operands, ArrayRef<NamedAttribute> attrs) {
  Value result =
      createOp<OpTy>(
          l, old, {Lowering::withElement(old->getResult(0).getType(), element)},
          operands, attrs)
          ->getResult(0);
  l.map(old->getResult(0), result);
}

/// The float mode of an op without an INT8 form: its own, or the chip's
/// float mode when it was to run in INT8 (recorded for the report).
Mode floatModeOf(Lowering &l, Operation *op) {
  Mode mode = l.modeOf(op);
  if (mode != Mode::INT8)
    return mode;
  l.floatFallbacks.push_back(nameOf(op));
  return l.floatFallback();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

/// The value a data movement moves: the input's new value, whatever its type
/// (the result takes it); null for a weight, which stays a Top op as in
/// lowerReshape.
Value movedInput(Lowering &l, Value old) {
  if (old.getDefiningOp<top::WeightOp>())
    return nullptr;
  return l.lookup(old);
}

FailureOr<bool> lowerPermute(Lowering &l, top::PermuteOp op) {
  Value input = movedInput(l, op.getInput());
  if (!input)
    return false;
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"order"}, attrs);
  createAndMap<tpu::PermuteOp>(l, op, elementOf(input), {input}, attrs);
  return true;
}

/// top.Slice's ONNX parameters resolved per axis: the first index read
/// (negative starts count from the end, then clamp to [0, dim] for a
/// positive step and [0, dim - 1] for a negative one) and the step; the
/// element count is the result's dimension.
FailureOr<bool> lowerSlice(Lowering &l, top::SliceOp op) {
  Value input = movedInput(l, op.getInput());
  if (!input)
    return false;
  ArrayRef<int64_t> shape = cast<ShapedType>(input.getType()).getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> starts = toInts(op.getStarts());
  SmallVector<int64_t> axes = toInts(op.getAxesAttr());
  SmallVector<int64_t> given = toInts(op.getStepsAttr());
  SmallVector<int64_t> offset(rank, 0), steps(rank, 1);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = i < axes.size() ? axes[i] : static_cast<int64_t>(i);
    if (axis < 0)
      axis += rank;
    int64_t step = i < given.size() ? given[i] : 1;
    int64_t dim = shape[axis], start = starts[i];
    if (start < 0)
      start += dim;
    start = step > 0 ? std::clamp<int64_t>(start, 0, dim)
                     : std::clamp<int64_t>(start, 0, dim - 1);
    offset[axis] = start;
    steps[axis] = step;
  }
  OpBuilder &b = l.getBuilder();
  createAndMap<tpu::SliceOp>(
      l, op, elementOf(input), {input},
      {b.getNamedAttr("offset", b.getI64ArrayAttr(offset)),
       b.getNamedAttr("steps", b.getI64ArrayAttr(steps))});
  return true;
}

/// The constant of a Pad as the input's type stores it: the code
/// sat(round(value / scale) + zp) (half away from zero, as tpu.Cast
/// quantizes), or the value rounded to the float type.
double padValueIn(double value, Type element) {
  if (auto q = dyn_cast<mq::UniformQuantizedType>(element)) {
    int64_t code = tpuc::quant::roundToInt(
        value / q.getScale(), tpuc::quant::RoundMode::HalfAwayFromZero);
    const int64_t bound = int64_t(1) << 40;
    code = std::clamp<int64_t>(code, -bound, bound) + q.getZeroPoint();
    return static_cast<double>(std::clamp<int64_t>(code, q.getStorageTypeMin(),
                                                   q.getStorageTypeMax()));
  }
  float f = static_cast<float>(value);
  if (element.isF16())
    f = tpuc::quant::roundToF16(f);
  else if (element.isBF16())
    f = tpuc::quant::roundToBF16(f);
  return f;
}

FailureOr<bool> lowerPad(Lowering &l, top::PadOp op) {
  Value input = movedInput(l, op.getInput());
  if (!input)
    return false;
  Type element = elementOf(input);
  if (!quantizedOf(input) && !isa<FloatType>(element))
    return false;
  tpu::PadMode mode = op.getMode() == "reflect" ? tpu::PadMode::Reflect
                      : op.getMode() == "edge"  ? tpu::PadMode::Edge
                                                : tpu::PadMode::Constant;
  OpBuilder &b = l.getBuilder();
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"paddings"}, attrs);
  attrs.push_back(
      b.getNamedAttr("pad_mode", tpu::PadModeAttr::get(l.getContext(), mode)));
  if (mode == tpu::PadMode::Constant)
    attrs.push_back(b.getNamedAttr(
        "val",
        b.getF64FloatAttr(padValueIn(op.getVal().convertToDouble(), element))));
  createAndMap<tpu::PadOp>(l, op, element, {input}, attrs);
  return true;
}

/// The integer factors (scale_h, scale_w) when a 4-D top.Interp in nearest
/// mode is exactly output[y, x] = input[y / scale_h, x / scale_w]. Decided
/// by the Top op's own inference, so that no coordinate rule is restated
/// here: a copy of the op on one 1 x 1 x H x W plane whose elements hold
/// their spatial index h·W + w (exact in f32 below 2^24) must give every
/// output its expected index.
std::optional<std::pair<int64_t, int64_t>> nearestFactors(top::InterpOp op) {
  auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
  auto outType = dyn_cast<RankedTensorType>(op.getOutput().getType());
  if (op.getMode() != "nearest" || !inType || !outType ||
      !inType.hasStaticShape() || !outType.hasStaticShape() ||
      inType.getRank() != 4)
    return std::nullopt;
  ArrayRef<int64_t> in = inType.getShape(), out = outType.getShape();
  if (out[0] != in[0] || out[1] != in[1] || out[2] % in[2] != 0 ||
      out[3] % in[3] != 0 || in[2] * in[3] >= (int64_t(1) << 24))
    return std::nullopt;
  int64_t sh = out[2] / in[2], sw = out[3] / in[3];

  // The copy stays outside any block; its operand is the argument of a
  // scratch block.
  Type f32 = Float32Type::get(op.getContext());
  Block scratch;
  Value plane = scratch.addArgument(
      RankedTensorType::get({1, 1, in[2], in[3]}, f32), op.getLoc());
  IRMapping mapping;
  mapping.map(op.getInput(), plane);
  Operation *copy = op->clone(mapping);
  copy->getResult(0).setType(
      RankedTensorType::get({1, 1, out[2], out[3]}, f32));
  std::vector<float> x(in[2] * in[3]), y(out[2] * out[3]);
  for (size_t e = 0; e < x.size(); ++e)
    x[e] = static_cast<float>(e);
  InferenceParameter p;
  p.inputs = {x.data()};
  p.weights = {nullptr};
  p.outputs = {y.data()};
  auto iface = cast<InferenceInterface>(copy);
  LogicalResult ran = iface.init(p);
  if (succeeded(ran)) {
    ran = iface.inference(p);
    iface.deinit(p);
  }
  copy->destroy();
  if (failed(ran))
    return std::nullopt;
  for (int64_t row = 0; row < out[2]; ++row)
    for (int64_t col = 0; col < out[3]; ++col)
      if (y[row * out[3] + col] !=
          static_cast<float>((row / sh) * in[3] + col / sw))
        return std::nullopt;
  return std::make_pair(sh, sw);
}

FailureOr<bool> lowerInterp(Lowering &l, top::InterpOp op) {
  Value input = movedInput(l, op.getInput());
  if (!input)
    return false;
  std::optional<std::pair<int64_t, int64_t>> factors = nearestFactors(op);
  if (!factors)
    return false; // linear or another nearest map: stays Top
  OpBuilder &b = l.getBuilder();
  createAndMap<tpu::UpsampleOp>(
      l, op, elementOf(input), {input},
      {b.getNamedAttr("scale_h", b.getI64IntegerAttr(factors->first)),
       b.getNamedAttr("scale_w", b.getI64IntegerAttr(factors->second))});
  return true;
}

//===----------------------------------------------------------------------===//
// Softmax, LayerNorm
//===----------------------------------------------------------------------===//

FailureOr<bool> lowerSoftmax(Lowering &l, top::SoftmaxOp op) {
  std::string name = nameOf(op);
  Type element = l.floatType(floatModeOf(l, op));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axis", "log"}, attrs);
  createAndMap<tpu::SoftmaxOp>(
      l, op, element, {floatOperand(l, op.getInput(), element)}, attrs);
  return true;
}

/// The three results (output, mean, rstd) in one float type; the op keeps
/// the Top op's FusedLoc, so each result keeps its own name.
FailureOr<bool> lowerLayerNorm(Lowering &l, top::LayerNormOp op) {
  std::string name = nameOf(op);
  Type element = l.floatType(floatModeOf(l, op));
  SmallVector<Value> operands;
  for (Value v : op->getOperands())
    operands.push_back(floatOperand(l, v, element));
  SmallVector<Type> types;
  for (Value result : op->getResults())
    types.push_back(Lowering::withElement(result.getType(), element));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axis", "eps"}, attrs);
  Operation *norm = createOp<tpu::LayerNormOp>(l, op, types, operands, attrs);
  for (auto [old, now] : llvm::zip(op->getResults(), norm->getResults()))
    l.map(old, now);
  return true;
}

//===----------------------------------------------------------------------===//
// Mul, Sub, Max, Min
//===----------------------------------------------------------------------===//

/// The requant attributes of an INT8 op approximating `f`: BM168x
/// MultiplierShift with a 32-bit multiplier (getScaleAndShift), CV18xx QDM
/// (TFLite's quantizeMultiplier), rounding as the chip does.
void addProductRequant(Lowering &l, SmallVectorImpl<NamedAttribute> &attrs,
                       double f) {
  bool cv18xx = l.chip().family == target::Family::CV18xx;
  tpuc::quant::MultiplierShift ms = cv18xx
                                        ? tpuc::quant::quantizeMultiplier(f)
                                        : tpuc::quant::getScaleAndShift(f, 32);
  addRequant(l, attrs,
             cv18xx ? tpu::QuantMode::QDM : tpu::QuantMode::MultiplierShift,
             {ms.multiplier}, {ms.rshift});
}

/// The 8-bit types an INT8 eltwise op sees its operands in
/// (Lowering::quantizedTypeOf), or an empty list when one is a weight or has
/// no range (the op then runs in float).
SmallVector<mq::UniformQuantizedType> quantizedTypes(Lowering &l,
                                                     ValueRange olds) {
  SmallVector<mq::UniformQuantizedType> types;
  for (Value old : olds) {
    std::optional<mq::UniformQuantizedType> t =
        old.getDefiningOp<top::WeightOp>() ? std::nullopt
                                           : l.quantizedTypeOf(old);
    if (!t)
      return {};
    types.push_back(*t);
  }
  return types;
}

/// The lowered values of `olds` (insertCasts gives them their types).
SmallVector<Value> lookupAll(Lowering &l, ValueRange olds) {
  SmallVector<Value> values;
  for (Value old : olds)
    values.push_back(l.lookup(old));
  return values;
}

/// INT8 top.Mul: y = requant((q_a - zp_a)·(q_b - zp_b)) with
/// f = s_a·s_b / s_out.
bool lowerMulInt8(Lowering &l, top::MulOp op) {
  std::string name = nameOf(op);
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op.getOutput());
  if (!outType)
    return false;
  SmallVector<mq::UniformQuantizedType> types =
      quantizedTypes(l, {op.getLhs(), op.getRhs()});
  if (types.empty())
    return false;
  double f = types[0].getScale() * types[1].getScale() / outType->getScale();
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"do_relu", "relu_limit"}, attrs);
  addProductRequant(l, attrs, f);
  createAndMap<tpu::MulOp>(l, op, *outType,
                           lookupAll(l, {op.getLhs(), op.getRhs()}), attrs);
  return true;
}

/// INT8 top.Sub as a tpu.Add of lhs·f_a and rhs·(−f_b), f_i = s_i / s_out,
/// with tpu.Add's per-chip multipliers: BM168x one 8-bit multiplier and
/// shift per input (getScaleAndShiftPositive of |f_i|, the sign put back
/// on the multiplier), CV18xx one shared shift (the largest that keeps
/// every |round(f_i·2^r)| within 127). Needs inputs of the result's rank
/// (tpu.Add does not broadcast ranks).
bool lowerSubInt8(Lowering &l, top::SubOp op) {
  std::string name = nameOf(op);
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op.getOutput());
  int64_t rank = rankOf(op.getOutput());
  if (!outType || rankOf(op.getLhs()) != rank || rankOf(op.getRhs()) != rank)
    return false;
  SmallVector<mq::UniformQuantizedType> types =
      quantizedTypes(l, {op.getLhs(), op.getRhs()});
  if (types.empty())
    return false;
  SmallVector<double> factors = {types[0].getScale() / outType->getScale(),
                                 -types[1].getScale() / outType->getScale()};
  SmallVector<int64_t> multipliers, rshifts;
  eltwiseRequant(l, factors, multipliers, rshifts);
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"do_relu", "relu_limit"}, attrs);
  addRequant(l, attrs, tpu::QuantMode::MultiplierShift, multipliers, rshifts,
             "multipliers", "rshifts");
  createAndMap<tpu::AddOp>(l, op, *outType,
                           lookupAll(l, {op.getLhs(), op.getRhs()}), attrs);
  return true;
}

/// INT8 top.Max / top.Min: every input cast to the result's type (a
/// requant or a quantize where it differs), then codes compared.
bool lowerMaxMinInt8(Lowering &l, Operation *op, bool isMax) {
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op->getResult(0));
  if (!outType || llvm::any_of(op->getOperands(), [](Value v) {
        return bool(v.getDefiningOp<top::WeightOp>());
      }))
    return false;
  SmallVector<Value> inputs = lookupAll(l, op->getOperands());
  if (isMax)
    createAndMap<tpu::MaxOp>(l, op, *outType, inputs, {});
  else
    createAndMap<tpu::MinOp>(l, op, *outType, inputs, {});
  return true;
}

/// Mul, Sub, Max, Min: the INT8 form when the op runs in INT8 and it is
/// possible, else the float form (operands cast to the float type).
template <typename TpuOp>
FailureOr<bool> lowerEltwise(Lowering &l, Operation *op,
                             llvm::function_ref<bool()> int8) {
  Mode mode = l.modeOf(op);
  if (mode == Mode::INT8) {
    if (int8())
      return true;
    l.floatFallbacks.push_back(nameOf(op));
    mode = l.floatFallback();
  }
  std::string name = nameOf(op);
  Type element = l.floatType(mode);
  SmallVector<Value> operands;
  for (Value v : op->getOperands())
    operands.push_back(floatOperand(l, v, element));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"do_relu", "relu_limit"}, attrs);
  createAndMap<TpuOp>(l, op, element, operands, attrs);
  return true;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops in float modes
//===----------------------------------------------------------------------===//

double attrValue(Operation *op, StringRef name) {
  return op->getAttrOfType<FloatAttr>(name).getValueAsDouble();
}

/// The tpu.Active mode and coefficients of an elementwise Top op; nullopt
/// for ops without one (AddConst, MulConst, the trigonometric inverses...).
std::optional<std::pair<tpu::ActiveMode, SmallVector<double>>>
activeOf(Operation *op) {
  using M = tpu::ActiveMode;
  using Result = std::optional<std::pair<M, SmallVector<double>>>;
  auto plain = [](M mode) -> Result {
    return std::make_pair(mode, SmallVector<double>());
  };
  auto with = [&](M mode, ArrayRef<StringRef> names) -> Result {
    SmallVector<double> coeffs;
    for (StringRef name : names)
      coeffs.push_back(attrValue(op, name));
    return std::make_pair(mode, coeffs);
  };
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](top::ReluOp relu) -> Result {
        double limit = relu.getReluLimit().convertToDouble();
        return std::make_pair(M::Relu, limit > 0 ? SmallVector<double>{limit}
                                                 : SmallVector<double>());
      })
      .Case([&](top::AbsOp) { return plain(M::Abs); })
      .Case([&](top::CeilOp) { return plain(M::Ceil); })
      .Case([&](top::CosOp) { return plain(M::Cos); })
      .Case([&](top::ErfOp) { return plain(M::Erf); })
      .Case([&](top::ExpOp) { return plain(M::Exp); })
      .Case([&](top::FloorOp) { return plain(M::Floor); })
      .Case([&](top::HardSwishOp) { return plain(M::HardSwish); })
      .Case([&](top::LogOp) { return plain(M::Log); })
      .Case([&](top::MishOp) { return plain(M::Mish); })
      .Case([&](top::NegOp) { return plain(M::Neg); })
      .Case([&](top::ReciprocalOp) { return plain(M::Reciprocal); })
      .Case([&](top::RoundOp) { return plain(M::Round); })
      .Case([&](top::SigmoidOp) { return plain(M::Sigmoid); })
      .Case([&](top::SignOp) { return plain(M::Sign); })
      .Case([&](top::SiLUOp) { return plain(M::SiLU); })
      .Case([&](top::SinOp) { return plain(M::Sin); })
      .Case([&](top::SoftplusOp) { return plain(M::Softplus); })
      .Case([&](top::SoftsignOp) { return plain(M::Softsign); })
      .Case([&](top::SqrtOp) { return plain(M::Sqrt); })
      .Case([&](top::TanhOp) { return plain(M::Tanh); })
      .Case([&](top::LeakyReluOp) { return with(M::LeakyRelu, {"alpha"}); })
      .Case([&](top::EluOp) { return with(M::Elu, {"alpha"}); })
      .Case([&](top::SeluOp) {
        return with(M::Selu, {"alpha", "gamma"});
      })
      .Case([&](top::CeluOp) { return with(M::Celu, {"alpha"}); })
      .Case([&](top::HardSigmoidOp) {
        return with(M::HardSigmoid, {"alpha", "beta"});
      })
      .Case([&](top::ClipOp) {
        return with(M::Clip, {"min", "max"});
      })
      .Case([&](top::GELUOp gelu) {
        return plain(gelu.getApproxMode() == "tanh" ? M::GELUTanh : M::GELU);
      })
      .Default([](Operation *) -> Result { return std::nullopt; });
}

/// A float elementwise op as tpu.Active. INT8 ops are lowerUnary's (a
/// 256-entry table) and do not come here.
FailureOr<bool> lowerActive(Lowering &l, Operation *op) {
  std::optional<std::pair<tpu::ActiveMode, SmallVector<double>>> active =
      activeOf(op);
  Mode mode = l.modeOf(op);
  if (!active || mode == Mode::INT8)
    return false;
  std::string name = nameOf(op);
  Type element = l.floatType(mode);
  OpBuilder &b = l.getBuilder();
  SmallVector<NamedAttribute> attrs;
  attrs.push_back(b.getNamedAttr(
      "mode", tpu::ActiveModeAttr::get(l.getContext(), active->first)));
  if (!active->second.empty())
    attrs.push_back(
        b.getNamedAttr("coeffs", b.getF64ArrayAttr(active->second)));
  createAndMap<tpu::ActiveOp>(
      l, op, element, {floatOperand(l, op->getOperand(0), element)}, attrs);
  return true;
}

} // namespace

FailureOr<bool> tpuc::lowering::lowerMoreOp(Lowering &l, Operation *op) {
  return llvm::TypeSwitch<Operation *, FailureOr<bool>>(op)
      .Case([&](top::PermuteOp permute) { return lowerPermute(l, permute); })
      .Case([&](top::SliceOp slice) { return lowerSlice(l, slice); })
      .Case([&](top::PadOp pad) { return lowerPad(l, pad); })
      .Case([&](top::InterpOp interp) { return lowerInterp(l, interp); })
      .Case([&](top::SoftmaxOp softmax) { return lowerSoftmax(l, softmax); })
      .Case([&](top::LayerNormOp norm) { return lowerLayerNorm(l, norm); })
      .Case([&](top::MulOp mul) {
        return lowerEltwise<tpu::MulOp>(l, mul,
                                        [&] { return lowerMulInt8(l, mul); });
      })
      .Case([&](top::SubOp sub) {
        return lowerEltwise<tpu::SubOp>(l, sub,
                                        [&] { return lowerSubInt8(l, sub); });
      })
      .Case([&](top::MaxOp max) {
        return lowerEltwise<tpu::MaxOp>(
            l, max, [&] { return lowerMaxMinInt8(l, max, /*isMax=*/true); });
      })
      .Case([&](top::MinOp min) {
        return lowerEltwise<tpu::MinOp>(
            l, min, [&] { return lowerMaxMinInt8(l, min, /*isMax=*/false); });
      })
      .Default([&](Operation *other) { return lowerActive(l, other); });
}
