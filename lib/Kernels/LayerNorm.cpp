//===- LayerNorm.cpp - layer normalization kernel -------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/LayerNorm.h"

#include "tpuc/Support/Parallel.h"

#include <algorithm>
#include <cmath>

using namespace tpuc;

std::vector<float> tpuc::kernels::expandTo(const float *data,
                                           llvm::ArrayRef<int64_t> shape,
                                           llvm::ArrayRef<int64_t> target,
                                           float fill) {
  int64_t n = 1;
  for (int64_t d : target)
    n *= d;
  std::vector<float> result(n, fill);
  if (!data)
    return result;
  // Row-major strides of `target`, and those of `shape` aligned at the last
  // dimension, 0 along broadcast axes.
  size_t rank = target.size();
  std::vector<int64_t> outStrides(rank, 1), strides(rank, 0);
  for (size_t d = rank; d-- > 1;)
    outStrides[d - 1] = outStrides[d] * target[d];
  size_t offset = rank - shape.size();
  int64_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[offset + d] = shape[d] == 1 ? 0 : stride;
    stride *= shape[d];
  }
  for (int64_t e = 0; e < n; ++e) {
    int64_t at = 0, rest = e;
    for (size_t d = 0; d < rank; ++d) {
      at += (rest / outStrides[d]) * strides[d];
      rest %= outStrides[d];
    }
    result[e] = data[at];
  }
  return result;
}

void tpuc::kernels::layerNorm(const float *in, const float *scale,
                              const float *bias, float *out, float *means,
                              float *rstds, int64_t outer, int64_t inner,
                              double eps) {
  int64_t grain = chooseGrain(
      outer, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, inner)));
  parallelFor(0, outer, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; ++o) {
      const float *src = in + o * inner;
      float *dst = out + o * inner;
      double sum = 0.0;
      for (int64_t i = 0; i < inner; ++i)
        sum += src[i];
      float mean = static_cast<float>(sum / inner);
      double squares = 0.0;
      for (int64_t i = 0; i < inner; ++i) {
        double d = src[i] - mean;
        squares += d * d;
      }
      float rstd = static_cast<float>(1.0 / std::sqrt(squares / inner + eps));
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = (src[i] - mean) * rstd * scale[i] + bias[i];
      if (means)
        means[o] = mean;
      if (rstds)
        rstds[o] = rstd;
    }
  });
}
