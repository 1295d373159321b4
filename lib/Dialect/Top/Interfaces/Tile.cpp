//===- Tile.cpp - top.Tile and top.Expand ---------------------------------===//
//
// Part of tpuc. Both repeat the input: Tile a whole number of times per
// axis, Expand along the axes broadcast to a larger size.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

//===----------------------------------------------------------------------===//
// TileOp
//===----------------------------------------------------------------------===//

LogicalResult TileOp::verify() {
  SmallVector<int64_t> tile = getIntegers(getTile());
  if (llvm::any_of(tile, [](int64_t t) { return t <= 0; }))
    return emitOpError("tile entries must be positive, got ")
           << formatShape(tile);
  if (auto type = dyn_cast<RankedTensorType>(getInput().getType()))
    if (type.getRank() != static_cast<int64_t>(tile.size()))
      return emitOpError("tile has ")
             << tile.size() << " entries but the input has rank "
             << type.getRank();
  return success();
}

LogicalResult TileOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  for (auto [d, t] : llvm::enumerate(getIntegers(getTile())))
    (*shape)[d] *= t;
  return setResultShape(*this, 0, *shape);
}

int64_t TileOp::getFlops() { return 0; }

LogicalResult TileOp::inference(InferenceParameter &p) {
  // The output seen as [t0, d0, t1, d1, ...] reads the input with stride 0
  // along every repeat axis.
  kernels::StridedView view =
      kernels::tileView(shapeOf(getInput()), getIntegers(getTile()));
  stridedCopy(p.inputs[0], 0, view.shape, view.strides, p.outputs[0]);
  return success();
}

OpFoldResult TileOp::fold(FoldAdaptor) {
  if (isReturned(getOutput())) // keep the name of a model output
    return {};
  if (llvm::all_of(getIntegers(getTile()), [](int64_t t) { return t == 1; }) &&
      getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// ExpandOp
//===----------------------------------------------------------------------===//

LogicalResult ExpandOp::verify() {
  SmallVector<int64_t> shape = getIntegers(getShape());
  if (llvm::any_of(shape, [](int64_t d) { return d <= 0; }))
    return emitOpError("shape entries must be positive, got ")
           << formatShape(shape);
  auto type = staticType(getInput());
  if (type && failed(broadcastShapes(type.getShape(), shape)))
    return emitOpError("input shape ")
           << formatShape(type.getShape()) << " cannot be broadcast to "
           << formatShape(shape);
  return success();
}

LogicalResult ExpandOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  SmallVector<int64_t> target = getIntegers(getShape());
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(*in, target);
  if (failed(shape))
    return emitOpError("input shape ")
           << formatShape(*in) << " cannot be broadcast to "
           << formatShape(target);
  return setResultShape(*this, 0, *shape);
}

int64_t ExpandOp::getFlops() { return 0; }

LogicalResult ExpandOp::inference(InferenceParameter &p) {
  kernels::StridedView view =
      kernels::broadcastView(shapeOf(getInput()), shapeOf(getOutput()));
  stridedCopy(p.inputs[0], 0, view.shape, view.strides, p.outputs[0]);
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor) {
  if (isReturned(getOutput())) // keep the name of a model output
    return {};
  auto type = staticType(getInput());
  if (type && type == getOutput().getType())
    return getInput();
  return {};
}
