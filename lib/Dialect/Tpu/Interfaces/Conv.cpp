//===- Conv.cpp - tpu.Conv2D inference ------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// INT8 (a `!quant.uniform` result), exact integer loops: for output channel
// c (group g = c / (OC / group)) and output position (oh, ow)
//
//   acc = Σ_{ic, kh, kw} x[n, g·ICg + ic, ih, iw] · W[c, ic, kh, kw] + bias[c]
//     ih = oh·stride_h − pad_top + kh·dilation_h (likewise iw); a position
//     outside the input (padding) reads the input zero point, so that the
//     zero-point correction −zp_in·ΣW folded into the int32 bias stays exact;
//   acc is summed in int64 and saturated to int32 (the chip's accumulator;
//     it does not overflow for sane layers);
//   y = sat(applyMultiplierAndRShift(acc, M[c], r[c], quant_mode,
//                                    round_mode) + zp_out)
//
// with M/r one value per output channel or one for all, sat the clamp to the
// storage range of the result type. `do_relu` then clamps below at zp_out
// and, when `relu_limit` > 0, above at sat(round(relu_limit / scale_out) +
// zp_out) (half away from zero). Weights are read from their typed arrays
// (InferenceParameter::weights) so int32 biases beyond 2^24 stay exact.
//
// The sums run on kernels::ConvInt8 (oneDNN's int8 convolution, or its
// direct kernels for depthwise and 1x1 convolutions), which gives exactly
// the int64 loops' sums (see its header); the bias, the int32 saturation
// and the requant (kernels::RequantChannels: quant::applyMultiplierAndRShift
// in f64 lanes where that is exact, see RequantVec.h) are applied here to
// each chunk of accumulators while it is in cache. The kernel, with the
// filter reordered once, and the requant's per-channel constants live in
// InferenceParameter::handle from init on; the kernel is remade when the
// filter changes (setTensor, invokeAt with another buffer), the constants
// when the bias does. Whenever the kernel does not apply (a filter that
// is not int8, codes wider than 8 bits, sums that could pass int32, oneDNN
// refusing the shape) or fails, the plain int64 loops below
// (inferenceInt8Loops, the reference) run instead; work there is split
// over (batch, output channel). Both give the same bits for any thread
// count.
//
// Float (f32 / f16 / bf16 result): the f32 convolution of the (already
// rounded) operands by the oneDNN kernel, with the fused ReLU, then every
// result rounded to the result type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Dialect/Tpu/Int8Kernels.h"
#include "tpuc/Kernels/Conv.h"
#include "tpuc/Kernels/ConvInt8.h"
#include "tpuc/Kernels/Requant.h"
#include "tpuc/Kernels/RequantVec.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

namespace {
/// -1: not read yet from TPUC_INT8_REFERENCE; 0: kernels; 1: loops.
std::atomic<int> referenceLoops{-1};
} // namespace

bool tpuc::tpu::useInt8ReferenceLoops() {
  int value = referenceLoops.load(std::memory_order_relaxed);
  if (value < 0) {
    const char *env = std::getenv("TPUC_INT8_REFERENCE");
    int fromEnv = env && std::strcmp(env, "1") == 0 ? 1 : 0;
    referenceLoops.compare_exchange_strong(value, fromEnv);
    value = referenceLoops.load(std::memory_order_relaxed);
  }
  return value == 1;
}

void tpuc::tpu::setInt8ReferenceLoops(bool loops) {
  referenceLoops.store(loops ? 1 : 0, std::memory_order_relaxed);
}

namespace {
kernels::ConvShape toKernelShape(Conv2DOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  ArrayRef<int64_t> out = shapeOf(op.getOutput());
  SmallVector<int64_t> kernel = getIntegers(op.getKernelShape());
  SmallVector<int64_t> strides = getIntegers(op.getStrides());
  SmallVector<int64_t> pads = getIntegers(op.getPads());
  SmallVector<int64_t> dilations = getIntegers(op.getDilationsAttr());
  if (dilations.empty())
    dilations.assign(2, 1);
  kernels::ConvShape s;
  s.batch = in[0];
  s.inChannels = in[1];
  s.inHeight = in[2];
  s.inWidth = in[3];
  s.outChannels = out[1];
  s.outHeight = out[2];
  s.outWidth = out[3];
  s.kernelHeight = kernel[0];
  s.kernelWidth = kernel[1];
  s.strideHeight = strides[0];
  s.strideWidth = strides[1];
  s.dilationHeight = dilations[0];
  s.dilationWidth = dilations[1];
  s.padTop = pads[0];
  s.padLeft = pads[1];
  s.padBottom = pads[2];
  s.padRight = pads[3];
  s.groups = op.getGroup();
  s.hasBias = !isa<NoneType>(op.getBias().getType());
  s.doRelu = op.getDoRelu();
  s.reluLimit = op.getReluLimit().convertToDouble();
  return s;
}

bool isInt8(Conv2DOp op) {
  return isa<mlir::quant::UniformQuantizedType>(elementOf(op.getOutput()));
}

/// The INT8 state kept in InferenceParameter::handle: the kernel, and the
/// epilogue's per-channel constants (built once: the requant parameters
/// are attributes; rebuilt when the kernel's accumulator bound or the
/// bias changes, the bias being known unchanged only while it comes from
/// the same typed weight array).
struct Int8State : Int8KernelCache<kernels::ConvInt8> {
  std::unique_ptr<kernels::RequantChannels> requant;
  int64_t requantBound = -1;
  const Array *requantBias = nullptr;
  bool requantHasBias = false;
};

/// The kernel for the current filter, made (or remade) when needed; null
/// when the int64 loops must run.
kernels::ConvInt8 *getInt8Kernel(Conv2DOp op, InferenceParameter &p,
                                 Int8State &state) {
  std::optional<IntegerStorage> in =
      getIntegerStorage(elementOf(op.getInput()));
  if (!in)
    return nullptr;
  const Array *typed = p.weights.size() > 1 ? p.weights[1] : nullptr;
  if (std::optional<kernels::ConvInt8 *> kernel = state.known(typed))
    return *kernel;
  kernels::ConvShape shape = toKernelShape(op);
  int64_t count = shape.outChannels * (shape.inChannels / shape.groups) *
                  shape.kernelHeight * shape.kernelWidth;
  std::optional<std::vector<int8_t>> filter = readInt8(p, 1, count);
  if (!filter)
    return nullptr;
  kernels::Int8Source source;
  source.zeroPoint = in->zeroPoint;
  source.qmin = in->qmin;
  source.qmax = in->qmax;
  return state.get(
      typed, std::move(*filter),
      [](const kernels::ConvInt8 &k) { return k.getFilter(); },
      [&](ArrayRef<int8_t> weights) {
        return kernels::ConvInt8::create(shape, source, weights);
      });
}

} // namespace

/// The INT8 result by plain int64 loops (the reference the fast path must
/// equal).
static LogicalResult
inferenceInt8Loops(Conv2DOp op, InferenceParameter &p,
                   const kernels::ConvShape &s, const IntegerStorage &inStorage,
                   const IntegerStorage &outStorage,
                   ArrayRef<int64_t> multipliers, ArrayRef<int64_t> shifts,
                   tpuc::quant::QuantMode qmode, tpuc::quant::RoundMode rmode) {
  const int64_t icPerGroup = s.inChannels / s.groups;
  const int64_t ocPerGroup = s.outChannels / s.groups;
  const int64_t kernelSize = s.kernelHeight * s.kernelWidth;
  const int64_t inPlane = s.inHeight * s.inWidth;
  const int64_t outPlane = s.outHeight * s.outWidth;
  std::vector<int64_t> filter =
      readIntegers(p, 1, s.outChannels * icPerGroup * kernelSize);
  std::vector<int64_t> bias =
      s.hasBias ? readIntegers(p, 2, s.outChannels) : std::vector<int64_t>();
  int64_t inCount = s.batch * s.inChannels * inPlane;
  std::vector<int32_t> input(inCount);
  for (int64_t i = 0; i < inCount; ++i)
    input[i] =
        static_cast<int32_t>(clampTo(toInteger(p.inputs[0][i]), inStorage));
  const int64_t zpIn = inStorage.zeroPoint;
  auto [lo, hi] = getIntegerBounds(outStorage, op.getDoRelu(),
                                   op.getReluLimit().convertToDouble());
  const IntegerStorage out = outStorage;
  float *output = p.outputs[0];

  parallelFor(0, s.batch * s.outChannels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t job = begin; job < end; ++job) {
      int64_t n = job / s.outChannels, oc = job % s.outChannels;
      int64_t g = oc / ocPerGroup;
      size_t c = multipliers.size() == 1 ? 0 : oc;
      const int32_t *in =
          input.data() + (n * s.inChannels + g * icPerGroup) * inPlane;
      const int64_t *w = filter.data() + oc * icPerGroup * kernelSize;
      float *dst = output + job * outPlane;
      for (int64_t oh = 0; oh < s.outHeight; ++oh)
        for (int64_t ow = 0; ow < s.outWidth; ++ow) {
          int64_t acc = 0;
          for (int64_t ic = 0; ic < icPerGroup; ++ic)
            for (int64_t kh = 0; kh < s.kernelHeight; ++kh) {
              int64_t ih =
                  oh * s.strideHeight - s.padTop + kh * s.dilationHeight;
              for (int64_t kw = 0; kw < s.kernelWidth; ++kw) {
                int64_t iw =
                    ow * s.strideWidth - s.padLeft + kw * s.dilationWidth;
                int64_t x =
                    ih >= 0 && ih < s.inHeight && iw >= 0 && iw < s.inWidth
                        ? in[ic * inPlane + ih * s.inWidth + iw]
                        : zpIn;
                acc += x * w[(ic * s.kernelHeight + kh) * s.kernelWidth + kw];
              }
            }
          if (s.hasBias)
            acc += bias[oc];
          acc = std::min<int64_t>(std::max<int64_t>(acc, INT32_MIN), INT32_MAX);
          int64_t y = tpuc::quant::applyMultiplierAndRShift(
                          acc, multipliers[c], shifts[c], qmode, rmode) +
                      out.zeroPoint;
          y = std::min(std::max(clampTo(y, out), lo), hi);
          dst[oh * s.outWidth + ow] = static_cast<float>(y);
        }
    }
  });
  return success();
}

LogicalResult Conv2DOp::init(InferenceParameter &p) {
  if (!cast<ShapedType>(getInput().getType()).hasStaticShape() ||
      !cast<ShapedType>(getOutput().getType()).hasStaticShape())
    return emitOpError("needs static shapes to be evaluated");
  kernels::ConvShape shape = toKernelShape(*this);
  if (llvm::Error err = kernels::checkConvShape(shape))
    return emitOpError() << llvm::toString(std::move(err));
  if (isInt8(*this)) {
    // The kernel is made now when the filter is at hand (a failure leaves
    // the int64 loops), else at the first inference.
    auto *state = new Int8State();
    p.handle = state;
    if (p.inputs.size() > 1 && p.inputs[1] && !useInt8ReferenceLoops())
      getInt8Kernel(*this, p, *state);
    return success();
  }
  auto conv = kernels::Conv2D::create(shape);
  if (!conv)
    return emitOpError() << llvm::toString(conv.takeError());
  (*conv)->setConstantFilter(getFilter().getDefiningOp<top::WeightOp>() !=
                             nullptr);
  p.handle = conv->release();
  return success();
}

void Conv2DOp::deinit(InferenceParameter &p) {
  if (isInt8(*this))
    delete static_cast<Int8State *>(p.handle);
  else
    delete static_cast<kernels::Conv2D *>(p.handle);
  p.handle = nullptr;
}

LogicalResult Conv2DOp::inference(InferenceParameter &p) {
  kernels::ConvShape s = toKernelShape(*this);
  if (!isInt8(*this)) {
    auto *conv = static_cast<kernels::Conv2D *>(p.handle);
    if (!conv)
      return emitOpError("inference before init");
    if (llvm::Error err =
            conv->run(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0]))
      return emitOpError() << llvm::toString(std::move(err));
    roundResultToType(getOutput(), p.outputs[0]);
    return success();
  }

  std::optional<IntegerStorage> inStorage =
      getIntegerStorage(elementOf(getInput()));
  std::optional<IntegerStorage> outStorage =
      getIntegerStorage(elementOf(getOutput()));
  if (!inStorage || !outStorage || !getQuantMode())
    return emitOpError("INT8 inference needs quantized types and quant_mode");
  // Read only when needed: the kernels' epilogue keeps its constants.
  SmallVector<int64_t> multipliers, shifts;
  auto readRequant = [&]() -> LogicalResult {
    if (!multipliers.empty())
      return success();
    multipliers = getIntegers(getMultiplierAttr());
    shifts = getIntegers(getRshiftAttr());
    if (multipliers.empty() || multipliers.size() != shifts.size())
      return emitOpError("INT8 inference needs multiplier and rshift");
    return success();
  };
  quant::QuantMode qmode = toQuantMath(*getQuantMode());
  quant::RoundMode rmode = toQuantMath(getRoundMode());

  auto *state = static_cast<Int8State *>(p.handle);
  if (state && !useInt8ReferenceLoops())
    if (kernels::ConvInt8 *kernel = getInt8Kernel(*this, p, *state)) {
      int64_t lo = 0, hi = 0;
      std::tie(lo, hi) = getIntegerBounds(*outStorage, getDoRelu(),
                                          getReluLimit().convertToDouble());
      const Array *biasArray =
          s.hasBias && p.weights.size() > 2 ? p.weights[2] : nullptr;
      int64_t bound = kernel->getAccumulatorBound();
      if (!state->requant || state->requantBound != bound ||
          state->requantHasBias != s.hasBias ||
          (s.hasBias && (!biasArray || biasArray != state->requantBias))) {
        if (failed(readRequant()))
          return failure();
        std::vector<int64_t> bias;
        if (s.hasBias)
          bias = readIntegers(p, 2, s.outChannels);
        state->requant = std::make_unique<kernels::RequantChannels>(
            multipliers, shifts, qmode, rmode, bias, s.outChannels,
            outStorage->zeroPoint, lo, hi, bound);
        state->requantBound = bound;
        state->requantBias = biasArray;
        state->requantHasBias = s.hasBias;
      }
      const kernels::RequantChannels &requant = *state->requant;
      const int64_t outPlane = s.outHeight * s.outWidth;
      float *output = p.outputs[0];
      llvm::Error err =
          kernel->run(p.inputs[0], [&](const kernels::ConvInt8Block &b) {
            requant.apply(b.data, b.channelStride, b.pixelStride,
                          b.firstChannel, b.channels, b.pixels,
                          output +
                              (b.image * s.outChannels + b.firstChannel) *
                                  outPlane +
                              b.firstPixel,
                          outPlane);
          });
      if (!err)
        return success();
      // The loops below recompute every output.
      llvm::consumeError(std::move(err));
    }
  if (failed(readRequant()))
    return failure();
  return inferenceInt8Loops(*this, p, s, *inStorage, *outStorage, multipliers,
                            shifts, qmode, rmode);
}
