//===- Depth2Space.cpp - top.Depth2Space ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// The result shape, or failure with a diagnostic; dynamic dimensions stay
/// dynamic.
static FailureOr<SmallVector<int64_t>> depth2SpaceShape(Depth2SpaceOp op,
                                                        ArrayRef<int64_t> in) {
  if (in.size() != 4)
    return op.emitOpError("input must have rank 4 (NCHW), got rank ")
           << in.size();
  int64_t b = op.getBlock();
  auto dyn = [](int64_t d) { return ShapedType::isDynamic(d); };
  SmallVector<int64_t> out(in);
  if (!op.getIsInverse()) {
    if (!dyn(in[1]) && in[1] % (b * b) != 0)
      return op.emitOpError("channels (")
             << in[1] << ") are not divisible by block * block (" << b * b
             << ")";
    out[1] = dyn(in[1]) ? in[1] : in[1] / (b * b);
    out[2] = dyn(in[2]) ? in[2] : in[2] * b;
    out[3] = dyn(in[3]) ? in[3] : in[3] * b;
    return out;
  }
  for (int d = 2; d < 4; ++d)
    if (!dyn(in[d]) && in[d] % b != 0)
      return op.emitOpError("spatial dimension ")
             << d << " (" << in[d] << ") is not divisible by the block (" << b
             << ")";
  out[1] = dyn(in[1]) ? in[1] : in[1] * b * b;
  out[2] = dyn(in[2]) ? in[2] : in[2] / b;
  out[3] = dyn(in[3]) ? in[3] : in[3] / b;
  return out;
}

LogicalResult Depth2SpaceOp::verify() {
  int64_t block = getBlock();
  if (block < 1)
    return emitOpError("block must be positive, got ") << block;
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(failed(depth2SpaceShape(*this, shapeOf(getInput()))));
}

LogicalResult Depth2SpaceOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  FailureOr<SmallVector<int64_t>> out = depth2SpaceShape(*this, *in);
  if (failed(out))
    return failure();
  return setResultShape(*this, 0, *out);
}

int64_t Depth2SpaceOp::getFlops() { return 0; }

LogicalResult Depth2SpaceOp::inference(InferenceParameter &p) {
  // Both directions are a transpose of a 6-D view of the input.
  kernels::StridedView view = kernels::depth2SpaceView(
      shapeOf(getInput()), getBlock(), getMode() == "CRD", getIsInverse());
  stridedCopy(p.inputs[0], 0, view.shape, view.strides, p.outputs[0]);
  return success();
}
