//===- Softmax.cpp - softmax kernel ---------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Softmax.h"

#include "tpuc/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace tpuc;

namespace {

/// exp(x) for x <= 0 in a form the compiler can vectorise: Cody-Waite range
/// reduction x = n ln2 + r and the Cephes polynomial for exp(r), accurate
/// to about one ulp. Arguments below -87.3 (where the result would be
/// denormal) give about 1e-38.
inline float expNonPositive(float x) {
  // x = max(x, -87.3) on the bit patterns: for x <= 0 a larger magnitude is
  // a larger unsigned pattern. (A float comparison would keep GCC from
  // vectorising the loop under the default -ftrapping-math.)
  uint32_t xBits;
  std::memcpy(&xBits, &x, sizeof(x));
  xBits = std::min<uint32_t>(xBits, 0xC2AE999Au); // -87.3f
  std::memcpy(&x, &xBits, sizeof(x));
  // Round x / ln2 to the nearest integer n with the 1.5 * 2^23 trick: the
  // low mantissa bits of `shifted` then hold n, read without a float to
  // int conversion (which would keep the loop from vectorising).
  const float magic = 12582912.0f;
  float shifted = x * 1.44269504088896341f + magic;
  float n = shifted - magic;
  int32_t shiftedBits;
  std::memcpy(&shiftedBits, &shifted, sizeof(shiftedBits));
  int32_t bits = (shiftedBits - 0x4B400000 + 127) << 23;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}

/// Partial results kept in this many lanes, combined in a fixed order: the
/// sum order is fixed by the code (not by the compiler or the threads) and
/// the lanes vectorise.
constexpr int64_t kLanes = 8;

/// Softmax (or log-softmax) of one contiguous row of `n` elements.
void softmaxRow(const float *src, float *dst, int64_t n, bool log) {
  float lanes[kLanes];
  std::fill(lanes, lanes + kLanes, -std::numeric_limits<float>::infinity());
  int64_t body = n - n % kLanes;
  for (int64_t i = 0; i < body; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) {
      float v = src[i + l];
      lanes[l] = lanes[l] < v ? v : lanes[l];
    }
  float max = -std::numeric_limits<float>::infinity();
  for (int64_t l = 0; l < kLanes; ++l)
    max = std::max(max, lanes[l]);
  for (int64_t i = body; i < n; ++i)
    max = std::max(max, src[i]);

  for (int64_t i = 0; i < n; ++i)
    dst[i] = expNonPositive(src[i] - max);
  std::fill(lanes, lanes + kLanes, 0.0f);
  for (int64_t i = 0; i < body; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l)
      lanes[l] += dst[i + l];
  float sum = 0.0f;
  for (int64_t l = 0; l < kLanes; ++l)
    sum += lanes[l];
  for (int64_t i = body; i < n; ++i)
    sum += dst[i];

  if (log) {
    // (x - max) - log(sum): adding max and log(sum) first would lose the
    // digits of log(sum) when max is large.
    float logSum = std::log(sum);
    for (int64_t i = 0; i < n; ++i)
      dst[i] = (src[i] - max) - logSum;
  } else {
    float inv = 1.0f / sum;
    for (int64_t i = 0; i < n; ++i)
      dst[i] *= inv;
  }
}

/// Softmax along the middle axis of an `n x inner` slice: the reductions
/// run along n with the inner elements side by side.
void softmaxColumns(const float *src, float *dst, int64_t n, int64_t inner,
                    bool log, float *maxima, float *sums) {
  std::fill(maxima, maxima + inner, -std::numeric_limits<float>::infinity());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j)
      maxima[j] = std::max(maxima[j], src[i * inner + j]);
  std::fill(sums, sums + inner, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < inner; ++j) {
      float e = expNonPositive(src[i * inner + j] - maxima[j]);
      sums[j] += e;
      dst[i * inner + j] = e;
    }
  if (log) {
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

} // namespace

void tpuc::kernels::softmax(const float *in, float *out, int64_t outer,
                            int64_t n, int64_t inner, bool log) {
  int64_t grain = chooseGrain(
      outer, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, n * inner)));
  parallelFor(0, outer, grain, [&](int64_t lo, int64_t hi) {
    std::vector<float> maxima(inner), sums(inner);
    for (int64_t o = lo; o < hi; ++o) {
      const float *src = in + o * n * inner;
      float *dst = out + o * n * inner;
      if (inner == 1)
        softmaxRow(src, dst, n, log);
      else
        softmaxColumns(src, dst, n, inner, log, maxima.data(), sums.data());
    }
  });
}
