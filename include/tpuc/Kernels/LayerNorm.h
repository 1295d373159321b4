//===- LayerNorm.h - layer normalization kernel -----------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Layer normalization in f32 over the trailing axes, shared by
// top.LayerNorm and tpu.LayerNorm so that the float Tpu op computes the Top
// op's bits. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_LAYERNORM_H
#define TPUC_KERNELS_LAYERNORM_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace tpuc::kernels {

/// `data` (row-major, shaped `shape`, which broadcasts to `target` as numpy
/// does without enlarging it) expanded to one value per element of
/// `target`; `fill` everywhere when `data` is null.
std::vector<float> expandTo(const float *data, llvm::ArrayRef<int64_t> shape,
                            llvm::ArrayRef<int64_t> target, float fill);

/// For each of the `outer` rows of `inner` values of `in`: the mean and
/// variance accumulated in double from the f32 values, `mean` and
/// `rstd = 1 / sqrt(variance + eps)` rounded to f32, and
/// `out = (x - mean)·rstd·scale[i] + bias[i]` in f32 (`scale` and `bias`
/// hold `inner` values, see expandTo). `mean` and `rstd` (one value per row)
/// may be null.
void layerNorm(const float *in, const float *scale, const float *bias,
               float *out, float *mean, float *rstd, int64_t outer,
               int64_t inner, double eps);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_LAYERNORM_H
