//===- Softmax.cpp - top.Softmax ------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Softmax.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

LogicalResult SoftmaxOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.empty() && isa<RankedTensorType>(getInput().getType()))
    return emitOpError("input must have rank 1 or more");
  if (in.empty())
    return success();
  int64_t rank = in.size(), axis = getAxis();
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  if (failed(verify()))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t SoftmaxOp::getFlops() {
  // max, subtract, exp, sum, divide (or log and subtract).
  return 5 * numElements(getOutput());
}

LogicalResult SoftmaxOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  AxisExtents e = axisExtents(shape, static_cast<int64_t>(getAxis()));
  kernels::softmax(p.inputs[0], p.outputs[0], e.outer, shape[e.axis], e.inner,
                   getLog());
  return success();
}
