//===- Sub.cpp - tpu.Sub inference ----------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Float only: lhs − rhs in f32 with numpy broadcasting (Indexing.h), the
// fused ReLU, then the result rounded to the result type. (INT8
// subtraction is a tpu.Add with a negative multiplier.)
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult SubOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  SmallVector<SmallVector<int64_t>> strides = {
      broadcastStrides(shapeOf(getLhs()), outShape),
      broadcastStrides(shapeOf(getRhs()), outShape)};
  const float *a = p.inputs[0], *b = p.inputs[1];
  float *out = p.outputs[0];
  const bool doRelu = getDoRelu();
  const double limit = getReluLimit().convertToDouble();
  Type type = elementOf(getOutput());
  forEachElement(outShape, strides, [&](int64_t e, ArrayRef<int64_t> at) {
    out[e] =
        roundToType(applyFloatRelu(a[at[0]] - b[at[1]], doRelu, limit), type);
  });
  return success();
}
