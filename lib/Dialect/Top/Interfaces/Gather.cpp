//===- Gather.cpp - top.Gather --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <cmath>

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
  int64_t count = numElements(getIndices());
  // Resolve the indices once.
  SmallVector<int64_t> index(count);
  for (int64_t j = 0; j < count; ++j) {
    float v = p.inputs[1][j];
    // Checked in float first: the cast of a NaN or a huge value is undefined.
    int64_t i =
        v >= -dim && v < dim ? static_cast<int64_t>(std::nearbyint(v)) : dim;
    if (i < -dim || i >= dim)
      return emitOpError("index ")
             << v << " is out of range for axis " << axis << " of size " << dim;
    index[j] = i < 0 ? i + dim : i;
  }
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < count; ++j) {
      const float *src = p.inputs[0] + (o * dim + index[j]) * inner;
      std::copy(src, src + inner, p.outputs[0] + (o * count + j) * inner);
    }
  return success();
}
