//===- LowerExtra.cpp - Top to Tpu lowering of the remaining ops ----------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The ops the families of lowerOp (LowerOps.cpp, LowerMore.cpp) leave,
// handed to lowerExtraOp:
//
// - the data movements Gather, Split, Tile, Expand, Depth2Space: in every
//   mode the result takes the type the input was lowered to (INT8 codes with
//   their scale and zero point, f16, ...), as lowerReshape does; an input
//   that is a weight (an embedding table, a constant tiled) is moved in the
//   op's float mode instead (the chip's float mode for an INT8 op), the
//   weight converted to that type; Gather's indices stay exact integers in
//   f32;
// - Reduce (the reductions that are not a global pooling) and Interp
//   (linear; nearest maps that are not an Upsample move data as above):
//   float forms, in the chip's float mode for an INT8 op;
// - Deconv: INT8 with per-channel weights and requant (the convolution's
//   arithmetic of WeightQuantization.h, the input zero point subtracted by
//   the op), or the float form;
// - PRelu, Div, Pow, Compare, Where, InstanceNorm, LRN, LpNorm: float
//   forms, in the chip's float mode for an INT8 op; Where keeps its
//   condition in a float type wide enough that no non-zero value becomes 0;
// - Arg: on the input as it was lowered (INT8 codes compare as their
//   values), the indices in f32.
//
// Operands are passed as they were lowered (createOp casts them to what the
// op's TypeInterface asks); float weights are converted here.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "tpuc/Conversion/TopToTpu/WeightQuantization.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Kernels/Elementwise.h"
#include "tpuc/Kernels/Interp.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::lowering;
namespace mq = mlir::quant;

namespace {

Type elementOf(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
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

/// An operand of a float op in `element`: a weight converted
/// (Lowering::floatWeight), an activation or none as it was lowered
/// (createOp casts it).
Value floatInput(Lowering &l, Value old, Type element) {
  if (old.getDefiningOp<top::WeightOp>())
    return l.floatWeight(old, element);
  return l.lookup(old);
}

/// The value a data movement moves and the element type its results take:
/// an activation as it was lowered, whatever its type; a weight in the op's
/// float mode (the chip's float mode for an INT8 op, recorded), converted.
std::pair<Value, Type> movedInput(Lowering &l, Operation *op, Value old) {
  if (old.getDefiningOp<top::WeightOp>()) {
    Type element = l.floatType(floatModeOf(l, op));
    Value weight = l.floatWeight(old, element);
    return {weight, weight ? elementOf(weight) : element};
  }
  Value value = l.lookup(old);
  return {value, value ? elementOf(value) : Type()};
}

/// Creates the op with `old`'s results retyped to `element`, at `old`'s
/// location (so every result keeps its name), and maps the results.
template <typename OpTy>
void createAndMap(Lowering &l, Operation *old, Type element,
                  ValueRange operands, ArrayRef<NamedAttribute> attrs) {
  SmallVector<Type> types;
  for (Value result : old->getResults())
    types.push_back(Lowering::withElement(result.getType(), element));
  Operation *op = createOp<OpTy>(l, old, types, operands, attrs);
  for (auto [from, to] : llvm::zip(old->getResults(), op->getResults()))
    l.map(from, to);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

FailureOr<bool> lowerGather(Lowering &l, top::GatherOp op) {
  auto [input, element] = movedInput(l, op, op.getInput());
  if (!input)
    return false;
  // The indices are exact integers: a weight as it is (f32), an activation
  // cast to f32 where it was lowered to another type.
  Value old = op.getIndices();
  Value indices = old.getDefiningOp<top::WeightOp>()
                      ? l.lookup(old)
                      : l.castTo(old, l.getBuilder().getF32Type(), nameOf(op));
  if (!indices)
    return false;
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axis"}, attrs);
  createAndMap<tpu::GatherOp>(l, op, element, {input, indices}, attrs);
  return true;
}

FailureOr<bool> lowerSplit(Lowering &l, top::SplitOp op) {
  auto [input, element] = movedInput(l, op, op.getInput());
  if (!input)
    return false;
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axis"}, attrs);
  createAndMap<tpu::SplitOp>(l, op, element, {input}, attrs);
  return true;
}

FailureOr<bool> lowerTile(Lowering &l, top::TileOp op) {
  auto [input, element] = movedInput(l, op, op.getInput());
  if (!input)
    return false;
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"tile"}, attrs);
  createAndMap<tpu::TileOp>(l, op, element, {input}, attrs);
  return true;
}

/// top.Expand's `shape` is resolved into its result's shape, which is all
/// tpu.Expand needs.
FailureOr<bool> lowerExpand(Lowering &l, top::ExpandOp op) {
  auto [input, element] = movedInput(l, op, op.getInput());
  if (!input)
    return false;
  createAndMap<tpu::ExpandOp>(l, op, element, {input}, {});
  return true;
}

FailureOr<bool> lowerDepth2Space(Lowering &l, top::Depth2SpaceOp op) {
  auto [input, element] = movedInput(l, op, op.getInput());
  if (!input)
    return false;
  OpBuilder &b = l.getBuilder();
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"block", "is_inverse"}, attrs);
  attrs.push_back(b.getNamedAttr(
      "mode", tpu::Depth2SpaceModeAttr::get(l.getContext(),
                                            op.getMode() == "CRD"
                                                ? tpu::Depth2SpaceMode::CRD
                                                : tpu::Depth2SpaceMode::DCR)));
  createAndMap<tpu::Depth2SpaceOp>(l, op, element, {input}, attrs);
  return true;
}

//===----------------------------------------------------------------------===//
// Reduce, Interp
//===----------------------------------------------------------------------===//

std::optional<tpu::ReduceMode> reduceMode(StringRef mode) {
  return llvm::StringSwitch<std::optional<tpu::ReduceMode>>(mode)
      .Case("ReduceMean", tpu::ReduceMode::Mean)
      .Case("ReduceSum", tpu::ReduceMode::Sum)
      .Case("ReduceMax", tpu::ReduceMode::Max)
      .Case("ReduceMin", tpu::ReduceMode::Min)
      .Case("ReduceProd", tpu::ReduceMode::Prod)
      .Case("ReduceL1", tpu::ReduceMode::L1)
      .Case("ReduceL2", tpu::ReduceMode::L2)
      .Case("ReduceSumSquare", tpu::ReduceMode::SumSquare)
      .Case("ReduceLogSum", tpu::ReduceMode::LogSum)
      .Case("ReduceLogSumExp", tpu::ReduceMode::LogSumExp)
      .Default(std::nullopt);
}

/// A reduction that is not a global pooling (lowerReduce takes those): the
/// float form, in the chip's float mode for an INT8 op.
FailureOr<bool> lowerReduce(Lowering &l, top::ReduceOp op) {
  std::optional<tpu::ReduceMode> mode = reduceMode(op.getMode());
  if (!mode)
    return false;
  Type element = l.floatType(floatModeOf(l, op));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axes", "keepdims"}, attrs);
  attrs.push_back(l.getBuilder().getNamedAttr(
      "mode", tpu::ReduceModeAttr::get(l.getContext(), *mode)));
  createAndMap<tpu::ReduceOp>(l, op, element,
                              {floatInput(l, op.getInput(), element)}, attrs);
  return true;
}

tpu::InterpCoordMode coordMode(kernels::InterpCoord coord) {
  switch (coord) {
  case kernels::InterpCoord::HalfPixel:
    return tpu::InterpCoordMode::HalfPixel;
  case kernels::InterpCoord::PytorchHalfPixel:
    return tpu::InterpCoordMode::PytorchHalfPixel;
  case kernels::InterpCoord::AlignCorners:
    return tpu::InterpCoordMode::AlignCorners;
  case kernels::InterpCoord::Asymmetric:
    return tpu::InterpCoordMode::Asymmetric;
  case kernels::InterpCoord::TfHalfPixelForNearest:
    return tpu::InterpCoordMode::TfHalfPixelForNearest;
  }
  return tpu::InterpCoordMode::HalfPixel;
}

tpu::InterpNearestMode nearestMode(kernels::InterpNearest nearest) {
  switch (nearest) {
  case kernels::InterpNearest::RoundPreferFloor:
    return tpu::InterpNearestMode::RoundPreferFloor;
  case kernels::InterpNearest::RoundPreferCeil:
    return tpu::InterpNearestMode::RoundPreferCeil;
  case kernels::InterpNearest::Floor:
    return tpu::InterpNearestMode::Floor;
  case kernels::InterpNearest::Ceil:
    return tpu::InterpNearestMode::Ceil;
  case kernels::InterpNearest::Simple:
    return tpu::InterpNearestMode::Simple;
  }
  return tpu::InterpNearestMode::RoundPreferFloor;
}

/// A resize that is not an Upsample (lowerInterp takes those): nearest as a
/// data movement (the input's lowered type), linear as a float op (the
/// chip's float mode for an INT8 op). The coordinate scales are resolved
/// as top.Interp resolves them (tpuc/Kernels/Interp.h), so the Tpu op maps
/// every coordinate as the Top op does.
FailureOr<bool> lowerInterp(Lowering &l, top::InterpOp op) {
  std::optional<kernels::InterpMode> mode =
      kernels::interpModeNamed(op.getMode());
  std::optional<kernels::InterpCoord> coord =
      kernels::interpCoordNamed(op.getCoordMode());
  std::optional<kernels::InterpNearest> nearest =
      kernels::interpNearestNamed(op.getNearestMode());
  auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
  auto outType = dyn_cast<RankedTensorType>(op.getOutput().getType());
  if (!mode || !coord || !nearest || !inType || !outType ||
      !inType.hasStaticShape() || !outType.hasStaticShape())
    return false;
  bool linear = *mode == kernels::InterpMode::Linear;
  Value input;
  Type element;
  if (linear) {
    element = l.floatType(floatModeOf(l, op));
    input = floatInput(l, op.getInput(), element);
  } else {
    std::tie(input, element) = movedInput(l, op, op.getInput());
  }
  if (!input)
    return false;
  SmallVector<double> given;
  for (Attribute a : op.getScales())
    given.push_back(cast<FloatAttr>(a).getValueAsDouble());
  SmallVector<double> scales =
      kernels::coordinateScales(given, inType.getShape(), outType.getShape(),
                                op.getTargetShape().has_value());
  OpBuilder &b = l.getBuilder();
  MLIRContext *context = l.getContext();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("scales", b.getF64ArrayAttr(scales)),
      b.getNamedAttr("mode", tpu::InterpModeAttr::get(
                                 context, linear ? tpu::InterpMode::Linear
                                                 : tpu::InterpMode::Nearest)),
      b.getNamedAttr("coord_mode",
                     tpu::InterpCoordModeAttr::get(context, coordMode(*coord))),
      b.getNamedAttr("nearest_mode", tpu::InterpNearestModeAttr::get(
                                         context, nearestMode(*nearest)))};
  createAndMap<tpu::InterpOp>(l, op, element, {input}, attrs);
  return true;
}

//===----------------------------------------------------------------------===//
// Deconv
//===----------------------------------------------------------------------===//

/// INT8 top.Deconv (constant filter and bias): the weights of output
/// channel c (filter[g·IC/g + i, c mod OC/g] for its group g) quantized and
/// requantized as a convolution's (BM1684X per channel, MultiplierShift;
/// BM1684 per layer, OnlyShift, symmetric only; CV18xx per channel, QDM),
/// with no zero-point folding (tpu.Deconv subtracts it). False when it must
/// stay float.
bool lowerDeconvInt8(Lowering &l, top::DeconvOp op) {
  std::string name = nameOf(op);
  const Array *filter = l.weightData(op.getFilter());
  bool hasBias = !isa<NoneType>(op.getBias().getType());
  const Array *bias = hasBias ? l.weightData(op.getBias()) : nullptr;
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op.getOutput());
  std::optional<mq::UniformQuantizedType> inType =
      l.quantizedTypeOf(op.getInput());
  if (!filter || (hasBias && !bias) || !outType || !inType ||
      filter->rank() < 3)
    return false;
  ArrayRef<int64_t> ws = filter->shape();
  int64_t group = op.getGroup(), ic = ws[0], ocg = ws[1];
  int64_t taps = 1;
  for (int64_t d : ws.drop_front(2))
    taps *= d;
  int64_t icg = ic / group, oc = ocg * group, inner = icg * taps;
  // [IC, OC/g, taps] -> one row of icg x taps weights per output channel.
  std::vector<float> data = filter->toFloat(), rows(oc * inner);
  auto at = [&](int64_t o, int64_t c, int64_t k) {
    return ((o / ocg * icg + c) * ocg + o % ocg) * taps + k;
  };
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t c = 0; c < icg; ++c)
      for (int64_t k = 0; k < taps; ++k)
        rows[(o * icg + c) * taps + k] = data[at(o, c, k)];
  std::vector<float> biases = bias ? bias->toFloat() : std::vector<float>();
  ConvQuantInput in;
  in.weight = rows;
  in.bias = biases;
  in.outChannels = oc;
  in.inScale = inType->getScale();
  in.outScale = outType->getScale();
  ConvQuantResult q;
  tpu::QuantMode mode;
  switch (l.chip().family) {
  case target::Family::BM1684X:
    q = quantizeConvBM1684X(in);
    mode = tpu::QuantMode::MultiplierShift;
    break;
  case target::Family::BM1684: {
    bool ok = true;
    if (inType->getZeroPoint() != 0)
      return false;
    q = quantizeConvBM1684(in, ok);
    if (!ok)
      return false;
    mode = tpu::QuantMode::OnlyShift;
    break;
  }
  case target::Family::CV18xx:
    q = quantizeConvCV18xx(in);
    mode = tpu::QuantMode::QDM;
    break;
  default:
    return false;
  }
  OpBuilder &b = l.getBuilder();
  SmallVector<int8_t> w8(ic * ocg * taps);
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t c = 0; c < icg; ++c)
      for (int64_t k = 0; k < taps; ++k)
        w8[at(o, c, k)] =
            static_cast<int8_t>(q.weight[(o * icg + c) * taps + k]);
  Value filterValue =
      l.createWeight(name + "_filter_i8", Array::fromData<int8_t>(ws, w8),
                     RankedTensorType::get(ws, b.getIntegerType(8)));
  Value biasValue;
  if (!q.bias.empty()) {
    SmallVector<int32_t> b32(q.bias.begin(), q.bias.end());
    biasValue =
        l.createWeight(name + "_bias_i32", Array::fromData<int32_t>({oc}, b32),
                       RankedTensorType::get({oc}, b.getIntegerType(32)));
  } else if (!hasBias) {
    biasValue = l.lookup(op.getBias());
  } else {
    biasValue = b.create<top::NoneOp>(nameLoc(l.getContext(), name + "_nobias"),
                                      b.getNoneType());
  }
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op,
            {"kernel_shape", "strides", "pads", "dilations", "output_padding",
             "group", "do_relu", "relu_limit"},
            attrs);
  addRequant(l, attrs, mode, q.multiplier, q.rshift);
  createAndMap<tpu::DeconvOp>(l, op, *outType,
                              {l.lookup(op.getInput()), filterValue, biasValue},
                              attrs);
  return true;
}

/// The INT8 form when the op runs in INT8 and it is possible, else the
/// float form: every operand in the op's float type (weights converted), in
/// the chip's float mode for an INT8 op.
FailureOr<bool> lowerDeconv(Lowering &l, top::DeconvOp op) {
  if (l.modeOf(op) == Mode::INT8 && lowerDeconvInt8(l, op))
    return true;
  Type element = l.floatType(floatModeOf(l, op));
  SmallVector<Value> operands;
  for (Value v : op->getOperands())
    operands.push_back(floatInput(l, v, element));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op,
            {"kernel_shape", "strides", "pads", "dilations", "output_padding",
             "group", "do_relu", "relu_limit"},
            attrs);
  createAndMap<tpu::DeconvOp>(l, op, element, operands, attrs);
  return true;
}

//===----------------------------------------------------------------------===//
// Float eltwise ops and normalizations
//===----------------------------------------------------------------------===//

/// The float form of `op`: every operand in the op's float type (weights
/// converted, activations cast by createOp), the attributes `names`
/// copied and `extra` added, in the chip's float mode for an INT8 op.
template <typename OpTy>
FailureOr<bool> lowerFloatOp(Lowering &l, Operation *op,
                             ArrayRef<StringRef> names,
                             ArrayRef<NamedAttribute> extra = {}) {
  Type element = l.floatType(floatModeOf(l, op));
  SmallVector<Value> operands;
  for (Value v : op->getOperands())
    operands.push_back(floatInput(l, v, element));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, names, attrs);
  llvm::append_range(attrs, extra);
  createAndMap<OpTy>(l, op, element, operands, attrs);
  return true;
}

tpu::CompareMode compareMode(kernels::CompareMode mode) {
  switch (mode) {
  case kernels::CompareMode::Equal:
    return tpu::CompareMode::Equal;
  case kernels::CompareMode::Greater:
    return tpu::CompareMode::Greater;
  case kernels::CompareMode::GreaterOrEqual:
    return tpu::CompareMode::GreaterOrEqual;
  case kernels::CompareMode::Less:
    return tpu::CompareMode::Less;
  case kernels::CompareMode::LessOrEqual:
    return tpu::CompareMode::LessOrEqual;
  case kernels::CompareMode::And:
    return tpu::CompareMode::And;
  case kernels::CompareMode::Or:
    return tpu::CompareMode::Or;
  case kernels::CompareMode::Xor:
    return tpu::CompareMode::Xor;
  }
  return tpu::CompareMode::Equal;
}

FailureOr<bool> lowerCompare(Lowering &l, top::CompareOp op) {
  std::optional<kernels::CompareMode> mode =
      kernels::compareModeNamed(op.getMode());
  if (!mode)
    return false;
  return lowerFloatOp<tpu::CompareOp>(
      l, op, {},
      {l.getBuilder().getNamedAttr(
          "mode",
          tpu::CompareModeAttr::get(l.getContext(), compareMode(*mode)))});
}

/// x and y in the op's float type; the condition as it was lowered when
/// that is a float type (a weight stays f32), else (INT8 codes) cast to
/// f32, so that its non-zero values stay non-zero.
FailureOr<bool> lowerWhere(Lowering &l, top::WhereOp op) {
  Type element = l.floatType(floatModeOf(l, op));
  Value old = op.getCondition();
  Value condition = l.lookup(old);
  if (condition && !isa<FloatType>(elementOf(condition)))
    condition = l.castTo(old, l.getBuilder().getF32Type(), nameOf(op));
  if (!condition)
    return false;
  createAndMap<tpu::WhereOp>(l, op, element,
                             {condition, floatInput(l, op.getX(), element),
                              floatInput(l, op.getY(), element)},
                             {});
  return true;
}

/// The input as it was lowered (INT8 codes, f16, ... : the order of the
/// stored values is the order of the values), the indices in f32.
FailureOr<bool> lowerArg(Lowering &l, top::ArgOp op) {
  Value input = l.lookup(op.getInput());
  if (!input)
    return false;
  OpBuilder &b = l.getBuilder();
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axis", "keepdims", "select_last_index"}, attrs);
  attrs.push_back(b.getNamedAttr(
      "mode",
      tpu::ArgModeAttr::get(l.getContext(), op.getMode() == "ArgMin"
                                                ? tpu::ArgMode::ArgMin
                                                : tpu::ArgMode::ArgMax)));
  createAndMap<tpu::ArgOp>(l, op, b.getF32Type(), {input}, attrs);
  return true;
}

} // namespace

FailureOr<bool> tpuc::lowering::lowerExtraOp(Lowering &l, Operation *op) {
  return llvm::TypeSwitch<Operation *, FailureOr<bool>>(op)
      .Case([&](top::GatherOp gather) { return lowerGather(l, gather); })
      .Case([&](top::SplitOp split) { return lowerSplit(l, split); })
      .Case([&](top::TileOp tile) { return lowerTile(l, tile); })
      .Case([&](top::ExpandOp expand) { return lowerExpand(l, expand); })
      .Case([&](top::Depth2SpaceOp d2s) { return lowerDepth2Space(l, d2s); })
      .Case([&](top::ReduceOp reduce) { return lowerReduce(l, reduce); })
      .Case([&](top::InterpOp interp) { return lowerInterp(l, interp); })
      .Case([&](top::DeconvOp deconv) { return lowerDeconv(l, deconv); })
      .Case([&](top::PReluOp prelu) {
        return lowerFloatOp<tpu::PReluOp>(l, prelu, {});
      })
      .Case([&](top::ModOp mod) {
        return lowerFloatOp<tpu::ModOp>(l, mod, {"fmod"});
      })
      .Case([&](top::DivOp div) {
        return lowerFloatOp<tpu::DivOp>(l, div, {"integer"});
      })
      .Case(
          [&](top::PowOp pow) { return lowerFloatOp<tpu::PowOp>(l, pow, {}); })
      .Case([&](top::CompareOp compare) { return lowerCompare(l, compare); })
      .Case([&](top::WhereOp where) { return lowerWhere(l, where); })
      .Case([&](top::ArgOp arg) { return lowerArg(l, arg); })
      .Case([&](top::InstanceNormOp norm) {
        return lowerFloatOp<tpu::InstanceNormOp>(l, norm, {"eps"});
      })
      .Case([&](top::LRNOp lrn) {
        return lowerFloatOp<tpu::LRNOp>(l, lrn,
                                        {"size", "alpha", "beta", "bias"});
      })
      .Case([&](top::LpNormOp norm) {
        return lowerFloatOp<tpu::LpNormOp>(l, norm, {"axis", "p"});
      })
      .Default([](Operation *) -> FailureOr<bool> { return false; });
}
