//===- Reduce.h - reduction kernel ------------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 reductions of top.Reduce, shared with tpu.Reduce so that the float
// Tpu op computes the Top op's bits. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_REDUCE_H
#define TPUC_KERNELS_REDUCE_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace tpuc::kernels {

enum class ReduceMode {
  Mean,
  Sum,
  Max,
  Min,
  Prod,
  L1,        ///< Σ |x|
  L2,        ///< sqrt(Σ x²)
  SumSquare, ///< Σ x²
  LogSum,    ///< log(Σ x)
  LogSumExp, ///< max + log(Σ exp(x - max))
};

/// Reduces the dense row-major `in` of `shape` over the axes marked in
/// `reduced` (one flag per axis) into `out`, one value per element of the
/// kept axes in row-major order. Max and Min compare in f32 (std::max /
/// std::min from the first element); sums, products and the log-sum-exp
/// accumulate in double in the elements' row-major order; each result is
/// rounded to f32 once. Each output is computed by one chunk, so the result
/// does not depend on the thread count.
void reduce(const float *in, llvm::ArrayRef<int64_t> shape,
            llvm::ArrayRef<bool> reduced, ReduceMode mode, float *out);

/// top.Arg: for an input seen as [outer, dim, inner], the index (as f32) of
/// the largest (`max`) or smallest element along the middle axis, ties to
/// the first index, or to the last with `last` (compared in f32, so the
/// codes of one quantized type, which order as their values, give the
/// index of the quantized values' extreme).
void argExtreme(const float *in, float *out, int64_t outer, int64_t dim,
                int64_t inner, bool max, bool last);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_REDUCE_H
