//===- PoolWindow.h - pooling window geometry -------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The geometry of a sliding pooling window along one spatial axis, shared by
// top.MaxPool / top.AvgPool and tpu.Pool2D so that their output sizes and
// windows cannot drift apart. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_POOLWINDOW_H
#define TPUC_KERNELS_POOLWINDOW_H

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tpuc::kernels {

/// The extent of a window of `kernel` taps spaced by `dilation`.
inline int64_t poolExtent(int64_t kernel, int64_t dilation) {
  return dilation * (kernel - 1) + 1;
}

/// The output size along one axis: (in + padBegin + padEnd - extent) /
/// stride + 1, rounded down, or up with `ceilMode`, where a last window that
/// would start inside the end padding is dropped (as PyTorch does). 0 when
/// the window does not fit in the padded input. Needs positive kernel,
/// stride and dilation and pads that are not negative.
inline int64_t poolOutputSize(int64_t in, int64_t kernel, int64_t stride,
                              int64_t dilation, int64_t padBegin,
                              int64_t padEnd, bool ceilMode) {
  int64_t extent = poolExtent(kernel, dilation);
  int64_t padded = in + padBegin + padEnd;
  if (padded < extent)
    return 0;
  int64_t out = ceilMode ? (padded - extent + stride - 1) / stride + 1
                         : (padded - extent) / stride + 1;
  // The last window must start inside the input or its begin padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

/// The window of one output position along one axis: the kernel taps
/// [first, last) that fall inside the input, the input index of tap 0
/// (`start`, negative in the begin padding), and the number of taps inside
/// the input extended by its pads (`padded`, the count_include_pad divisor;
/// the part of a ceil_mode window beyond the end padding is not counted).
struct PoolWindow {
  int64_t first, last, start, padded;
};

/// The windows of the `out` output positions along one axis.
inline std::vector<PoolWindow> poolWindows(int64_t in, int64_t out,
                                           int64_t kernel, int64_t stride,
                                           int64_t dilation, int64_t padBegin,
                                           int64_t padEnd) {
  std::vector<PoolWindow> result;
  result.reserve(out);
  for (int64_t o = 0; o < out; ++o) {
    PoolWindow w;
    w.start = o * stride - padBegin;
    // Taps t with 0 <= start + t * dilation < in.
    w.first = w.start >= 0 ? 0 : (-w.start + dilation - 1) / dilation;
    w.last = std::min(kernel, (in - w.start + dilation - 1) / dilation);
    w.last = std::max(w.last, w.first);
    // Taps inside [-padBegin, in + padEnd): the start is never before
    // -padBegin, so only the end can cut taps off.
    w.padded =
        std::min(kernel, (in + padEnd - w.start + dilation - 1) / dilation);
    result.push_back(w);
  }
  return result;
}

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_POOLWINDOW_H
