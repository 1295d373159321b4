//===- Pool.cpp - tpu.Pool2D inference ------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The windows are those of top.MaxPool / top.AvgPool
// (tpuc/Kernels/PoolWindow.h): along each axis, output position o covers the
// kernel taps [first, last) that fall inside the input, starting at input
// index o·stride − pad_begin; `padded` taps count with count_include_pad.
//
// INT8 Max: the largest input code of the window (padding never wins); a
// window without input taps (only with dilations) yields the zero point,
// the code of 0. The result has the input's type.
// INT8 Avg: sum = Σ (q − zp_in) over the window's taps inside the input, in
// int64; y = sat(applyMultiplierAndRShift(sum, M, r, quant_mode,
// round_mode) + zp_out) with the op's single M / r, whatever the window's
// element count (the chip's behaviour; the lowering folds 1/count into M /
// r and keeps INT8 Avg for layers whose windows all have one count).
// Both clamp with `do_relu` below at zp_out and, when `relu_limit` > 0,
// above at sat(round(relu_limit / scale_out) + zp_out).
//
// Float: the window reduced in f32 exactly as top.MaxPool / top.AvgPool do
// (max; or the sum in kernel row-major order divided by the count as f32,
// 0 for an empty window), the fused ReLU, then the result rounded to the
// result type. Work is split over (batch, channel) planes.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/PoolWindow.h"

#include <limits>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

namespace {
struct Windows {
  std::vector<kernels::PoolWindow> rows, cols;
  int64_t dh, dw;
};

Windows getWindows(Pool2DOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  SmallVector<int64_t> kernel = getIntegers(op.getKernelShape());
  SmallVector<int64_t> strides = getIntegers(op.getStrides());
  SmallVector<int64_t> pads = getIntegers(op.getPads());
  SmallVector<int64_t> dilations = getIntegers(op.getDilationsAttr());
  if (dilations.empty())
    dilations.assign(2, 1);
  Windows w;
  w.rows = kernels::poolWindows(in[2], out[2], kernel[0], strides[0],
                                dilations[0], pads[0], pads[2]);
  w.cols = kernels::poolWindows(in[3], out[3], kernel[1], strides[1],
                                dilations[1], pads[1], pads[3]);
  w.dh = dilations[0];
  w.dw = dilations[1];
  return w;
}
} // namespace

LogicalResult Pool2DOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> inShape = shapeOf(getInput());
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  const int64_t planes = inShape[0] * inShape[1];
  const int64_t ih = inShape[2], iw = inShape[3];
  const int64_t oh = outShape[2], ow = outShape[3];
  const Windows w = getWindows(*this);
  const bool isMax = getPoolMode() == PoolMode::Max;
  const bool includePad = getCountIncludePad();
  const bool doRelu = getDoRelu();
  const double limit = getReluLimit().convertToDouble();
  const float *input = p.inputs[0];
  float *output = p.outputs[0];
  const int64_t grain = chooseGrain(
      planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, ih * iw)));

  std::optional<IntegerStorage> outStorage =
      getIntegerStorage(elementOf(getOutput()));
  if (!outStorage) {
    Type type = elementOf(getOutput());
    parallelFor(0, planes, grain, [&](int64_t begin, int64_t end) {
      for (int64_t plane = begin; plane < end; ++plane) {
        const float *in = input + plane * ih * iw;
        float *dst = output + plane * oh * ow;
        for (int64_t y = 0; y < oh; ++y) {
          const kernels::PoolWindow &r = w.rows[y];
          for (int64_t x = 0; x < ow; ++x) {
            const kernels::PoolWindow &c = w.cols[x];
            float acc = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
            for (int64_t ky = r.first; ky < r.last; ++ky) {
              const float *row = in + (r.start + ky * w.dh) * iw;
              for (int64_t kx = c.first; kx < c.last; ++kx) {
                float v = row[c.start + kx * w.dw];
                acc = isMax ? std::max(acc, v) : acc + v;
              }
            }
            int64_t inside = (r.last - r.first) * (c.last - c.first);
            if (isMax) {
              acc = inside > 0 ? acc : 0.0f;
            } else {
              int64_t count = includePad ? r.padded * c.padded : inside;
              acc = count > 0 ? acc / static_cast<float>(count) : 0.0f;
            }
            dst[y * ow + x] =
                roundToType(applyFloatRelu(acc, doRelu, limit), type);
          }
        }
      }
    });
    return success();
  }

  std::optional<IntegerStorage> inStorage =
      getIntegerStorage(elementOf(getInput()));
  if (!inStorage)
    return emitOpError("INT8 inference needs a quantized input");
  SmallVector<int64_t> multipliers = getIntegers(getMultiplierAttr());
  SmallVector<int64_t> shifts = getIntegers(getRshiftAttr());
  if (!isMax &&
      (multipliers.size() != 1 || shifts.size() != 1 || !getQuantMode()))
    return emitOpError("INT8 average pooling needs quant_mode and one "
                       "multiplier and rshift");
  quant::QuantMode qmode = getQuantMode() ? toQuantMath(*getQuantMode())
                                          : quant::QuantMode::MultiplierShift;
  quant::RoundMode rmode = toQuantMath(getRoundMode());
  auto [lo, hi] = getIntegerBounds(*outStorage, doRelu, limit);
  const IntegerStorage inS = *inStorage, outS = *outStorage;
  parallelFor(0, planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const float *in = input + plane * ih * iw;
      float *dst = output + plane * oh * ow;
      for (int64_t y = 0; y < oh; ++y) {
        const kernels::PoolWindow &r = w.rows[y];
        for (int64_t x = 0; x < ow; ++x) {
          const kernels::PoolWindow &c = w.cols[x];
          int64_t acc = isMax ? INT64_MIN : 0;
          if (isMax) {
            // The code of the largest value: toInteger and clampTo are
            // monotonic, so max(clampTo(toInteger(v))) is clampTo(
            // toInteger(max v)), with NaN read as 0 as toInteger does.
            float largest = -std::numeric_limits<float>::infinity();
            bool any = false;
            for (int64_t ky = r.first; ky < r.last; ++ky) {
              const float *row = in + (r.start + ky * w.dh) * iw;
              for (int64_t kx = c.first; kx < c.last; ++kx) {
                float v = row[c.start + kx * w.dw];
                largest = std::max(largest, v != v ? 0.0f : v);
                any = true;
              }
            }
            if (any)
              acc = clampTo(toInteger(largest), inS);
          } else {
            for (int64_t ky = r.first; ky < r.last; ++ky) {
              const float *row = in + (r.start + ky * w.dh) * iw;
              for (int64_t kx = c.first; kx < c.last; ++kx)
                acc += clampTo(toInteger(row[c.start + kx * w.dw]), inS) -
                       inS.zeroPoint;
            }
          }
          int64_t result;
          if (isMax)
            result = acc == INT64_MIN ? clampTo(inS.zeroPoint, outS) : acc;
          else
            result = clampTo(quant::applyMultiplierAndRShift(
                                 acc, multipliers[0], shifts[0], qmode, rmode) +
                                 outS.zeroPoint,
                             outS);
          dst[y * ow + x] =
              static_cast<float>(std::min(std::max(result, lo), hi));
        }
      }
    }
  });
  return success();
}
