//===- Gather.cpp - top.Gather --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <vector>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

LogicalResult GatherOp::verify() {
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(
      failed(normalizeAxis(*this, getAxis(), shapeOf(getInput()).size())));
}

LogicalResult GatherOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> indices = getStaticShape(*this, getIndices());
  if (failed(in) || failed(indices))
    return failure();
  FailureOr<int64_t> axis = normalizeAxis(*this, getAxis(), in->size());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(in->begin(), in->begin() + *axis);
  shape.append(indices->begin(), indices->end());
  shape.append(in->begin() + *axis + 1, in->end());
  return setResultShape(*this, 0, shape);
}

int64_t GatherOp::getFlops() { return 0; }

LogicalResult GatherOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  AxisExtents extents = axisExtents(shape, static_cast<int64_t>(getAxis()));
  int64_t axis = extents.axis, outer = extents.outer, inner = extents.inner;
  int64_t dim = shape[axis];
  // Resolve the indices once.
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
