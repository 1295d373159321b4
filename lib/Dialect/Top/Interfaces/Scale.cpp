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

LogicalResult ScaleOp::verify() {
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  auto inType = dyn_cast<RankedTensorType>(getInput().getType());
  if (!inType)
    return success();
  if (inType.getRank() < 2)
    return emitOpError("input must have rank 2 or more, got rank ")
           << inType.getRank();
  int64_t channels = inType.getDimSize(1);
  if (ShapedType::isDynamic(channels))
    return success();
  for (auto [name, value] :
       {std::pair<StringRef, Value>{"scale", getScale()},
        std::pair<StringRef, Value>{"bias", getBias()}}) {
    auto type = staticType(value);
    if (type && type.getNumElements() != channels)
      return emitOpError() << name << " has " << type.getNumElements()
                           << " elements but the input has " << channels
                           << " channels";
  }
  return success();
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
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t channels = shape[1], inner = 1;
  for (size_t i = 2; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t planes = shape[0] * channels;
  const float *in = p.inputs[0], *scale = p.inputs[1], *bias = p.inputs[2];
  float *out = p.outputs[0];
  bool doRelu = getDoRelu();
  double limit = getReluLimit().convertToDouble();
  int64_t grain =
      chooseGrain(planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(
                                                          1, inner)));
  parallelFor(0, planes, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t plane = lo; plane < hi; ++plane) {
      int64_t c = plane % channels;
      float s = scale[c], b = bias ? bias[c] : 0.0f;
      const float *src = in + plane * inner;
      float *dst = out + plane * inner;
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = src[i] * s + b;
      applyRelu(dst, inner, doRelu, limit);
    }
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
  auto inType = dyn_cast<RankedTensorType>(getInput().getType());
  if (!inType)
    return success();
  if (inType.getRank() < 2)
    return emitOpError("input must have rank 2 or more, got rank ")
           << inType.getRank();
  int64_t channels = inType.getDimSize(1);
  if (ShapedType::isDynamic(channels))
    return success();
  for (auto [name, value] : {std::pair<StringRef, Value>{"mean", getMean()},
                             std::pair<StringRef, Value>{"variance",
                                                         getVariance()},
                             std::pair<StringRef, Value>{"scale", getScale()},
                             std::pair<StringRef, Value>{"bias", getBias()}}) {
    auto type = staticType(value);
    if (type && type.getNumElements() != channels)
      return emitOpError() << name << " has " << type.getNumElements()
                           << " elements but the input has " << channels
                           << " channels";
  }
  return success();
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
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t channels = shape[1], inner = 1;
  for (size_t i = 2; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t planes = shape[0] * channels;
  const float *in = p.inputs[0], *mean = p.inputs[1], *var = p.inputs[2];
  const float *gamma = p.inputs[3], *beta = p.inputs[4];
  double eps = getEps().convertToDouble();
  float *out = p.outputs[0];
  bool doRelu = getDoRelu();
  double limit = getReluLimit().convertToDouble();
  int64_t grain =
      chooseGrain(planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(
                                                          1, inner)));
  parallelFor(0, planes, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t plane = lo; plane < hi; ++plane) {
      int64_t c = plane % channels;
      double s = (gamma ? gamma[c] : 1.0) / std::sqrt(var[c] + eps);
      float scale = static_cast<float>(s);
      float shift = static_cast<float>((beta ? beta[c] : 0.0) - mean[c] * s);
      const float *src = in + plane * inner;
      float *dst = out + plane * inner;
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = src[i] * scale + shift;
      applyRelu(dst, inner, doRelu, limit);
    }
  });
  return success();
}
