//===- ConvInt8.cpp - exact integer 2-D convolution -----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Layout of one run, per image (the int8 path):
// - The source blocks are written in one pass over the input: dense,
//   padded NHWC u8 arrays holding the piece A = clamp(code - zp + o, 0,
//   128), padding included (a padding position reads the zero point, i.e.
//   d = 0, i.e. o), so the primitives run without padding. The offset o is
//   fixed by the storage type (chooseOffset over [qmin - zp, qmax - zp]):
//   the window [-o, 128 - o] of d is [0, 128] for unsigned codes with zero
//   point 0 (ReLU outputs), [-64, 64] for signed ones. A block holds the
//   input channels of one range of the reduction (and, for grouped
//   convolutions, of one chunk's groups); bands of input rows are converted
//   channel by channel and transposed in 16 x 16 tiles. The codes outside
//   the window (a few percent of real activations) are listed per block and
//   padded row.
// - Each chunk runs its primitive once per range into int32 NHWC
//   accumulators and adds the listed rest: scattered (int16 products with
//   the weights in [ic][kh][kw][oc] order, added to int32) while they are
//   few, else by one more primitive run per sign on the dense pieces
//   max(e, 0) and max(-e, 0).
// - acc += (zp - o) * sum W[oc] turns sum (d + o) w into sum x w; the
//   chunk is transposed to channel-major on the way and handed to the
//   epilogue.
// The f32 path (small reductions, Int8Options::F32Path) converts the codes
// minus the zero point to f32, runs kernels::Conv2D and hands the (exact
// integer) sums plus zp * sum W to the epilogue in blocks of channels.
// The direct kernels (Int8Options::direct, DirectInt8.h) are taken first
// when they apply; they do all of a run themselves.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/ConvInt8.h"

#include "DirectInt8.h"
#include "Dnnl.h"
#include "Int8Pieces.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace llvm;
using namespace tpuc::kernels::detail;

namespace tpuc::kernels {

/// Below this many multiply-adds a chunk is not worth a thread.
static constexpr int64_t kMinChunkWork = int64_t(1) << 20;

/// Auto takes the exact f32 path (when it applies) for convolutions with at
/// most this many multiply-adds per input value (1x1 projections like
/// mobilenet's 960 -> 160): measured on AVX2, where reading the input into
/// NHWC u8 pieces costs more than the int8 primitive saves below it.
static constexpr int64_t kF32MaxMacsPerInput = 160;

/// Grouped convolutions oneDNN has no fast kernel for run as plain ones
/// with a block-diagonal filter up to this many groups (that much more
/// work).
static constexpr int64_t kMaxExpandedGroups = 8;

static int64_t filterSize(const ConvShape &s) {
  return s.outChannels * (s.inChannels / s.groups) * s.kernelHeight *
         s.kernelWidth;
}

static Error int8Error(const Twine &what) {
  return make_error<StringError>("int8 convolution: " + what,
                                 inconvertibleErrorCode());
}

void referenceConvInt8(const ConvShape &s, const Int8Source &source,
                       const float *input, ArrayRef<int8_t> filter,
                       int64_t *acc) {
  int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
  int64_t inPlane = s.inHeight * s.inWidth;
  auto code = [&](float v) -> int64_t {
    if (std::isnan(v))
      return std::clamp<int64_t>(0, source.qmin, source.qmax);
    double c = std::clamp<double>(v, source.qmin, source.qmax);
    return static_cast<int64_t>(std::nearbyint(c));
  };
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t oc = 0; oc < s.outChannels; ++oc) {
      int64_t g = oc / ocg;
      for (int64_t oh = 0; oh < s.outHeight; ++oh)
        for (int64_t ow = 0; ow < s.outWidth; ++ow) {
          int64_t sum = 0;
          for (int64_t ic = 0; ic < icg; ++ic)
            for (int64_t kh = 0; kh < s.kernelHeight; ++kh)
              for (int64_t kw = 0; kw < s.kernelWidth; ++kw) {
                int64_t ih =
                    oh * s.strideHeight - s.padTop + kh * s.dilationHeight;
                int64_t iw =
                    ow * s.strideWidth - s.padLeft + kw * s.dilationWidth;
                int64_t x = source.zeroPoint;
                if (ih >= 0 && ih < s.inHeight && iw >= 0 && iw < s.inWidth)
                  x = code(input[(n * s.inChannels + g * icg + ic) * inPlane +
                                 ih * s.inWidth + iw]);
                sum += x * filter[((oc * icg + ic) * s.kernelHeight + kh) *
                                      s.kernelWidth +
                                  kw];
              }
          acc[((n * s.outChannels + oc) * s.outHeight + oh) * s.outWidth + ow] =
              sum;
        }
    }
}

namespace {
/// A 64-byte aligned byte array.
class AlignedBytes {
public:
  void resize(size_t bytes) {
    if (bytes > capacity) {
      storage.reset(new char[bytes + 64]);
      capacity = bytes;
    }
    size = bytes;
  }
  char *data() const {
    auto address = reinterpret_cast<uintptr_t>(storage.get());
    return storage.get() + ((64 - address % 64) % 64);
  }
  size_t bytes() const { return size; }

private:
  std::unique_ptr<char[]> storage;
  size_t capacity = 0, size = 0;
};

/// The primitive of one chunk size and range size.
struct Primitive {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward primitive;
  /// NHWC u8 source, NHWC s32 destination, plain (g)oihw s8 weights.
  dnnl::memory::desc src, dst, plainWeights;
  std::optional<dnnl::reorder> weightsReorder;
  size_t scratchBytes = 0;
};

/// A code outside the window: its padded pixel (hp * Wp + wp), its channel
/// in the block, and the rest e = v - clamp(v, 0, 128).
struct Outlier {
  int32_t pixel;
  int16_t channel;
  int16_t value;
};
} // namespace

struct ConvInt8::Impl {
  /// The shape computed: originalShape, or with groups 1 when the filter
  /// was expanded to a block-diagonal one.
  ConvShape shape, originalShape;
  Int8Source source;
  Int8Options options;
  /// The filter computed; the filter given when it was expanded.
  std::vector<int8_t> filter, originalFilter;
  dnnl::engine engine;

  int64_t icg = 0, ocg = 0, kernel = 0;
  int64_t paddedHeight = 0, paddedWidth = 0, outPixels = 0;
  /// The padded rows some output reads (a 1x1 stride-2 convolution reads
  /// every other one); the others are not written.
  std::vector<char> rowRead;
  /// Chunks are ranges of groups (groups > 1) or of output channels.
  bool byGroup = false;
  int64_t units = 0, unitsPerChunk = 0, chunksPerImage = 0;
  /// Range r of a group's input channels: [rangeBegin[r], rangeBegin[r+1]).
  std::vector<int64_t> rangeBegin;
  /// Keyed by (units in the chunk, channels in the range).
  std::map<std::pair<int64_t, int64_t>, Primitive> primitives;
  /// The filter in each primitive's layout, by chunk * ranges + range.
  std::vector<AlignedBytes> chunkWeights;
  /// Per chunk, the filter as [group in chunk][ic][kh][kw][output of the
  /// group in the chunk], for scattering.
  std::vector<std::vector<int16_t>> scatterWeights;
  /// For padded row hp, the (kernel row, output row) pairs that read it:
  /// taps[rowTaps[hp]] to taps[rowTaps[hp + 1]]; likewise for columns.
  struct Tap {
    int32_t k, out;
  };
  std::vector<Tap> taps;
  std::vector<int64_t> rowTaps, colTaps;
  /// Per output channel, the sum of its weights; the largest sum of |w|.
  std::vector<int64_t> weightSums;
  int64_t worstAbsSum = 0;
  /// The f32 path (Int8Options::F32Path): the convolution and its filter.
  std::unique_ptr<Conv2D> f32Conv;
  std::vector<float> f32Filter;
  /// getAccumulatorBound().
  int64_t accumulatorBound = 0;
  /// The direct kernels (Int8Options::direct), when taken.
  std::unique_ptr<DepthwiseInt8> depthwise;
  std::unique_ptr<GemmInt8> gemm;

  // State of a run (the mutex serializes runs).
  mutable std::mutex mutex;
  /// Source blocks, by block = blockGroup * ranges + range.
  mutable std::vector<AlignedBytes> blocks;
  /// The outliers of each block, by block * paddedHeight + padded row.
  mutable std::vector<std::vector<Outlier>> outliers;
  /// Blocks whose outliers run as dense pieces: max(e, 0), max(-e, 0).
  mutable std::vector<char> dense, hasPositive, hasNegative;
  mutable std::vector<AlignedBytes> positive, negative;
  mutable Stats stats;

  int64_t ranges() const { return rangeBegin.size() - 1; }
  int64_t rangeSize(int64_t r) const {
    return rangeBegin[r + 1] - rangeBegin[r];
  }
  int64_t unitsIn(int64_t chunk) const {
    return std::min(unitsPerChunk, units - chunk * unitsPerChunk);
  }
  int64_t blockGroups() const { return byGroup ? chunksPerImage : 1; }
  int64_t blockIndex(int64_t chunk, int64_t r) const {
    return (byGroup ? chunk : 0) * ranges() + r;
  }
  /// Channels of a block.
  int64_t blockChannels(int64_t block) const {
    int64_t r = block % ranges();
    return byGroup ? unitsIn(block / ranges()) * rangeSize(r) : rangeSize(r);
  }
  /// The input channel (of the image) of channel j of a block.
  int64_t inputChannel(int64_t block, int64_t j) const {
    int64_t r = block % ranges();
    if (!byGroup)
      return rangeBegin[r] + j;
    int64_t firstGroup = (block / ranges()) * unitsPerChunk;
    int64_t rs = rangeSize(r);
    return (firstGroup + j / rs) * icg + rangeBegin[r] + j % rs;
  }
  int64_t firstOutput(int64_t chunk) const {
    return chunk * unitsPerChunk * (byGroup ? ocg : 1);
  }
  int64_t outputsIn(int64_t chunk) const {
    return unitsIn(chunk) * (byGroup ? ocg : 1);
  }

  Error planRanges();
  Primitive build(int64_t chunkUnits, int64_t channels) const;
  void prepareWeights();
  /// The offset o of every source value (see above).
  int32_t offset = 0;

  void prepareImage(const float *image) const;
  void buildBand(const float *image, int64_t block, int64_t h0,
                 int64_t h1) const;
  void scatter(int64_t chunk, int64_t block, int32_t *acc) const;
  void runChunk(int64_t image, int64_t chunk,
                function_ref<void(const ConvInt8Block &)> epilogue) const;
  Error runF32(const float *input,
               function_ref<void(const ConvInt8Block &)> epilogue) const;
};

Error ConvInt8::Impl::planRanges() {
  const ConvShape &s = shape;
  // Per output channel: sum |w| per input channel of its group.
  std::vector<int64_t> absSums(s.outChannels * icg, 0);
  weightSums.assign(s.outChannels, 0);
  int64_t worst = 0;
  for (int64_t oc = 0; oc < s.outChannels; ++oc) {
    int64_t total = 0;
    for (int64_t ic = 0; ic < icg; ++ic) {
      int64_t sum = 0;
      for (int64_t k = 0; k < kernel; ++k) {
        int64_t w = filter[(oc * icg + ic) * kernel + k];
        sum += w < 0 ? -w : w;
        weightSums[oc] += w;
      }
      absSums[oc * icg + ic] = sum;
      total += sum;
    }
    worst = std::max(worst, total);
  }
  worstAbsSum = worst;
  // Every partial sum is at most 255 * sum |w| (Int8Pieces.h), and so is
  // |acc| for codes within +-255.
  if (255 * worst > INT32_MAX)
    return int8Error(
        formatv("sums of up to 255 x {0} may not fit int32", worst));
  int64_t bound = std::min(options.accumulatorBound, kExactF32);
  rangeBegin.assign(1, 0);
  std::vector<int64_t> running(s.outChannels, 0);
  for (int64_t ic = 0; ic < icg; ++ic) {
    bool fits = true;
    for (int64_t oc = 0; oc < s.outChannels && fits; ++oc)
      fits = kPieceMax * (running[oc] + absSums[oc * icg + ic]) <= bound;
    if (!fits) {
      if (rangeBegin.back() == ic)
        return int8Error(formatv("the kernel of input channel {0} alone "
                                 "may sum beyond {1}",
                                 ic, bound));
      rangeBegin.push_back(ic);
      std::fill(running.begin(), running.end(), 0);
    }
    for (int64_t oc = 0; oc < s.outChannels; ++oc)
      running[oc] += absSums[oc * icg + ic];
  }
  rangeBegin.push_back(icg);
  return Error::success();
}

Primitive ConvInt8::Impl::build(int64_t chunkUnits, int64_t channels) const {
  using tag = dnnl::memory::format_tag;
  using dt = dnnl::memory::data_type;
  const ConvShape &s = shape;
  Primitive p;
  int64_t srcChannels = byGroup ? chunkUnits * channels : channels;
  int64_t dstChannels = byGroup ? chunkUnits * ocg : chunkUnits;
  dnnl::memory::dims srcDims = {1, srcChannels, paddedHeight, paddedWidth};
  dnnl::memory::dims dstDims = {1, dstChannels, s.outHeight, s.outWidth};
  dnnl::memory::dims weightsDims =
      byGroup ? dnnl::memory::dims{chunkUnits, ocg, channels, s.kernelHeight,
                                   s.kernelWidth}
              : dnnl::memory::dims{chunkUnits, channels, s.kernelHeight,
                                   s.kernelWidth};
  p.src = dnnl::memory::desc(srcDims, dt::u8, tag::nhwc);
  p.dst = dnnl::memory::desc(dstDims, dt::s32, tag::nhwc);
  p.plainWeights =
      dnnl::memory::desc(weightsDims, dt::s8, byGroup ? tag::goihw : tag::oihw);
  dnnl::memory::desc anyWeights(weightsDims, dt::s8, tag::any);
  auto desc = dnnl::convolution_forward::desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      p.src, anyWeights, p.dst, {s.strideHeight, s.strideWidth},
      {s.dilationHeight - 1, s.dilationWidth - 1}, {0, 0}, {0, 0});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  p.pd = dnnl::convolution_forward::primitive_desc(desc, attr, engine);
  std::string impl = p.pd.impl_info_str();
  if (impl.rfind("ref", 0) == 0)
    throw std::runtime_error("oneDNN offers only its reference "
                             "implementation (" +
                             impl + ")");
  if (p.pd.src_desc() != p.src || p.pd.dst_desc() != p.dst)
    throw std::runtime_error("oneDNN changed the NHWC layouts");
  p.primitive = dnnl::convolution_forward(p.pd);
  if (p.pd.weights_desc() != p.plainWeights) {
    dnnl::primitive_attr reorderAttr;
    reorderAttr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::reorder::primitive_desc rpd(engine, p.plainWeights, engine,
                                      p.pd.weights_desc(), reorderAttr);
    if (rpd.scratchpad_desc().get_size() > 0)
      throw std::runtime_error("weights reorder needs a scratchpad");
    p.weightsReorder = dnnl::reorder(rpd);
  }
  p.scratchBytes = roundUp64(p.pd.scratchpad_desc().get_size());
  return p;
}

void ConvInt8::Impl::prepareWeights() {
  int64_t r = ranges();
  chunkWeights.resize(chunksPerImage * r);
  scatterWeights.resize(chunksPerImage);
  std::vector<int8_t> plain;
  dnnl::stream stream(engine);
  for (int64_t chunk = 0; chunk < chunksPerImage; ++chunk) {
    int64_t first = firstOutput(chunk), outs = outputsIn(chunk);
    for (int64_t range = 0; range < r; ++range) {
      int64_t rb = rangeBegin[range], rs = rangeSize(range);
      const Primitive &p = primitives.at({unitsIn(chunk), rs});
      // (g)oihw of the chunk's outputs and the range's inputs: the chunk's
      // outputs in order, groups first, is the same linear order.
      plain.resize(outs * rs * kernel);
      for (int64_t q = 0; q < outs; ++q)
        for (int64_t ic = 0; ic < rs; ++ic)
          std::memcpy(&plain[(q * rs + ic) * kernel],
                      &filter[((first + q) * icg + rb + ic) * kernel], kernel);
      AlignedBytes &to = chunkWeights[chunk * r + range];
      if (!p.weightsReorder) {
        to.resize(plain.size());
        std::memcpy(to.data(), plain.data(), plain.size());
        continue;
      }
      to.resize(p.pd.weights_desc().get_size());
      dnnl::memory from(p.plainWeights, engine, plain.data());
      dnnl::memory blocked(p.pd.weights_desc(), engine, to.data());
      p.weightsReorder->execute(stream, from, blocked);
      stream.wait();
    }
    // [group in chunk][ic][kh][kw][output in group].
    int64_t groupsIn = byGroup ? unitsIn(chunk) : 1;
    int64_t perGroup = byGroup ? ocg : outs;
    std::vector<int16_t> &sw = scatterWeights[chunk];
    sw.resize(groupsIn * icg * kernel * perGroup);
    for (int64_t gl = 0; gl < groupsIn; ++gl)
      for (int64_t ic = 0; ic < icg; ++ic)
        for (int64_t k = 0; k < kernel; ++k)
          for (int64_t q = 0; q < perGroup; ++q)
            sw[((gl * icg + ic) * kernel + k) * perGroup + q] =
                filter[((first + gl * perGroup + q) * icg + ic) * kernel + k];
  }
}

void ConvInt8::Impl::buildBand(const float *image, int64_t block, int64_t h0,
                               int64_t h1) const {
  const ConvShape &s = shape;
  const int64_t channels = blockChannels(block);
  const int64_t width = s.inWidth, rows = h1 - h0, band = rows * width;
  const float lo = static_cast<float>(source.qmin);
  const float hi = static_cast<float>(source.qmax);
  const int32_t shift = offset - static_cast<int32_t>(source.zeroPoint);
  bool allRead = true;
  for (int64_t h = h0; h < h1; ++h) {
    outliers[block * paddedHeight + h + s.padTop].clear();
    allRead &= rowRead[h + s.padTop] != 0;
  }
  // The pieces of the band, channel by channel (long loops the SSE2
  // conversion likes), with the rests scanned for outliers...
  thread_local std::vector<uint8_t> pieces;
  thread_local std::vector<int8_t> rests;
  pieces.resize(channels * band);
  rests.resize(band);
  int8_t *rest = rests.data();
  for (int64_t j = 0; j < channels; ++j) {
    const float *src =
        image + (inputChannel(block, j) * s.inHeight + h0) * width;
    uint8_t *piece = pieces.data() + j * band;
    bool any = false;
    if (allRead) {
      any = convertRow(src, band, lo, hi, shift, piece, rest);
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        if (rowRead[h0 + r + s.padTop])
          any |= convertRow(src + r * width, width, lo, hi, shift,
                            piece + r * width, rest + r * width);
        else
          std::memset(rest + r * width, 0, width);
      }
    }
    if (!any)
      continue;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t hp = h0 + r + s.padTop;
      auto firstPixel = static_cast<int32_t>(hp * paddedWidth + s.padLeft);
      std::vector<Outlier> &list = outliers[block * paddedHeight + hp];
      for (int64_t w = 0; w < width; ++w)
        if (int8_t e = rest[r * width + w])
          list.push_back({firstPixel + static_cast<int32_t>(w),
                          static_cast<int16_t>(j), static_cast<int16_t>(e)});
    }
  }
  // ... then into the padded NHWC rows in 16 x 16 tiles (the padding
  // itself holds o since the block was allocated).
  constexpr int64_t kTile = 16;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t hp = h0 + r + s.padTop;
    if (!rowRead[hp])
      continue;
    uint8_t *row = reinterpret_cast<uint8_t *>(blocks[block].data()) +
                   (hp * paddedWidth + s.padLeft) * channels;
    for (int64_t w0 = 0; w0 < width; w0 += kTile) {
      int64_t w1 = std::min(width, w0 + kTile);
      for (int64_t j0 = 0; j0 < channels; j0 += kTile) {
        int64_t j1 = std::min(channels, j0 + kTile);
        for (int64_t j = j0; j < j1; ++j) {
          const uint8_t *from = pieces.data() + j * band + r * width;
          for (int64_t w = w0; w < w1; ++w)
            row[w * channels + j] = from[w];
        }
      }
    }
  }
}

void ConvInt8::Impl::prepareImage(const float *image) const {
  const ConvShape &s = shape;
  int64_t numBlocks = blockGroups() * ranges();
  blocks.resize(numBlocks);
  for (int64_t b = 0; b < numBlocks; ++b) {
    size_t bytes = paddedHeight * paddedWidth * blockChannels(b);
    if (blocks[b].bytes() != bytes) {
      // The padding reads o; rows no output reads are never written.
      blocks[b].resize(bytes);
      std::memset(blocks[b].data(), offset, bytes);
    }
  }
  outliers.resize(numBlocks * paddedHeight);
  // Bands of input rows of about 16K values per job.
  int64_t perRow = std::max<int64_t>(1, s.inWidth * s.inChannels /
                                            std::max<int64_t>(1, numBlocks));
  int64_t bandRows = std::clamp<int64_t>(16384 / perRow, 1, s.inHeight);
  int64_t bands = (s.inHeight + bandRows - 1) / bandRows;
  parallelFor(0, numBlocks * bands, 1, [&](int64_t begin, int64_t end) {
    for (int64_t job = begin; job < end; ++job) {
      int64_t h0 = (job % bands) * bandRows;
      buildBand(image, job / bands, h0, std::min(s.inHeight, h0 + bandRows));
    }
  });

  dense.assign(numBlocks, 0);
  hasPositive.assign(numBlocks, 0);
  hasNegative.assign(numBlocks, 0);
  positive.resize(numBlocks);
  negative.resize(numBlocks);
  for (int64_t b = 0; b < numBlocks; ++b) {
    int64_t count = 0;
    bool positives = false, negatives = false;
    for (int64_t hp = 0; hp < paddedHeight; ++hp)
      for (const Outlier &o : outliers[b * paddedHeight + hp]) {
        ++count;
        positives |= o.value > 0;
        negatives |= o.value < 0;
      }
    // Scattering costs about as much as one more primitive run when a few
    // percent of the values are outliers; a run is needed per sign.
    int64_t values = s.inHeight * s.inWidth * blockChannels(b);
    double runs = (positives ? 1 : 0) + (negatives ? 1 : 0);
    if (count == 0 || count <= options.scatterFraction * runs * values) {
      stats.scattered += count;
      continue;
    }
    dense[b] = 1;
    size_t bytes = blocks[b].bytes();
    positive[b].resize(bytes);
    negative[b].resize(bytes);
    auto *pos = reinterpret_cast<uint8_t *>(positive[b].data());
    auto *neg = reinterpret_cast<uint8_t *>(negative[b].data());
    std::memset(pos, 0, bytes);
    std::memset(neg, 0, bytes);
    int64_t channels = blockChannels(b);
    for (int64_t hp = 0; hp < paddedHeight; ++hp)
      for (const Outlier &o : outliers[b * paddedHeight + hp]) {
        int64_t at = o.pixel * channels + o.channel;
        if (o.value > 0) {
          pos[at] = static_cast<uint8_t>(o.value);
          hasPositive[b] = 1;
        } else {
          neg[at] = static_cast<uint8_t>(-o.value);
          hasNegative[b] = 1;
        }
      }
    stats.extraRuns += hasPositive[b] + hasNegative[b];
  }
}

/// d[q] += e * w[q] for q in [0, n): int16 products (|e * w| <= 127 * 128),
/// which SSE2 multiplies eight at a time.
static inline void addScaled(int32_t *__restrict d, const int16_t *__restrict w,
                             int16_t e, int64_t n) {
  for (int64_t q = 0; q < n; ++q)
    d[q] += static_cast<int16_t>(e * w[q]);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// Memory-bound gathers of few values: AVX2 where the CPU has it (GCC picks
// the clone at load time), the same integer arithmetic either way.
__attribute__((target_clones("avx2", "default")))
#endif
void ConvInt8::Impl::scatter(int64_t chunk, int64_t block, int32_t *acc) const {
  const ConvShape &s = shape;
  int64_t r = block % ranges();
  int64_t rb = rangeBegin[r], rs = rangeSize(r);
  int64_t outs = outputsIn(chunk);
  int64_t perGroup = byGroup ? ocg : outs;
  const int16_t *weights = scatterWeights[chunk].data();
  for (int64_t hp = 0; hp < paddedHeight; ++hp) {
    const std::vector<Outlier> &list = outliers[block * paddedHeight + hp];
    if (list.empty())
      continue;
    const Tap *rowFirst = taps.data() + rowTaps[hp];
    const Tap *rowLast = taps.data() + rowTaps[hp + 1];
    for (const Outlier &o : list) {
      int64_t wp = o.pixel - hp * paddedWidth;
      int64_t gl = byGroup ? o.channel / rs : 0;
      int64_t ic = rb + (byGroup ? o.channel % rs : o.channel);
      auto e = static_cast<int16_t>(o.value);
      const Tap *colFirst = taps.data() + colTaps[wp];
      const Tap *colLast = taps.data() + colTaps[wp + 1];
      const int16_t *w = weights + (gl * icg + ic) * kernel * perGroup;
      for (const Tap *row = rowFirst; row != rowLast; ++row)
        for (const Tap *col = colFirst; col != colLast; ++col)
          addScaled(
              acc + (row->out * s.outWidth + col->out) * outs + gl * perGroup,
              w + (row->k * s.kernelWidth + col->k) * perGroup, e, perGroup);
    }
  }
}

void ConvInt8::Impl::runChunk(
    int64_t image, int64_t chunk,
    function_ref<void(const ConvInt8Block &)> epilogue) const {
  int64_t outs = outputsIn(chunk);
  int64_t count = outPixels * outs;
  size_t accBytes = roundUp64(count * sizeof(int32_t));
  size_t scratchBytes = 0;
  for (int64_t r = 0; r < ranges(); ++r)
    scratchBytes =
        std::max(scratchBytes,
                 primitives.at({unitsIn(chunk), rangeSize(r)}).scratchBytes);
  char *work = int8WorkBuffer(2 * accBytes + scratchBytes);
  auto *acc = reinterpret_cast<int32_t *>(work);
  auto *tmp = reinterpret_cast<int32_t *>(work + accBytes);
  char *scratch = work + 2 * accBytes;
  dnnl::stream stream(engine);
  auto runOn = [&](const Primitive &p, const AlignedBytes &weights,
                   const void *src, int32_t *dst) {
    auto mem = [&](const dnnl::memory::desc &desc, const void *data) {
      return dnnl::memory(desc, engine, const_cast<void *>(data));
    };
    std::unordered_map<int, dnnl::memory> args = {
        {DNNL_ARG_SRC, mem(p.src, src)},
        {DNNL_ARG_WEIGHTS, mem(p.pd.weights_desc(), weights.data())},
        {DNNL_ARG_DST, mem(p.dst, dst)}};
    if (p.scratchBytes)
      args.emplace(DNNL_ARG_SCRATCHPAD, mem(p.pd.scratchpad_desc(), scratch));
    p.primitive.execute(stream, args);
    stream.wait();
  };
  auto addTo = [&](int32_t sign) {
    for (int64_t i = 0; i < count; ++i)
      acc[i] += sign * tmp[i];
  };
  for (int64_t r = 0; r < ranges(); ++r) {
    const Primitive &p = primitives.at({unitsIn(chunk), rangeSize(r)});
    const AlignedBytes &weights = chunkWeights[chunk * ranges() + r];
    int64_t block = blockIndex(chunk, r);
    runOn(p, weights, blocks[block].data(), r == 0 ? acc : tmp);
    if (r > 0)
      addTo(1);
    if (!dense[block]) {
      scatter(chunk, block, acc);
      continue;
    }
    if (hasPositive[block]) {
      runOn(p, weights, positive[block].data(), tmp);
      addTo(1);
    }
    if (hasNegative[block]) {
      runOn(p, weights, negative[block].data(), tmp);
      addTo(-1);
    }
  }
  // sum (d + o) w + (zp - o) sum w = sum x w; both terms and the result
  // are within 255 * sum |w| <= INT32_MAX. Written channel-major (into
  // tmp), in tiles that stay in cache, so that the epilogue reads each
  // channel contiguously.
  int64_t first = firstOutput(chunk);
  int64_t shift = source.zeroPoint - offset;
  std::vector<int32_t> correction(outs);
  for (int64_t q = 0; q < outs; ++q)
    correction[q] = static_cast<int32_t>(shift * weightSums[first + q]);
  constexpr int64_t kTile = 16;
  for (int64_t p0 = 0; p0 < outPixels; p0 += kTile) {
    int64_t p1 = std::min(outPixels, p0 + kTile);
    for (int64_t q0 = 0; q0 < outs; q0 += kTile) {
      int64_t q1 = std::min(outs, q0 + kTile);
      for (int64_t q = q0; q < q1; ++q)
        for (int64_t p = p0; p < p1; ++p)
          tmp[q * outPixels + p] = acc[p * outs + q] + correction[q];
    }
  }
  ConvInt8Block block;
  block.image = image;
  block.firstChannel = first;
  block.channels = outs;
  block.pixels = outPixels;
  block.data = tmp;
  block.pixelStride = 1;
  block.channelStride = outPixels;
  epilogue(block);
}

Error ConvInt8::Impl::runF32(
    const float *input,
    function_ref<void(const ConvInt8Block &)> epilogue) const {
  const ConvShape &s = shape;
  int64_t inCount = s.batch * s.inChannels * s.inHeight * s.inWidth;
  // Scratch shared by every convolution run from this thread (the
  // interpreter runs one op at a time): the f32 copies of an input and an
  // output are not kept per layer. The worker threads get the pointers (a
  // thread_local name would be their own).
  thread_local std::vector<float> f32Input, f32Output;
  f32Input.resize(inCount);
  f32Output.resize(s.batch * s.outChannels * outPixels);
  float *codes = f32Input.data();
  const float *output = f32Output.data();
  float lo = static_cast<float>(source.qmin);
  float hi = static_cast<float>(source.qmax);
  float shift = -static_cast<float>(source.zeroPoint);
  parallelFor(
      0, inCount, chooseGrain(inCount, 16384), [&](int64_t begin, int64_t end) {
        convertCodes(input + begin, end - begin, lo, hi, shift, codes + begin);
      });
  if (Error err =
          f32Conv->run(codes, f32Filter.data(), nullptr, f32Output.data()))
    return err;
  // The sums of d = code - zp are exact integers below 2^24 in magnitude;
  // + zp * sum W gives sum x w. Handed over in blocks of channels.
  int64_t perBlock = std::max<int64_t>(1, 16384 / outPixels);
  int64_t blocksPerImage = (s.outChannels + perBlock - 1) / perBlock;
  parallelFor(0, s.batch * blocksPerImage, 1, [&](int64_t begin, int64_t end) {
    for (int64_t job = begin; job < end; ++job) {
      int64_t image = job / blocksPerImage;
      int64_t first = (job % blocksPerImage) * perBlock;
      int64_t channels = std::min(perBlock, s.outChannels - first);
      auto *acc = reinterpret_cast<int32_t *>(
          int8WorkBuffer(channels * outPixels * sizeof(int32_t)));
      const float *sums = output + (image * s.outChannels + first) * outPixels;
      for (int64_t c = 0; c < channels; ++c) {
        auto correction =
            static_cast<int32_t>(source.zeroPoint * weightSums[first + c]);
        for (int64_t p = 0; p < outPixels; ++p)
          acc[c * outPixels + p] =
              static_cast<int32_t>(sums[c * outPixels + p]) + correction;
      }
      ConvInt8Block block;
      block.image = image;
      block.firstChannel = first;
      block.channels = channels;
      block.pixels = outPixels;
      block.data = acc;
      block.pixelStride = 1;
      block.channelStride = outPixels;
      epilogue(block);
    }
  });
  return Error::success();
}

ConvInt8::ConvInt8(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
ConvInt8::~ConvInt8() = default;

/// The Impl of a convolution (shape and source already checked).
Expected<std::unique_ptr<ConvInt8::Impl>>
ConvInt8::createImpl(const ConvShape &shape, const Int8Source &source,
                     ArrayRef<int8_t> filter, const Int8Options &options) {
  const ConvShape &s = shape;
  auto impl = std::make_unique<Impl>();
  impl->shape = shape;
  impl->source = source;
  impl->options = options;
  impl->icg = s.inChannels / s.groups;
  impl->ocg = s.outChannels / s.groups;
  impl->kernel = s.kernelHeight * s.kernelWidth;
  if (static_cast<int64_t>(filter.size()) !=
      s.outChannels * impl->icg * impl->kernel)
    return int8Error(formatv("{0} filter values for the shape's {1}",
                             filter.size(),
                             s.outChannels * impl->icg * impl->kernel));
  int64_t perInput = impl->icg * impl->kernel, largest = 0;
  for (int64_t oc = 0; oc < s.outChannels; ++oc) {
    int64_t sum = 0;
    for (int64_t i = 0; i < perInput; ++i)
      sum += std::abs(static_cast<int>(filter[oc * perInput + i]));
    largest = std::max(largest, sum);
  }
  impl->accumulatorBound =
      std::max(std::abs(source.qmin), std::abs(source.qmax)) * largest;
  if (options.direct && options.f32Path == Int8Options::F32Path::Auto) {
    if (s.groups > 1 && impl->icg == 1)
      impl->depthwise = DepthwiseInt8::create(s, source, filter);
    else if (s.groups == 1 &&
             ((s.kernelHeight == 1 && s.kernelWidth == 1) ||
              impl->icg * impl->kernel <= kDirectMaxReduction))
      impl->gemm = GemmInt8::create(s, source, filter);
    if (impl->depthwise || impl->gemm) {
      impl->filter.assign(filter.begin(), filter.end());
      impl->originalShape = shape;
      return std::move(impl);
    }
  }
  impl->paddedHeight = s.inHeight + s.padTop + s.padBottom;
  impl->paddedWidth = s.inWidth + s.padLeft + s.padRight;
  impl->rowRead.assign(impl->paddedHeight, 0);
  for (int64_t oh = 0; oh < s.outHeight; ++oh)
    for (int64_t kh = 0; kh < s.kernelHeight; ++kh)
      impl->rowRead[oh * s.strideHeight + kh * s.dilationHeight] = 1;
  auto addTaps = [&](int64_t padded, int64_t out, int64_t kernelSize,
                     int64_t stride, int64_t dilation,
                     std::vector<int64_t> &first) {
    for (int64_t at = 0; at < padded; ++at) {
      first.push_back(impl->taps.size());
      for (int64_t k = 0; k < kernelSize; ++k) {
        int64_t t = at - k * dilation;
        if (t >= 0 && t % stride == 0 && t / stride < out)
          impl->taps.push_back(
              {static_cast<int32_t>(k), static_cast<int32_t>(t / stride)});
      }
    }
    first.push_back(impl->taps.size());
  };
  addTaps(impl->paddedHeight, s.outHeight, s.kernelHeight, s.strideHeight,
          s.dilationHeight, impl->rowTaps);
  addTaps(impl->paddedWidth, s.outWidth, s.kernelWidth, s.strideWidth,
          s.dilationWidth, impl->colTaps);
  impl->outPixels = s.outHeight * s.outWidth;
  if (impl->paddedHeight * impl->paddedWidth > INT32_MAX ||
      s.inChannels > INT16_MAX)
    return int8Error("the input is too large");
  impl->filter.assign(filter.begin(), filter.end());
  impl->offset =
      chooseOffset(static_cast<int32_t>(source.qmin - source.zeroPoint),
                   static_cast<int32_t>(source.qmax - source.zeroPoint));
  if (Error err = impl->planRanges())
    return std::move(err);

  // Every partial sum of the f32 path is at most 255 * sum |w|.
  bool f32Exact = 255 * impl->worstAbsSum <= kExactF32;
  // Multiply-adds per input value: what the int8 primitive saves over the
  // f32 one has to pay for reading the input into NHWC pieces.
  int64_t macsPerInput =
      impl->ocg * impl->kernel / (s.strideHeight * s.strideWidth);
  bool f32Wanted = options.f32Path == Int8Options::F32Path::Always ||
                   (options.f32Path == Int8Options::F32Path::Auto &&
                    (s.groups > 1 || macsPerInput <= kF32MaxMacsPerInput));
  if (f32Exact && f32Wanted) {
    ConvShape plain = s;
    plain.hasBias = false;
    plain.doRelu = false;
    auto conv = Conv2D::create(plain);
    if (conv) {
      (*conv)->setConstantFilter(true);
      impl->f32Conv = std::move(*conv);
      impl->f32Filter.assign(filter.begin(), filter.end());
      impl->originalShape = shape;
      return std::move(impl);
    }
    consumeError(conv.takeError());
  }

  impl->byGroup = s.groups > 1;
  impl->units = impl->byGroup ? s.groups : s.outChannels;
  // The work of one unit, in multiply-adds.
  int64_t unitWork = (impl->byGroup ? impl->ocg : 1) * impl->icg *
                     impl->kernel * impl->outPixels;
  int64_t perChunk =
      chooseGrain(impl->units, (kMinChunkWork + unitWork - 1) / unitWork);
  // Whole SIMD blocks of output channels per chunk.
  bool smallUnits = !impl->byGroup || impl->ocg < 16;
  if (perChunk < impl->units && smallUnits)
    perChunk = std::min(impl->units, (perChunk + 15) / 16 * 16);
  impl->unitsPerChunk = perChunk;
  impl->chunksPerImage = (impl->units + perChunk - 1) / perChunk;
  Error err = guarded(
      [&] {
        impl->engine = dnnl::engine(dnnl::engine::kind::cpu, 0);
        for (int64_t chunk = 0; chunk < impl->chunksPerImage; ++chunk)
          for (int64_t r = 0; r < impl->ranges(); ++r) {
            std::pair<int64_t, int64_t> key(impl->unitsIn(chunk),
                                            impl->rangeSize(r));
            if (!impl->primitives.count(key))
              impl->primitives.emplace(key, impl->build(key.first, key.second));
          }
        impl->prepareWeights();
      },
      "cannot create the oneDNN int8 convolution");
  if (err)
    return std::move(err);
  impl->originalShape = shape;
  return std::move(impl);
}

Expected<std::unique_ptr<ConvInt8>>
ConvInt8::create(const ConvShape &shape, const Int8Source &source,
                 ArrayRef<int8_t> filter, const Int8Options &options) {
  if (Error err = checkConvShape(shape))
    return std::move(err);
  const ConvShape &s = shape;
  if (source.qmin > source.qmax || source.qmax - source.qmin > 255 ||
      source.qmin < -255 || source.qmax > 255 ||
      source.zeroPoint < source.qmin || source.zeroPoint > source.qmax)
    return int8Error(formatv("codes [{0}, {1}] with zero point {2} are not "
                             "8-bit codes",
                             source.qmin, source.qmax, source.zeroPoint));
  auto impl = createImpl(shape, source, filter, options);
  if (!impl && s.groups > 1 && s.groups <= kMaxExpandedGroups &&
      static_cast<int64_t>(filter.size()) == filterSize(s)) {
    // oneDNN has no fast grouped kernel for some channel counts per group:
    // a plain convolution with the block-diagonal filter (zeros between
    // the groups) gives the same sums for `groups` times the work.
    ConvShape plain = s;
    plain.groups = 1;
    int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
    int64_t kernel = s.kernelHeight * s.kernelWidth;
    std::vector<int8_t> expanded(filterSize(plain), 0);
    for (int64_t oc = 0; oc < s.outChannels; ++oc)
      std::memcpy(&expanded[(oc * s.inChannels + oc / ocg * icg) * kernel],
                  &filter[oc * icg * kernel], icg * kernel);
    auto retry = createImpl(plain, source, expanded, options);
    if (retry) {
      consumeError(impl.takeError());
      impl = std::move(retry);
      (*impl)->originalShape = shape;
      (*impl)->originalFilter.assign(filter.begin(), filter.end());
    } else {
      consumeError(retry.takeError());
    }
  }
  if (!impl)
    return impl.takeError();
  return std::unique_ptr<ConvInt8>(new ConvInt8(std::move(*impl)));
}

Error ConvInt8::run(const float *input,
                    function_ref<void(const ConvInt8Block &)> epilogue) const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  const ConvShape &s = impl->shape;
  impl->stats = {};
  if (impl->depthwise) {
    impl->depthwise->run(input, epilogue);
    return Error::success();
  }
  if (impl->gemm) {
    impl->gemm->run(input, epilogue);
    return Error::success();
  }
  if (impl->f32Conv)
    return impl->runF32(input, epilogue);
  int64_t imageSize = s.inChannels * s.inHeight * s.inWidth;
  for (int64_t n = 0; n < s.batch; ++n) {
    impl->prepareImage(input + n * imageSize);
    if (Error err = runChunks(
            impl->chunksPerImage,
            [&](int64_t chunk) { impl->runChunk(n, chunk, epilogue); },
            "oneDNN int8 convolution failed"))
      return err;
  }
  return Error::success();
}

Error ConvInt8::run(const float *input, int32_t *acc) const {
  const ConvShape &s = impl->shape;
  int64_t plane = s.outHeight * s.outWidth;
  return run(input, [&](const ConvInt8Block &b) {
    for (int64_t c = 0; c < b.channels; ++c) {
      int32_t *dst = acc +
                     (b.image * s.outChannels + b.firstChannel + c) * plane +
                     b.firstPixel;
      for (int64_t p = 0; p < b.pixels; ++p)
        dst[p] = b.data[p * b.pixelStride + c * b.channelStride];
    }
  });
}

const ConvShape &ConvInt8::getShape() const { return impl->originalShape; }

ArrayRef<int8_t> ConvInt8::getFilter() const {
  return impl->originalFilter.empty() ? impl->filter : impl->originalFilter;
}

int64_t ConvInt8::getNumChunks() const {
  if (usesDirect())
    return impl->shape.batch;
  if (impl->f32Conv)
    return impl->f32Conv->getNumChunks();
  return impl->shape.batch * impl->chunksPerImage;
}

bool ConvInt8::usesF32() const { return impl->f32Conv != nullptr; }

bool ConvInt8::usesDirect() const { return impl->depthwise || impl->gemm; }

int64_t ConvInt8::getAccumulatorBound() const {
  return impl->accumulatorBound;
}

bool ConvInt8::isExpanded() const {
  return impl->originalShape.groups != impl->shape.groups;
}

int64_t ConvInt8::getNumRanges() const { return impl->ranges(); }

ConvInt8::Stats ConvInt8::getLastStats() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->stats;
}

} // namespace tpuc::kernels
