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
  auto [axis, outer, dim, inner] = splitAtAxis(shape, getAxis());
  kernels::softmax(p.inputs[0], p.outputs[0], outer, dim, inner, getLog());
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
