//===- Deconv.cpp - top.Deconv --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "Window.h"

#include "tpuc/Support/Parallel.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

SmallVector<int64_t> DeconvOp::getDilationValues() {
  return getIntegersOr(getDilations(), getKernelShape().size(), 1);
}

SmallVector<int64_t> DeconvOp::getOutputPaddingValues() {
  return getIntegersOr(getOutputPadding(), getKernelShape().size(), 0);
}

LogicalResult DeconvOp::verify() {
  SmallVector<int64_t> kernel = getIntegers(getKernelShape());
  size_t k = kernel.size();
  if (failed(verifyWindowAttrs(*this, kernel, getIntegers(getStrides()),
                               getIntegers(getPads()), getDilationValues(),
                               getDilations().has_value())))
    return failure();
  if (auto padding = getOutputPadding()) {
    if (padding->size() != k)
      return emitOpError("output_padding must have ")
             << k << " entries, got " << padding->size();
    if (llvm::any_of(getIntegers(*padding), [](int64_t v) { return v < 0; }))
      return emitOpError("output_padding must not be negative");
  }
  int64_t group = static_cast<int64_t>(getGroup());
  if (group < 1)
    return emitOpError("group must be at least 1, got ") << group;
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();

  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getFilter());
  if (failed(verifyConvOperandRanks(*this, in, w, kernel, "deconvolution")))
    return failure();
  if (w.empty())
    return success();
  if (!ShapedType::isDynamic(w[0]) && w[0] % group != 0)
    return emitOpError("input channels (")
           << w[0] << ") are not divisible by group (" << group << ")";
  if (!in.empty() && !ShapedType::isDynamic(in[1]) &&
      !ShapedType::isDynamic(w[0]) && in[1] != w[0])
    return emitOpError("input has ")
           << in[1] << " channels but the filter expects " << w[0];
  if (!ShapedType::isDynamic(w[1]) &&
      failed(verifyBiasSize(*this, getBias(), w[1] * group)))
    return failure();
  return success();
}

LogicalResult DeconvOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> w = getStaticShape(*this, getFilter());
  if (failed(in) || failed(w))
    return failure();
  auto [kernel, strides, pads, dilations] = getWindowParams(*this);
  SmallVector<int64_t> outPad = getOutputPaddingValues();
  size_t k = kernel.size();
  SmallVector<int64_t> out = {(*in)[0],
                              (*w)[1] * static_cast<int64_t>(getGroup())};
  for (size_t i = 0; i < k; ++i) {
    int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
    int64_t size = strides[i] * ((*in)[2 + i] - 1) + outPad[i] + extent -
                   pads[i] - pads[k + i];
    if (size <= 0)
      return emitOpError("pads leave no output on spatial axis ") << i;
    out.push_back(size);
  }
  return setResultShape(*this, 0, out);
}

int64_t DeconvOp::getFlops() {
  // Every input element meets OC/group x kernel filter taps.
  return convFlops(*this, numElements(getInput()));
}

LogicalResult DeconvOp::inference(InferenceParameter &p) {
  // A 1-D deconvolution is computed as a 2-D one with height 1.
  ArrayRef<int64_t> inShape = shapeOf(getInput());
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  bool is1d = inShape.size() == 3;
  int64_t n = inShape[0], ic = inShape[1];
  int64_t ih = is1d ? 1 : inShape[2], iw = inShape.back();
  int64_t oc = outShape[1];
  int64_t oh = is1d ? 1 : outShape[2], ow = outShape.back();
  auto [kernel, strides, pads, dil] = getWindowParams(*this);
  int64_t kh = is1d ? 1 : kernel[0], kw = kernel.back();
  int64_t sh = is1d ? 1 : strides[0], sw = strides.back();
  int64_t dh = is1d ? 1 : dil[0], dw = dil.back();
  int64_t pt = is1d ? 0 : pads[0], pl = is1d ? pads[0] : pads[1];
  int64_t group = static_cast<int64_t>(getGroup());
  int64_t icg = ic / group, ocg = oc / group;
  bool doRelu = getDoRelu();
  double limit = getReluLimit().convertToDouble();

  // For every kernel column kx, the input columns [x0, x1) that land in the
  // output: 0 <= x * sw - pl + kx * dw < ow.
  SmallVector<int64_t> colFirst(kw), colLast(kw);
  for (int64_t kx = 0; kx < kw; ++kx) {
    int64_t offset = kx * dw - pl;
    colFirst[kx] = offset >= 0 ? 0 : (-offset + sw - 1) / sw;
    colLast[kx] = std::min(iw, (ow - offset + sw - 1) / sw);
  }

  const float *in = p.inputs[0];
  const float *w = p.inputs[1];
  const float *bias = p.inputs[2];
  float *out = p.outputs[0];
  // Each (n, oc) output plane gathers from its group's input channels; the
  // planes are independent, so the sum order does not depend on threads.
  int64_t macsPerPlane = icg * kh * kw * ih * iw;
  int64_t grain = chooseGrain(
      n * oc, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, macsPerPlane)));
  parallelFor(0, n * oc, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t plane = lo; plane < hi; ++plane) {
      int64_t b = plane / oc, o = plane % oc;
      int64_t g = o / ocg, og = o % ocg;
      float *dst = out + plane * oh * ow;
      std::fill(dst, dst + oh * ow, bias ? bias[o] : 0.0f);
      for (int64_t c = 0; c < icg; ++c) {
        int64_t channel = g * icg + c;
        const float *src = in + (b * ic + channel) * ih * iw;
        const float *kern = w + (channel * ocg + og) * kh * kw;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t y = 0; y < ih; ++y) {
            int64_t oy = y * sh - pt + ky * dh;
            if (oy < 0 || oy >= oh)
              continue;
            const float *srcRow = src + y * iw;
            float *dstRow = dst + oy * ow;
            for (int64_t kx = 0; kx < kw; ++kx) {
              float wv = kern[ky * kw + kx];
              int64_t offset = kx * dw - pl;
              for (int64_t x = colFirst[kx]; x < colLast[kx]; ++x)
                dstRow[x * sw + offset] += wv * srcRow[x];
            }
          }
      }
      applyRelu(dst, oh * ow, doRelu, limit);
    }
  });
  return success();
}
