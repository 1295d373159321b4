//===- Normalization.cpp - tpu.InstanceNorm, LRN, LpNorm inference --------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 normalizations of the Top ops (tpuc/Kernels/Normalization.h, the
// same kernels) on operands already of the op's float type, then each
// result rounded to that type (f16 / bf16; f32 as is).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Normalization.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

/// The product of the dimensions of `shape` from `from` on.
static int64_t productFrom(ArrayRef<int64_t> shape, int64_t from) {
  int64_t n = 1;
  for (int64_t d = from; d < static_cast<int64_t>(shape.size()); ++d)
    n *= shape[d];
  return n;
}

LogicalResult InstanceNormOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  kernels::instanceNorm(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0],
                        shape[0] * shape[1], shape[1], productFrom(shape, 2),
                        getEps().convertToDouble());
  roundResultToType(getOutput(), p.outputs[0]);
  return success();
}

LogicalResult LRNOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  kernels::lrn(p.inputs[0], p.outputs[0], shape[0], shape[1],
               productFrom(shape, 2), getSize(), getAlpha().convertToDouble(),
               getBeta().convertToDouble(), getBias().convertToDouble());
  roundResultToType(getOutput(), p.outputs[0]);
  return success();
}

LogicalResult LpNormOp::inference(InferenceParameter &p) {
  auto [axis, outer, dim, inner] = splitAtAxis(shapeOf(getInput()), getAxis());
  kernels::lpNorm(p.inputs[0], p.outputs[0], outer, dim, inner, getP());
  roundResultToType(getOutput(), p.outputs[0]);
  return success();
}
