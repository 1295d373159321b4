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
  auto [axis, outer, dim, inner] = splitAtAxis(shape, getAxis());
  SmallVector<int64_t> sizes;
  SmallVector<float *> outs;
  for (auto [i, result] : llvm::enumerate(getOutputs())) {
    sizes.push_back(shapeOf(result)[axis]);
    outs.push_back(p.outputs[i]);
  }
  kernels::split(p.inputs[0], outer, dim, inner, sizes, outs);
  return success();
}
