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
  return verifyBroadcastable(*this, getInputs());
}

LogicalResult AddOp::inferShapes() {
  return inferBroadcastResult(*this, getInputs());
}

int64_t AddOp::getFlops() {
  int64_t outputs = numElements(getOutput());
  int64_t n = getInputs().size();
  return outputs * (n - 1 + (getCoeff() ? n : 0) + (getDoRelu() ? 1 : 0));
}

LogicalResult AddOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  SmallVector<double> coeff = getFloats(getCoeff().value_or(ArrayAttr()));
  auto c = [&](size_t i) {
    return coeff.empty() ? 1.0f : static_cast<float>(coeff[i]);
  };
  float *out = p.outputs[0];
  // out = c0 * x0 + c1 * x1, then out += ci * xi for the other inputs.
  float c0 = c(0), c1 = c(1);
  broadcastElements<2>({p.inputs[0], p.inputs[1]},
                       {shapeOf(getInputs()[0]), shapeOf(getInputs()[1])},
                       outShape, out,
                       [=](float a, float b) { return c0 * a + c1 * b; });
  for (size_t i = 2; i < getInputs().size(); ++i) {
    float ci = c(i);
    broadcastElements<2>({out, p.inputs[i]},
                         {outShape, shapeOf(getInputs()[i])}, outShape, out,
                         [=](float acc, float x) { return acc + ci * x; });
  }
  applyRelu(out, numElements(getOutput()), getDoRelu(),
            getReluLimit().convertToDouble());
  return success();
}
