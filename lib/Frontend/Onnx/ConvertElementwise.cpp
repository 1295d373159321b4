//===- ConvertElementwise.cpp - ONNX converters: elementwise ops ----------===//
//
// Part of tpuc. Sub, Mul, Div, Pow, Mod, Max, Min, Mean; comparisons and
// logic; Where, Cast; the unary activations and math functions; Clip,
// PRelu. (Add, Sum and Relu are converted by ConvertCore.cpp.)
//
// A binary op with a scalar constant operand becomes a top.AddConst /
// top.MulConst, so that patterns and lowerings see the constant's value
// without reading the weight file. Ops whose operands are all constants are
// folded by the importer core through the ops' inference.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include <cmath>
#include <limits>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::onnx_import;

namespace {

using Node = onnx::NodeProto;

/// Every input of `node` as a value; failure (already reported) when one is
/// unknown.
FailureOr<SmallVector<Value>> getInputs(OnnxImporter &im, const Node &node) {
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    Value v = im.getInput(node, i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  return inputs;
}

/// Maps the output of `node` to its input 0 (an op that is the identity).
LogicalResult forwardInput(OnnxImporter &im, const Node &node) {
  if (const Array *c = im.getConstant(node.input(0))) {
    im.setConstant(node.output(0), *c);
    return success();
  }
  Value x = im.getValue(node, node.input(0));
  if (!x)
    return failure();
  im.mapValue(node.output(0), x);
  return success();
}

bool isIntegerType(DType type) {
  return type != DType::F32 && type != DType::F64 && type != DType::F16;
}

/// Whether input `index` is a constant of an integer (or bool) type.
bool isIntegerConstant(OnnxImporter &im, const Node &node, unsigned index) {
  const Array *c = OnnxImporter::hasInput(node, index)
                       ? im.getConstant(node.input(index))
                       : nullptr;
  return c && isIntegerType(c->dtype());
}

/// The value of input `index` when it is a one-element constant that does
/// not enlarge the other operand `other` by broadcasting.
std::optional<double> scalarInput(OnnxImporter &im, const Node &node,
                                  unsigned index, unsigned other) {
  const Array *c = im.getConstant(node.input(index));
  if (!c || c->numElements() != 1 || im.isConstant(node.input(other)))
    return std::nullopt;
  Value v = im.getValue(node, node.input(other));
  if (!v || static_cast<size_t>(c->rank()) > OnnxImporter::shapeOf(v).size())
    return std::nullopt;
  return static_cast<double>(c->toFloat()[0]);
}

template <typename OpTy>
LogicalResult createConst(OnnxImporter &im, const Node &node, unsigned input,
                          double value) {
  Value x = im.getInput(node, input);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<OpTy>(
      node, {x}, {b.getNamedAttr("const_val", b.getF64FloatAttr(value))})));
}

template <typename OpTy>
LogicalResult createBinary(OnnxImporter &im, const Node &node,
                           ArrayRef<NamedAttribute> attrs = {}) {
  if (node.input_size() != 2)
    return im.fail(node, "expects 2 inputs, got " + Twine(node.input_size()));
  FailureOr<SmallVector<Value>> inputs = getInputs(im, node);
  if (failed(inputs))
    return failure();
  return failure(failed(im.create<OpTy>(node, *inputs, attrs)));
}

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

LogicalResult convertSub(OnnxImporter &im, const Node &node) {
  if (node.input_size() == 2)
    if (std::optional<double> c = scalarInput(im, node, 1, 0))
      return createConst<top::AddConstOp>(im, node, 0, -*c);
  return createBinary<top::SubOp>(im, node);
}

LogicalResult convertMul(OnnxImporter &im, const Node &node) {
  if (node.input_size() == 2) {
    if (std::optional<double> c = scalarInput(im, node, 1, 0))
      return createConst<top::MulConstOp>(im, node, 0, *c);
    if (std::optional<double> c = scalarInput(im, node, 0, 1))
      return createConst<top::MulConstOp>(im, node, 1, *c);
  }
  return createBinary<top::MulOp>(im, node);
}

/// Div: integer division truncates when the operands are integer constants;
/// a float division by a non-zero scalar constant becomes a product with its
/// reciprocal.
LogicalResult convertDiv(OnnxImporter &im, const Node &node) {
  bool integer = isIntegerConstant(im, node, 0) && isIntegerConstant(im, node, 1);
  if (node.input_size() == 2 && !isIntegerConstant(im, node, 1))
    if (std::optional<double> c = scalarInput(im, node, 1, 0); c && *c != 0.0)
      return createConst<top::MulConstOp>(im, node, 0, 1.0 / *c);
  OpBuilder &b = im.builder();
  return createBinary<top::DivOp>(
      im, node, {b.getNamedAttr("integer", b.getBoolAttr(integer))});
}

/// Pow; a constant exponent of 2 or 3 becomes products (x * x, x * (x * x)),
/// which quantize better and let patterns (the tanh GELU) see the cube.
LogicalResult convertPow(OnnxImporter &im, const Node &node) {
  if (node.input_size() == 2)
    if (std::optional<double> e = scalarInput(im, node, 1, 0);
        e && (*e == 2.0 || *e == 3.0)) {
      Value x = im.getInput(node, 0);
      if (!x)
        return failure();
      if (*e == 2.0)
        return failure(failed(im.create<top::MulOp>(node, {x, x})));
      FailureOr<Value> square =
          im.createHelper<top::MulOp>(node, "square", {x, x});
      if (failed(square))
        return failure();
      return failure(failed(im.create<top::MulOp>(node, {x, *square})));
    }
  return createBinary<top::PowOp>(im, node);
}

LogicalResult convertMod(OnnxImporter &im, const Node &node) {
  OpBuilder &b = im.builder();
  bool fmod = getAttrInt(node, "fmod", 0) != 0;
  return createBinary<top::ModOp>(
      im, node, {b.getNamedAttr("fmod", b.getBoolAttr(fmod))});
}

/// OpTy over the one or more inputs of `node`, with the attributes
/// `attrs(n)` for n inputs; a single input is forwarded.
template <typename OpTy, typename AttrsFn>
LogicalResult createVariadic(OnnxImporter &im, const Node &node,
                             AttrsFn attrs) {
  if (node.input_size() == 0)
    return im.fail(node, "needs at least one input");
  if (node.input_size() == 1)
    return forwardInput(im, node);
  FailureOr<SmallVector<Value>> inputs = getInputs(im, node);
  if (failed(inputs))
    return failure();
  return failure(
      failed(im.create<OpTy>(node, *inputs, attrs(inputs->size()))));
}

/// Max and Min of one or more inputs.
template <typename OpTy>
LogicalResult convertVariadic(OnnxImporter &im, const Node &node) {
  return createVariadic<OpTy>(
      im, node, [](size_t) { return SmallVector<NamedAttribute>(); });
}

/// Mean: a top.Add whose coefficients are all 1/n.
LogicalResult convertMean(OnnxImporter &im, const Node &node) {
  OpBuilder &b = im.builder();
  return createVariadic<top::AddOp>(im, node, [&](size_t n) {
    SmallVector<double> coeff(n, 1.0 / n);
    return SmallVector<NamedAttribute>{
        b.getNamedAttr("coeff", b.getF64ArrayAttr(coeff))};
  });
}

//===----------------------------------------------------------------------===//
// Comparisons, logic, selection, casts
//===----------------------------------------------------------------------===//

/// Equal, Greater, GreaterOrEqual, Less, LessOrEqual, And, Or, Xor: the
/// ONNX op type is the mode.
LogicalResult convertCompare(OnnxImporter &im, const Node &node) {
  OpBuilder &b = im.builder();
  return createBinary<top::CompareOp>(
      im, node,
      {b.getNamedAttr("mode", b.getStringAttr(node.op_type()))});
}

LogicalResult convertWhere(OnnxImporter &im, const Node &node) {
  if (node.input_size() != 3)
    return im.fail(node, "expects 3 inputs, got " + Twine(node.input_size()));
  FailureOr<SmallVector<Value>> inputs = getInputs(im, node);
  if (failed(inputs))
    return failure();
  return failure(failed(im.create<top::WhereOp>(node, *inputs)));
}

/// The Top spelling of an ONNX cast target; "" for float and double (the
/// identity on f32 data), nullopt when unsupported.
std::optional<StringRef> castTarget(int64_t to) {
  switch (to) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::DOUBLE: return StringRef();
  case onnx::TensorProto::FLOAT16: return StringRef("f16");
  case onnx::TensorProto::BFLOAT16: return StringRef("bf16");
  case onnx::TensorProto::INT8: return StringRef("i8");
  case onnx::TensorProto::UINT8: return StringRef("u8");
  case onnx::TensorProto::INT16: return StringRef("i16");
  case onnx::TensorProto::UINT16: return StringRef("u16");
  case onnx::TensorProto::INT32: return StringRef("i32");
  case onnx::TensorProto::UINT32: return StringRef("u32");
  case onnx::TensorProto::INT64: return StringRef("i64");
  case onnx::TensorProto::UINT64: return StringRef("u64");
  case onnx::TensorProto::BOOL: return StringRef("bool");
  default: return std::nullopt;
  }
}

/// Cast: the identity to float types; a constant cast to an integer type
/// keeps an integer constant (so that integer arithmetic downstream, e.g.
/// Div in shape computations, knows it).
LogicalResult convertCast(OnnxImporter &im, const Node &node) {
  int64_t to = getAttrInt(node, "to", onnx::TensorProto::FLOAT);
  std::optional<StringRef> target = castTarget(to);
  if (!target)
    return im.fail(node, "cast to ONNX data type " + Twine(to) +
                             " is not supported");
  if (target->empty())
    return forwardInput(im, node);
  if (const Array *c = im.getConstant(node.input(0));
      c && *target != "f16" && *target != "bf16") {
    std::vector<float> data = c->toFloat();
    if (*target == "bool") {
      SmallVector<bool> values;
      for (float v : data)
        values.push_back(v != 0.0f);
      im.setConstant(node.output(0), Array::fromData<bool>(c->shape(), values));
      return success();
    }
    SmallVector<int64_t> values;
    for (float v : data)
      values.push_back(static_cast<int64_t>(std::trunc(v)));
    im.setConstant(node.output(0),
                   Array::fromData<int64_t>(c->shape(), values));
    return success();
  }
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::CastOp>(
      node, {x}, {b.getNamedAttr("to", b.getStringAttr(*target))})));
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

/// An attribute of the Top op copied from the ONNX float attribute of the
/// same name, or its ONNX default.
struct FloatAttrSpec {
  const char *name;
  float defaultValue;
};

template <typename OpTy>
LogicalResult convertUnary(OnnxImporter &im, const Node &node,
                           ArrayRef<FloatAttrSpec> floatAttrs = {}) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs;
  for (const FloatAttrSpec &attr : floatAttrs)
    attrs.push_back(b.getNamedAttr(
        attr.name, b.getF64FloatAttr(
                       getAttrFloat(node, attr.name, attr.defaultValue))));
  return failure(failed(im.create<OpTy>(node, {x}, attrs)));
}

/// A converter for a unary op whose float attributes are `floatAttrs`.
template <typename OpTy>
ConvertFn unary(std::vector<FloatAttrSpec> floatAttrs = {}) {
  return [floatAttrs](OnnxImporter &im, const Node &node) {
    return convertUnary<OpTy>(im, node, floatAttrs);
  };
}

LogicalResult convertIsInf(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::IsInfOp>(
      node, {x},
      {b.getNamedAttr("detect_negative",
                      b.getBoolAttr(getAttrInt(node, "detect_negative", 1))),
       b.getNamedAttr("detect_positive",
                      b.getBoolAttr(getAttrInt(node, "detect_positive", 1)))})));
}

/// PRelu. ONNX broadcasts the slope as numpy does; old PyTorch exports give a
/// per-channel slope as a 1-D [C] tensor that numpy would align with the
/// last axis. When that cannot broadcast, it is reshaped to [C, 1, ..., 1].
LogicalResult convertPRelu(OnnxImporter &im, const Node &node) {
  if (node.input_size() != 2)
    return im.fail(node, "expects 2 inputs, got " + Twine(node.input_size()));
  Value x = im.getInput(node, 0);
  Value slope = im.getInput(node, 1);
  if (!x || !slope)
    return failure();
  ArrayRef<int64_t> xShape = OnnxImporter::shapeOf(x);
  ArrayRef<int64_t> sShape = OnnxImporter::shapeOf(slope);
  if (xShape.size() >= 3 && sShape.size() == 1 && sShape[0] == xShape[1] &&
      sShape[0] != xShape.back() && sShape[0] != 1) {
    SmallVector<int64_t> perChannel(xShape.size() - 1, 1);
    perChannel[0] = sShape[0];
    if (const Array *c = im.getConstant(node.input(1))) {
      slope = im.createWeight(node, "slope",
                              Array::fromFloat(perChannel, c->toFloat()));
    } else {
      OpBuilder &b = im.builder();
      FailureOr<Value> reshaped = im.createHelper<top::ReshapeOp>(
          node, "slope", {slope},
          {b.getNamedAttr("shape", b.getI64ArrayAttr(perChannel))});
      if (failed(reshaped))
        return failure();
      slope = *reshaped;
    }
  }
  return failure(failed(im.create<top::PReluOp>(node, {x, slope})));
}

/// Clip: bounds from attributes (opset < 11) or optional constant inputs;
/// Clip(x, 0, max) is a (capped) ReLU. Bounds that are not constants make
/// Min(Max(x, min), max).
LogicalResult convertClip(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  const float inf = std::numeric_limits<float>::infinity();
  double lo = -inf, hi = inf;
  OpBuilder &b = im.builder();
  if (im.opset() < 11) {
    lo = getAttrFloat(node, "min", -inf);
    hi = getAttrFloat(node, "max", inf);
  } else {
    bool constantBounds = true;
    for (unsigned i : {1u, 2u})
      if (OnnxImporter::hasInput(node, i) && !im.isConstant(node.input(i)))
        constantBounds = false;
    if (!constantBounds) {
      // Min(Max(x, min), max) with tensor bounds.
      Value result = x;
      if (OnnxImporter::hasInput(node, 1)) {
        Value min = im.getInput(node, 1);
        if (!min)
          return failure();
        if (!OnnxImporter::hasInput(node, 2))
          return failure(failed(im.create<top::MaxOp>(node, {x, min})));
        FailureOr<Value> clamped =
            im.createHelper<top::MaxOp>(node, "max", {x, min});
        if (failed(clamped))
          return failure();
        result = *clamped;
      }
      Value max = im.getInput(node, 2);
      if (!max)
        return failure();
      return failure(failed(im.create<top::MinOp>(node, {result, max})));
    }
    for (unsigned i : {1u, 2u}) {
      if (!OnnxImporter::hasInput(node, i))
        continue;
      const Array *c = im.getConstant(node.input(i));
      if (c->numElements() != 1)
        return im.fail(node, "min and max must be scalars");
      (i == 1 ? lo : hi) = c->toFloat()[0];
    }
  }
  if (std::isnan(lo) || std::isnan(hi))
    return im.fail(node, "min and max must not be NaN");
  if (lo == 0.0 && hi > 0.0) {
    double limit = std::isinf(hi) ? -1.0 : hi;
    return failure(failed(im.create<top::ReluOp>(
        node, {x}, {b.getNamedAttr("relu_limit", b.getF64FloatAttr(limit))})));
  }
  return failure(failed(
      im.create<top::ClipOp>(node, {x},
                             {b.getNamedAttr("min", b.getF64FloatAttr(lo)),
                              b.getNamedAttr("max", b.getF64FloatAttr(hi))})));
}

} // namespace

FailureOr<bool> tpuc::onnx_import::tryConvertScalarAdd(OnnxImporter &im,
                                                        const Node &node) {
  if (node.input_size() != 2)
    return false;
  for (auto [c, x] : {std::pair(1u, 0u), std::pair(0u, 1u)})
    if (std::optional<double> value = scalarInput(im, node, c, x)) {
      if (failed(createConst<top::AddConstOp>(im, node, x, *value)))
        return failure();
      return true;
    }
  return false;
}

void tpuc::onnx_import::registerElementwiseConverters(ConverterMap &map) {
  map["Sub"] = convertSub;
  map["Mul"] = convertMul;
  map["Div"] = convertDiv;
  map["Pow"] = convertPow;
  map["Mod"] = convertMod;
  map["Max"] = convertVariadic<top::MaxOp>;
  map["Min"] = convertVariadic<top::MinOp>;
  map["Mean"] = convertMean;

  for (const char *mode : {"Equal", "Greater", "GreaterOrEqual", "Less",
                           "LessOrEqual", "And", "Or", "Xor"})
    map[mode] = convertCompare;
  map["Not"] = unary<top::NotOp>();
  map["Where"] = convertWhere;
  map["Cast"] = convertCast;
  map["IsNaN"] = unary<top::IsNaNOp>();
  map["IsInf"] = convertIsInf;

  map["Abs"] = unary<top::AbsOp>();
  map["Acos"] = unary<top::AcosOp>();
  map["Acosh"] = unary<top::AcoshOp>();
  map["Asin"] = unary<top::AsinOp>();
  map["Asinh"] = unary<top::AsinhOp>();
  map["Atan"] = unary<top::AtanOp>();
  map["Atanh"] = unary<top::AtanhOp>();
  map["Ceil"] = unary<top::CeilOp>();
  map["Cos"] = unary<top::CosOp>();
  map["Cosh"] = unary<top::CoshOp>();
  map["Erf"] = unary<top::ErfOp>();
  map["Exp"] = unary<top::ExpOp>();
  map["Floor"] = unary<top::FloorOp>();
  map["HardSwish"] = unary<top::HardSwishOp>();
  map["Log"] = unary<top::LogOp>();
  map["Mish"] = unary<top::MishOp>();
  map["Neg"] = unary<top::NegOp>();
  map["Reciprocal"] = unary<top::ReciprocalOp>();
  map["Round"] = unary<top::RoundOp>();
  map["Sigmoid"] = unary<top::SigmoidOp>();
  map["Sign"] = unary<top::SignOp>();
  map["Sin"] = unary<top::SinOp>();
  map["Sinh"] = unary<top::SinhOp>();
  map["Softplus"] = unary<top::SoftplusOp>();
  map["Softsign"] = unary<top::SoftsignOp>();
  map["Sqrt"] = unary<top::SqrtOp>();
  map["Tan"] = unary<top::TanOp>();
  map["Tanh"] = unary<top::TanhOp>();

  map["LeakyRelu"] = unary<top::LeakyReluOp>({{"alpha", 0.01f}});
  map["Elu"] = unary<top::EluOp>({{"alpha", 1.0f}});
  map["Selu"] = unary<top::SeluOp>(
      {{"alpha", 1.67326319217681884765625f},
       {"gamma", 1.05070102214813232421875f}});
  map["Celu"] = unary<top::CeluOp>({{"alpha", 1.0f}});
  map["ThresholdedRelu"] = unary<top::ThresholdedReluOp>({{"alpha", 1.0f}});
  map["HardSigmoid"] =
      unary<top::HardSigmoidOp>({{"alpha", 0.2f}, {"beta", 0.5f}});
  map["Shrink"] = unary<top::ShrinkOp>({{"bias", 0.0f}, {"lambd", 0.5f}});
  map["PRelu"] = convertPRelu;
  map["Clip"] = convertClip;
}
