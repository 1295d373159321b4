//===- Arg.cpp - tpu.Arg inference ----------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// top.Arg's loop (tpuc/Kernels/Reduce.h, the same kernel) on the values the
// input stores: f32 / f16 / bf16 values, or INT8 codes, which order as their
// values. The result holds the indices, exact integers.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Reduce.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult ArgOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  auto [axis, outer, dim, inner] = splitAtAxis(shape, getAxis());
  kernels::argExtreme(p.inputs[0], p.outputs[0], outer, dim, inner,
                      getMode() == ArgMode::ArgMax, getSelectLastIndex());
  return success();
}
