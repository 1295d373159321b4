//===- Depth2Space.cpp - tpu.Depth2Space inference ------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// A transpose of a 6-D view of the input, the view top.Depth2Space uses
// (tpuc/Kernels/DataMovement.h); the element types are equal, so no value
// changes.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/DataMovement.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult Depth2SpaceOp::inference(InferenceParameter &p) {
  kernels::StridedView view = kernels::depth2SpaceView(
      shapeOf(getInput()), getBlock(), getMode() == Depth2SpaceMode::CRD,
      getIsInverse());
  kernels::stridedCopy(p.inputs[0], 0, view.shape, view.strides, p.outputs[0]);
  return success();
}
