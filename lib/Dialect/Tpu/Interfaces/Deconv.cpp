//===- Deconv.cpp - tpu.Deconv inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Float: the f32 transposed convolution of top.Deconv (tpuc/Kernels/
// Deconv.h, the same kernel, a 1-D one as 2-D with height 1) on operands
// already of the op's float type, then each result rounded to that type.
//
// INT8: per (image, output channel) plane, the int64 sums of
// (q_in - zp_in) · W_q over the products that land on each output, plus the
// bias, saturated to int32, requantized per channel
// (quant::applyMultiplierAndRShift) and clamped to the result's storage
// range and the fused ReLU's bounds.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Deconv.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

/// The INT8 form on the shape `s`.
static LogicalResult deconvInt8(DeconvOp op, InferenceParameter &p,
                                const kernels::DeconvShape &s) {
  std::optional<IntegerStorage> in =
      getIntegerStorage(elementOf(op.getInput()));
  std::optional<IntegerStorage> out =
      getIntegerStorage(elementOf(op.getOutput()));
  if (!in || !out)
    return op.emitOpError("needs 8-bit quantized input and result");
  int64_t icg = s.ic / s.group, ocg = s.oc / s.group;
  std::vector<int64_t> w = readIntegers(p, 1, s.ic * ocg * s.kh * s.kw);
  bool hasBias = !isa<NoneType>(op.getBias().getType());
  std::vector<int64_t> bias =
      hasBias ? readIntegers(p, 2, s.oc) : std::vector<int64_t>();
  SmallVector<int64_t> multipliers = getIntegers(op.getMultiplierAttr());
  SmallVector<int64_t> shifts = getIntegers(op.getRshiftAttr());
  tpuc::quant::QuantMode qmode = toQuantMath(*op.getQuantMode());
  tpuc::quant::RoundMode rmode = toQuantMath(op.getRoundMode());
  auto [lo, hi] = getIntegerBounds(*out, op.getDoRelu(),
                                   op.getReluLimit().convertToDouble());
  const float *input = p.inputs[0];
  float *output = p.outputs[0];
  int64_t inPlane = s.ih * s.iw, outPlane = s.oh * s.ow;
  int64_t work = icg * s.kh * s.kw * inPlane;
  parallelFor(
      0, s.n * s.oc,
      chooseGrain(s.n * s.oc,
                  std::max<int64_t>(1, 65536 / std::max<int64_t>(1, work))),
      [&](int64_t first, int64_t last) {
        std::vector<int64_t> acc(outPlane);
        for (int64_t plane = first; plane < last; ++plane) {
          int64_t b = plane / s.oc, o = plane % s.oc;
          int64_t g = o / ocg, og = o % ocg;
          std::fill(acc.begin(), acc.end(), hasBias ? bias[o] : 0);
          for (int64_t c = 0; c < icg; ++c) {
            int64_t channel = g * icg + c;
            const float *src = input + (b * s.ic + channel) * inPlane;
            const int64_t *kern = w.data() + (channel * ocg + og) * s.kh * s.kw;
            for (int64_t y = 0; y < s.ih; ++y)
              for (int64_t ky = 0; ky < s.kh; ++ky) {
                int64_t oy = y * s.sh - s.pt + ky * s.dh;
                if (oy < 0 || oy >= s.oh)
                  continue;
                for (int64_t x = 0; x < s.iw; ++x) {
                  int64_t q = toInteger(src[y * s.iw + x]) - in->zeroPoint;
                  for (int64_t kx = 0; kx < s.kw; ++kx) {
                    int64_t ox = x * s.sw - s.pl + kx * s.dw;
                    if (ox >= 0 && ox < s.ow)
                      acc[oy * s.ow + ox] += q * kern[ky * s.kw + kx];
                  }
                }
              }
          }
          size_t k = multipliers.size() == 1 ? 0 : o;
          float *dst = output + plane * outPlane;
          for (int64_t e = 0; e < outPlane; ++e) {
            int64_t v = std::min<int64_t>(std::max<int64_t>(acc[e], INT32_MIN),
                                          INT32_MAX);
            int64_t y = tpuc::quant::applyMultiplierAndRShift(
                            v, multipliers[k], shifts[k], qmode, rmode) +
                        out->zeroPoint;
            dst[e] = static_cast<float>(
                std::min(std::max(clampTo(y, *out), lo), hi));
          }
        }
      });
  return success();
}

LogicalResult DeconvOp::inference(InferenceParameter &p) {
  SmallVector<int64_t> kernel = getIntegers(getKernelShape());
  SmallVector<int64_t> strides = getIntegers(getStrides());
  SmallVector<int64_t> pads = getIntegers(getPads());
  SmallVector<int64_t> dil =
      getDilations() ? getIntegers(*getDilations()) : SmallVector<int64_t>();
  kernels::DeconvShape s = kernels::makeDeconvShape(
      shapeOf(getInput()).vec(), shapeOf(getOutput()).vec(),
      {kernel.begin(), kernel.end()}, {strides.begin(), strides.end()},
      {pads.begin(), pads.end()}, {dil.begin(), dil.end()},
      static_cast<int64_t>(getGroup()), getDoRelu(),
      getReluLimit().convertToDouble());
  if (getQuantMode())
    return deconvInt8(*this, p, s);
  kernels::deconv(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0], s);
  roundResultToType(getOutput(), p.outputs[0]);
  return success();
}
