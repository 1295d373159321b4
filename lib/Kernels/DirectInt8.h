//===- DirectInt8.h - exact int8 convolutions without oneDNN ----*- C++ -*-===//
//
// Part of tpuc. Private to lib/Kernels.
//
// Two hand-written kernels that ConvInt8 takes, when they apply, instead of
// oneDNN (Int8Options::direct). Both read the float buffer of codes as the
// other paths do (NaN as 0, clamped to [qmin, qmax], rounded half to even;
// a padding position reads the zero point) and hand exact int32 sums of
// codes x weights to the epilogue, in blocks that are still in cache. Both
// need AVX2 and FMA (create returns null otherwise). Work is split into
// chunks chosen from the shape alone; the sums are exact, so the results do
// not depend on the thread count.
//
// - DepthwiseInt8 (groups == inChannels, any channel multiplier, kernel,
//   stride, dilation and padding): output channels by blocks of 8, one per
//   f32 lane. The input planes of a block are read once, by 8 x 8 tiles
//   transposed in registers, into a padded [row][column][8 lanes] plane of
//   codes; each output pixel is then the sum over taps of weight x code
//   in f32 FMA (8 channels at a time, whatever the width or stride), and
//   bands of output rows are transposed back to [channel][pixel] int32 for
//   the epilogue. Every partial sum is an integer of magnitude at most
//   255 * sum |w| <= 2^24 (checked at creation), hence exact in f32.
//   oneDNN's f32 depthwise kernel (the previous path) needed the codes
//   converted and its blocked layouts reordered on both sides.
//
// - GemmInt8 (groups == 1): the convolution as a matrix product
//   acc[oc][p] = sum_k W[oc][k] * X[k][p] over k = (ic, kh, kw), in int16
//   pairs: VPMADDWD multiplies 16 int16 pairs and adds each pair into an
//   int32 lane, exact for codes within +-255 and int8 weights (a pair is at
//   most 2 * 255 * 128 in magnitude), and the int32 accumulators are exact
//   since 255 * sum |w| <= 2^31 - 1 (checked at creation). The filter is
//   packed once as [4 output channels][k pair] int32 broadcasts; the input
//   per run as [24 pixels][k pair] tiles (1x1 stride-1 convolutions read
//   the NCHW planes directly, others first make a padded int16 copy of the
//   image and gather from it), by each job for its own pixels when there
//   are many (they stay in L2), else once for the image. A 4 x 24 register
//   tile runs over k, in ranges of 256 pairs so that its input tile stays
//   in the L1 cache.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_KERNELS_DIRECTINT8_H
#define TPUC_LIB_KERNELS_DIRECTINT8_H

#include "tpuc/Kernels/ConvInt8.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace tpuc::kernels::detail {

/// A grow-only, 64-byte aligned buffer of T (per thread when thread_local).
template <typename T> struct Aligned {
  std::unique_ptr<char[]> storage;
  size_t capacity = 0;
  T *get(size_t count) {
    size_t bytes = count * sizeof(T) + 64;
    if (bytes > capacity) {
      storage.reset(new char[bytes]);
      capacity = bytes;
    }
    auto address = reinterpret_cast<uintptr_t>(storage.get());
    return reinterpret_cast<T *>(storage.get() + (64 - address % 64) % 64);
  }
};

class DepthwiseInt8 {
public:
  /// Null when the kernel does not apply (see above).
  static std::unique_ptr<DepthwiseInt8> create(const ConvShape &shape,
                                               const Int8Source &source,
                                               llvm::ArrayRef<int8_t> filter);
  void run(const float *input,
           llvm::function_ref<void(const ConvInt8Block &)> epilogue) const;

private:
  DepthwiseInt8() = default;
  ConvShape shape;
  Int8Source source;
  int64_t ocg = 0, taps = 0, blocks = 0;
  int64_t paddedHeight = 0, paddedWidth = 0;
  /// Per tap (kh, kw): its offset in padded pixels from the window's
  /// first.
  std::vector<int64_t> tapOffset;
  /// The filter as floats, [block of 8 channels][tap][lane].
  std::vector<float> weights;
};

class GemmInt8 {
public:
  /// Null when the kernel does not apply (see above).
  static std::unique_ptr<GemmInt8> create(const ConvShape &shape,
                                          const Int8Source &source,
                                          llvm::ArrayRef<int8_t> filter);
  void run(const float *input,
           llvm::function_ref<void(const ConvInt8Block &)> epilogue) const;

  static constexpr int64_t kRows = 4;    // output channels per register tile
  static constexpr int64_t kPixels = 16; // pixels per register tile

private:
  GemmInt8() = default;
  void packContiguous(const float *image, int64_t firstTile, int64_t lastTile,
                      int32_t *packed) const;
  void packGathered(const int16_t *plane, int64_t firstTile, int64_t lastTile,
                    int32_t *packed) const;
  void convertPlane(const float *image, int64_t firstRow, int64_t lastRow,
                    int16_t *plane) const;

  ConvShape shape;
  Int8Source source;
  int64_t k = 0, pairs = 0, pixels = 0, tiles = 0;
  int64_t paddedHeight = 0, paddedWidth = 0;
  /// 1x1, stride 1, no padding: the input planes are the rows of X.
  bool contiguous = false;
  /// The filter packed as [oc / 4][pair][4] int32 (two int16 weights).
  std::vector<int32_t> packedFilter;
  int64_t outputTiles = 0;
  /// Gathering: the offset in the padded int16 image of row k of X, and of
  /// output pixel p.
  std::vector<int32_t> rowOffset, pixelOffset;
  /// Blocking of a run: output channels and pixel tiles per job (or per
  /// block of a job), and whether each job packs its own tiles (many
  /// pixels) rather than the whole image being packed first.
  int64_t channelsPerJob = 0, tilesPerJob = 0;
  bool packedPerJob = false;
};

} // namespace tpuc::kernels::detail

#endif // TPUC_LIB_KERNELS_DIRECTINT8_H
