//===- Indexing.h - strided views and broadcasting for Tpu ops --*- C++ -*-===//
//
// Part of tpuc. Private to lib/Dialect/Tpu.
//
//===----------------------------------------------------------------------===//
//
// Index arithmetic shared by the data movements (Permute, Slice) and the
// broadcasting eltwise ops (Mul, Sub, Max, Min): row-major strides, numpy
// broadcast strides, a strided copy and a parallel walk over a result's
// elements that keeps every input's offset. The chunks depend on the shapes
// only, never on the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_DIALECT_TPU_INTERFACES_INDEXING_H
#define TPUC_LIB_DIALECT_TPU_INTERFACES_INDEXING_H

#include "Common.h"

#include <algorithm>
#include <cmath>

namespace tpuc::tpu {

/// Row-major strides of a shape.
inline llvm::SmallVector<int64_t>
rowMajorStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}

/// The strides of `shape` read through a numpy broadcast to `outShape` (a
/// lower rank aligned at the last dimension): 0 along broadcast axes.
inline llvm::SmallVector<int64_t>
broadcastStrides(llvm::ArrayRef<int64_t> shape,
                 llvm::ArrayRef<int64_t> outShape) {
  llvm::SmallVector<int64_t> own = rowMajorStrides(shape);
  llvm::SmallVector<int64_t> strides(outShape.size(), 0);
  size_t offset = outShape.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d)
    strides[offset + d] = shape[d] == 1 ? 0 : own[d];
  return strides;
}

/// Calls `fn(e, offsets)` for every element e of `outShape` (row-major),
/// with offsets[k] = Σ_d index_d · strides[k][d], in parallel chunks.
template <typename Fn>
void forEachElement(llvm::ArrayRef<int64_t> outShape,
                    llvm::ArrayRef<llvm::SmallVector<int64_t>> strides, Fn fn) {
  int64_t total = 1;
  for (int64_t d : outShape)
    total *= d;
  const size_t rank = outShape.size(), n = strides.size();
  parallelFor(0, total, chooseGrain(total, 4096), [&](int64_t lo, int64_t hi) {
    llvm::SmallVector<int64_t, 6> index(rank, 0);
    llvm::SmallVector<int64_t, 4> offsets(n, 0);
    for (size_t d = rank, rest = lo; d-- > 0;) {
      index[d] = static_cast<int64_t>(rest) % outShape[d];
      rest /= outShape[d];
      for (size_t k = 0; k < n; ++k)
        offsets[k] += index[d] * strides[k][d];
    }
    for (int64_t e = lo; e < hi; ++e) {
      fn(e, llvm::ArrayRef<int64_t>(offsets));
      for (size_t d = rank; d-- > 0;) {
        for (size_t k = 0; k < n; ++k)
          offsets[k] += strides[k][d];
        if (++index[d] < outShape[d])
          break;
        for (size_t k = 0; k < n; ++k)
          offsets[k] -= strides[k][d] * outShape[d];
        index[d] = 0;
      }
    }
  });
}

/// out[e] = in[offset + Σ_d index_d · strides[d]] over the elements of
/// `outShape`: a permutation, slice or broadcast of `in`, copied as is.
inline void stridedCopy(const float *in, int64_t offset,
                        llvm::ArrayRef<int64_t> outShape,
                        llvm::ArrayRef<int64_t> strides, float *out) {
  llvm::SmallVector<int64_t> own(strides.begin(), strides.end());
  forEachElement(outShape, {own}, [&](int64_t e, llvm::ArrayRef<int64_t> at) {
    out[e] = in[offset + at[0]];
  });
}

/// max and min that propagate NaN, as top.Max / top.Min (numpy's maximum and
/// minimum) do.
inline float nanMax(float a, float b) {
  return (a != a || b != b) ? NAN : std::max(a, b);
}
inline float nanMin(float a, float b) {
  return (a != a || b != b) ? NAN : std::min(a, b);
}

} // namespace tpuc::tpu

#endif // TPUC_LIB_DIALECT_TPU_INTERFACES_INDEXING_H
