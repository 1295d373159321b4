//===- DepthwiseInt8.cpp - exact depthwise int8 convolution ---------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// See DirectInt8.h. The output channels go by blocks of 8, one per f32 lane
// (lane l of block b: output channel 8 b + l, reading input channel
// (8 b + l) / channel multiplier; lanes past the last channel repeat it and
// are not handed over). Per (image, block):
// - the padded plane P[padded row][padded column][8 lanes] of codes (the
//   zero point in the padding) is built from 8 x 8 tiles of the NCHW input
//   (8 lanes x 8 columns), converted and transposed in registers;
// - each output row is summed in tiles of up to 8 pixels (independent
//   accumulators): sum over taps of W[tap][8 lanes] * P[oh * sh + kh * dh]
//   [ow * sw + kw * dw], in f32 FMA, exact (every partial sum is an integer
//   of magnitude at most 255 * sum |w| <= 2^24);
// - a band of output rows is converted to int32, transposed back to
//   [lane][pixel] and handed to the epilogue while in cache.
// Consecutive blocks of a chunk alternate between two planes, the next
// block's built before this one's is summed: loads never wait for the
// stores that wrote them.
//
//===----------------------------------------------------------------------===//

#include "DirectInt8.h"

#include "Int8Pieces.h"

#include "tpuc/Kernels/RequantVec.h"
#include "tpuc/Support/Parallel.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TPUC_DIRECT_AVX2 1
#define TPUC_AVX2 __attribute__((target("avx2,fma")))
#endif

namespace tpuc::kernels::detail {

namespace {
constexpr int64_t kLanes = 8;
/// The largest kernel (taps) taken.
constexpr int64_t kMaxTaps = 1024;
/// Output pixels per band (whose int32 sums, 16 KB, go to the epilogue; its
/// padded rows, about as large, stay in L1 or L2).
constexpr int64_t kBandPixels = 512;

#if TPUC_DIRECT_AVX2
/// Lanes [0, n) of 8 set, for masked loads (AMD CPUs microcode masked
/// stores: none is used).
TPUC_AVX2 inline __m256i firstLanes(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Transposes the 8 x 8 matrix of rows v0..v7 in place.
#define TPUC_TRANSPOSE8(v0, v1, v2, v3, v4, v5, v6, v7)                        \
  do {                                                                         \
    __m256 t0 = _mm256_unpacklo_ps(v0, v1), t1 = _mm256_unpackhi_ps(v0, v1);   \
    __m256 t2 = _mm256_unpacklo_ps(v2, v3), t3 = _mm256_unpackhi_ps(v2, v3);   \
    __m256 t4 = _mm256_unpacklo_ps(v4, v5), t5 = _mm256_unpackhi_ps(v4, v5);   \
    __m256 t6 = _mm256_unpacklo_ps(v6, v7), t7 = _mm256_unpackhi_ps(v6, v7);   \
    __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));            \
    __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));            \
    __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));            \
    __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));            \
    __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));            \
    __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));            \
    __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));            \
    __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));            \
    v0 = _mm256_permute2f128_ps(s0, s4, 0x20);                                 \
    v1 = _mm256_permute2f128_ps(s1, s5, 0x20);                                 \
    v2 = _mm256_permute2f128_ps(s2, s6, 0x20);                                 \
    v3 = _mm256_permute2f128_ps(s3, s7, 0x20);                                 \
    v4 = _mm256_permute2f128_ps(s0, s4, 0x31);                                 \
    v5 = _mm256_permute2f128_ps(s1, s5, 0x31);                                 \
    v6 = _mm256_permute2f128_ps(s2, s6, 0x31);                                 \
    v7 = _mm256_permute2f128_ps(s3, s7, 0x31);                                 \
  } while (false)

/// Padded rows [r0, r1) of the blocked plane of 8 lanes (lane l's input
/// plane at src[l], height x width), at plane[(r - r0) * paddedWidth * 8]:
/// codes (NaN as 0, clamped to [lo, hi], half to even), the zero point in
/// the padding.
TPUC_AVX2 void buildRows(const float *const *src, const ConvShape &s,
                         int64_t paddedWidth, int64_t r0, int64_t r1, float zp,
                         float lo, float hi, float *plane) {
  const __m256 vzp = _mm256_set1_ps(zp);
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  auto fill = [&](float *at, int64_t pixels) TPUC_AVX2 {
    for (int64_t p = 0; p < pixels; ++p)
      _mm256_store_ps(at + p * kLanes, vzp);
  };
  for (int64_t r = r0; r < r1; ++r) {
    float *row = plane + (r - r0) * paddedWidth * kLanes;
    int64_t ih = r - s.padTop;
    if (ih < 0 || ih >= s.inHeight) {
      fill(row, paddedWidth);
      continue;
    }
    fill(row, s.padLeft);
    fill(row + (s.padLeft + s.inWidth) * kLanes, s.padRight);
    row += s.padLeft * kLanes;
    for (int64_t w0 = 0; w0 < s.inWidth; w0 += 8) {
      int64_t n = std::min<int64_t>(8, s.inWidth - w0);
      __m256i mask = firstLanes(n);
      int64_t at = ih * s.inWidth + w0;
      auto load = [&](int l) TPUC_AVX2 {
        __m256 x = n == 8 ? _mm256_loadu_ps(src[l] + at)
                          : _mm256_maskload_ps(src[l] + at, mask);
        x = _mm256_andnot_ps(_mm256_cmp_ps(x, x, _CMP_UNORD_Q), x);
        return _mm256_min_ps(_mm256_max_ps(x, vlo), vhi);
      };
      __m256 v0 = load(0), v1 = load(1), v2 = load(2), v3 = load(3);
      __m256 v4 = load(4), v5 = load(5), v6 = load(6), v7 = load(7);
      TPUC_TRANSPOSE8(v0, v1, v2, v3, v4, v5, v6, v7);
      const int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
      float *to = row + w0 * kLanes;
      if (n == 8) {
        _mm256_store_ps(to, _mm256_round_ps(v0, kRound));
        _mm256_store_ps(to + 8, _mm256_round_ps(v1, kRound));
        _mm256_store_ps(to + 16, _mm256_round_ps(v2, kRound));
        _mm256_store_ps(to + 24, _mm256_round_ps(v3, kRound));
        _mm256_store_ps(to + 32, _mm256_round_ps(v4, kRound));
        _mm256_store_ps(to + 40, _mm256_round_ps(v5, kRound));
        _mm256_store_ps(to + 48, _mm256_round_ps(v6, kRound));
        _mm256_store_ps(to + 56, _mm256_round_ps(v7, kRound));
        continue;
      }
      __m256 v[8] = {v0, v1, v2, v3, v4, v5, v6, v7};
      for (int64_t k = 0; k < n; ++k)
        _mm256_store_ps(to + k * kLanes, _mm256_round_ps(v[k], kRound));
    }
  }
}

/// Output pixels [ow0, ow0 + U) of one row: sum over taps of w[t] *
/// base[(offset[t] + ow * sw) * 8], as int32 at out[(ow - ow0) * 8].
template <int U>
TPUC_AVX2 inline void pixelTile(const float *base, const float *w,
                                const int64_t *offset, int64_t taps, int64_t sw,
                                int32_t *out) {
  __m256 acc[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; ++u)
    acc[u] = _mm256_setzero_ps();
  for (int64_t t = 0; t < taps; ++t) {
    __m256 wt = _mm256_loadu_ps(w + t * kLanes); // std::vector: 16-byte aligned
    const float *p = base + offset[t] * kLanes;
#pragma GCC unroll 8
    for (int u = 0; u < U; ++u)
      acc[u] = _mm256_fmadd_ps(wt, _mm256_load_ps(p + u * sw * kLanes), acc[u]);
  }
#pragma GCC unroll 8
  for (int u = 0; u < U; ++u)
    _mm256_store_si256(reinterpret_cast<__m256i *>(out + u * kLanes),
                       _mm256_cvtps_epi32(acc[u]));
}

/// Output rows [oh0, oh1) into sums[(p - oh0 * outWidth) * 8 + lane], from
/// the padded rows [r0, ...) at plane.
TPUC_AVX2 void sumRows(const float *plane, int64_t r0, const float *w,
                       const int64_t *offset, int64_t taps, const ConvShape &s,
                       int64_t paddedWidth, int64_t oh0, int64_t oh1,
                       int32_t *sums) {
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    const float *row =
        plane + (oh * s.strideHeight - r0) * paddedWidth * kLanes;
    int32_t *out = sums + (oh - oh0) * s.outWidth * kLanes;
    int64_t ow = 0;
    for (; ow + 8 <= s.outWidth; ow += 8)
      pixelTile<8>(row + ow * s.strideWidth * kLanes, w, offset, taps,
                   s.strideWidth, out + ow * kLanes);
    int64_t rest = s.outWidth - ow;
    const float *at = row + ow * s.strideWidth * kLanes;
    int32_t *to = out + ow * kLanes;
    if (rest >= 4) {
      pixelTile<4>(at, w, offset, taps, s.strideWidth, to);
      rest -= 4, at += 4 * s.strideWidth * kLanes, to += 4 * kLanes;
    }
    if (rest >= 2) {
      pixelTile<2>(at, w, offset, taps, s.strideWidth, to);
      rest -= 2, at += 2 * s.strideWidth * kLanes, to += 2 * kLanes;
    }
    if (rest)
      pixelTile<1>(at, w, offset, taps, s.strideWidth, to);
  }
}

/// [pixel][lane] -> [lane][pixel] (row stride `stride`), pixels rounded up
/// to 8 (the sums buffer has them).
TPUC_AVX2 void lanesToRows(const int32_t *sums, int64_t pixels, int64_t stride,
                           int32_t *rows) {
  const auto *from = reinterpret_cast<const float *>(sums);
  auto *to = reinterpret_cast<float *>(rows);
  for (int64_t p0 = 0; p0 < pixels; p0 += 8) {
    const float *f = from + p0 * kLanes;
    __m256 v0 = _mm256_load_ps(f), v1 = _mm256_load_ps(f + 8);
    __m256 v2 = _mm256_load_ps(f + 16), v3 = _mm256_load_ps(f + 24);
    __m256 v4 = _mm256_load_ps(f + 32), v5 = _mm256_load_ps(f + 40);
    __m256 v6 = _mm256_load_ps(f + 48), v7 = _mm256_load_ps(f + 56);
    TPUC_TRANSPOSE8(v0, v1, v2, v3, v4, v5, v6, v7);
    float *t = to + p0;
    _mm256_store_ps(t, v0);
    _mm256_store_ps(t + stride, v1);
    _mm256_store_ps(t + 2 * stride, v2);
    _mm256_store_ps(t + 3 * stride, v3);
    _mm256_store_ps(t + 4 * stride, v4);
    _mm256_store_ps(t + 5 * stride, v5);
    _mm256_store_ps(t + 6 * stride, v6);
    _mm256_store_ps(t + 7 * stride, v7);
  }
}
#endif
} // namespace

std::unique_ptr<DepthwiseInt8>
DepthwiseInt8::create(const ConvShape &s, const Int8Source &source,
                      llvm::ArrayRef<int8_t> filter) {
#if TPUC_DIRECT_AVX2
  if (!cpuHasAvx2Fma() || s.groups < 2 || s.inChannels != s.groups)
    return nullptr;
  int64_t taps = s.kernelHeight * s.kernelWidth;
  if (taps > kMaxTaps ||
      static_cast<int64_t>(filter.size()) != s.outChannels * taps)
    return nullptr;
  // Codes within +-255 (ConvInt8::create checks 8-bit codes).
  if (source.qmin < -255 || source.qmax > 255)
    return nullptr;
  for (int64_t oc = 0; oc < s.outChannels; ++oc) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t)
      sum += std::abs(static_cast<int>(filter[oc * taps + t]));
    if (255 * sum > kExactF32)
      return nullptr;
  }
  std::unique_ptr<DepthwiseInt8> k(new DepthwiseInt8());
  k->shape = s;
  k->source = source;
  k->ocg = s.outChannels / s.groups;
  k->taps = taps;
  k->paddedHeight = s.inHeight + s.padTop + s.padBottom;
  k->paddedWidth = s.inWidth + s.padLeft + s.padRight;
  for (int64_t kh = 0; kh < s.kernelHeight; ++kh)
    for (int64_t kw = 0; kw < s.kernelWidth; ++kw)
      k->tapOffset.push_back(kh * s.dilationHeight * k->paddedWidth +
                             kw * s.dilationWidth);
  k->blocks = (s.outChannels + kLanes - 1) / kLanes;
  k->weights.assign(k->blocks * taps * kLanes, 0.0f);
  for (int64_t oc = 0; oc < s.outChannels; ++oc)
    for (int64_t t = 0; t < taps; ++t)
      k->weights[(oc / kLanes * taps + t) * kLanes + oc % kLanes] =
          filter[oc * taps + t];
  return k;
#else
  return nullptr;
#endif
}

void DepthwiseInt8::run(
    const float *input,
    llvm::function_ref<void(const ConvInt8Block &)> epilogue) const {
#if TPUC_DIRECT_AVX2
  const ConvShape &s = shape;
  const int64_t inPlane = s.inHeight * s.inWidth;
  const int64_t outPlane = s.outHeight * s.outWidth;
  const int64_t jobs = s.batch * blocks;
  // About 16K multiply-adds per chunk at least (small chunks: a static
  // split over the threads stays even).
  int64_t perJob = std::max<int64_t>(1, taps * outPlane * kLanes);
  int64_t grain = chooseGrain(jobs, std::max<int64_t>(1, 16384 / perJob));
  const int64_t bandRows =
      std::clamp<int64_t>(kBandPixels / s.outWidth, 1, s.outHeight);
  const int64_t bandPixels = (bandRows * s.outWidth + 7) / 8 * 8;
  const float lo = static_cast<float>(source.qmin);
  const float hi = static_cast<float>(source.qmax);
  const float zp = static_cast<float>(source.zeroPoint);
  // Work items: (job, band of output rows); a band reads padded rows
  // [oh0 * sh, (oh1 - 1) * sh + (kh - 1) * dh + 1).
  const int64_t bands = (s.outHeight + bandRows - 1) / bandRows;
  const int64_t window = (s.kernelHeight - 1) * s.dilationHeight + 1;
  const int64_t bandPlaneRows = (bandRows - 1) * s.strideHeight + window;
  parallelFor(0, jobs, grain, [&](int64_t begin, int64_t end) {
    // Two band planes: the next item's is built before this one is summed,
    // so that the sums' loads do not wait for the stores that wrote them.
    thread_local Aligned<float> planeBuffer;
    thread_local Aligned<int32_t> sumBuffer, rowBuffer;
    const int64_t planeSize = bandPlaneRows * paddedWidth * kLanes;
    float *planes = planeBuffer.get(2 * planeSize);
    int32_t *sums = sumBuffer.get(bandPixels * kLanes);
    int32_t *rows = rowBuffer.get(bandPixels * kLanes);
    const int64_t items = (end - begin) * bands;
    auto build = [&](int64_t item) {
      int64_t job = begin + item / bands, band = item % bands;
      int64_t n = job / blocks, b = job % blocks;
      int64_t oh0 = band * bandRows;
      int64_t oh1 = std::min(s.outHeight, oh0 + bandRows);
      const float *src[kLanes];
      for (int64_t l = 0; l < kLanes; ++l) {
        int64_t oc = std::min(b * kLanes + l, s.outChannels - 1);
        src[l] = input + (n * s.inChannels + oc / ocg) * inPlane;
      }
      buildRows(src, s, paddedWidth, oh0 * s.strideHeight,
                (oh1 - 1) * s.strideHeight + window, zp, lo, hi,
                planes + item % 2 * planeSize);
    };
    build(0);
    for (int64_t item = 0; item < items; ++item) {
      if (item + 1 < items)
        build(item + 1);
      int64_t job = begin + item / bands, band = item % bands;
      int64_t n = job / blocks, b = job % blocks;
      int64_t oh0 = band * bandRows;
      int64_t oh1 = std::min(s.outHeight, oh0 + bandRows);
      int64_t pixels = (oh1 - oh0) * s.outWidth;
      sumRows(planes + item % 2 * planeSize, oh0 * s.strideHeight,
              weights.data() + b * taps * kLanes, tapOffset.data(), taps, s,
              paddedWidth, oh0, oh1, sums);
      lanesToRows(sums, pixels, bandPixels, rows);
      ConvInt8Block block;
      block.image = n;
      block.firstChannel = b * kLanes;
      block.channels = std::min(kLanes, s.outChannels - block.firstChannel);
      block.firstPixel = oh0 * s.outWidth;
      block.pixels = pixels;
      block.data = rows;
      block.pixelStride = 1;
      block.channelStride = bandPixels;
      epilogue(block);
    }
  });
#endif
}

} // namespace tpuc::kernels::detail
