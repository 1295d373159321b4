//===- Normalization.h - instance, local response, Lp norms -----*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 normalizations of top.InstanceNorm, top.LRN and top.LpNorm,
// shared with their float Tpu forms so that the Tpu ops compute the Top
// ops' bits. Plain C++ (no MLIR). Each plane or row is computed by one
// chunk, so the results do not depend on the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_NORMALIZATION_H
#define TPUC_KERNELS_NORMALIZATION_H

#include <cstdint>

namespace tpuc::kernels {

/// For each of the `planes` planes of `inner` values of `in` (plane p is
/// channel p % channels): mean and population variance accumulated in
/// double, then `out = x·s + b` in f32 with s = rstd·scale[c] and
/// b = bias[c] - mean·s each rounded to f32 (rstd = 1 / sqrt(var + eps);
/// `scale` / `bias` may be null: 1 and 0).
void instanceNorm(const float *in, const float *scale, const float *bias,
                  float *out, int64_t planes, int64_t channels, int64_t inner,
                  double eps);

/// Local response normalization across the channels of an input seen as
/// [batch, channels, inner]: out = x / (bias + alpha/size·Σ x_c'²)^beta,
/// the squares summed in f32 over the channels c - floor((size-1)/2) to
/// c + ceil((size-1)/2) that exist, in increasing order, the power taken in
/// double.
void lrn(const float *in, float *out, int64_t batch, int64_t channels,
         int64_t inner, int64_t size, double alpha, double beta, double bias);

/// Divides every vector along the middle axis of an input seen as
/// [outer, n, inner] by its L1 (`p` 1) or L2 (`p` 2) norm, accumulated in
/// double; a zero vector stays zero.
void lpNorm(const float *in, float *out, int64_t outer, int64_t n,
            int64_t inner, int64_t p);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_NORMALIZATION_H
