//===- Conv.cpp - 2-D convolution kernels ---------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Conv.h"

#include "Dnnl.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/Support/FormatVariadic.h"

#include <optional>

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
/// channels) of one image.
struct ChunkPrimitive {
  int64_t units = 0;
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward primitive;
  dnnl::memory::desc src, weights, bias, dst;
};
} // namespace

struct Conv2D::Impl {
  ConvShape shape;
  dnnl::engine engine;
  /// Chunks are ranges of groups (groups > 1) or of output channels.
  bool byGroup = false;
  int64_t units = 0, unitsPerChunk = 0, chunksPerImage = 0;
  ChunkPrimitive full;
  std::optional<ChunkPrimitive> tail;

  ChunkPrimitive build(int64_t units) const;
  void runChunk(int64_t chunk, const float *input, const float *filter,
                const float *bias, float *output) const;
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
  p.src = dnnl::memory::desc({1, srcChannels, s.inHeight, s.inWidth}, dt::f32,
                             tag::nchw);
  p.dst = dnnl::memory::desc({1, dstChannels, s.outHeight, s.outWidth}, dt::f32,
                             tag::nchw);
  if (byGroup)
    p.weights = dnnl::memory::desc({n, ocg, icg, s.kernelHeight, s.kernelWidth},
                                   dt::f32, tag::goihw);
  else
    p.weights = dnnl::memory::desc(
        {n, s.inChannels, s.kernelHeight, s.kernelWidth}, dt::f32, tag::oihw);
  if (s.hasBias)
    p.bias = dnnl::memory::desc({dstChannels}, dt::f32, tag::x);
  dnnl::memory::dims strides = {s.strideHeight, s.strideWidth};
  dnnl::memory::dims dilations = {s.dilationHeight - 1, s.dilationWidth - 1};
  dnnl::memory::dims padBegin = {s.padTop, s.padLeft};
  dnnl::memory::dims padEnd = {s.padBottom, s.padRight};
  auto prop = dnnl::prop_kind::forward_inference;
  auto alg = dnnl::algorithm::convolution_direct;
  auto desc = s.hasBias
                  ? dnnl::convolution_forward::desc(prop, alg, p.src, p.weights,
                                                    p.bias, p.dst, strides,
                                                    dilations, padBegin, padEnd)
                  : dnnl::convolution_forward::desc(prop, alg, p.src, p.weights,
                                                    p.dst, strides, dilations,
                                                    padBegin, padEnd);
  p.pd = dnnl::convolution_forward::primitive_desc(
      desc, makeAttr(s.doRelu, s.reluLimit), engine);
  p.primitive = dnnl::convolution_forward(p.pd);
  return p;
}

void Conv2D::Impl::runChunk(int64_t chunk, const float *input,
                            const float *filter, const float *bias,
                            float *output) const {
  const ConvShape &s = shape;
  int64_t image = chunk / chunksPerImage;
  int64_t first = (chunk % chunksPerImage) * unitsPerChunk;
  const ChunkPrimitive &p = first + unitsPerChunk <= units ? full : *tail;
  int64_t icg = s.inChannels / s.groups, ocg = s.outChannels / s.groups;
  int64_t inPlane = s.inHeight * s.inWidth, outPlane = s.outHeight * s.outWidth;
  int64_t kernel = s.kernelHeight * s.kernelWidth;
  int64_t firstIn = byGroup ? first * icg : 0;
  int64_t firstOut = byGroup ? first * ocg : first;
  auto mem = [&](const dnnl::memory::desc &desc, const float *data) {
    return dnnl::memory(desc, engine, const_cast<float *>(data));
  };
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC,
       mem(p.src, input + (image * s.inChannels + firstIn) * inPlane)},
      {DNNL_ARG_WEIGHTS, mem(p.weights, filter + firstOut * icg * kernel)},
      {DNNL_ARG_DST,
       mem(p.dst, output + (image * s.outChannels + firstOut) * outPlane)}};
  if (s.hasBias)
    args.emplace(DNNL_ARG_BIAS, mem(p.bias, bias + firstOut));
  execute(engine, p.primitive, p.pd, std::move(args));
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
  return runChunks(
      getNumChunks(),
      [&](int64_t chunk) {
        impl->runChunk(chunk, input, filter, bias, output);
      },
      "oneDNN convolution failed");
}

const ConvShape &Conv2D::getShape() const { return impl->shape; }

int64_t Conv2D::getNumChunks() const {
  return impl->shape.batch * impl->chunksPerImage;
}

} // namespace tpuc::kernels
