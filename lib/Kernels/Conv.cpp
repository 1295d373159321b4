//===- Conv.cpp - 2-D convolution kernels ---------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Conv.h"

#include "Dnnl.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/Support/FormatVariadic.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

using namespace llvm;
using namespace tpuc::kernels::detail;

namespace tpuc::kernels {

/// Below this many multiply-adds a chunk is not worth a thread.
static constexpr int64_t kMinChunkWork = int64_t(1) << 20;

static Error shapeError(const Twine &what) {
  return make_error<StringError>("invalid convolution shape: " + what,
                                 inconvertibleErrorCode());
}

Error checkConvShape(const ConvShape &s) {
  for (auto [value, name] :
       {std::pair(s.batch, "batch"), std::pair(s.inChannels, "inChannels"),
        std::pair(s.inHeight, "inHeight"), std::pair(s.inWidth, "inWidth"),
        std::pair(s.outChannels, "outChannels"),
        std::pair(s.outHeight, "outHeight"), std::pair(s.outWidth, "outWidth"),
        std::pair(s.kernelHeight, "kernelHeight"),
        std::pair(s.kernelWidth, "kernelWidth"),
        std::pair(s.strideHeight, "strideHeight"),
        std::pair(s.strideWidth, "strideWidth"),
        std::pair(s.dilationHeight, "dilationHeight"),
        std::pair(s.dilationWidth, "dilationWidth"),
        std::pair(s.groups, "groups")})
    if (value < 1)
      return shapeError(formatv("{0} is {1}", name, value));
  for (int64_t pad : {s.padTop, s.padLeft, s.padBottom, s.padRight})
    if (pad < 0)
      return shapeError("negative pad");
  if (s.inChannels % s.groups || s.outChannels % s.groups)
    return shapeError(formatv("{0} input / {1} output channels do not divide "
                              "into {2} groups",
                              s.inChannels, s.outChannels, s.groups));
  auto expected = [](int64_t in, int64_t padBegin, int64_t padEnd,
                     int64_t kernel, int64_t stride, int64_t dilation) {
    int64_t extent = dilation * (kernel - 1) + 1;
    int64_t padded = in + padBegin + padEnd;
    return padded < extent ? int64_t(0) : (padded - extent) / stride + 1;
  };
  int64_t oh = expected(s.inHeight, s.padTop, s.padBottom, s.kernelHeight,
                        s.strideHeight, s.dilationHeight);
  int64_t ow = expected(s.inWidth, s.padLeft, s.padRight, s.kernelWidth,
                        s.strideWidth, s.dilationWidth);
  if (oh != s.outHeight || ow != s.outWidth)
    return shapeError(formatv("output {0}x{1} does not follow from the input, "
                              "kernel, strides, dilations and pads ({2}x{3})",
                              s.outHeight, s.outWidth, oh, ow));
  return Error::success();
}

void referenceConv2D(const ConvShape &s, const float *input,
                     const float *filter, const float *bias, float *output) {
  int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
  int64_t ih = s.inHeight, iw = s.inWidth, oh = s.outHeight, ow = s.outWidth;
  int64_t kh = s.kernelHeight, kw = s.kernelWidth;
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t o = 0; o < s.outChannels; ++o) {
      int64_t g = o / ocg;
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double acc = s.hasBias ? bias[o] : 0.0;
          for (int64_t c = 0; c < icg; ++c) {
            const float *plane =
                input + ((b * s.inChannels) + g * icg + c) * ih * iw;
            const float *kern = filter + ((o * icg) + c) * kh * kw;
            for (int64_t ky = 0; ky < kh; ++ky) {
              int64_t iy =
                  y * s.strideHeight - s.padTop + ky * s.dilationHeight;
              if (iy < 0 || iy >= ih)
                continue;
              for (int64_t kx = 0; kx < kw; ++kx) {
                int64_t ix =
                    x * s.strideWidth - s.padLeft + kx * s.dilationWidth;
                if (ix < 0 || ix >= iw)
                  continue;
                acc += static_cast<double>(plane[iy * iw + ix]) *
                       kern[ky * kw + kx];
              }
            }
          }
          output[((b * s.outChannels + o) * oh + y) * ow + x] =
              static_cast<float>(acc);
        }
    }
  applyRelu(output, s.batch * s.outChannels * oh * ow, s.doRelu, s.reluLimit);
}

namespace {
/// The primitive computing one chunk of `units` units (groups or output
/// channels) of one image. The primitive is created with format_tag::any so
/// that oneDNN picks its blocked layouts (and its fast kernels); the plain
/// user buffers are reordered into and out of them around each execution
/// (reorders are exact copies, so this changes no value).
struct ChunkPrimitive {
  int64_t units = 0;
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward primitive;
  /// The plain (nchw / oihw / goihw / x) descriptions of the user buffers.
  dnnl::memory::desc src, weights, bias, dst;
  /// Reorders user -> primitive layout (src, weights) and back (dst); unset
  /// when the layouts agree.
  std::optional<dnnl::reorder> srcReorder, weightsReorder, dstReorder;
  /// Bytes of the per-thread work buffer: blocked src, blocked dst and
  /// scratchpad, each at a 64-byte aligned offset.
  size_t srcBytes = 0, dstBytes = 0, scratchBytes = 0;
};

/// A per-thread, grow-only work buffer shared by all convolutions: its
/// contents are fully rewritten before each use.
char *workBuffer(size_t bytes) {
  thread_local std::unique_ptr<char[]> buffer;
  thread_local size_t size = 0;
  if (size < bytes + 64) {
    buffer.reset();
    buffer.reset(new char[bytes + 64]);
    size = bytes + 64;
  }
  auto address = reinterpret_cast<uintptr_t>(buffer.get());
  return buffer.get() + ((64 - address % 64) % 64);
}

size_t roundUp64(size_t n) { return (n + 63) / 64 * 64; }
} // namespace

struct Conv2D::Impl {
  ConvShape shape;
  dnnl::engine engine;
  /// Chunks are ranges of groups (groups > 1) or of output channels.
  bool byGroup = false;
  int64_t units = 0, unitsPerChunk = 0, chunksPerImage = 0;
  ChunkPrimitive full;
  std::optional<ChunkPrimitive> tail;
  /// The filter reordered into each chunk's layout (one entry per chunk of
  /// an image), made on the first run with `cachedFilter` and reused while
  /// runs pass the same filter buffer.
  mutable std::mutex mutex;
  bool constantFilter = false;
  mutable const float *cachedFilter = nullptr;
  mutable std::vector<std::vector<float>> chunkWeights;

  ChunkPrimitive build(int64_t units) const;
  const ChunkPrimitive &primitiveFor(int64_t chunkInImage) const {
    return (chunkInImage + 1) * unitsPerChunk <= units ? full : *tail;
  }
  void prepareWeights(int64_t chunkInImage, const float *filter) const;
  void runChunk(int64_t chunk, const float *input, const float *bias,
                float *output) const;
};

ChunkPrimitive Conv2D::Impl::build(int64_t n) const {
  using tag = dnnl::memory::format_tag;
  using dt = dnnl::memory::data_type;
  const ConvShape &s = shape;
  int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
  int64_t srcChannels = byGroup ? n * icg : s.inChannels;
  int64_t dstChannels = byGroup ? n * ocg : n;
  ChunkPrimitive p;
  p.units = n;
  dnnl::memory::dims srcDims = {1, srcChannels, s.inHeight, s.inWidth};
  dnnl::memory::dims dstDims = {1, dstChannels, s.outHeight, s.outWidth};
  dnnl::memory::dims weightsDims =
      byGroup ? dnnl::memory::dims{n, ocg, icg, s.kernelHeight, s.kernelWidth}
              : dnnl::memory::dims{n, s.inChannels, s.kernelHeight,
                                   s.kernelWidth};
  p.src = dnnl::memory::desc(srcDims, dt::f32, tag::nchw);
  p.dst = dnnl::memory::desc(dstDims, dt::f32, tag::nchw);
  p.weights =
      dnnl::memory::desc(weightsDims, dt::f32, byGroup ? tag::goihw : tag::oihw);
  dnnl::memory::desc anySrc(srcDims, dt::f32, tag::any);
  dnnl::memory::desc anyDst(dstDims, dt::f32, tag::any);
  dnnl::memory::desc anyWeights(weightsDims, dt::f32, tag::any);
  if (s.hasBias)
    p.bias = dnnl::memory::desc({dstChannels}, dt::f32, tag::x);
  dnnl::memory::dims strides = {s.strideHeight, s.strideWidth};
  dnnl::memory::dims dilations = {s.dilationHeight - 1, s.dilationWidth - 1};
  dnnl::memory::dims padBegin = {s.padTop, s.padLeft};
  dnnl::memory::dims padEnd = {s.padBottom, s.padRight};
  auto prop = dnnl::prop_kind::forward_inference;
  auto alg = dnnl::algorithm::convolution_direct;
  auto desc = s.hasBias
                  ? dnnl::convolution_forward::desc(
                        prop, alg, anySrc, anyWeights, p.bias, anyDst, strides,
                        dilations, padBegin, padEnd)
                  : dnnl::convolution_forward::desc(prop, alg, anySrc,
                                                    anyWeights, anyDst, strides,
                                                    dilations, padBegin, padEnd);
  p.pd = dnnl::convolution_forward::primitive_desc(
      desc, makeAttr(s.doRelu, s.reluLimit), engine);
  p.primitive = dnnl::convolution_forward(p.pd);
  dnnl::primitive_attr reorderAttr;
  reorderAttr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  auto makeReorder = [&](const dnnl::memory::desc &from,
                         const dnnl::memory::desc &to)
      -> std::optional<dnnl::reorder> {
    if (from == to)
      return std::nullopt;
    dnnl::reorder::primitive_desc rpd(engine, from, engine, to, reorderAttr);
    if (rpd.scratchpad_desc().get_size() > 0)
      throw std::runtime_error("reorder needs a scratchpad");
    return dnnl::reorder(rpd);
  };
  p.srcReorder = makeReorder(p.src, p.pd.src_desc());
  p.weightsReorder = makeReorder(p.weights, p.pd.weights_desc());
  p.dstReorder = makeReorder(p.pd.dst_desc(), p.dst);
  p.srcBytes = p.srcReorder ? roundUp64(p.pd.src_desc().get_size()) : 0;
  p.dstBytes = p.dstReorder ? roundUp64(p.pd.dst_desc().get_size()) : 0;
  p.scratchBytes = roundUp64(p.pd.scratchpad_desc().get_size());
  return p;
}

void Conv2D::Impl::prepareWeights(int64_t chunkInImage,
                                  const float *filter) const {
  const ConvShape &s = shape;
  const ChunkPrimitive &p = primitiveFor(chunkInImage);
  int64_t first = chunkInImage * unitsPerChunk;
  int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
  int64_t firstOut = byGroup ? first * ocg : first;
  int64_t kernel = s.kernelHeight * s.kernelWidth;
  std::vector<float> &blocked = chunkWeights[chunkInImage];
  if (!p.weightsReorder) {
    blocked.clear();
    return;
  }
  blocked.resize(p.pd.weights_desc().get_size() / sizeof(float) + 1);
  dnnl::memory from(p.weights, engine,
                    const_cast<float *>(filter + firstOut * icg * kernel));
  dnnl::memory to(p.pd.weights_desc(), engine, blocked.data());
  dnnl::stream stream(engine);
  p.weightsReorder->execute(stream, from, to);
  stream.wait();
}

void Conv2D::Impl::runChunk(int64_t chunk, const float *input,
                            const float *bias, float *output) const {
  const ConvShape &s = shape;
  int64_t image = chunk / chunksPerImage;
  int64_t chunkInImage = chunk % chunksPerImage;
  int64_t first = chunkInImage * unitsPerChunk;
  const ChunkPrimitive &p = primitiveFor(chunkInImage);
  int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
  int64_t inPlane = s.inHeight * s.inWidth, outPlane = s.outHeight * s.outWidth;
  int64_t kernel = s.kernelHeight * s.kernelWidth;
  int64_t firstIn = byGroup ? first * icg : 0;
  int64_t firstOut = byGroup ? first * ocg : first;
  auto mem = [&](const dnnl::memory::desc &desc, const void *data) {
    return dnnl::memory(desc, engine, const_cast<void *>(data));
  };
  char *work = workBuffer(p.srcBytes + p.dstBytes + p.scratchBytes);
  dnnl::stream stream(engine);
  dnnl::memory userSrc =
      mem(p.src, input + (image * s.inChannels + firstIn) * inPlane);
  dnnl::memory userDst =
      mem(p.dst, output + (image * s.outChannels + firstOut) * outPlane);
  dnnl::memory src = userSrc, dst = userDst;
  if (p.srcReorder) {
    src = mem(p.pd.src_desc(), work);
    p.srcReorder->execute(stream, userSrc, src);
  }
  if (p.dstReorder)
    dst = mem(p.pd.dst_desc(), work + p.srcBytes);
  const std::vector<float> &blocked = chunkWeights[chunkInImage];
  dnnl::memory weights =
      p.weightsReorder
          ? mem(p.pd.weights_desc(), blocked.data())
          : mem(p.weights, cachedFilter + firstOut * icg * kernel);
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
  if (s.hasBias)
    args.emplace(DNNL_ARG_BIAS, mem(p.bias, bias + firstOut));
  if (p.scratchBytes)
    args.emplace(DNNL_ARG_SCRATCHPAD,
                 mem(p.pd.scratchpad_desc(),
                     work + p.srcBytes + p.dstBytes));
  p.primitive.execute(stream, args);
  if (p.dstReorder)
    p.dstReorder->execute(stream, dst, userDst);
  stream.wait();
}

Conv2D::Conv2D(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Conv2D::~Conv2D() = default;

Expected<std::unique_ptr<Conv2D>> Conv2D::create(const ConvShape &shape) {
  if (Error err = checkConvShape(shape))
    return std::move(err);
  auto impl = std::make_unique<Impl>();
  impl->shape = shape;
  const ConvShape &s = shape;
  impl->byGroup = s.groups > 1;
  impl->units = impl->byGroup ? s.groups : s.outChannels;
  // The work of one unit, in multiply-adds.
  int64_t unitWork = (impl->byGroup ? s.outChannels / s.groups : 1) *
                     (s.inChannels / s.groups) * s.kernelHeight *
                     s.kernelWidth * s.outHeight * s.outWidth;
  int64_t perChunk =
      chooseGrain(impl->units, (kMinChunkWork + unitWork - 1) / unitWork);
  // Whole SIMD blocks of output channels per chunk.
  bool smallUnits = !impl->byGroup || s.outChannels / s.groups < 16;
  if (perChunk < impl->units && smallUnits)
    perChunk = std::min(impl->units, (perChunk + 15) / 16 * 16);
  impl->unitsPerChunk = perChunk;
  impl->chunksPerImage = (impl->units + perChunk - 1) / perChunk;
  int64_t tailUnits = impl->units % perChunk;
  Error err = guarded(
      [&] {
        impl->engine = dnnl::engine(dnnl::engine::kind::cpu, 0);
        impl->full = impl->build(perChunk);
        if (tailUnits)
          impl->tail = impl->build(tailUnits);
      },
      "cannot create the oneDNN convolution");
  if (err)
    return std::move(err);
  return std::unique_ptr<Conv2D>(new Conv2D(std::move(impl)));
}

Error Conv2D::run(const float *input, const float *filter, const float *bias,
                  float *output) const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  if (!impl->constantFilter || impl->cachedFilter != filter) {
    impl->cachedFilter = nullptr;
    impl->chunkWeights.assign(impl->chunksPerImage, {});
    if (Error err = runChunks(
            impl->chunksPerImage,
            [&](int64_t chunk) { impl->prepareWeights(chunk, filter); },
            "oneDNN weights reorder failed"))
      return err;
    impl->cachedFilter = filter;
  }
  return runChunks(
      getNumChunks(),
      [&](int64_t chunk) { impl->runChunk(chunk, input, bias, output); },
      "oneDNN convolution failed");
}

void Conv2D::setConstantFilter(bool constant) {
  impl->constantFilter = constant;
  impl->cachedFilter = nullptr;
}

const ConvShape &Conv2D::getShape() const { return impl->shape; }

int64_t Conv2D::getNumChunks() const {
  return impl->shape.batch * impl->chunksPerImage;
}

} // namespace tpuc::kernels
