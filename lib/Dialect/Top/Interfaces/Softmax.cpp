//===- Softmax.cpp - top.Softmax ------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Support/Parallel.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

LogicalResult SoftmaxOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.empty() && isa<RankedTensorType>(getInput().getType()))
    return emitOpError("input must have rank 1 or more");
  if (in.empty())
    return success();
  int64_t rank = in.size(), axis = getAxis();
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank "
                                << rank;
  return success();
}

LogicalResult SoftmaxOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  if (failed(verify()))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t SoftmaxOp::getFlops() {
  // max, subtract, exp, sum, divide (or log and subtract).
  return 5 * numElements(getOutput());
}

LogicalResult SoftmaxOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t rank = shape.size();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, n = shape[axis], inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= shape[i];
  bool log = getLog();
  const float *in = p.inputs[0];
  float *out = p.outputs[0];

  // One slice is `n x inner` elements; the reductions run along n with the
  // inner elements side by side, so the loops stay contiguous.
  int64_t grain = chooseGrain(
      outer, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, n * inner)));
  parallelFor(0, outer, grain, [&](int64_t lo, int64_t hi) {
    std::vector<float> maxima(inner), sums(inner);
    for (int64_t o = lo; o < hi; ++o) {
      const float *src = in + o * n * inner;
      float *dst = out + o * n * inner;
      std::fill(maxima.begin(), maxima.end(),
                -std::numeric_limits<float>::infinity());
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < inner; ++j)
          maxima[j] = std::max(maxima[j], src[i * inner + j]);
      std::fill(sums.begin(), sums.end(), 0.0f);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < inner; ++j) {
          float e = std::exp(src[i * inner + j] - maxima[j]);
          sums[j] += e;
          if (!log)
            dst[i * inner + j] = e;
        }
      if (log) {
        // (x - max) - log(sum): adding max and log(sum) first would lose
        // the digits of log(sum) when max is large.
        for (int64_t j = 0; j < inner; ++j)
          sums[j] = std::log(sums[j]);
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < inner; ++j)
            dst[i * inner + j] = (src[i * inner + j] - maxima[j]) - sums[j];
      } else {
        for (int64_t j = 0; j < inner; ++j)
          sums[j] = 1.0f / sums[j];
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < inner; ++j)
            dst[i * inner + j] *= sums[j];
      }
    }
  });
  return success();
}
