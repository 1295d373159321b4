//===- Activation.cpp - unary activations and math functions --------------===//
//
// Part of tpuc. The elementwise unary ops of the Top dialect (the logical
// ones live in Logic.cpp) and PRelu. Each computes in float what onnxruntime
// computes, so that the ONNX backend test cases match to rounding.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Activation.h"
#include "tpuc/Kernels/Elementwise.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// Shape inference and flop count of a unary op: the output has the input's
/// shape and costs `perElement` operations per element.
#define TPUC_UNARY_SHAPE_AND_FLOPS(OP, perElement)                             \
  LogicalResult OP::inferShapes() {                                            \
    return inferSameShape(*this, getInput());                                  \
  }                                                                            \
  int64_t OP::getFlops() { return (perElement)*numElements(getOutput()); }

/// A unary op without attributes: shape, flops and `y = EXPR` over `x`.
#define TPUC_UNARY_OP(OP, perElement, EXPR)                                    \
  TPUC_UNARY_SHAPE_AND_FLOPS(OP, perElement)                                   \
  LogicalResult OP::inference(InferenceParameter &p) {                         \
    mapElements(p.inputs[0], p.outputs[0], numElements(getOutput()),           \
                [](float x) -> float { return EXPR; });                        \
    return success();                                                          \
  }

// The formulas that tpu.Active shares live in tpuc/Kernels/Activation.h.
using namespace tpuc::kernels;

TPUC_UNARY_OP(AbsOp, 1, std::abs(x))
TPUC_UNARY_OP(AcosOp, 1, std::acos(x))
TPUC_UNARY_OP(AcoshOp, 1, std::acosh(x))
TPUC_UNARY_OP(AsinOp, 1, std::asin(x))
TPUC_UNARY_OP(AsinhOp, 1, std::asinh(x))
TPUC_UNARY_OP(AtanOp, 1, std::atan(x))
TPUC_UNARY_OP(AtanhOp, 1, std::atanh(x))
TPUC_UNARY_OP(CeilOp, 1, std::ceil(x))
TPUC_UNARY_OP(CosOp, 1, std::cos(x))
TPUC_UNARY_OP(CoshOp, 1, std::cosh(x))
TPUC_UNARY_OP(ErfOp, 1, std::erf(x))
TPUC_UNARY_OP(ExpOp, 1, std::exp(x))
TPUC_UNARY_OP(FloorOp, 1, std::floor(x))
TPUC_UNARY_OP(HardSwishOp, 4, hardSwish(x))
TPUC_UNARY_OP(LogOp, 1, std::log(x))
TPUC_UNARY_OP(MishOp, 4, mish(x))
TPUC_UNARY_OP(NegOp, 1, -x)
TPUC_UNARY_OP(ReciprocalOp, 1, 1.0f / x)
TPUC_UNARY_OP(RoundOp, 1, std::nearbyint(x))
TPUC_UNARY_OP(SigmoidOp, 4, sigmoid(x))
TPUC_UNARY_OP(SignOp, 1, sign(x))
TPUC_UNARY_OP(SiLUOp, 5, silu(x))
TPUC_UNARY_OP(SinOp, 1, std::sin(x))
TPUC_UNARY_OP(SinhOp, 1, std::sinh(x))
TPUC_UNARY_OP(SoftplusOp, 3, softplus(x))
TPUC_UNARY_OP(SoftsignOp, 3, softsign(x))
TPUC_UNARY_OP(SqrtOp, 1, std::sqrt(x))
TPUC_UNARY_OP(TanOp, 1, std::tan(x))
TPUC_UNARY_OP(TanhOp, 1, std::tanh(x))

//===----------------------------------------------------------------------===//
// Unary ops with attributes
//===----------------------------------------------------------------------===//

/// `y = fn(x)` over the elements of a unary op.
template <typename OpTy, typename Fn>
static LogicalResult evalUnary(OpTy op, InferenceParameter &p, Fn fn) {
  mapElements(p.inputs[0], p.outputs[0], numElements(op.getOutput()), fn);
  return success();
}

static float attrValue(llvm::APFloat value) {
  return static_cast<float>(value.convertToDouble());
}

TPUC_UNARY_SHAPE_AND_FLOPS(LeakyReluOp, 2)
LogicalResult LeakyReluOp::inference(InferenceParameter &p) {
  float alpha = attrValue(getAlpha());
  return evalUnary(*this, p, [=](float x) { return leakyRelu(x, alpha); });
}

TPUC_UNARY_SHAPE_AND_FLOPS(EluOp, 3)
LogicalResult EluOp::inference(InferenceParameter &p) {
  float alpha = attrValue(getAlpha());
  return evalUnary(*this, p, [=](float x) { return elu(x, alpha); });
}

TPUC_UNARY_SHAPE_AND_FLOPS(SeluOp, 4)
LogicalResult SeluOp::inference(InferenceParameter &p) {
  float alpha = attrValue(getAlpha()), gamma = attrValue(getGamma());
  return evalUnary(*this, p, [=](float x) { return selu(x, alpha, gamma); });
}

LogicalResult CeluOp::verify() {
  if (getAlpha().isZero())
    return emitOpError("alpha must not be 0");
  return success();
}

TPUC_UNARY_SHAPE_AND_FLOPS(CeluOp, 5)
LogicalResult CeluOp::inference(InferenceParameter &p) {
  float alpha = attrValue(getAlpha());
  return evalUnary(*this, p, [=](float x) { return celu(x, alpha); });
}

TPUC_UNARY_SHAPE_AND_FLOPS(ThresholdedReluOp, 1)
LogicalResult ThresholdedReluOp::inference(InferenceParameter &p) {
  float alpha = attrValue(getAlpha());
  return evalUnary(*this, p, [=](float x) { return x > alpha ? x : 0.0f; });
}

TPUC_UNARY_SHAPE_AND_FLOPS(HardSigmoidOp, 4)
LogicalResult HardSigmoidOp::inference(InferenceParameter &p) {
  float alpha = attrValue(getAlpha()), beta = attrValue(getBeta());
  return evalUnary(*this, p,
                   [=](float x) { return hardSigmoid(x, alpha, beta); });
}

TPUC_UNARY_SHAPE_AND_FLOPS(ShrinkOp, 2)
LogicalResult ShrinkOp::inference(InferenceParameter &p) {
  float bias = attrValue(getBias()), lambd = attrValue(getLambd());
  return evalUnary(*this, p, [=](float x) {
    return x < -lambd ? x + bias : (x > lambd ? x - bias : 0.0f);
  });
}

LogicalResult ClipOp::verify() {
  if (getMin().isNaN() || getMax().isNaN())
    return emitOpError("min and max must not be NaN");
  return success();
}

TPUC_UNARY_SHAPE_AND_FLOPS(ClipOp, 2)
LogicalResult ClipOp::inference(InferenceParameter &p) {
  float lo = attrValue(getMin()), hi = attrValue(getMax());
  // NaN compares false both ways and passes through.
  return evalUnary(*this, p, [=](float x) { return clip(x, lo, hi); });
}

TPUC_UNARY_SHAPE_AND_FLOPS(GELUOp, 6)
LogicalResult GELUOp::inference(InferenceParameter &p) {
  if (getApproxMode() == "tanh")
    return evalUnary(*this, p, [](float x) { return geluTanh(x); });
  return evalUnary(*this, p, [](float x) { return gelu(x); });
}

//===----------------------------------------------------------------------===//
// PReluOp
//===----------------------------------------------------------------------===//

/// Whether `slope` broadcasts to `input` without enlarging it.
static bool slopeFits(ArrayRef<int64_t> input, ArrayRef<int64_t> slope) {
  FailureOr<SmallVector<int64_t>> merged = broadcastShapes(input, slope);
  return succeeded(merged) && ArrayRef<int64_t>(*merged) == input;
}

LogicalResult PReluOp::verify() {
  auto input = staticType(getInput()), slope = staticType(getSlope());
  if (input && slope && !slopeFits(input.getShape(), slope.getShape()))
    return emitOpError("slope shape ")
           << formatShape(slope.getShape())
           << " does not broadcast to the input shape "
           << formatShape(input.getShape());
  return success();
}

LogicalResult PReluOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> input = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> slope = getStaticShape(*this, getSlope());
  if (failed(input) || failed(slope))
    return failure();
  if (!slopeFits(*input, *slope))
    return emitOpError("slope shape ")
           << formatShape(*slope) << " does not broadcast to the input shape "
           << formatShape(*input);
  return setResultShape(*this, 0, *input);
}

int64_t PReluOp::getFlops() { return 2 * numElements(getOutput()); }

LogicalResult PReluOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  broadcastElements<2>({p.inputs[0], p.inputs[1]}, {shape, shapeOf(getSlope())},
                       shape, p.outputs[0],
                       [](float x, float s) { return kernels::prelu(x, s); });
  return success();
}
