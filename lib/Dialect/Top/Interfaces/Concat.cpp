//===- Concat.cpp - top.Concat --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// The result shape of concatenating `shapes` along `axis`, or failure with
/// a diagnostic. Dynamic dimensions are skipped in the comparison.
static FailureOr<SmallVector<int64_t>>
concatShape(ConcatOp op, ArrayRef<ArrayRef<int64_t>> shapes) {
  int64_t rank = shapes.front().size();
  FailureOr<int64_t> axis = normalizeAxis(op, op.getAxis(), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> result(shapes.front());
  for (auto [i, shape] : llvm::enumerate(shapes)) {
    if (static_cast<int64_t>(shape.size()) != rank)
      return op.emitOpError("input #") << i << " has rank " << shape.size()
                                       << ", input #0 has rank " << rank;
    if (i == 0)
      continue;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == *axis) {
        result[d] =
            ShapedType::isDynamic(result[d]) || ShapedType::isDynamic(shape[d])
                ? ShapedType::kDynamic
                : result[d] + shape[d];
        continue;
      }
      if (!ShapedType::isDynamic(result[d]) &&
          !ShapedType::isDynamic(shape[d]) && result[d] != shape[d])
        return op.emitOpError("input #")
               << i << " has shape " << formatShape(shape)
               << ", which differs from " << formatShape(shapes.front())
               << " outside axis " << *axis;
    }
  }
  return result;
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value input : getInputs()) {
    if (!isa<RankedTensorType>(input.getType()))
      return success(); // checked again by shape inference
    shapes.push_back(shapeOf(input));
  }
  return failure(failed(concatShape(*this, shapes)));
}

LogicalResult ConcatOp::inferShapes() {
  SmallVector<SmallVector<int64_t>> owned;
  for (Value input : getInputs()) {
    FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, input);
    if (failed(shape))
      return failure();
    owned.push_back(*shape);
  }
  SmallVector<ArrayRef<int64_t>> shapes(owned.begin(), owned.end());
  FailureOr<SmallVector<int64_t>> shape = concatShape(*this, shapes);
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t ConcatOp::getFlops() {
  return getDoRelu() ? numElements(getOutput()) : 0;
}

LogicalResult ConcatOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  AxisExtents extents = axisExtents(outShape, static_cast<int64_t>(getAxis()));
  int64_t axis = extents.axis, outer = extents.outer, inner = extents.inner;
  int64_t outChunk = outShape[axis] * inner;
  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    int64_t chunk = shapeOf(input)[axis] * inner;
    const float *in = p.inputs[i];
    for (int64_t o = 0; o < outer; ++o)
      std::copy(in + o * chunk, in + (o + 1) * chunk,
                p.outputs[0] + o * outChunk + offset);
    offset += chunk;
  }
  applyRelu(p.outputs[0], numElements(getOutput()), getDoRelu(),
            getReluLimit().convertToDouble());
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (isReturned(getOutput())) // keep the name of a model output
    return {};
  // Concatenating one tensor (without a ReLU) is that tensor.
  if (getInputs().size() == 1 && !getDoRelu() &&
      getInputs()[0].getType() == getOutput().getType())
    return getInputs()[0];
  return {};
}
