//===- Split.cpp - tpu.Split inference ------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Consecutive parts along the axis, each result as long as its own
// dimension, copied by the kernel top.Split runs
// (tpuc/Kernels/DataMovement.h); the element types are equal, so no value
// changes.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/DataMovement.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult SplitOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t rank = shape.size(), axis = getAxis();
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= shape[d];
  SmallVector<int64_t> sizes;
  SmallVector<float *> outs;
  for (auto [i, result] : llvm::enumerate(getOutputs())) {
    sizes.push_back(shapeOf(result)[axis]);
    outs.push_back(p.outputs[i]);
  }
  kernels::split(p.inputs[0], outer, shape[axis], inner, sizes, outs);
  return success();
}
