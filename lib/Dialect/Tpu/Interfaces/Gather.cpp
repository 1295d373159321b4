//===- Gather.cpp - tpu.Gather inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The indices resolved and the slices copied by the kernel top.Gather runs
// (tpuc/Kernels/DataMovement.h): the element types of input and result are
// equal, so no value changes. The index buffer holds the exact integers of
// an f32 or integer tensor.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/DataMovement.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult GatherOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  auto [axis, outer, dim, inner] = splitAtAxis(shape, getAxis());
  std::vector<int64_t> index;
  int64_t bad = kernels::resolveGatherIndices(
      p.inputs[1], numElements(getIndices()), dim, index);
  if (bad >= 0)
    return emitOpError("index ")
           << p.inputs[1][bad] << " is out of range for axis " << axis
           << " of size " << dim;
  kernels::gather(p.inputs[0], outer, dim, inner, index, p.outputs[0]);
  return success();
}
