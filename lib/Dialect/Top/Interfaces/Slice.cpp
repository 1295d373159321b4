//===- Slice.cpp - top.Slice ----------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

namespace {
/// A slice resolved against a static shape: per dimension, the first index,
/// the step and the number of elements taken.
struct ResolvedSlice {
  SmallVector<int64_t> start, step, count;
};
} // namespace

/// Resolves the ONNX slice parameters of `op` against `shape` (dynamic
/// dimensions are left untouched), or fails with a diagnostic.
static FailureOr<ResolvedSlice> resolveSlice(SliceOp op,
                                             ArrayRef<int64_t> shape) {
  SmallVector<int64_t> starts = getIntegers(op.getStarts());
  SmallVector<int64_t> ends = getIntegers(op.getEnds());
  SmallVector<int64_t> axes = getIntegers(op.getAxes().value_or(ArrayAttr()));
  SmallVector<int64_t> steps = getIntegers(op.getSteps().value_or(ArrayAttr()));
  if (!op.getAxes())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (!op.getSteps())
    steps.assign(starts.size(), 1);
  int64_t rank = shape.size();
  ResolvedSlice r;
  r.start.assign(rank, 0);
  r.step.assign(rank, 1);
  r.count.assign(shape.begin(), shape.end());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> axis = normalizeAxis(op, axes[i], rank, "slice axis");
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return op.emitOpError("axis ") << *axis << " is sliced twice";
    seen[*axis] = true;
    int64_t dim = shape[*axis];
    if (ShapedType::isDynamic(dim))
      continue;
    int64_t start = starts[i], end = ends[i], step = steps[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end - step - 1) / -step : 0;
    }
    if (count == 0)
      return op.emitOpError("selects no element along axis ")
             << *axis << " (dimension " << dim << ", start " << starts[i]
             << ", end " << ends[i] << ", step " << step << ")";
    r.start[*axis] = start;
    r.step[*axis] = step;
    r.count[*axis] = count;
  }
  return r;
}

LogicalResult SliceOp::verify() {
  size_t n = getStarts().size();
  if (getEnds().size() != n)
    return emitOpError("starts has ")
           << n << " entries but ends has " << getEnds().size();
  if (auto axes = getAxes(); axes && axes->size() != n)
    return emitOpError("starts has ")
           << n << " entries but axes has " << axes->size();
  if (auto steps = getSteps()) {
    if (steps->size() != n)
      return emitOpError("starts has ")
             << n << " entries but steps has " << steps->size();
    if (llvm::is_contained(getIntegers(*steps), 0))
      return emitOpError("steps must not be 0");
  }
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(failed(resolveSlice(*this, shapeOf(getInput()))));
}

LogicalResult SliceOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  FailureOr<ResolvedSlice> r = resolveSlice(*this, *shape);
  if (failed(r))
    return failure();
  return setResultShape(*this, 0, r->count);
}

int64_t SliceOp::getFlops() { return 0; }

LogicalResult SliceOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  FailureOr<ResolvedSlice> r = resolveSlice(*this, shape);
  if (failed(r))
    return failure();
  SmallVector<int64_t> strides = stridesOf(shape);
  int64_t offset = 0;
  SmallVector<int64_t> viewStrides(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    offset += r->start[d] * strides[d];
    viewStrides[d] = r->step[d] * strides[d];
  }
  stridedCopy(p.inputs[0], offset, r->count, viewStrides, p.outputs[0]);
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (isReturned(getOutput())) // keep the name of a model output
    return {};
  // A slice that keeps every element in order is its input.
  auto type = staticType(getInput());
  if (!type || type != getOutput().getType())
    return {};
  FailureOr<ResolvedSlice> r = resolveSlice(*this, type.getShape());
  if (failed(r))
    return {};
  for (size_t d = 0; d < r->step.size(); ++d)
    if (r->step[d] != 1 && type.getDimSize(d) != 1)
      return {};
  return getInput();
}
