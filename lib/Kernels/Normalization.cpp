//===- Normalization.cpp - instance, local response, Lp norms -------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Normalization.h"

#include "tpuc/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace tpuc;

void kernels::instanceNorm(const float *in, const float *scale,
                           const float *bias, float *out, int64_t planes,
                           int64_t channels, int64_t inner, double eps) {
  int64_t grain = chooseGrain(
      planes, std::max<int64_t>(1, 8192 / std::max<int64_t>(1, inner)));
  parallelFor(0, planes, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t plane = lo; plane < hi; ++plane) {
      int64_t c = plane % channels;
      const float *src = in + plane * inner;
      float *dst = out + plane * inner;
      double sum = 0.0;
      for (int64_t i = 0; i < inner; ++i)
        sum += src[i];
      double mean = sum / inner;
      double squares = 0.0;
      for (int64_t i = 0; i < inner; ++i) {
        double d = src[i] - mean;
        squares += d * d;
      }
      double rstd = 1.0 / std::sqrt(squares / inner + eps);
      float s = static_cast<float>(rstd * (scale ? scale[c] : 1.0f));
      float b = static_cast<float>((bias ? bias[c] : 0.0f) - mean * s);
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = src[i] * s + b;
    }
  });
}

void kernels::lrn(const float *in, float *out, int64_t batch, int64_t channels,
                  int64_t inner, int64_t size, double alpha, double beta,
                  double bias) {
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  double scaledAlpha = alpha / size;
  parallelFor(0, batch * channels, 1, [&](int64_t lo, int64_t hi) {
    std::vector<float> squares(inner);
    for (int64_t plane = lo; plane < hi; ++plane) {
      int64_t n = plane / channels, c = plane % channels;
      std::fill(squares.begin(), squares.end(), 0.0f);
      int64_t first = std::max<int64_t>(0, c - before);
      int64_t last = std::min<int64_t>(channels - 1, c + after);
      for (int64_t k = first; k <= last; ++k) {
        const float *src = in + (n * channels + k) * inner;
        for (int64_t i = 0; i < inner; ++i)
          squares[i] += src[i] * src[i];
      }
      const float *src = in + plane * inner;
      float *dst = out + plane * inner;
      for (int64_t i = 0; i < inner; ++i)
        dst[i] = static_cast<float>(
            src[i] / std::pow(bias + scaledAlpha * squares[i], beta));
    }
  });
}

void kernels::lpNorm(const float *in, float *out, int64_t outer, int64_t n,
                     int64_t inner, int64_t p) {
  bool l1 = p == 1;
  parallelFor(0, outer, chooseGrain(outer, 1), [&](int64_t lo, int64_t hi) {
    std::vector<double> norms(inner);
    for (int64_t o = lo; o < hi; ++o) {
      const float *src = in + o * n * inner;
      float *dst = out + o * n * inner;
      std::fill(norms.begin(), norms.end(), 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < inner; ++j) {
          double v = src[i * inner + j];
          norms[j] += l1 ? std::abs(v) : v * v;
        }
      for (int64_t j = 0; j < inner; ++j) {
        double norm = l1 ? norms[j] : std::sqrt(norms[j]);
        norms[j] = norm > 0.0 ? 1.0 / norm : 0.0;
      }
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < inner; ++j)
          dst[i * inner + j] =
              static_cast<float>(src[i * inner + j] * norms[j]);
    }
  });
}
