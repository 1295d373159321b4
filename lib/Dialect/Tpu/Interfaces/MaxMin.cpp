//===- MaxMin.cpp - tpu.Max, tpu.Min inference ----------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The inputs broadcast to the result as numpy does (Indexing.h).
//
// INT8: every input has the result's type, so the largest (smallest) code,
// each clamped to the storage range, is the result's code.
//
// Float: the inputs folded left to right in f32 as top.Max / top.Min do
// (a NaN anywhere gives NaN), then rounded to the result type.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

/// Max (`isMax`) or Min of the inputs of `op`.
static LogicalResult evalMaxMin(Operation *op, InferenceParameter &p,
                                bool isMax) {
  Value output = op->getResult(0);
  ArrayRef<int64_t> outShape = shapeOf(output);
  SmallVector<SmallVector<int64_t>> strides;
  for (Value input : op->getOperands())
    strides.push_back(broadcastStrides(shapeOf(input), outShape));
  const size_t n = op->getNumOperands();
  float *out = p.outputs[0];
  std::optional<IntegerStorage> storage = getIntegerStorage(elementOf(output));
  if (!storage) {
    Type type = elementOf(output);
    forEachElement(outShape, strides, [&](int64_t e, ArrayRef<int64_t> at) {
      float v = p.inputs[0][at[0]];
      for (size_t i = 1; i < n; ++i)
        v = isMax ? nanMax(v, p.inputs[i][at[i]])
                  : nanMin(v, p.inputs[i][at[i]]);
      out[e] = roundToType(v, type);
    });
    return success();
  }
  const IntegerStorage s = *storage;
  forEachElement(outShape, strides, [&](int64_t e, ArrayRef<int64_t> at) {
    int64_t v = clampTo(toInteger(p.inputs[0][at[0]]), s);
    for (size_t i = 1; i < n; ++i) {
      int64_t q = clampTo(toInteger(p.inputs[i][at[i]]), s);
      v = isMax ? std::max(v, q) : std::min(v, q);
    }
    out[e] = static_cast<float>(v);
  });
  return success();
}

LogicalResult MaxOp::inference(InferenceParameter &p) {
  return evalMaxMin(*this, p, /*isMax=*/true);
}

LogicalResult MinOp::inference(InferenceParameter &p) {
  return evalMaxMin(*this, p, /*isMax=*/false);
}
