//===- Split.cpp - top.Split ----------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// Checks the split sizes against the input shape; returns the axis.
static FailureOr<int64_t> checkSplit(SplitOp op, ArrayRef<int64_t> shape) {
  FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), shape.size());
  if (failed(axis))
    return failure();
  int64_t total = 0;
  for (int64_t s : getIntegers(op.getSplitSize()))
    total += s;
  if (!ShapedType::isDynamic(shape[*axis]) && total != shape[*axis])
    return op.emitOpError("split sizes add up to ")
           << total << " but axis " << *axis << " has " << shape[*axis]
           << " elements";
  return axis;
}

LogicalResult SplitOp::verify() {
  SmallVector<int64_t> sizes = getIntegers(getSplitSize());
  if (sizes.size() != getOutputs().size())
    return emitOpError("has ")
           << getOutputs().size() << " results but split_size has "
           << sizes.size() << " entries";
  if (llvm::any_of(sizes, [](int64_t s) { return s <= 0; }))
    return emitOpError("split sizes must be positive");
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(failed(checkSplit(*this, shapeOf(getInput()))));
}

LogicalResult SplitOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  FailureOr<int64_t> axis = checkSplit(*this, *shape);
  if (failed(axis))
    return failure();
  for (auto [i, size] : llvm::enumerate(getIntegers(getSplitSize()))) {
    SmallVector<int64_t> part = *shape;
    part[*axis] = size;
    if (failed(setResultShape(*this, i, part)))
      return failure();
  }
  return success();
}

int64_t SplitOp::getFlops() { return 0; }

LogicalResult SplitOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  AxisExtents extents = axisExtents(shape, static_cast<int64_t>(getAxis()));
  SmallVector<float *> outs(p.outputs.begin(),
                            p.outputs.begin() + getOutputs().size());
  kernels::split(p.inputs[0], extents.outer, shape[extents.axis], extents.inner,
                 getIntegers(getSplitSize()), outs);
  return success();
}
