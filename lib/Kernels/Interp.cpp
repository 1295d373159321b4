//===- Interp.cpp - nearest and linear resize kernel ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Interp.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace tpuc;
using namespace tpuc::kernels;

namespace {
constexpr int64_t kGrain = 1 << 14;

/// How each output index of one axis reads the input: the two neighbours
/// and the weight of the second (0 for nearest).
struct AxisTaps {
  llvm::SmallVector<int64_t> lo, hi;
  llvm::SmallVector<float> weight;
};

AxisTaps computeTaps(int64_t in, int64_t out, double scale, InterpMode mode,
                     InterpCoord coord, InterpNearest nearest) {
  AxisTaps taps;
  // ONNX measures the resized axis as in * scale, not as the rounded output
  // size (they differ for scales that do not divide evenly).
  double resized = double(in) * scale;
  for (int64_t x = 0; x < out; ++x) {
    double c = 0.0;
    switch (coord) {
    case InterpCoord::AlignCorners:
      c = out == 1 ? 0.0 : double(x) * double(in - 1) / (resized - 1.0);
      break;
    case InterpCoord::Asymmetric:
      c = double(x) / scale;
      break;
    case InterpCoord::TfHalfPixelForNearest:
      c = (double(x) + 0.5) / scale;
      break;
    case InterpCoord::PytorchHalfPixel:
      c = resized > 1.0 ? (double(x) + 0.5) / scale - 0.5 : 0.0;
      break;
    case InterpCoord::HalfPixel:
      c = (double(x) + 0.5) / scale - 0.5;
      break;
    }
    if (mode == InterpMode::Nearest) {
      double r;
      double fl = std::floor(c);
      if (nearest == InterpNearest::Floor)
        r = fl;
      else if (nearest == InterpNearest::Ceil)
        r = std::ceil(c);
      else if (nearest == InterpNearest::Simple)
        r = scale < 1.0 ? std::ceil(c) : fl;
      else if (c - fl == 0.5)
        r = nearest == InterpNearest::RoundPreferCeil ? fl + 1.0 : fl;
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
} // namespace

std::optional<InterpMode> kernels::interpModeNamed(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<InterpMode>>(name)
      .Case("nearest", InterpMode::Nearest)
      .Case("linear", InterpMode::Linear)
      .Default(std::nullopt);
}

std::optional<InterpCoord> kernels::interpCoordNamed(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<InterpCoord>>(name)
      .Case("half_pixel", InterpCoord::HalfPixel)
      .Case("pytorch_half_pixel", InterpCoord::PytorchHalfPixel)
      .Case("align_corners", InterpCoord::AlignCorners)
      .Case("asymmetric", InterpCoord::Asymmetric)
      .Case("tf_half_pixel_for_nearest", InterpCoord::TfHalfPixelForNearest)
      .Default(std::nullopt);
}

std::optional<InterpNearest> kernels::interpNearestNamed(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<InterpNearest>>(name)
      .Case("round_prefer_floor", InterpNearest::RoundPreferFloor)
      .Case("round_prefer_ceil", InterpNearest::RoundPreferCeil)
      .Case("floor", InterpNearest::Floor)
      .Case("ceil", InterpNearest::Ceil)
      .Case("simple", InterpNearest::Simple)
      .Default(std::nullopt);
}

llvm::SmallVector<double>
kernels::coordinateScales(llvm::ArrayRef<double> scales,
                          llvm::ArrayRef<int64_t> inShape,
                          llvm::ArrayRef<int64_t> outShape, bool sizesGiven) {
  llvm::SmallVector<double> result;
  for (size_t d = 2; d < inShape.size(); ++d)
    result.push_back(sizesGiven ? double(outShape[d]) / double(inShape[d])
                                : double(static_cast<float>(scales[d - 2])));
  return result;
}

void kernels::interp(const float *input, llvm::ArrayRef<int64_t> inShape,
                     llvm::ArrayRef<int64_t> outShape,
                     llvm::ArrayRef<double> scales, InterpMode mode,
                     InterpCoord coord, InterpNearest nearest, float *output) {
  // Both modes are separable: resize one spatial axis at a time.
  llvm::SmallVector<int64_t> shape(inShape.begin(), inShape.end());
  int64_t rank = shape.size();
  int64_t total = 1;
  for (int64_t d : inShape)
    total *= d;
  std::vector<float> current(input, input + total);
  std::vector<float> next;
  for (int64_t d = 2; d < rank; ++d) {
    int64_t in = shape[d], out = outShape[d];
    AxisTaps taps = computeTaps(in, out, scales[d - 2], mode, coord, nearest);
    int64_t outer = 1, inner = 1;
    for (int64_t k = 0; k < d; ++k)
      outer *= shape[k];
    for (int64_t k = d + 1; k < rank; ++k)
      inner *= shape[k];
    next.assign(outer * out * inner, 0.0f);
    int64_t rows = outer * out;
    int64_t grain = chooseGrain(
        rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(inner, 1)));
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
  std::copy(current.begin(), current.end(), output);
}
