//===- Scale.cpp - top.Scale, top.BatchNorm -------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Support/Parallel.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// Checks a per-channel op: the input, when ranked, has rank 2 or more, and
/// each of `operands` (when statically shaped) has one element per input
/// channel (dimension 1).
static LogicalResult
verifyPerChannel(Operation *op, Value input,
                 std::initializer_list<std::pair<StringRef, Value>> operands) {
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  if (!inType)
    return success();
  if (inType.getRank() < 2)
    return op->emitOpError("input must have rank 2 or more, got rank ")
           << inType.getRank();
  int64_t channels = inType.getDimSize(1);
  if (ShapedType::isDynamic(channels))
    return success();
  for (auto [name, value] : operands) {
    auto type = staticType(value);
    if (type && type.getNumElements() != channels)
      return op->emitOpError()
             << name << " has " << type.getNumElements()
             << " elements but the input has " << channels << " channels";
  }
  return success();
}

/// out = in * scale + shift per channel (dimension 1) of `shape`, then the
/// fused ReLU; `coefficients(c)` gives channel c's {scale, shift}. The
/// (batch, channel) planes are computed in parallel.
template <typename CoefficientsFn>
static void applyChannelAffine(ArrayRef<int64_t> shape, const float *in,
                               float *out, bool doRelu, double limit,
                               CoefficientsFn coefficients) {
  int64_t channels = shape[1], inner = 1;
  for (size_t i = 2; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t planes = shape[0] * channels;
  int64_t grain =
      chooseGrain(planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(
                                                          1, inner)));
  parallelFor(0, planes, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t plane = lo; plane < hi; ++plane) {
      auto [scale, shift] = coefficients(plane % channels);
      const float *src = in + plane * inner;
      float *dst = out + plane * inner;
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = src[i] * scale + shift;
      applyRelu(dst, inner, doRelu, limit);
    }
  });
}

LogicalResult ScaleOp::verify() {
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  return verifyPerChannel(*this, getInput(),
                          {{"scale", getScale()}, {"bias", getBias()}});
}

LogicalResult ScaleOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape) || failed(getStaticShape(*this, getScale())))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t ScaleOp::getFlops() {
  int64_t outputs = numElements(getOutput());
  return outputs * (1 + (isa<NoneType>(getBias().getType()) ? 0 : 1) +
                    (getDoRelu() ? 1 : 0));
}

LogicalResult ScaleOp::inference(InferenceParameter &p) {
  const float *scale = p.inputs[1], *bias = p.inputs[2];
  applyChannelAffine(shapeOf(getInput()), p.inputs[0], p.outputs[0],
                     getDoRelu(), getReluLimit().convertToDouble(),
                     [&](int64_t c) {
                       return std::pair<float, float>(
                           scale[c], bias ? bias[c] : 0.0f);
                     });
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  if (!(getEps().convertToDouble() >= 0.0))
    return emitOpError("eps must not be negative");
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  return verifyPerChannel(*this, getInput(),
                          {{"mean", getMean()},
                           {"variance", getVariance()},
                           {"scale", getScale()},
                           {"bias", getBias()}});
}

LogicalResult BatchNormOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t BatchNormOp::getFlops() {
  return numElements(getOutput()) * (2 + (getDoRelu() ? 1 : 0));
}

LogicalResult BatchNormOp::inference(InferenceParameter &p) {
  const float *mean = p.inputs[1], *var = p.inputs[2];
  const float *gamma = p.inputs[3], *beta = p.inputs[4];
  double eps = getEps().convertToDouble();
  applyChannelAffine(
      shapeOf(getInput()), p.inputs[0], p.outputs[0], getDoRelu(),
      getReluLimit().convertToDouble(), [&](int64_t c) {
        double s = (gamma ? gamma[c] : 1.0) / std::sqrt(var[c] + eps);
        return std::pair<float, float>(
            static_cast<float>(s),
            static_cast<float>((beta ? beta[c] : 0.0) - mean[c] * s));
      });
  return success();
}
