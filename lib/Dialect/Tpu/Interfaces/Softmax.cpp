//===- Softmax.cpp - tpu.Softmax inference --------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 softmax of top.Softmax (tpuc/Kernels/Softmax.h, the same kernel)
// on the input values, which are already of the op's float type, then each
// result rounded to that type (f16 / bf16; f32 as is).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Softmax.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult SoftmaxOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t rank = shape.size();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= shape[d];
  kernels::softmax(p.inputs[0], p.outputs[0], outer, shape[axis], inner,
                   getLog());
  Type type = elementOf(getOutput());
  if (type.isF32())
    return success();
  float *out = p.outputs[0];
  int64_t total = numElements(getOutput());
  parallelFor(0, total, chooseGrain(total, 4096), [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e)
      out[e] = roundToType(out[e], type);
  });
  return success();
}
