//===- ConvInt8.h - exact integer 2-D convolution ---------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The integer sums of an INT8 convolution, exactly as int64 loops give them,
// computed with oneDNN's int8 convolution (u8 source, s8 weights, s32
// destination) for speed:
//
//   acc[n, oc, oh, ow] = sum_{ic, kh, kw} x[n, g*ICg + ic, ih, iw] * W[oc, ic,
//   kh, kw]
//
// with x the input codes (read from a float buffer: rounded half to even,
// NaN as 0, clamped to [qmin, qmax]) and a padding position reading the
// zero point. How the result stays exact on every CPU (oneDNN saturates
// int16 pairs without VNNI and converts accumulators through f32) is
// described in lib/Kernels/Int8Pieces.h; in short, the primitive only sees
// values in [0, 128], the reduction is split into ranges whose sums stay
// below 2^24, and the few codes outside a 129-wide window are added
// separately. Small reductions (every |partial sum| provably below 2^24, as
// in depthwise convolutions) may instead run through the f32 kernel
// (kernels::Conv2D) on the codes minus the zero point, exact for the same
// reason. On CPUs with AVX2, depthwise convolutions and plain ones that are
// 1x1 or have a small reduction run instead on hand-written exact kernels
// (lib/Kernels/DirectInt8.h: f32 sums below 2^24 for depthwise ones, int16
// pair products summed in int32 for the others), which read the float codes
// directly and hand their sums over while in cache. `create` refuses (an
// error; callers fall back to plain loops) shapes and weights for which
// this cannot be guaranteed: codes wider than 8 bits, |acc| possibly beyond
// int32, a single input channel whose kernel alone could pass 2^24, or
// oneDNN offering only its reference implementation.
//
// Work is split into chunks (one image x a block of output channels or of
// groups) chosen from the shape alone, each run by a single-threaded oneDNN
// primitive on tpuc::parallelFor's threads; being exact, the sums do not
// depend on the thread count anyway. The caller receives each chunk's
// accumulators through an epilogue called on the worker threads.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_CONVINT8_H
#define TPUC_KERNELS_CONVINT8_H

#include "tpuc/Kernels/Conv.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace tpuc::kernels {

/// How the int8 kernels read their integer source codes.
struct Int8Source {
  /// The value a padding position reads (convolution only).
  int64_t zeroPoint = 0;
  /// Codes are clamped to [qmin, qmax]; at most 256 values wide.
  int64_t qmin = -128, qmax = 127;
};

/// Tuning knobs of the int8 kernels; the defaults are what the ops use, the
/// tests change them to reach every path. None changes a result.
struct Int8Options {
  /// Convolutions whose every partial sum stays within 2^24 (255 * sum |w|
  /// <= 2^24 for each output channel) may run as an f32 convolution of the
  /// codes minus the zero point, which is then exact: Auto does so for
  /// grouped convolutions (depthwise ones: oneDNN's f32 kernel is the
  /// faster there) and for those with few multiply-adds per input value
  /// (1x1 projections), Always whenever the bound holds, Never not at all.
  enum class F32Path { Auto, Always, Never };
  F32Path f32Path = F32Path::Auto;
  /// Codes outside the window are scattered while they are at most this
  /// fraction of a source per sign they have; beyond, one more primitive
  /// run per sign adds them (the break-even measured on AVX2 for 3x3
  /// convolutions is about 3 % per run).
  double scatterFraction = 0.03;
  /// The bound on 128 * sum |w| of one primitive run (at most 2^24).
  int64_t accumulatorBound = int64_t(1) << 24;
  /// With f32Path Auto, the direct kernels (lib/Kernels/DirectInt8.h: no
  /// oneDNN) run the convolutions they apply to: depthwise ones, and
  /// ungrouped ones that are 1x1 or sum at most kDirectMaxReduction
  /// products per output. False keeps oneDNN (tests reach its paths).
  bool direct = true;
};

/// The largest reduction (inChannels x kernel) of a non-1x1 ungrouped
/// convolution that the direct kernel takes (first layers: 3 x 3 x 3).
constexpr int64_t kDirectMaxReduction = 64;

/// The accumulators of one chunk: output channels [firstChannel,
/// firstChannel + channels) of image `image`, output pixels [firstPixel,
/// firstPixel + pixels); the value of channel firstChannel + c at output
/// pixel firstPixel + p (pixels numbered oh * outWidth + ow) is
/// data[p * pixelStride + c * channelStride].
struct ConvInt8Block {
  int64_t image = 0;
  int64_t firstChannel = 0, channels = 0;
  int64_t firstPixel = 0, pixels = 0;
  const int32_t *data = nullptr;
  int64_t pixelStride = 0, channelStride = 0;
};

/// The exact sums by plain int64 loops (the oracle of the tests); `acc` is
/// batch x outChannels x outHeight x outWidth. The shape's bias and ReLU
/// fields are ignored.
void referenceConvInt8(const ConvShape &shape, const Int8Source &source,
                       const float *input, llvm::ArrayRef<int8_t> filter,
                       int64_t *acc);

class ConvInt8 {
public:
  /// Prepares the convolution of `shape` (bias and ReLU fields ignored)
  /// with the int8 `filter` (outChannels x inChannels/groups x kernelHeight
  /// x kernelWidth), which is copied. Fails when the shape is invalid or
  /// the sums could not be guaranteed exact (see above).
  static llvm::Expected<std::unique_ptr<ConvInt8>>
  create(const ConvShape &shape, const Int8Source &source,
         llvm::ArrayRef<int8_t> filter, const Int8Options &options = {});
  ~ConvInt8();

  /// Computes the sums for `input` (batch x inChannels x inHeight x
  /// inWidth codes) and hands every chunk to `epilogue`, concurrently from
  /// the worker threads (each output channel of each image exactly once).
  llvm::Error
  run(const float *input,
      llvm::function_ref<void(const ConvInt8Block &)> epilogue) const;

  /// The sums as a dense batch x outChannels x outHeight x outWidth array.
  llvm::Error run(const float *input, int32_t *acc) const;

  const ConvShape &getShape() const;
  /// The filter it was created with.
  llvm::ArrayRef<int8_t> getFilter() const;
  int64_t getNumChunks() const;
  /// The number of ranges the reduction of a group is split into.
  int64_t getNumRanges() const;
  /// Whether a grouped convolution runs as a plain one with a
  /// block-diagonal filter (oneDNN having no fast kernel for its groups).
  bool isExpanded() const;
  /// Whether it runs as an exact f32 convolution (Int8Options::F32Path).
  bool usesF32() const;
  /// Whether it runs on a direct kernel (Int8Options::direct).
  bool usesDirect() const;
  /// A bound on every |sum| it hands over: max(|qmin|, |qmax|) times the
  /// largest sum of |w| of an output channel.
  int64_t getAccumulatorBound() const;

  /// What the last run did with the codes outside the window, per image
  /// and source block: how many were scattered, and how many primitive
  /// runs were added for them (tests check that every path is taken).
  struct Stats {
    int64_t scattered = 0, extraRuns = 0;
  };
  Stats getLastStats() const;

private:
  struct Impl;
  static llvm::Expected<std::unique_ptr<Impl>>
  createImpl(const ConvShape &shape, const Int8Source &source,
             llvm::ArrayRef<int8_t> filter, const Int8Options &options);
  explicit ConvInt8(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_CONVINT8_H
