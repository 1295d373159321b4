//===- MatMulInt8.h - exact integer batched matmul --------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The integer sums of an INT8 matmul (numpy semantics, MatMulShape),
// exactly as int64 loops give them, computed with oneDNN's int8 matmul (u8
// source, s8 weights, s32 destination):
//
//   acc[b, m, n] = sum_k x[b, m, k] * W[b, k, n]
//
// with x the left codes (read from a float buffer: rounded half to even,
// NaN as 0, clamped to [qmin, qmax]; no zero point is subtracted) and W int8
// right codes, constant (given to create) or given to every run. Exactness
// on every CPU as for ConvInt8 (lib/Kernels/Int8Pieces.h): the primitive
// sees only values in [0, 128], the K dimension is split into ranges whose
// sums stay below 2^24, and the codes outside a 129-wide window are added
// separately. `create` refuses what it cannot guarantee (codes wider than
// 8 bits, sums possibly beyond int32, oneDNN's reference implementation).
// The shape's bias and ReLU fields are ignored.
//
// The work is split into tiles (a batch entry x a block of rows x a block of
// columns) from the shape alone, as MatMul does; each tile's accumulators go
// to an epilogue called on the worker threads.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_MATMULINT8_H
#define TPUC_KERNELS_MATMULINT8_H

#include "tpuc/Kernels/ConvInt8.h"
#include "tpuc/Kernels/MatMul.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace tpuc::kernels {

/// The accumulators of one tile of output batch entry `batch`: rows
/// [firstRow, firstRow + rows) x columns [firstColumn, firstColumn +
/// columns); the value of (firstRow + i, firstColumn + j) is
/// data[i * columns + j].
struct MatMulInt8Block {
  int64_t batch = 0;
  int64_t firstRow = 0, rows = 0, firstColumn = 0, columns = 0;
  const int32_t *data = nullptr;
};

/// The exact sums by plain int64 loops (the oracle of the tests): `rhs` as
/// stored (k x n, or n x k with rightTranspose, per right matrix), `acc`
/// batch x m x n.
void referenceMatMulInt8(const MatMulShape &shape, const Int8Source &source,
                         const float *lhs, const int8_t *rhs, int64_t *acc);

class MatMulInt8 {
public:
  /// Prepares the matmul of `shape`. `constantRhs` holds every right
  /// matrix as stored (copied), or is empty: the right matrices are then
  /// passed to each run.
  static llvm::Expected<std::unique_ptr<MatMulInt8>>
  create(const MatMulShape &shape, const Int8Source &source,
         llvm::ArrayRef<int8_t> constantRhs, const Int8Options &options = {});
  ~MatMulInt8();

  /// Computes the sums; `rhs` is ignored when the right matrices are
  /// constant. Every output element is handed to `epilogue` exactly once.
  llvm::Error
  run(const float *lhs, const int8_t *rhs,
      llvm::function_ref<void(const MatMulInt8Block &)> epilogue) const;

  /// The sums as a dense batch x m x n array.
  llvm::Error run(const float *lhs, const int8_t *rhs, int32_t *acc) const;

  const MatMulShape &getShape() const;
  /// The constant right matrices (empty when given per run).
  llvm::ArrayRef<int8_t> getConstantRhs() const;
  int64_t getNumChunks() const;
  /// The number of ranges K is split into.
  int64_t getNumRanges() const;
  /// As ConvInt8::Stats, for the last run.
  ConvInt8::Stats getLastStats() const;

private:
  struct Impl;
  explicit MatMulInt8(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_MATMULINT8_H
