//===- Deconv.h - transposed convolution kernel -----------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 transposed convolution of top.Deconv, shared with tpu.Deconv so
// that the float Tpu op computes the Top op's bits. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_DECONV_H
#define TPUC_KERNELS_DECONV_H

#include <cstdint>
#include <vector>

namespace tpuc::kernels {

/// A 2-D transposed convolution (a 1-D one has height 1, kh = sh = dh = 1
/// and pt = 0): input N x IC x IH x IW, filter IC x OC/group x KH x KW,
/// output N x OC x OH x OW.
struct DeconvShape {
  int64_t n, ic, ih, iw, oc, oh, ow;
  int64_t kh, kw, sh, sw, dh, dw;
  int64_t pt, pl; ///< the begin pads (top, left)
  int64_t group;
  bool doRelu = false;
  double reluLimit = -1.0; ///< a cap when positive
};

/// The DeconvShape of an N x C x [H x] W deconvolution from its input and
/// output shapes and its window attributes (one value per spatial axis,
/// `pads` begins then ends, `dilations` empty for 1): a 1-D one (rank-3
/// shapes) as a 2-D one with height 1.
DeconvShape makeDeconvShape(const std::vector<int64_t> &in,
                            const std::vector<int64_t> &out,
                            const std::vector<int64_t> &kernel,
                            const std::vector<int64_t> &strides,
                            const std::vector<int64_t> &pads,
                            const std::vector<int64_t> &dilations,
                            int64_t group, bool doRelu, double reluLimit);

/// out = deconv(in, w) + bias (`bias` of OC values, or null), then the
/// fused ReLU: every input element x at (y, x) adds x·w[ky, kx] to the
/// output at (y·sh - pt + ky·dh, x·sw - pl + kx·dw) when that is inside.
/// Each (n, oc) plane starts from its bias and sums in f32 over its group's
/// input channels, kernel rows, input rows and kernel columns in that
/// order; planes are independent chunks, so the result does not depend on
/// the thread count.
void deconv(const float *in, const float *w, const float *bias, float *out,
            const DeconvShape &s);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_DECONV_H
