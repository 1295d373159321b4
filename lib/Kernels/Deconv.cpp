//===- Deconv.cpp - transposed convolution kernel -------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Deconv.h"

#include "tpuc/Kernels/Activation.h"
#include "tpuc/Support/Parallel.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>

using namespace tpuc;
using namespace tpuc::kernels;

DeconvShape kernels::makeDeconvShape(
    const std::vector<int64_t> &in, const std::vector<int64_t> &out,
    const std::vector<int64_t> &kernel, const std::vector<int64_t> &strides,
    const std::vector<int64_t> &pads, const std::vector<int64_t> &dilations,
    int64_t group, bool doRelu, double reluLimit) {
  bool is1d = in.size() == 3;
  auto dil = [&](size_t i) { return dilations.empty() ? 1 : dilations[i]; };
  DeconvShape s;
  s.n = in[0];
  s.ic = in[1];
  s.ih = is1d ? 1 : in[2];
  s.iw = in.back();
  s.oc = out[1];
  s.oh = is1d ? 1 : out[2];
  s.ow = out.back();
  s.kh = is1d ? 1 : kernel[0];
  s.kw = kernel.back();
  s.sh = is1d ? 1 : strides[0];
  s.sw = strides.back();
  s.dh = is1d ? 1 : dil(0);
  s.dw = dil(kernel.size() - 1);
  s.pt = is1d ? 0 : pads[0];
  s.pl = is1d ? pads[0] : pads[1];
  s.group = group;
  s.doRelu = doRelu;
  s.reluLimit = reluLimit;
  return s;
}

void kernels::deconv(const float *in, const float *w, const float *bias,
                     float *out, const DeconvShape &s) {
  int64_t icg = s.ic / s.group, ocg = s.oc / s.group;
  int64_t ih = s.ih, iw = s.iw, oh = s.oh, ow = s.ow, kh = s.kh, kw = s.kw;
  // For every kernel column kx, the input columns [x0, x1) that land in the
  // output: 0 <= x * sw - pl + kx * dw < ow.
  llvm::SmallVector<int64_t> colFirst(kw), colLast(kw);
  for (int64_t kx = 0; kx < kw; ++kx) {
    int64_t offset = kx * s.dw - s.pl;
    colFirst[kx] = offset >= 0 ? 0 : (-offset + s.sw - 1) / s.sw;
    colLast[kx] = std::min(iw, (ow - offset + s.sw - 1) / s.sw);
  }
  // Each (n, oc) output plane gathers from its group's input channels; the
  // planes are independent, so the sum order does not depend on threads.
  int64_t macsPerPlane = icg * kh * kw * ih * iw;
  int64_t grain = chooseGrain(
      s.n * s.oc,
      std::max<int64_t>(1, 65536 / std::max<int64_t>(1, macsPerPlane)));
  parallelFor(0, s.n * s.oc, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t plane = lo; plane < hi; ++plane) {
      int64_t b = plane / s.oc, o = plane % s.oc;
      int64_t g = o / ocg, og = o % ocg;
      float *dst = out + plane * oh * ow;
      std::fill(dst, dst + oh * ow, bias ? bias[o] : 0.0f);
      for (int64_t c = 0; c < icg; ++c) {
        int64_t channel = g * icg + c;
        const float *src = in + (b * s.ic + channel) * ih * iw;
        const float *kern = w + (channel * ocg + og) * kh * kw;
        for (int64_t ky = 0; ky < kh; ++ky)
          for (int64_t y = 0; y < ih; ++y) {
            int64_t oy = y * s.sh - s.pt + ky * s.dh;
            if (oy < 0 || oy >= oh)
              continue;
            const float *srcRow = src + y * iw;
            float *dstRow = dst + oy * ow;
            for (int64_t kx = 0; kx < kw; ++kx) {
              float wv = kern[ky * kw + kx];
              int64_t offset = kx * s.dw - s.pl;
              for (int64_t x = colFirst[kx]; x < colLast[kx]; ++x)
                dstRow[x * s.sw + offset] += wv * srcRow[x];
            }
          }
      }
      if (s.doRelu)
        for (int64_t i = 0; i < oh * ow; ++i)
          dst[i] = relu(dst[i], s.reluLimit);
    }
  });
}
