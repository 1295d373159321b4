//===- Tile.cpp - tpu.Tile and tpu.Expand inference -----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Both repeat the input through a strided view with stride 0 along the
// repeated axes, the views and the copy being the ones top.Tile and
// top.Expand use (tpuc/Kernels/DataMovement.h); the element types are
// equal, so no value changes.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/DataMovement.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult TileOp::inference(InferenceParameter &p) {
  kernels::StridedView view =
      kernels::tileView(shapeOf(getInput()), getIntegers(getTile()));
  kernels::stridedCopy(p.inputs[0], 0, view.shape, view.strides, p.outputs[0]);
  return success();
}

LogicalResult ExpandOp::inference(InferenceParameter &p) {
  kernels::StridedView view =
      kernels::broadcastView(shapeOf(getInput()), shapeOf(getOutput()));
  kernels::stridedCopy(p.inputs[0], 0, view.shape, view.strides, p.outputs[0]);
  return success();
}
