//===- Reduce.cpp - reduction kernel --------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Reduce.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>

using namespace tpuc;
using namespace tpuc::kernels;

namespace {
constexpr int64_t kGrain = 1 << 14;

/// The input offsets of the reduced sub-tensor at output position 0, and
/// for the kept axes the shape and input strides, in output order.
void reductionOffsets(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<bool> reduced,
                      llvm::SmallVectorImpl<int64_t> &offsets,
                      llvm::SmallVectorImpl<int64_t> &keptShape,
                      llvm::SmallVectorImpl<int64_t> &keptStrides) {
  llvm::SmallVector<int64_t> strides(in.size(), 1);
  for (size_t d = in.size(); d-- > 1;)
    strides[d - 1] = strides[d] * in[d];
  offsets.assign(1, 0);
  for (size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d]) {
      keptShape.push_back(in[d]);
      keptStrides.push_back(strides[d]);
      continue;
    }
    llvm::SmallVector<int64_t> grown;
    for (int64_t o : offsets)
      for (int64_t i = 0; i < in[d]; ++i)
        grown.push_back(o + i * strides[d]);
    offsets.swap(grown);
  }
}

/// The input offset of each output element (over the kept axes).
llvm::SmallVector<int64_t> baseOffsets(llvm::ArrayRef<int64_t> keptShape,
                                       llvm::ArrayRef<int64_t> keptStrides) {
  int64_t n = 1;
  for (int64_t d : keptShape)
    n *= d;
  llvm::SmallVector<int64_t> bases(n);
  llvm::SmallVector<int64_t> index(keptShape.size(), 0);
  int64_t base = 0;
  for (int64_t e = 0; e < n; ++e) {
    bases[e] = base;
    for (int64_t d = static_cast<int64_t>(keptShape.size()) - 1; d >= 0; --d) {
      base += keptStrides[d];
      if (++index[d] < keptShape[d])
        break;
      base -= keptStrides[d] * keptShape[d];
      index[d] = 0;
    }
  }
  return bases;
}
} // namespace

void kernels::reduce(const float *x, llvm::ArrayRef<int64_t> in,
                     llvm::ArrayRef<bool> reduced, ReduceMode mode,
                     float *out) {
  llvm::SmallVector<int64_t> offsets, keptShape, keptStrides;
  reductionOffsets(in, reduced, offsets, keptShape, keptStrides);
  llvm::SmallVector<int64_t> bases = baseOffsets(keptShape, keptStrides);
  int64_t count = offsets.size();
  int64_t outputs = bases.size();
  int64_t grain = chooseGrain(
      outputs, std::max<int64_t>(1, kGrain / std::max<int64_t>(count, 1)));
  // Each output is reduced in a fixed order by one chunk: deterministic.
  parallelFor(0, outputs, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      const float *src = x + bases[e];
      double r;
      switch (mode) {
      case ReduceMode::Max:
      case ReduceMode::Min: {
        bool max = mode == ReduceMode::Max;
        float m = src[offsets[0]];
        for (int64_t k = 1; k < count; ++k) {
          float v = src[offsets[k]];
          m = max ? std::max(m, v) : std::min(m, v);
        }
        r = m;
        break;
      }
      case ReduceMode::Prod:
        r = 1.0;
        for (int64_t k = 0; k < count; ++k)
          r *= src[offsets[k]];
        break;
      case ReduceMode::LogSumExp: {
        float m = src[offsets[0]];
        for (int64_t k = 1; k < count; ++k)
          m = std::max(m, src[offsets[k]]);
        double sum = 0.0;
        for (int64_t k = 0; k < count; ++k)
          sum += std::exp(double(src[offsets[k]]) - double(m));
        r = std::isinf(m) ? double(m) : double(m) + std::log(sum);
        break;
      }
      default: {
        double sum = 0.0;
        if (mode == ReduceMode::L1)
          for (int64_t k = 0; k < count; ++k)
            sum += std::fabs(src[offsets[k]]);
        else if (mode == ReduceMode::L2 || mode == ReduceMode::SumSquare)
          for (int64_t k = 0; k < count; ++k)
            sum += double(src[offsets[k]]) * src[offsets[k]];
        else
          for (int64_t k = 0; k < count; ++k)
            sum += src[offsets[k]];
        if (mode == ReduceMode::Mean)
          r = sum / count;
        else if (mode == ReduceMode::L2)
          r = std::sqrt(sum);
        else if (mode == ReduceMode::LogSum)
          r = std::log(sum);
        else
          r = sum;
        break;
      }
      }
      out[e] = static_cast<float>(r);
    }
  });
}

void kernels::argExtreme(const float *in, float *out, int64_t outer,
                         int64_t dim, int64_t inner, bool max, bool last) {
  int64_t grain = chooseGrain(
      outer * inner, std::max<int64_t>(1, kGrain / std::max<int64_t>(dim, 1)));
  parallelFor(0, outer * inner, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      int64_t o = e / inner, i = e % inner;
      const float *src = in + o * dim * inner + i;
      int64_t best = 0;
      float value = src[0];
      for (int64_t k = 1; k < dim; ++k) {
        float v = src[k * inner];
        bool better = max ? (v > value || (last && v == value))
                          : (v < value || (last && v == value));
        if (better) {
          best = k;
          value = v;
        }
      }
      out[e] = static_cast<float>(best);
    }
  });
}
