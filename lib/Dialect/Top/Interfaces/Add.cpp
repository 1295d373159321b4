//===- Add.cpp - top.Add --------------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

LogicalResult AddOp::verify() {
  size_t n = getInputs().size();
  if (n < 2)
    return emitOpError("needs at least 2 inputs, got ") << n;
  if (auto coeff = getCoeff())
    if (coeff->size() != n)
      return emitOpError("coeff has ")
             << coeff->size() << " entries for " << n << " inputs";
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  SmallVector<int64_t> shape;
  bool first = true;
  for (Value input : getInputs()) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || !type.hasStaticShape())
      return success(); // checked again by shape inference
    if (first) {
      shape.assign(type.getShape().begin(), type.getShape().end());
      first = false;
      continue;
    }
    auto merged = broadcastShapes(shape, type.getShape());
    if (failed(merged))
      return emitOpError("input shapes ")
             << formatShape(shape) << " and " << formatShape(type.getShape())
             << " do not broadcast";
    shape = *merged;
  }
  return success();
}

LogicalResult AddOp::inferShapes() {
  SmallVector<int64_t> shape;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    FailureOr<SmallVector<int64_t>> s = getStaticShape(*this, input);
    if (failed(s))
      return failure();
    auto merged = broadcastShapes(i == 0 ? *s : shape, *s);
    if (failed(merged))
      return emitOpError("input shapes ")
             << formatShape(shape) << " and " << formatShape(*s)
             << " do not broadcast";
    shape = *merged;
  }
  return setResultShape(*this, 0, shape);
}

int64_t AddOp::getFlops() {
  int64_t outputs = numElements(getOutput());
  int64_t n = getInputs().size();
  return outputs * (n - 1 + (getCoeff() ? n : 0) + (getDoRelu() ? 1 : 0));
}

LogicalResult AddOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  int64_t total = numElements(getOutput());
  SmallVector<double> coeff = getFloats(getCoeff().value_or(ArrayAttr()));
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  float *out = p.outputs[0];
  std::fill(out, out + total, 0.0f);
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    float c = coeff.empty() ? 1.0f : static_cast<float>(coeff[i]);
    const float *in = p.inputs[i];
    ArrayRef<int64_t> shape = shapeOf(input);
    if (shape == outShape) {
      for (int64_t e = 0; e < total; ++e)
        out[e] += c * in[e];
      continue;
    }
    SmallVector<int64_t> strides = broadcastStrides(shape, outShape);
    for (int64_t e = 0; e < total; ++e) {
      int64_t offset = 0, rest = e;
      for (size_t d = 0; d < outShape.size(); ++d) {
        offset += (rest / outStrides[d]) * strides[d];
        rest %= outStrides[d];
      }
      out[e] += c * in[offset];
    }
  }
  applyRelu(out, total, getDoRelu(), getReluLimit().convertToDouble());
  return success();
}
