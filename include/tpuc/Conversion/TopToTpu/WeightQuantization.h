//===- WeightQuantization.h - INT8 weights and requant per chip --*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The arithmetic the Top→Tpu lowering applies to a convolution (or a matmul
// with a weight operand) for INT8: the integer weights, the integer bias with
// the input zero point folded in, and the per-channel (or per-layer)
// multiplier and right shift, in the style of each chip family. MLIR-free so
// that it is unit-tested on numbers; the lowering patterns call it and put
// the results into tpu.Conv2D attributes and new weights. The worked numbers
// in docs/quantization.md come from these functions.
//
// Weights are [outChannels, inner] row-major (inner = cin/group · kh · kw).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CONVERSION_TOPTOTPU_WEIGHTQUANTIZATION_H
#define TPUC_CONVERSION_TOPTOTPU_WEIGHTQUANTIZATION_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace tpuc::lowering {

struct ConvQuantInput {
  /// [outChannels × inner] float weights.
  llvm::ArrayRef<float> weight;
  /// One per output channel, or empty.
  llvm::ArrayRef<float> bias;
  int64_t outChannels = 0;
  /// Activation scales and zero points (symmetric: zero points 0).
  double inScale = 1, outScale = 1;
  int64_t inZeroPoint = 0;
  /// QAT per-channel weight scales (the table's #weight_scale), or empty.
  llvm::ArrayRef<double> weightScales;
};

struct ConvQuantResult {
  /// [outChannels × inner] integer weights (int8 range).
  std::vector<int64_t> weight;
  /// int32 (BM1684X, CV18xx) or int16 (BM1684) bias; empty when none and no
  /// zero-point correction is needed.
  std::vector<int64_t> bias;
  /// One value per channel (BM1684X, CV18xx) or one per layer (BM1684).
  std::vector<int64_t> multiplier, rshift;
  /// The float scale of each channel's weights (for reports).
  std::vector<double> weightScale;
};

/// BM1684X: per output channel c, scale_w = max|W_c| / 127 (at least 1e-5,
/// or the QAT scale), W_q = round(W / scale_w) (half away from zero,
/// clamped to [-127, 127]), f = scale_w · inScale / outScale →
/// getScaleAndShift(f, 32), bias = round(b / (scale_w · inScale)) −
/// inZeroPoint · Σ W_q (int32, saturated).
ConvQuantResult quantizeConvBM1684X(const ConvQuantInput &in);

/// BM1684: per layer, rshift = calRightShiftNum(max|W|, inScale, outScale);
/// W_q = round(W · 2^rshift · inScale / outScale), multiplier 1, and an
/// int16 bias round(b · 2^rshift / outScale), where rshift is lowered while
/// more than 3 % of the bias values overflow int16 (the rest saturate).
/// Symmetric only (inZeroPoint must be 0). `ok` is false when no shift
/// fits (rshift < 0): the layer must stay float.
ConvQuantResult quantizeConvBM1684(const ConvQuantInput &in, bool &ok);

/// CV18xx (thresholds, symmetric): per channel, qscale = max|W_c| · thX /
/// (127 · thY) with thX = 127 · inScale and thY = 127 · outScale, clamped
/// below 1 (0.999999); raised to the bias's need when that is still < 1;
/// (multiplier, rshift) = quantizeMultiplier(qscale) (QDM, Q31 multiplier);
/// W_q = round_half_to_even(W · (thX / thY) · 2^(rshift + 31) / multiplier),
/// bias likewise with 127 / thY scaling, int32.
ConvQuantResult quantizeConvCV18xx(const ConvQuantInput &in);

} // namespace tpuc::lowering

#endif // TPUC_CONVERSION_TOPTOTPU_WEIGHTQUANTIZATION_H
