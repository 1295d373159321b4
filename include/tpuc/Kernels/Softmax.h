//===- Softmax.h - softmax kernel -------------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Softmax and log-softmax in f32 along the middle axis of an
// `outer x n x inner` buffer, shared by top.Softmax and tpu.Softmax so that
// the float Tpu op computes the Top op's bits. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_SOFTMAX_H
#define TPUC_KERNELS_SOFTMAX_H

#include <cstdint>

namespace tpuc::kernels {

/// `out = exp(x - max) / sum(exp(x - max))` over each run of `n` elements
/// `inner` apart (with `log`: `(x - max) - log(sum)`), for the `outer x
/// inner` runs of the dense row-major `in`. The maximum is subtracted so
/// large inputs do not overflow; exp is a vectorisable polynomial accurate to
/// about one ulp; sums run in a fixed order (8 lanes, then the lanes
/// combined), so the result depends neither on the compiler's vectoriser nor
/// on the thread count.
void softmax(const float *in, float *out, int64_t outer, int64_t n,
             int64_t inner, bool log);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_SOFTMAX_H
