//===- LowerOps.cpp - per-op Top to Tpu lowering --------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// One function per Top op family. Each tries the op's INT8 form when the op
// runs in INT8 (and the ranges it needs exist), else builds the float form
// in the op's float mode. The arithmetic (weights, multipliers, shifts) comes
// from WeightQuantization.h and QuantMath.h; docs/quantization.md works it
// out on numbers.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "tpuc/Conversion/TopToTpu/WeightQuantization.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Interfaces/InferenceInterface.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::lowering;
namespace mq = mlir::quant;

namespace {

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

/// The chip's INT8 weights, bias and requant of a convolution-like layer
/// (`in` without the QAT scales, which come from `oldWeight`'s
/// `weight_scale`); std::nullopt when the layer must stay float (BM1684
/// with an input zero point or no fitting shift, a scale count that does
/// not match). With `perTensor` (a BM1684X MatMul without QAT scales) every
/// channel takes the scale max|W|/127 of the whole tensor and the result
/// one multiplier and shift.
std::optional<std::pair<ConvQuantResult, tpu::QuantMode>>
quantizeWeights(const Lowering &l, ConvQuantInput in, Value oldWeight,
                bool perTensor = false) {
  SmallVector<double> weightScales;
  if (auto w = oldWeight.getDefiningOp<top::WeightOp>())
    if (ArrayAttr scales = w.getWeightScaleAttr())
      for (Attribute s : scales)
        weightScales.push_back(cast<FloatAttr>(s).getValueAsDouble());
  if (!weightScales.empty() &&
      static_cast<int64_t>(weightScales.size()) != in.outChannels)
    return std::nullopt;
  perTensor = perTensor && weightScales.empty() &&
              l.chip().family == target::Family::BM1684X;
  if (perTensor) {
    float maxAbs = 0;
    for (float w : in.weight)
      maxAbs = std::max(maxAbs, std::fabs(w));
    weightScales.assign(in.outChannels, maxAbs / 127.0);
  }
  in.weightScales = weightScales;
  switch (l.chip().family) {
  case target::Family::BM1684X: {
    ConvQuantResult q = quantizeConvBM1684X(in);
    if (perTensor) { // every channel has the same multiplier and shift
      q.multiplier.resize(1);
      q.rshift.resize(1);
    }
    return std::make_pair(std::move(q), tpu::QuantMode::MultiplierShift);
  }
  case target::Family::BM1684: {
    bool ok = true;
    if (in.inZeroPoint != 0)
      return std::nullopt;
    ConvQuantResult q = quantizeConvBM1684(in, ok);
    if (!ok)
      return std::nullopt;
    return std::make_pair(std::move(q), tpu::QuantMode::OnlyShift);
  }
  case target::Family::CV18xx:
    return std::make_pair(quantizeConvCV18xx(in), tpu::QuantMode::QDM);
  }
  return std::nullopt;
}

/// The int32 bias weight `<name>_bias_i32` of a quantized layer, or a none
/// value when it has none (the Top op's own when it had none).
Value int32Bias(Lowering &l, Value oldBias, StringRef name,
                ArrayRef<int64_t> bias) {
  OpBuilder &b = l.getBuilder();
  if (bias.empty()) {
    if (isa<NoneType>(oldBias.getType()))
      return l.lookup(oldBias);
    return b.create<top::NoneOp>(
        nameLoc(l.getContext(), (name + "_nobias").str()), b.getNoneType());
  }
  SmallVector<int32_t> b32(bias.begin(), bias.end());
  int64_t n = static_cast<int64_t>(b32.size());
  return l.createWeight((name + "_bias_i32").str(),
                        Array::fromData<int32_t>({n}, b32),
                        RankedTensorType::get({n}, b.getIntegerType(32)));
}

/// INT8 top.Conv (2-D, constant filter): false when it must stay float.
bool lowerConvInt8(Lowering &l, top::ConvOp op) {
  std::string name = nameOf(op);
  const Array *filter = l.weightData(op.getFilter());
  const Array *bias = isa<NoneType>(op.getBias().getType())
                          ? nullptr
                          : l.weightData(op.getBias());
  if (!filter || (!bias && !isa<NoneType>(op.getBias().getType())))
    return false;
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op.getOutput());
  if (!outType)
    return false;
  std::optional<mq::UniformQuantizedType> inType =
      l.quantizedTypeOf(op.getInput());
  if (!inType)
    return false;

  std::vector<float> weights = filter->toFloat();
  std::vector<float> biases = bias ? bias->toFloat() : std::vector<float>();
  ConvQuantInput in;
  in.weight = weights;
  in.bias = biases;
  in.outChannels = filter->shape()[0];
  in.inScale = inType->getScale();
  in.outScale = outType->getScale();
  in.inZeroPoint = inType->getZeroPoint();
  auto quantized = quantizeWeights(l, in, op.getFilter());
  if (!quantized)
    return false;
  auto &[q, quantMode] = *quantized;

  OpBuilder &b = l.getBuilder();
  SmallVector<int8_t> w8(q.weight.begin(), q.weight.end());
  Value filterValue = l.createWeight(
      name + "_filter_i8", Array::fromData<int8_t>(filter->shape(), w8),
      RankedTensorType::get(filter->shape(), b.getIntegerType(8)));
  Value biasValue = int32Bias(l, op.getBias(), name, q.bias);
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op,
            {"kernel_shape", "strides", "pads", "dilations", "group", "do_relu",
             "relu_limit"},
            attrs);
  addRequant(l, attrs, quantMode, q.multiplier, q.rshift);
  Value result = createValue<tpu::Conv2DOp>(
      l, op, Lowering::withElement(op.getOutput().getType(), *outType),
      {l.lookup(op.getInput()), filterValue, biasValue}, attrs);
  l.map(op.getOutput(), result);
  return true;
}

/// The float form of a conv-like op: every operand in the op's float type
/// (weights converted, activations cast), the attributes `names` copied.
template <typename OpTy>
void lowerFloatForm(Lowering &l, Operation *op, Mode mode,
                    ArrayRef<StringRef> names) {
  Type element = l.floatType(mode);
  std::string name = nameOf(op);
  SmallVector<Value> operands;
  for (Value v : op->getOperands())
    operands.push_back(floatOperand(l, v, element));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, names, attrs);
  Value result = createValue<OpTy>(
      l, op, Lowering::withElement(op->getResult(0).getType(), element),
      operands, attrs);
  l.map(op->getResult(0), result);
}

/// The op's mode, with INT8 tried first by `lowerInt8`: std::nullopt when
/// that lowered it, else the mode of its float form (the chip's float mode
/// after a failed INT8 form, recorded for the report).
template <typename Fn>
std::optional<Mode> tryInt8(Lowering &l, Operation *op, Fn lowerInt8) {
  Mode mode = l.modeOf(op);
  if (mode != Mode::INT8)
    return mode;
  if (lowerInt8())
    return std::nullopt;
  l.floatFallbacks.push_back(nameOf(op));
  return l.floatFallback();
}

FailureOr<bool> lowerConv(Lowering &l, top::ConvOp op) {
  if (cast<ShapedType>(op.getInput().getType()).getRank() != 4)
    return false; // 1-D convolution: no Tpu form yet
  std::optional<Mode> mode =
      tryInt8(l, op, [&] { return lowerConvInt8(l, op); });
  if (mode)
    lowerFloatForm<tpu::Conv2DOp>(l, op, *mode,
                                  {"kernel_shape", "strides", "pads",
                                   "dilations", "group", "do_relu",
                                   "relu_limit"});
  return true;
}

//===----------------------------------------------------------------------===//
// Add
//===----------------------------------------------------------------------===//

/// `value` (a lowered operand) with `rank` dimensions: as is, or through a
/// tpu.Reshape that prepends unit dimensions (numpy broadcasting aligns the
/// trailing ones), named `<source>_<user>_r<rank>`.
Value withRank(Lowering &l, Value value, int64_t rank, StringRef user) {
  auto type = cast<ShapedType>(value.getType());
  if (type.getRank() >= rank)
    return value;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  std::string name =
      getName(value) + "_" + user.str() + "_r" + std::to_string(rank);
  Value reshaped = l.getBuilder().create<tpu::ReshapeOp>(
      nameLoc(l.getContext(), name),
      RankedTensorType::get(shape, type.getElementType()), value);
  l.deriveOrigin(reshaped, value);
  return reshaped;
}

/// A constant operand of an INT8 eltwise op, quantized by its own abs-max
/// (scale max|w|/127, int8 codes rounded half away from zero) as the weight
/// `<weight>_<user>_i8` of a `!quant.uniform` type; null when the weight
/// has no f32 data.
Value quantizedConstant(Lowering &l, Value old, StringRef user) {
  const Array *array = l.weightData(old);
  if (!array)
    return nullptr;
  std::vector<float> data = array->toFloat();
  double maxAbs = 0;
  for (float v : data)
    maxAbs = std::max(maxAbs, static_cast<double>(std::fabs(v)));
  double scale = std::max(maxAbs, 1e-5) / 127.0;
  SmallVector<int8_t> codes;
  for (float v : data)
    codes.push_back(static_cast<int8_t>(std::clamp<int64_t>(
        tpuc::quant::roundToInt(v / scale,
                                tpuc::quant::RoundMode::HalfAwayFromZero),
        -127, 127)));
  OpBuilder &b = l.getBuilder();
  auto type = mq::UniformQuantizedType::get(mq::QuantizationFlags::Signed,
                                            b.getIntegerType(8), b.getF32Type(),
                                            scale, 0, -128, 127);
  return l.createWeight(getName(old) + "_" + user.str() + "_i8",
                        Array::fromData<int8_t>(array->shape(), codes),
                        RankedTensorType::get(array->shape(), type));
}

bool lowerAddInt8(Lowering &l, top::AddOp op) {
  std::string name = nameOf(op);
  int64_t rank = cast<ShapedType>(op.getOutput().getType()).getRank();
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op.getOutput());
  if (!outType)
    return false;
  SmallVector<double> coeff;
  if (ArrayAttr c = op.getCoeffAttr())
    for (Attribute a : c)
      coeff.push_back(cast<FloatAttr>(a).getValueAsDouble());
  // Every operand's type first (a constant quantized by its abs-max), so
  // that a failure creates no op; insertCasts casts the activations.
  SmallVector<std::optional<mq::UniformQuantizedType>> types;
  for (Value old : op.getInputs()) {
    types.push_back(old.getDefiningOp<top::WeightOp>()
                        ? std::nullopt
                        : l.quantizedTypeOf(old));
    if (!old.getDefiningOp<top::WeightOp>() && !types.back())
      return false;
  }
  SmallVector<Value> inputs;
  SmallVector<double> factors;
  for (auto [i, old] : llvm::enumerate(op.getInputs())) {
    Value v = types[i] ? l.lookup(old) : quantizedConstant(l, old, name);
    if (!v)
      return false;
    double scale = types[i] ? types[i]->getScale() : quantizedOf(v).getScale();
    double c = i < coeff.size() ? coeff[i] : 1.0;
    factors.push_back(c * scale / outType->getScale());
    inputs.push_back(withRank(l, v, rank, name));
  }
  SmallVector<int64_t> multipliers, rshifts;
  eltwiseRequant(l, factors, multipliers, rshifts);
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"do_relu", "relu_limit"}, attrs);
  addRequant(l, attrs, tpu::QuantMode::MultiplierShift, multipliers, rshifts,
             "multipliers", "rshifts");
  Value result = createValue<tpu::AddOp>(
      l, op, Lowering::withElement(op.getOutput().getType(), *outType), inputs,
      attrs);
  l.map(op.getOutput(), result);
  return true;
}

FailureOr<bool> lowerAdd(Lowering &l, top::AddOp op) {
  if (ArrayAttr c = op.getCoeffAttr())
    for (Attribute a : c)
      if (cast<FloatAttr>(a).getValueAsDouble() != 1.0 &&
          l.modeOf(op) != Mode::INT8)
        return false; // weighted float sum: stays Top
  Mode mode = l.modeOf(op);
  if (mode == Mode::INT8) {
    if (lowerAddInt8(l, op))
      return true;
    l.floatFallbacks.push_back(nameOf(op));
    mode = l.floatFallback();
    if (op.getCoeffAttr())
      return false;
  }
  Type element = l.floatType(mode);
  std::string name = nameOf(op);
  int64_t rank = cast<ShapedType>(op.getOutput().getType()).getRank();
  SmallVector<Value> operands;
  for (Value v : op.getInputs())
    operands.push_back(withRank(l, floatOperand(l, v, element), rank, name));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"do_relu", "relu_limit"}, attrs);
  Value result = createValue<tpu::AddOp>(
      l, op, Lowering::withElement(op.getOutput().getType(), element), operands,
      attrs);
  l.map(op.getOutput(), result);
  return true;
}

/// top.AddConst / top.MulConst in a float mode: tpu.Add / tpu.Mul with the
/// constant as a weight of unit dimensions (`<op>_const`) in the op's float
/// type. (In INT8 they are tables.)
FailureOr<bool> lowerConstFloat(Lowering &l, Operation *op, bool isAdd) {
  Type element = l.floatType(l.modeOf(op));
  std::string name = nameOf(op);
  Value old = op->getOperand(0);
  Value input = l.lookup(old);
  auto type = cast<ShapedType>(old.getType());
  SmallVector<int64_t> shape(type.getRank(), 1);
  auto constant = op->getAttrOfType<FloatAttr>("const_val");
  if (!input || !constant)
    return false;
  float value = static_cast<float>(constant.getValueAsDouble());
  if (element.isF16())
    value = tpuc::quant::roundToF16(value);
  else if (element.isBF16())
    value = tpuc::quant::roundToBF16(value);
  Value weight =
      l.createWeight(name + "_const", Array::fromFloat(shape, {value}),
                     RankedTensorType::get(shape, element));
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"do_relu", "relu_limit"}, attrs);
  Type result = Lowering::withElement(op->getResult(0).getType(), element);
  Value lowered =
      isAdd ? createValue<tpu::AddOp>(l, op, result, {input, weight}, attrs)
            : createValue<tpu::MulOp>(l, op, result, {input, weight}, attrs);
  l.map(op->getResult(0), lowered);
  return true;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops: a 256-entry table in INT8
//===----------------------------------------------------------------------===//

bool isElementwiseUnary(Operation *op) {
  return isa<top::ReluOp, top::AbsOp, top::CeilOp, top::CosOp, top::ErfOp,
             top::ExpOp, top::FloorOp, top::HardSwishOp, top::LogOp,
             top::MishOp, top::NegOp, top::ReciprocalOp, top::RoundOp,
             top::SigmoidOp, top::SignOp, top::SiLUOp, top::SinOp,
             top::SoftplusOp, top::SoftsignOp, top::SqrtOp, top::TanhOp,
             top::LeakyReluOp, top::EluOp, top::SeluOp, top::CeluOp,
             top::HardSigmoidOp, top::ClipOp, top::GELUOp, top::AddConstOp,
             top::MulConstOp>(op);
}

/// The table of an elementwise op, evaluated by the op's own (float)
/// inference on the 256 dequantized input codes, so the INT8 form can never
/// disagree with the Top op on what the function is.
FailureOr<std::vector<int64_t>> buildTable(Operation *op,
                                           mq::UniformQuantizedType in,
                                           mq::UniformQuantizedType out,
                                           tpuc::quant::RoundMode rmode) {
  auto iface = dyn_cast<InferenceInterface>(op);
  if (!iface)
    return failure();
  int64_t n = cast<ShapedType>(op->getResult(0).getType()).getNumElements();
  if (n <= 0)
    return failure();
  // The op computes over its own tensor of n elements; the codes go through
  // it in chunks of n (an elementwise op does not care where a value sits).
  int64_t count = ((256 + n - 1) / n) * n;
  std::vector<float> x(count, 0.0f), y(count, 0.0f);
  bool inSigned = in.isSigned();
  for (int i = 0; i < 256; ++i) {
    int64_t q = inSigned ? static_cast<int8_t>(static_cast<uint8_t>(i)) : i;
    x[i] = static_cast<float>((q - in.getZeroPoint()) * in.getScale());
  }
  InferenceParameter p;
  p.weights = {nullptr};
  if (failed(iface.init(p)))
    return failure();
  LogicalResult ran = success();
  for (int64_t offset = 0; offset < count && succeeded(ran); offset += n) {
    p.inputs = {x.data() + offset};
    p.outputs = {y.data() + offset};
    ran = iface.inference(p);
  }
  iface.deinit(p);
  if (failed(ran))
    return failure();
  std::vector<int64_t> table(256);
  for (int i = 0; i < 256; ++i) {
    double v = y[i];
    int64_t code =
        std::isnan(v) ? 0 : tpuc::quant::roundToInt(v / out.getScale(), rmode);
    code = std::min<int64_t>(std::max<int64_t>(code, -(int64_t(1) << 40)),
                             int64_t(1) << 40) +
           out.getZeroPoint();
    table[i] = std::min(std::max(code, out.getStorageTypeMin()),
                        out.getStorageTypeMax());
  }
  return table;
}

FailureOr<bool> lowerUnary(Lowering &l, Operation *op) {
  if (l.modeOf(op) != Mode::INT8)
    return false; // float: the Top op itself, in f32
  std::string name = nameOf(op);
  Value old = op->getOperand(0);
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op->getResult(0));
  std::optional<mq::UniformQuantizedType> inType =
      outType ? l.quantizedTypeOf(old) : std::nullopt;
  FailureOr<std::vector<int64_t>> table = failure();
  if (inType)
    table = buildTable(op, *inType, *outType,
                       tpuc::quant::RoundMode::HalfAwayFromZero);
  if (failed(table)) {
    l.floatFallbacks.push_back(name);
    return false;
  }
  OpBuilder &b = l.getBuilder();
  bool isSigned = outType->isSigned();
  Value tableValue;
  if (isSigned) {
    SmallVector<int8_t> t(table->begin(), table->end());
    tableValue =
        l.createWeight(name + "_table", Array::fromData<int8_t>({256}, t),
                       RankedTensorType::get({256}, b.getIntegerType(8)));
  } else {
    SmallVector<uint8_t> t(table->begin(), table->end());
    tableValue = l.createWeight(
        name + "_table", Array::fromData<uint8_t>({256}, t),
        RankedTensorType::get({256}, b.getIntegerType(8, false)));
  }
  Value result = createValue<tpu::LutOp>(
      l, op, Lowering::withElement(op->getResult(0).getType(), *outType),
      {l.lookup(old), tableValue}, {});
  l.map(op->getResult(0), result);
  return true;
}

//===----------------------------------------------------------------------===//
// MatMul (constant right operand in INT8)
//===----------------------------------------------------------------------===//

bool lowerMatMulInt8(Lowering &l, top::MatMulOp op) {
  std::string name = nameOf(op);
  const Array *right = l.weightData(op.getRight());
  bool hasBias = !isa<NoneType>(op.getBias().getType());
  const Array *bias = hasBias ? l.weightData(op.getBias()) : nullptr;
  if (!right || right->rank() != 2 || (hasBias && !bias))
    return false;
  std::optional<mq::UniformQuantizedType> outType =
      l.int8TypeOf(op.getOutput());
  if (!outType)
    return false;
  std::optional<mq::UniformQuantizedType> inType =
      l.quantizedTypeOf(op.getInput());
  if (!inType)
    return false;
  bool transposed = op.getRightTranspose();
  int64_t rows = right->shape()[0], cols = right->shape()[1];
  int64_t k = transposed ? cols : rows, n = transposed ? rows : cols;
  std::vector<float> data = right->toFloat();
  // Per output column c the weights W[:, c], as the rows of a 1x1
  // convolution with n output channels.
  std::vector<float> byColumn(n * k);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t i = 0; i < k; ++i)
      byColumn[c * k + i] = transposed ? data[c * k + i] : data[i * n + c];
  std::vector<float> biases = bias ? bias->toFloat() : std::vector<float>();
  if (bias && static_cast<int64_t>(biases.size()) != n)
    return false;
  ConvQuantInput in;
  in.weight = byColumn;
  in.bias = biases;
  in.outChannels = n;
  in.inScale = inType->getScale();
  in.outScale = outType->getScale();
  in.inZeroPoint = inType->getZeroPoint();
  auto quantized = quantizeWeights(l, in, op.getRight(), !l.matmulPerChannel);
  if (!quantized)
    return false;
  auto &[q, quantMode] = *quantized;
  // Back to the weight's own layout.
  SmallVector<int8_t> w8(rows * cols);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t i = 0; i < k; ++i)
      w8[transposed ? c * k + i : i * n + c] =
          static_cast<int8_t>(q.weight[c * k + i]);
  OpBuilder &b = l.getBuilder();
  Value rightValue = l.createWeight(
      name + "_filter_i8", Array::fromData<int8_t>(right->shape(), w8),
      RankedTensorType::get(right->shape(), b.getIntegerType(8)));
  Value biasValue = int32Bias(l, op.getBias(), name, q.bias);
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"right_transpose", "do_relu", "relu_limit"}, attrs);
  addRequant(l, attrs, quantMode, q.multiplier, q.rshift);
  Value result = createValue<tpu::MatMulOp>(
      l, op, Lowering::withElement(op.getOutput().getType(), *outType),
      {l.lookup(op.getInput()), rightValue, biasValue}, attrs);
  l.map(op.getOutput(), result);
  return true;
}

FailureOr<bool> lowerMatMul(Lowering &l, top::MatMulOp op) {
  std::optional<Mode> mode =
      tryInt8(l, op, [&] { return lowerMatMulInt8(l, op); });
  if (mode)
    lowerFloatForm<tpu::MatMulOp>(l, op, *mode,
                                  {"right_transpose", "do_relu", "relu_limit"});
  return true;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

FailureOr<bool> lowerPool(Lowering &l, Operation *op, bool isMax) {
  Value old = op->getOperand(0);
  if (cast<ShapedType>(old.getType()).getRank() != 4)
    return false; // 1-D pooling: no Tpu form yet
  std::string name = nameOf(op);
  OpBuilder &b = l.getBuilder();
  SmallVector<NamedAttribute> attrs;
  attrs.push_back(b.getNamedAttr(
      "pool_mode",
      tpu::PoolModeAttr::get(l.getContext(),
                             isMax ? tpu::PoolMode::Max : tpu::PoolMode::Avg)));
  copyAttrs(op,
            {"kernel_shape", "strides", "pads", "dilations", "ceil_mode",
             "count_include_pad", "do_relu", "relu_limit"},
            attrs);
  Type resultType = op->getResult(0).getType();
  Mode mode = l.modeOf(op);
  if (mode == Mode::INT8) {
    std::optional<mq::UniformQuantizedType> inType = l.quantizedTypeOf(old);
    Value input = l.lookup(old);
    if (inType && isMax) {
      // Max pooling keeps the input's codes: the result takes its type.
      Value result = createValue<tpu::Pool2DOp>(
          l, op, Lowering::withElement(resultType, *inType), {input}, attrs);
      l.map(op->getResult(0), result);
      return true;
    }
    // Average pooling in INT8 when every window has the same divisor (no
    // padding, no partial ceil-mode window): one multiplier and shift for
    // s_in / (s_out * count).
    std::optional<mq::UniformQuantizedType> outType =
        l.int8TypeOf(op->getResult(0));
    auto pads = cast<ArrayAttr>(op->getAttr("pads"));
    bool uniform = llvm::all_of(
        pads, [](Attribute a) { return cast<IntegerAttr>(a).getInt() == 0; });
    auto ceil = op->getAttrOfType<BoolAttr>("ceil_mode");
    if (inType && outType && uniform && !(ceil && ceil.getValue()) &&
        !op->getAttr("dilations")) {
      int64_t count = 1;
      for (Attribute a : cast<ArrayAttr>(op->getAttr("kernel_shape")))
        count *= cast<IntegerAttr>(a).getInt();
      double f = inType->getScale() /
                 (outType->getScale() * static_cast<double>(count));
      tpuc::quant::MultiplierShift ms = tpuc::quant::getScaleAndShift(f, 32);
      addRequant(l, attrs, tpu::QuantMode::MultiplierShift, {ms.multiplier},
                 {ms.rshift});
      Value result = createValue<tpu::Pool2DOp>(
          l, op, Lowering::withElement(resultType, *outType), {input}, attrs);
      l.map(op->getResult(0), result);
      return true;
    }
    l.floatFallbacks.push_back(name);
    mode = l.floatFallback();
  }
  Type element = l.floatType(mode);
  Value result = createValue<tpu::Pool2DOp>(
      l, op, Lowering::withElement(resultType, element), {l.lookup(old)},
      attrs);
  l.map(op->getResult(0), result);
  return true;
}

/// An INT8 top.Reduce (mean or max) over the two spatial axes of an NCHW
/// tensor — a global pooling (ShuffleNet's ReduceMean, ...): lowered as the
/// equivalent top.AvgPool / top.MaxPool with an H×W window, so it gets the
/// pooling's INT8 form (or its float form when INT8 is not possible); a
/// tpu.Reshape drops the unit axes when `keepdims` is false. Float modes and
/// other reductions are tpu.Reduce (LowerExtra.cpp), which sums in the Top
/// op's order, so an F32 lowering keeps the Top model's bits.
FailureOr<bool> lowerReduce(Lowering &l, top::ReduceOp op) {
  auto inType = cast<ShapedType>(op.getInput().getType());
  StringRef mode = op.getMode();
  if (l.modeOf(op) != Mode::INT8 || inType.getRank() != 4 ||
      (mode != "ReduceMean" && mode != "ReduceMax"))
    return false;
  SmallVector<int64_t> axes;
  for (Attribute a : op.getAxes()) {
    int64_t axis = cast<IntegerAttr>(a).getInt();
    axes.push_back(axis < 0 ? axis + 4 : axis);
  }
  llvm::sort(axes);
  if (axes != SmallVector<int64_t>{2, 3})
    return false;
  OpBuilder &b = l.getBuilder();
  ArrayRef<int64_t> in = inType.getShape();
  Type element = cast<ShapedType>(op.getOutput().getType()).getElementType();
  auto pooledType = RankedTensorType::get({in[0], in[1], 1, 1}, element);
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel_shape", b.getI64ArrayAttr({in[2], in[3]})),
      b.getNamedAttr("strides", b.getI64ArrayAttr({1, 1})),
      b.getNamedAttr("pads", b.getI64ArrayAttr({0, 0, 0, 0}))};
  bool isMax = mode == "ReduceMax";
  OperationState state(op.getLoc(), isMax ? top::MaxPoolOp::getOperationName()
                                          : top::AvgPoolOp::getOperationName());
  state.addOperands(op.getInput());
  state.addTypes(pooledType);
  state.addAttributes(attrs);
  Operation *pool = b.create(state);
  FailureOr<bool> lowered = lowerPool(l, pool, isMax);
  Value result = l.lookup(pool->getResult(0));
  pool->erase();
  if (failed(lowered) || !*lowered || !result)
    return lowered;
  if (!op.getKeepdims()) {
    Operation *pooled = result.getDefiningOp();
    pooled->setLoc(nameLoc(l.getContext(), nameOf(op) + "_pool"));
    result = b.create<tpu::ReshapeOp>(
        op.getLoc(),
        Lowering::withElement(
            op.getOutput().getType(),
            cast<ShapedType>(result.getType()).getElementType()),
        result);
  }
  l.map(op.getOutput(), result);
  return true;
}

//===----------------------------------------------------------------------===//
// Concat, Reshape
//===----------------------------------------------------------------------===//

FailureOr<bool> lowerConcat(Lowering &l, top::ConcatOp op) {
  std::string name = nameOf(op);
  SmallVector<NamedAttribute> attrs;
  copyAttrs(op, {"axis", "do_relu", "relu_limit"}, attrs);
  Type resultType = op.getOutput().getType();
  Mode mode = l.modeOf(op);
  if (mode == Mode::INT8) {
    std::optional<mq::UniformQuantizedType> outType =
        l.int8TypeOf(op.getOutput());
    SmallVector<Value> inputs;
    SmallVector<mq::UniformQuantizedType> types;
    for (Value old : op.getInputs()) {
      std::optional<mq::UniformQuantizedType> t =
          outType && !old.getDefiningOp<top::WeightOp>()
              ? l.quantizedTypeOf(old)
              : std::nullopt;
      if (!t) {
        inputs.clear();
        break;
      }
      inputs.push_back(l.lookup(old));
      types.push_back(*t);
    }
    if (!inputs.empty()) {
      SmallVector<int64_t> multipliers, rshifts;
      bool requant = false;
      for (mq::UniformQuantizedType t : types) {
        if (t == *outType) {
          multipliers.push_back(1);
          rshifts.push_back(0);
          continue;
        }
        requant = true;
        tpuc::quant::MultiplierShift ms = tpuc::quant::getScaleAndShift(
            t.getScale() / outType->getScale(), 32);
        multipliers.push_back(ms.multiplier);
        rshifts.push_back(ms.rshift);
      }
      if (requant)
        addRequant(l, attrs, tpu::QuantMode::MultiplierShift, multipliers,
                   rshifts, "multipliers", "rshifts");
      Value result = createValue<tpu::ConcatOp>(
          l, op, Lowering::withElement(resultType, *outType), inputs, attrs);
      l.map(op.getOutput(), result);
      return true;
    }
    l.floatFallbacks.push_back(name);
    mode = l.floatFallback();
  }
  Type element = l.floatType(mode);
  SmallVector<Value> operands;
  for (Value v : op.getInputs())
    operands.push_back(floatOperand(l, v, element));
  Value result = createValue<tpu::ConcatOp>(
      l, op, Lowering::withElement(resultType, element), operands, attrs);
  l.map(op.getOutput(), result);
  return true;
}

/// A reshape moves no value: the result keeps whatever type its input was
/// lowered to (INT8 codes, f16, ...), in every mode.
FailureOr<bool> lowerReshape(Lowering &l, top::ReshapeOp op) {
  Value input = l.lookup(op.getInput());
  if (!input || op.getInput().getDefiningOp<top::WeightOp>())
    return false;
  Type element = cast<ShapedType>(input.getType()).getElementType();
  Value result = createValue<tpu::ReshapeOp>(
      l, op, Lowering::withElement(op.getOutput().getType(), element), {input},
      {});
  l.map(op.getOutput(), result);
  return true;
}

/// The families above, then lowerMoreOp's.
FailureOr<bool> lowerFamily(Lowering &l, Operation *op) {
  if (auto conv = dyn_cast<top::ConvOp>(op))
    return lowerConv(l, conv);
  if (auto add = dyn_cast<top::AddOp>(op))
    return lowerAdd(l, add);
  if (auto matmul = dyn_cast<top::MatMulOp>(op))
    return lowerMatMul(l, matmul);
  if (isa<top::MaxPoolOp>(op))
    return lowerPool(l, op, /*isMax=*/true);
  if (isa<top::AvgPoolOp>(op))
    return lowerPool(l, op, /*isMax=*/false);
  if (auto concat = dyn_cast<top::ConcatOp>(op))
    return lowerConcat(l, concat);
  if (auto reduce = dyn_cast<top::ReduceOp>(op))
    return lowerReduce(l, reduce);
  if (auto reshape = dyn_cast<top::ReshapeOp>(op))
    return lowerReshape(l, reshape);
  if (isa<top::AddConstOp, top::MulConstOp>(op) && l.modeOf(op) != Mode::INT8)
    return lowerConstFloat(l, op, isa<top::AddConstOp>(op));
  if (isElementwiseUnary(op) && l.modeOf(op) == Mode::INT8)
    return lowerUnary(l, op);
  return lowerMoreOp(l, op);
}

} // namespace

FailureOr<bool> tpuc::lowering::lowerOp(Lowering &l, Operation *op) {
  // An op its family leaves (a non-spatial Reduce, a linear Interp, ...)
  // may still have a form in LowerExtra.cpp.
  FailureOr<bool> lowered = lowerFamily(l, op);
  if (failed(lowered) || *lowered)
    return lowered;
  return lowerExtraOp(l, op);
}
