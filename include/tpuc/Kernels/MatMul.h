//===- MatMul.h - batched matrix product kernels ----------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// numpy-style batched matmul on dense row-major buffers: a oneDNN-backed
// kernel for inference and a plain loop accumulating in double as the test
// oracle.
//
// MatMul splits the work into tiles (one batch entry x a block of rows x a
// block of columns) chosen from the shape alone, runs one single-threaded
// oneDNN primitive per tile and spreads the tiles over tpuc::parallelFor's
// threads, so its results do not depend on the number of threads.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_MATMUL_H
#define TPUC_KERNELS_MATMUL_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace tpuc::kernels {

/// out[b] = lhs[b] (m x k) x rhs[b] (k x n) (+ bias), for every index b of
/// the broadcast batch dims. `lhsBatch` / `rhsBatch` are the operands' own
/// batch dims (right-aligned against `batch`, 1 or equal to it on every
/// axis); an operand without batch dims is shared by every batch entry.
struct MatMulShape {
  std::vector<int64_t> batch, lhsBatch, rhsBatch;
  int64_t m = 1, k = 1, n = 1;
  /// The right matrices are stored as n x k.
  bool rightTranspose = false;
  /// 0: no bias; 1: one value added everywhere; n: one value per column.
  int64_t biasSize = 0;
  /// Apply ReLU to the result, capped at `reluLimit` when it is positive.
  bool doRelu = false;
  double reluLimit = -1.0;
};

/// Checks sizes, the batch broadcast and the bias size.
llvm::Error checkMatMulShape(const MatMulShape &shape);

/// The reference: sums accumulated in double, then the fused ReLU.
void referenceMatMul(const MatMulShape &shape, const float *lhs,
                     const float *rhs, const float *bias, float *output);

/// A matmul built once for a shape and run many times.
class MatMul {
public:
  static llvm::Expected<std::unique_ptr<MatMul>>
  create(const MatMulShape &shape);
  ~MatMul();

  /// Computes `output`; `bias` is read only when the shape has one.
  llvm::Error run(const float *lhs, const float *rhs, const float *bias,
                  float *output) const;

  const MatMulShape &getShape() const;
  /// The number of tiles one run is split into (a function of the shape).
  int64_t getNumChunks() const;

private:
  struct Impl;
  explicit MatMul(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_MATMUL_H
