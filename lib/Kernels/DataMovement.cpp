//===- DataMovement.cpp - copies, gathers and splits ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/DataMovement.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace tpuc;
using namespace tpuc::kernels;

namespace {
/// Chunk size of the parallel copies: large enough that a chunk amortizes
/// its start-up, independent of the thread count (the elementwise grain of
/// the Top ops).
constexpr int64_t kCopyGrain = 1 << 14;

llvm::SmallVector<int64_t, 8> rowMajorStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 8> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}
} // namespace

void kernels::stridedCopy(const float *in, int64_t offset,
                          llvm::ArrayRef<int64_t> outShape,
                          llvm::ArrayRef<int64_t> inStrides, float *out) {
  size_t rank = outShape.size();
  if (rank == 0) {
    out[0] = in[offset];
    return;
  }
  int64_t inner = outShape[rank - 1], step = inStrides[rank - 1];
  int64_t outer = 1;
  for (size_t d = 0; d + 1 < rank; ++d)
    outer *= outShape[d];
  int64_t grain = chooseGrain(
      outer, std::max<int64_t>(1, kCopyGrain / std::max<int64_t>(inner, 1)));
  parallelFor(0, outer, grain, [&](int64_t lo, int64_t hi) {
    // The index and input offset of row `lo`.
    llvm::SmallVector<int64_t, 8> index(rank - 1, 0);
    int64_t base = offset;
    for (int64_t d = static_cast<int64_t>(rank) - 2, r = lo; d >= 0; --d) {
      index[d] = r % outShape[d];
      r /= outShape[d];
      base += index[d] * inStrides[d];
    }
    for (int64_t o = lo; o < hi; ++o) {
      float *dst = out + o * inner;
      const float *src = in + base;
      if (step == 1)
        std::copy(src, src + inner, dst);
      else
        for (int64_t j = 0; j < inner; ++j)
          dst[j] = src[j * step];
      // Advance the row index, last dimension fastest.
      for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
        base += inStrides[d];
        if (++index[d] < outShape[d])
          break;
        base -= inStrides[d] * outShape[d];
        index[d] = 0;
      }
    }
  });
}

StridedView kernels::tileView(llvm::ArrayRef<int64_t> in,
                              llvm::ArrayRef<int64_t> tile) {
  llvm::SmallVector<int64_t, 8> strides = rowMajorStrides(in);
  StridedView view;
  for (size_t d = 0; d < in.size(); ++d) {
    view.shape.append({tile[d], in[d]});
    view.strides.append({0, strides[d]});
  }
  return view;
}

StridedView kernels::broadcastView(llvm::ArrayRef<int64_t> in,
                                   llvm::ArrayRef<int64_t> out) {
  llvm::SmallVector<int64_t, 8> own = rowMajorStrides(in);
  StridedView view;
  view.shape.assign(out.begin(), out.end());
  view.strides.assign(out.size(), 0);
  size_t offset = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d)
    view.strides[offset + d] = in[d] == 1 ? 0 : own[d];
  return view;
}

StridedView kernels::depth2SpaceView(llvm::ArrayRef<int64_t> in, int64_t b,
                                     bool crd, bool inverse) {
  int64_t n = in[0], c = in[1], h = in[2], w = in[3];
  llvm::SmallVector<int64_t, 8> view, order;
  if (!inverse) {
    int64_t oc = c / (b * b);
    // DCR: [n, b, b, oc, h, w] -> [n, oc, h, b, w, b].
    // CRD: [n, oc, b, b, h, w] -> [n, oc, h, b, w, b].
    view = crd ? llvm::SmallVector<int64_t, 8>{n, oc, b, b, h, w}
               : llvm::SmallVector<int64_t, 8>{n, b, b, oc, h, w};
    order = crd ? llvm::SmallVector<int64_t, 8>{0, 1, 4, 2, 5, 3}
                : llvm::SmallVector<int64_t, 8>{0, 3, 4, 1, 5, 2};
  } else {
    // [n, c, h/b, b, w/b, b] -> DCR: [n, b, b, c, h/b, w/b],
    //                           CRD: [n, c, b, b, h/b, w/b].
    view = {n, c, h / b, b, w / b, b};
    order = crd ? llvm::SmallVector<int64_t, 8>{0, 1, 3, 5, 2, 4}
                : llvm::SmallVector<int64_t, 8>{0, 3, 5, 1, 2, 4};
  }
  llvm::SmallVector<int64_t, 8> strides = rowMajorStrides(view);
  StridedView result;
  for (int64_t d : order) {
    result.shape.push_back(view[d]);
    result.strides.push_back(strides[d]);
  }
  return result;
}

int64_t kernels::resolveGatherIndices(const float *values, int64_t count,
                                      int64_t dim,
                                      std::vector<int64_t> &index) {
  index.assign(count, 0);
  for (int64_t j = 0; j < count; ++j) {
    float v = values[j];
    // Checked in float first: the cast of a NaN or a huge value is undefined.
    int64_t i =
        v >= -dim && v < dim ? static_cast<int64_t>(std::nearbyint(v)) : dim;
    if (i < -dim || i >= dim)
      return j;
    index[j] = i < 0 ? i + dim : i;
  }
  return -1;
}

void kernels::gather(const float *in, int64_t outer, int64_t dim, int64_t inner,
                     llvm::ArrayRef<int64_t> index, float *out) {
  int64_t count = index.size();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < count; ++j) {
      const float *src = in + (o * dim + index[j]) * inner;
      std::copy(src, src + inner, out + (o * count + j) * inner);
    }
}

void kernels::split(const float *in, int64_t outer, int64_t dim, int64_t inner,
                    llvm::ArrayRef<int64_t> sizes,
                    llvm::ArrayRef<float *> outs) {
  int64_t inChunk = dim * inner;
  int64_t offset = 0;
  for (auto [size, dst] : llvm::zip(sizes, outs)) {
    int64_t chunk = size * inner;
    for (int64_t o = 0; o < outer; ++o) {
      const float *src = in + o * inChunk + offset;
      std::copy(src, src + chunk, dst + o * chunk);
    }
    offset += chunk;
  }
}
