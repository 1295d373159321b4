//===- GemmInt8.cpp - exact int8 convolution as an int16 matrix product ---===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// See DirectInt8.h. X is packed per run as tiles of kPixels output pixels:
// tile t holds, for each pair j of reduction indices (2j, 2j + 1), its
// pixels' two codes as one int32 (low half: index 2j) at
// packed[t * pairs * kPixels + j * width + p], width = kPixels except in
// the last tile (the remaining pixels rounded up to 8). An index past the
// reduction, and a pixel past the image, reads 0. The filter is packed
// likewise as [output tile][pair][kRows]. A register tile of kRows x width
// accumulators is the sum over pairs of VPMADDWD(broadcast weight pair,
// pixel pairs), in int32.
//
// Jobs are (a range of pixel tiles, a range of output channels), chosen
// from the shape: their accumulators (at most 48 KB) go to the epilogue
// while in cache.
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
constexpr int64_t kRows = GemmInt8::kRows;
constexpr int64_t kPixels = GemmInt8::kPixels;
/// Pairs summed per pass over a tile (its input stays in L1: 24 KB).
constexpr int64_t kPairsPerPass = 256;
/// Accumulators of one job, at most (int32).
constexpr int64_t kJobAccumulators = 12288;
/// Output channels of one job, at most.
constexpr int64_t kJobChannels = 64;
/// Packed input of one job when each job packs its own (bytes, at most).
constexpr int64_t kJobPackedBytes = 96 * 1024;
/// Jobs of a run with few pixel tiles, at least (when channels allow).
constexpr int64_t kMinJobs = 16;
/// Packed values (int32) an image's input is packed in on the calling
/// thread, at most.
constexpr int64_t kSerialPacking = 32768;
/// Jobs packing their own input when there are at least this many (small
/// jobs, so that a static split over the threads stays even).
constexpr int64_t kMinPackedJobs = 12;

inline int32_t pairOf(int32_t low, int32_t high) {
  return static_cast<int32_t>(
      static_cast<uint16_t>(low) |
      (static_cast<uint32_t>(static_cast<uint16_t>(high)) << 16));
}

#if TPUC_DIRECT_AVX2
/// Eight codes (NaN as 0, clamped to [lo, hi], half to even) as int32.
TPUC_AVX2 inline __m256i codes8(const float *src, __m256 lo, __m256 hi) {
  __m256 v = _mm256_loadu_ps(src);
  v = _mm256_andnot_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q), v);
  v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
  return _mm256_cvtps_epi32(v); // round to nearest even (the default mode)
}

/// The kRows x (8 * NV) tile c (row stride ldc) = (accumulate ? c : 0) +
/// sum over `pairs` pairs of a (kRows int32 per pair) x b (8 * NV per pair).
template <int NV>
TPUC_AVX2 void microKernel(const int32_t *a, const int32_t *b, int64_t pairs,
                           int32_t *c, int64_t ldc, bool accumulate) {
  __m256i acc[kRows][NV];
#pragma GCC unroll 4
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 3
    for (int j = 0; j < NV; ++j)
      acc[r][j] = _mm256_setzero_si256();
  for (int64_t i = 0; i < pairs; ++i) {
    __m256i x[NV];
#pragma GCC unroll 3
    for (int j = 0; j < NV; ++j)
      x[j] = _mm256_load_si256(reinterpret_cast<const __m256i *>(b + 8 * j));
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      __m256i w = _mm256_set1_epi32(a[r]);
#pragma GCC unroll 3
      for (int j = 0; j < NV; ++j)
        acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(w, x[j]));
    }
    a += kRows;
    b += 8 * NV;
  }
#pragma GCC unroll 4
  for (int r = 0; r < kRows; ++r)
#pragma GCC unroll 3
    for (int j = 0; j < NV; ++j) {
      auto *dst = reinterpret_cast<__m256i *>(c + r * ldc + 8 * j);
      __m256i v = acc[r][j];
      if (accumulate)
        v = _mm256_add_epi32(v, _mm256_loadu_si256(dst));
      _mm256_storeu_si256(dst, v);
    }
}

TPUC_AVX2 void runTile(int NV, const int32_t *a, const int32_t *b,
                       int64_t pairs, int32_t *c, int64_t ldc,
                       bool accumulate) {
  if (NV == 1)
    return microKernel<1>(a, b, pairs, c, ldc, accumulate);
  return microKernel<2>(a, b, pairs, c, ldc, accumulate);
}

/// Packs tiles [firstTile, lastTile) of X read from NCHW planes (row k of X
/// is plane k); tile t goes to packed + (t - firstTile) * pairs * kPixels.
TPUC_AVX2 void packPlanes(const float *image, int64_t k, int64_t pairs,
                          int64_t pixels, int64_t firstTile, int64_t lastTile,
                          float lo, float hi, int32_t *packed) {
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  const __m256i low = _mm256_set1_epi32(0xffff);
  alignas(32) float tail[2][8];
  for (int64_t j = 0; j < pairs; ++j) {
    const float *row0 = image + 2 * j * pixels;
    const float *row1 = 2 * j + 1 < k ? row0 + pixels : nullptr;
    for (int64_t t = firstTile; t < lastTile; ++t) {
      int64_t p0 = t * kPixels;
      int64_t width = std::min(kPixels, (pixels - p0 + 7) / 8 * 8);
      int32_t *dst = packed + (t - firstTile) * pairs * kPixels + j * width;
      for (int64_t q = 0; q < width; q += 8) {
        int64_t p = p0 + q;
        const float *s0 = row0 + p, *s1 = row1 ? row1 + p : nullptr;
        if (p + 8 > pixels) {
          // The last pixels, then zeros.
          int64_t n = pixels - p;
          for (int i = 0; i < 8; ++i) {
            tail[0][i] = i < n ? s0[i] : 0.0f;
            tail[1][i] = i < n && s1 ? s1[i] : 0.0f;
          }
          s0 = tail[0];
          s1 = s1 ? tail[1] : nullptr;
        }
        __m256i c0 = codes8(s0, vlo, vhi);
        __m256i c1 = s1 ? codes8(s1, vlo, vhi) : _mm256_setzero_si256();
        __m256i pair = _mm256_or_si256(_mm256_and_si256(c0, low),
                                       _mm256_slli_epi32(c1, 16));
        _mm256_store_si256(reinterpret_cast<__m256i *>(dst + q), pair);
      }
    }
  }
}

/// Padded rows [firstRow, lastRow) (row = ic * paddedHeight + r) of the
/// int16 image: codes, the zero point in the padding.
TPUC_AVX2 void convertRows(const float *image, const ConvShape &s,
                           int64_t paddedHeight, int64_t paddedWidth,
                           int64_t firstRow, int64_t lastRow, float lo,
                           float hi, int16_t zp, int16_t *plane) {
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  for (int64_t row = firstRow; row < lastRow; ++row) {
    int64_t ic = row / paddedHeight, ih = row % paddedHeight - s.padTop;
    int16_t *dst = plane + row * paddedWidth;
    if (ih < 0 || ih >= s.inHeight) {
      std::fill(dst, dst + paddedWidth, zp);
      continue;
    }
    const float *src = image + (ic * s.inHeight + ih) * s.inWidth;
    std::fill(dst, dst + s.padLeft, zp);
    int16_t *codes = dst + s.padLeft;
    int64_t w = 0;
    for (; w + 8 <= s.inWidth; w += 8) {
      __m256i c = codes8(src + w, vlo, vhi);
      _mm_storeu_si128(reinterpret_cast<__m128i *>(codes + w),
                       _mm_packs_epi32(_mm256_castsi256_si128(c),
                                       _mm256_extracti128_si256(c, 1)));
    }
    for (; w < s.inWidth; ++w)
      codes[w] = static_cast<int16_t>(toCode(src[w], lo, hi));
    std::fill(codes + s.inWidth, dst + paddedWidth, zp);
  }
}
#endif
} // namespace

std::unique_ptr<GemmInt8> GemmInt8::create(const ConvShape &s,
                                           const Int8Source &source,
                                           llvm::ArrayRef<int8_t> filter) {
#if TPUC_DIRECT_AVX2
  if (!cpuHasAvx2Fma() || s.groups != 1)
    return nullptr;
  int64_t k = s.inChannels * s.kernelHeight * s.kernelWidth;
  if (static_cast<int64_t>(filter.size()) != s.outChannels * k)
    return nullptr;
  if (source.qmin < -255 || source.qmax > 255)
    return nullptr;
  for (int64_t oc = 0; oc < s.outChannels; ++oc) {
    int64_t sum = 0;
    for (int64_t i = 0; i < k; ++i)
      sum += std::abs(static_cast<int>(filter[oc * k + i]));
    if (255 * sum > INT32_MAX)
      return nullptr;
  }
  std::unique_ptr<GemmInt8> g(new GemmInt8());
  g->shape = s;
  g->source = source;
  g->k = k;
  g->pairs = (k + 1) / 2;
  g->pixels = s.outHeight * s.outWidth;
  g->tiles = (g->pixels + kPixels - 1) / kPixels;
  g->contiguous = s.kernelHeight == 1 && s.kernelWidth == 1 &&
                  s.strideHeight == 1 && s.strideWidth == 1 && s.padTop == 0 &&
                  s.padLeft == 0 && s.padBottom == 0 && s.padRight == 0;
  g->outputTiles = (s.outChannels + kRows - 1) / kRows;
  g->packedFilter.assign(g->outputTiles * g->pairs * kRows, 0);
  for (int64_t oc = 0; oc < s.outChannels; ++oc)
    for (int64_t j = 0; j < g->pairs; ++j) {
      int32_t w0 = filter[oc * k + 2 * j];
      int32_t w1 = 2 * j + 1 < k ? filter[oc * k + 2 * j + 1] : 0;
      g->packedFilter[((oc / kRows) * g->pairs + j) * kRows + oc % kRows] =
          pairOf(w0, w1);
    }
  if (!g->contiguous) {
    g->paddedHeight = s.inHeight + s.padTop + s.padBottom;
    g->paddedWidth = s.inWidth + s.padLeft + s.padRight;
    if (s.inChannels * g->paddedHeight * g->paddedWidth >= INT32_MAX)
      return nullptr;
    int64_t planeSize = g->paddedHeight * g->paddedWidth;
    for (int64_t i = 0; i < 2 * g->pairs; ++i) {
      if (i >= k) {
        g->rowOffset.push_back(-1);
        continue;
      }
      int64_t ic = i / (s.kernelHeight * s.kernelWidth);
      int64_t kh = i / s.kernelWidth % s.kernelHeight, kw = i % s.kernelWidth;
      g->rowOffset.push_back(static_cast<int32_t>(
          ic * planeSize + kh * s.dilationHeight * g->paddedWidth +
          kw * s.dilationWidth));
    }
    for (int64_t oh = 0; oh < s.outHeight; ++oh)
      for (int64_t ow = 0; ow < s.outWidth; ++ow)
        g->pixelOffset.push_back(static_cast<int32_t>(
            oh * s.strideHeight * g->paddedWidth + ow * s.strideWidth));
  }
  // Blocking: jobs of up to 64 output channels (whole register tiles) and
  // as many pixel tiles as keep their accumulators within 48 KB; with many
  // tiles, jobs of as many tiles as pack into 96 KB instead, each running
  // every channel.
  int64_t tileBytes = g->pairs * kPixels * 4;
  int64_t packTiles = std::clamp<int64_t>(
      std::min(kJobPackedBytes / tileBytes, g->tiles / kMinPackedJobs), 1, 16);
  g->packedPerJob = g->tiles >= kMinPackedJobs * packTiles;
  // Jobs of even sizes (parallelFor splits them statically): the largest
  // number of tiles or channels allowed, then spread evenly over as many
  // jobs as that takes.
  auto even = [](int64_t count, int64_t most, int64_t multiple) {
    int64_t jobs = (count + most - 1) / most;
    int64_t size = (count + jobs - 1) / jobs;
    return (size + multiple - 1) / multiple * multiple;
  };
  int64_t channels = g->outputTiles * kRows;
  if (g->packedPerJob) {
    g->tilesPerJob = even(g->tiles, packTiles, 1);
    g->channelsPerJob =
        even(channels,
             std::clamp<int64_t>(kJobAccumulators / (packTiles * kPixels) /
                                     kRows * kRows,
                                 kRows, kJobChannels),
             kRows);
  } else {
    int64_t mostChannels = std::min(kJobChannels, channels);
    int64_t mostTiles = std::clamp<int64_t>(
        kJobAccumulators / (mostChannels * kPixels), 1, g->tiles);
    int64_t tileJobs = (g->tiles + mostTiles - 1) / mostTiles;
    // At least kMinJobs jobs while channel blocks keep 16 channels.
    int64_t channelJobs = (channels + mostChannels - 1) / mostChannels;
    int64_t wanted = (kMinJobs + tileJobs - 1) / tileJobs;
    channelJobs = std::clamp<int64_t>(
        wanted, channelJobs, std::max<int64_t>(channelJobs, channels / 16));
    g->tilesPerJob = even(g->tiles, mostTiles, 1);
    g->channelsPerJob =
        even(channels, (channels + channelJobs - 1) / channelJobs, kRows);
  }
  return g;
#else
  return nullptr;
#endif
}

void GemmInt8::packContiguous(const float *image, int64_t firstTile,
                              int64_t lastTile, int32_t *packed) const {
#if TPUC_DIRECT_AVX2
  packPlanes(image, k, pairs, pixels, firstTile, lastTile,
             static_cast<float>(source.qmin), static_cast<float>(source.qmax),
             packed);
#endif
}

void GemmInt8::convertPlane(const float *image, int64_t firstRow,
                            int64_t lastRow, int16_t *plane) const {
#if TPUC_DIRECT_AVX2
  convertRows(image, shape, paddedHeight, paddedWidth, firstRow, lastRow,
              static_cast<float>(source.qmin), static_cast<float>(source.qmax),
              static_cast<int16_t>(source.zeroPoint), plane);
#endif
}

#if TPUC_DIRECT_AVX2
namespace {
/// Packs tiles [firstTile, lastTile) (to packed + (t - firstTile) * pairs *
/// kPixels) gathered from the padded int16 image: pair j of pixel p is
/// plane[rowOffset[2 j] + pixelOffset[p]] and the same at rowOffset[2 j +
/// 1] (0 when negative). Eight pixels of one output row with a column
/// stride of 1 or 2 are read as one vector: with stride 2, the low int16
/// of each int32 of 16 consecutive int16 is the even one, the pixel's.
TPUC_AVX2 void gatherTiles(const int16_t *plane, const int32_t *rowOffset,
                           const int32_t *pixelOffset, int64_t pairs,
                           int64_t pixels, int64_t outWidth, int64_t stride,
                           int64_t firstTile, int64_t lastTile,
                           int32_t *packed) {
  const __m256i low = _mm256_set1_epi32(0xffff);
  for (int64_t t = firstTile; t < lastTile; ++t) {
    int64_t p0 = t * kPixels;
    int64_t valid = std::min(kPixels, pixels - p0);
    int64_t width = std::min(kPixels, (valid + 7) / 8 * 8);
    const int32_t *offsets = pixelOffset + p0;
    for (int64_t j = 0; j < pairs; ++j) {
      int32_t *dst = packed + (t - firstTile) * pairs * kPixels + j * width;
      int32_t r0 = rowOffset[2 * j], r1 = rowOffset[2 * j + 1];
      for (int64_t q = 0; q < width; q += 8) {
        bool oneRow = q + 8 <= valid && (p0 + q) % outWidth + 8 <= outWidth;
        if (oneRow && stride <= 2) {
          const int16_t *a = plane + r0 + offsets[q];
          __m256i x0, x1 = _mm256_setzero_si256();
          if (stride == 1) {
            x0 = _mm256_cvtepi16_epi32(
                _mm_loadu_si128(reinterpret_cast<const __m128i *>(a)));
            if (r1 >= 0)
              x1 = _mm256_cvtepi16_epi32(_mm_loadu_si128(
                  reinterpret_cast<const __m128i *>(plane + r1 + offsets[q])));
          } else {
            x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(a));
            if (r1 >= 0)
              x1 = _mm256_loadu_si256(
                  reinterpret_cast<const __m256i *>(plane + r1 + offsets[q]));
          }
          _mm256_store_si256(reinterpret_cast<__m256i *>(dst + q),
                             _mm256_or_si256(_mm256_and_si256(x0, low),
                                             _mm256_slli_epi32(x1, 16)));
          continue;
        }
        for (int64_t p = q; p < q + 8; ++p) {
          if (p >= valid) {
            dst[p] = 0;
            continue;
          }
          int16_t v0 = plane[r0 + offsets[p]];
          int16_t v1 = r1 >= 0 ? plane[r1 + offsets[p]] : int16_t(0);
          dst[p] = pairOf(v0, v1);
        }
      }
    }
  }
}
} // namespace
#endif

void GemmInt8::packGathered(const int16_t *plane, int64_t firstTile,
                            int64_t lastTile, int32_t *packed) const {
#if TPUC_DIRECT_AVX2
  gatherTiles(plane, rowOffset.data(), pixelOffset.data(), pairs, pixels,
              shape.outWidth, shape.strideWidth, firstTile, lastTile, packed);
#endif
}

void GemmInt8::run(
    const float *input,
    llvm::function_ref<void(const ConvInt8Block &)> epilogue) const {
#if TPUC_DIRECT_AVX2
  const ConvShape &s = shape;
  const int64_t imageSize = s.inChannels * s.inHeight * s.inWidth;
  // Buffers of the calling thread shared by the workers (one op runs at a
  // time on it, as in ConvInt8's f32 path): the padded int16 image, and the
  // packed input of a whole image when not packed per job.
  thread_local Aligned<int32_t> packedBuffer;
  thread_local Aligned<int16_t> planeBuffer;
  int32_t *shared =
      packedPerJob ? nullptr : packedBuffer.get(tiles * pairs * kPixels);
  // 32 spare int16: a stride-2 gather reads one past its last pixel.
  int16_t *plane =
      contiguous
          ? nullptr
          : planeBuffer.get(s.inChannels * paddedHeight * paddedWidth + 32);
  const int64_t tileJobs = (tiles + tilesPerJob - 1) / tilesPerJob;
  const int64_t channelJobs =
      (s.outChannels + channelsPerJob - 1) / channelsPerJob;
  const int64_t passes = (pairs + kPairsPerPass - 1) / kPairsPerPass;
  const int64_t perPass = (pairs + passes - 1) / passes;
  auto pack = [&](const float *image, int64_t t0, int64_t t1, int32_t *packed) {
    if (contiguous)
      packContiguous(image, t0, t1, packed);
    else
      packGathered(plane, t0, t1, packed);
  };
  // Output channels [c0, c1) x tiles [t0, t1) (packed from `packed`, tile
  // t0 first) of image n, to the epilogue.
  auto compute = [&](int64_t n, int64_t t0, int64_t t1, int64_t c0, int64_t c1,
                     const int32_t *packed) {
    thread_local Aligned<int32_t> accBuffer;
    int64_t o0 = c0 / kRows, o1 = (c1 + kRows - 1) / kRows;
    int64_t ldc = (t1 - t0) * kPixels;
    int32_t *acc = accBuffer.get((o1 - o0) * kRows * ldc);
    for (int64_t pass = 0; pass < passes; ++pass) {
      int64_t j0 = pass * perPass, j1 = std::min(pairs, j0 + perPass);
      for (int64_t t = t0; t < t1; ++t) {
        int64_t width = std::min(kPixels, (pixels - t * kPixels + 7) / 8 * 8);
        const int32_t *b = packed + (t - t0) * pairs * kPixels + j0 * width;
        for (int64_t o = o0; o < o1; ++o)
          runTile(static_cast<int>(width / 8),
                  packedFilter.data() + (o * pairs + j0) * kRows, b, j1 - j0,
                  acc + (o - o0) * kRows * ldc + (t - t0) * kPixels, ldc,
                  pass > 0);
      }
    }
    ConvInt8Block block;
    block.image = n;
    block.firstChannel = c0;
    block.channels = c1 - c0;
    block.firstPixel = t0 * kPixels;
    block.pixels = std::min(pixels, t1 * kPixels) - block.firstPixel;
    block.data = acc;
    block.pixelStride = 1;
    block.channelStride = ldc;
    epilogue(block);
  };
  for (int64_t n = 0; n < s.batch; ++n) {
    const float *image = input + n * imageSize;
    if (!contiguous) {
      int64_t rows = s.inChannels * paddedHeight;
      parallelFor(
          0, rows, chooseGrain(rows, std::max<int64_t>(1, 16384 / paddedWidth)),
          [&](int64_t lo, int64_t hi) { convertPlane(image, lo, hi, plane); });
    }
    if (packedPerJob) {
      // Each job packs its tiles (they stay in L2) and runs every channel.
      parallelFor(0, tileJobs, 1, [&](int64_t begin, int64_t end) {
        thread_local Aligned<int32_t> jobBuffer;
        int32_t *packed = jobBuffer.get(tilesPerJob * pairs * kPixels);
        for (int64_t job = begin; job < end; ++job) {
          int64_t t0 = job * tilesPerJob;
          int64_t t1 = std::min(tiles, t0 + tilesPerJob);
          pack(image, t0, t1, packed);
          for (int64_t c0 = 0; c0 < s.outChannels; c0 += channelsPerJob)
            compute(n, t0, t1, c0, std::min(s.outChannels, c0 + channelsPerJob),
                    packed);
        }
      });
      continue;
    }
    // Few tiles: packed once (on this thread when small: cheaper than
    // waking the others), jobs split the output channels too.
    if (tiles * pairs * kPixels <= kSerialPacking) {
      pack(image, 0, tiles, shared);
    } else {
      int64_t packGrain =
          chooseGrain(tiles, std::max<int64_t>(1, 16384 / (pairs * kPixels)));
      parallelFor(0, tiles, packGrain, [&](int64_t lo, int64_t hi) {
        pack(image, lo, hi, shared + lo * pairs * kPixels);
      });
    }
    parallelFor(0, tileJobs * channelJobs, 1, [&](int64_t begin, int64_t end) {
      for (int64_t job = begin; job < end; ++job) {
        int64_t t0 = job / channelJobs * tilesPerJob;
        int64_t t1 = std::min(tiles, t0 + tilesPerJob);
        int64_t c0 = job % channelJobs * channelsPerJob;
        int64_t c1 = std::min(s.outChannels, c0 + channelsPerJob);
        compute(n, t0, t1, c0, c1, shared + t0 * pairs * kPixels);
      }
    });
  }
#endif
}

} // namespace tpuc::kernels::detail
