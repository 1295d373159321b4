//===- Interp.cpp - top.Interp --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

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

namespace {
/// How each output index of one axis reads the input: the two neighbours
/// and the weight of the second (0 for nearest).
struct AxisTaps {
  SmallVector<int64_t> lo, hi;
  SmallVector<float> weight;
};
} // namespace

static AxisTaps computeTaps(int64_t in, int64_t out, double scale,
                            StringRef mode, StringRef coord,
                            StringRef nearest) {
  AxisTaps taps;
  // ONNX measures the resized axis as in * scale, not as the rounded output
  // size (they differ for scales that do not divide evenly).
  double resized = double(in) * scale;
  for (int64_t x = 0; x < out; ++x) {
    double c;
    if (coord == "align_corners")
      c = out == 1 ? 0.0 : double(x) * double(in - 1) / (resized - 1.0);
    else if (coord == "asymmetric")
      c = double(x) / scale;
    else if (coord == "tf_half_pixel_for_nearest")
      c = (double(x) + 0.5) / scale;
    else if (coord == "pytorch_half_pixel")
      c = resized > 1.0 ? (double(x) + 0.5) / scale - 0.5 : 0.0;
    else // half_pixel
      c = (double(x) + 0.5) / scale - 0.5;
    if (mode == "nearest") {
      double r;
      double fl = std::floor(c);
      if (nearest == "floor")
        r = fl;
      else if (nearest == "ceil")
        r = std::ceil(c);
      else if (nearest == "simple")
        r = scale < 1.0 ? std::ceil(c) : fl;
      else if (c - fl == 0.5)
        r = nearest == "round_prefer_ceil" ? fl + 1.0 : fl;
      else
        r = std::round(c);
      int64_t i =
          static_cast<int64_t>(std::clamp(r, 0.0, static_cast<double>(in - 1)));
      taps.lo.push_back(i);
      taps.hi.push_back(i);
      taps.weight.push_back(0.0f);
      continue;
    }
    c = std::clamp(c, 0.0, static_cast<double>(in - 1));
    int64_t lo = static_cast<int64_t>(c);
    int64_t hi = std::min(lo + 1, in - 1);
    taps.lo.push_back(lo);
    taps.hi.push_back(hi);
    taps.weight.push_back(static_cast<float>(c - double(lo)));
  }
  return taps;
}

LogicalResult InterpOp::inference(InferenceParameter &p) {
  // Both modes are separable: resize one spatial axis at a time.
  SmallVector<int64_t> shape(shapeOf(getInput()));
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  SmallVector<double> scales = getFloats(getScales());
  int64_t rank = shape.size();
  std::vector<float> current(p.inputs[0],
                             p.inputs[0] + numElements(getInput()));
  std::vector<float> next;
  for (int64_t d = 2; d < rank; ++d) {
    int64_t in = shape[d], out = outShape[d];
    // With sizes given, the coordinates use the ratio of the sizes.
    double scale = getTargetShape() ? double(out) / double(in)
                                    : double(static_cast<float>(scales[d - 2]));
    AxisTaps taps = computeTaps(in, out, scale, getMode(), getCoordMode(),
                                getNearestMode());
    int64_t outer = 1, inner = 1;
    for (int64_t k = 0; k < d; ++k)
      outer *= shape[k];
    for (int64_t k = d + 1; k < rank; ++k)
      inner *= shape[k];
    next.assign(outer * out * inner, 0.0f);
    int64_t rows = outer * out;
    int64_t grain = chooseGrain(
        rows,
        std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(inner, 1)));
    parallelFor(0, rows, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t row = lo; row < hi; ++row) {
        int64_t o = row / out, x = row % out;
        const float *a = current.data() + (o * in + taps.lo[x]) * inner;
        const float *b = current.data() + (o * in + taps.hi[x]) * inner;
        float w = taps.weight[x];
        float *dst = next.data() + (o * out + x) * inner;
        if (w == 0.0f)
          std::copy(a, a + inner, dst);
        else
          for (int64_t j = 0; j < inner; ++j)
            dst[j] = a[j] + w * (b[j] - a[j]);
      }
    });
    current.swap(next);
    shape[d] = out;
  }
  std::copy(current.begin(), current.end(), p.outputs[0]);
  return success();
}
