//===- Interp.cpp - top.Interp --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Interp.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// The result shape, or failure with a diagnostic; dynamic dimensions stay
/// dynamic.
static FailureOr<SmallVector<int64_t>> interpShape(InterpOp op,
                                                   ArrayRef<int64_t> in) {
  int64_t rank = in.size();
  if (rank < 3)
    return op.emitOpError("input must have rank 3 or more (N x C x "
                          "spatial), got rank ")
           << rank;
  SmallVector<double> scales = getFloats(op.getScales());
  if (static_cast<int64_t>(scales.size()) != rank - 2)
    return op.emitOpError("scales must have one entry per spatial axis (")
           << rank - 2 << "), got " << scales.size();
  SmallVector<int64_t> target =
      getIntegers(op.getTargetShape().value_or(ArrayAttr()));
  if (op.getTargetShape() && static_cast<int64_t>(target.size()) != rank - 2)
    return op.emitOpError("target_shape must have one entry per spatial "
                          "axis (")
           << rank - 2 << "), got " << target.size();
  SmallVector<int64_t> out(in);
  for (int64_t i = 0; i < rank - 2; ++i) {
    int64_t dim = in[2 + i];
    if (!target.empty()) {
      out[2 + i] = target[i];
      continue;
    }
    if (ShapedType::isDynamic(dim))
      continue;
    // In float, as the frameworks compute it.
    out[2 + i] = static_cast<int64_t>(
        std::floor(static_cast<float>(dim) * static_cast<float>(scales[i])));
    if (out[2 + i] <= 0)
      return op.emitOpError("scale ")
             << scales[i] << " leaves no element along axis " << 2 + i
             << " of size " << dim;
  }
  return out;
}

LogicalResult InterpOp::verify() {
  if (llvm::any_of(getFloats(getScales()), [](double s) { return !(s > 0); }))
    return emitOpError("scales must be positive");
  if (auto target = getTargetShape())
    if (llvm::any_of(getIntegers(*target), [](int64_t d) { return d <= 0; }))
      return emitOpError("target_shape entries must be positive");
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(failed(interpShape(*this, shapeOf(getInput()))));
}

LogicalResult InterpOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  FailureOr<SmallVector<int64_t>> out = interpShape(*this, *in);
  if (failed(out))
    return failure();
  return setResultShape(*this, 0, *out);
}

int64_t InterpOp::getFlops() {
  // Linear: one multiply-add per tap and spatial axis.
  if (getMode() == "nearest")
    return 0;
  return numElements(getOutput()) * 3 * (shapeOf(getOutput()).size() - 2);
}

LogicalResult InterpOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  // With sizes given, the coordinates use the ratio of the sizes.
  SmallVector<double> scales = kernels::coordinateScales(
      getFloats(getScales()), in, out, getTargetShape().has_value());
  // The attribute constraints admit only the names the kernel knows.
  kernels::interp(p.inputs[0], in, out, scales,
                  kernels::interpModeNamed(getMode()).value_or(
                      kernels::InterpMode::Nearest),
                  kernels::interpCoordNamed(getCoordMode())
                      .value_or(kernels::InterpCoord::HalfPixel),
                  kernels::interpNearestNamed(getNearestMode())
                      .value_or(kernels::InterpNearest::RoundPreferFloor),
                  p.outputs[0]);
  return success();
}
