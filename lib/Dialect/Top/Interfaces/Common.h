//===- Common.h - helpers shared by the Top op implementations --*- C++ -*-===//
//
// Part of tpuc. Private to lib/Dialect/Top.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_DIALECT_TOP_INTERFACES_COMMON_H
#define TPUC_LIB_DIALECT_TOP_INTERFACES_COMMON_H

#include "tpuc/Dialect/Top/IR/TopOps.h"

#include "tpuc/Kernels/DataMovement.h"
#include "tpuc/Support/Parallel.h"

#include "mlir/IR/BuiltinAttributes.h"
#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace tpuc::top {

/// The integers of an I64ArrayAttr.
inline llvm::SmallVector<int64_t> getIntegers(mlir::ArrayAttr attr) {
  llvm::SmallVector<int64_t> values;
  if (attr)
    for (mlir::Attribute a : attr)
      values.push_back(llvm::cast<mlir::IntegerAttr>(a).getInt());
  return values;
}

/// The floats of an F64ArrayAttr.
inline llvm::SmallVector<double> getFloats(mlir::ArrayAttr attr) {
  llvm::SmallVector<double> values;
  if (attr)
    for (mlir::Attribute a : attr)
      values.push_back(llvm::cast<mlir::FloatAttr>(a).getValueAsDouble());
  return values;
}

/// The static shape of a value's type; empty for none or unranked.
inline llvm::ArrayRef<int64_t> shapeOf(mlir::Value value) {
  if (auto type = llvm::dyn_cast<mlir::RankedTensorType>(value.getType()))
    return type.getShape();
  return {};
}

/// The element count of a statically shaped tensor value.
inline int64_t numElements(mlir::Value value) {
  int64_t n = 1;
  for (int64_t d : shapeOf(value))
    n *= d;
  return n;
}

/// A ranked type with static shape, or null.
inline mlir::RankedTensorType staticType(mlir::Value value) {
  auto type = llvm::dyn_cast<mlir::RankedTensorType>(value.getType());
  return type && type.hasStaticShape() ? type : nullptr;
}

/// Checks that `relu_limit` is -1 (no cap) or positive.
inline mlir::LogicalResult verifyReluLimit(mlir::Operation *op,
                                           double limit) {
  if (limit != -1.0 && !(limit > 0.0))
    return op->emitOpError("relu_limit must be positive or -1 (no limit), got ")
           << limit;
  return mlir::success();
}

/// The integers of an optional I64ArrayAttr; `size` copies of `fill` when
/// it is absent.
inline llvm::SmallVector<int64_t>
getIntegersOr(std::optional<mlir::ArrayAttr> attr, size_t size,
              int64_t fill) {
  if (attr)
    return getIntegers(*attr);
  return llvm::SmallVector<int64_t>(size, fill);
}

/// Checks the window attributes shared by the convolutions and the pools:
/// 1 or 2 positive kernel entries, as many positive strides, begin-then-end
/// pads that are not negative and, when `hasDilations` (the attribute is
/// given), as many positive dilations.
inline mlir::LogicalResult
verifyWindowAttrs(mlir::Operation *op, llvm::ArrayRef<int64_t> kernel,
                  llvm::ArrayRef<int64_t> strides,
                  llvm::ArrayRef<int64_t> pads,
                  llvm::ArrayRef<int64_t> dilations, bool hasDilations) {
  size_t k = kernel.size();
  if (k != 1 && k != 2)
    return op->emitOpError("kernel_shape must have 1 or 2 entries, got ") << k;
  if (llvm::any_of(kernel, [](int64_t v) { return v <= 0; }))
    return op->emitOpError("kernel_shape entries must be positive");
  if (strides.size() != k)
    return op->emitOpError("strides must have ")
           << k << " entries, got " << strides.size();
  if (llvm::any_of(strides, [](int64_t v) { return v <= 0; }))
    return op->emitOpError("strides must be positive");
  if (pads.size() != 2 * k)
    return op->emitOpError("pads must have ")
           << 2 * k << " entries (begins, then ends), got " << pads.size();
  if (llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return op->emitOpError("pads must not be negative");
  if (hasDilations) {
    if (dilations.size() != k)
      return op->emitOpError("dilations must have ")
             << k << " entries, got " << dilations.size();
    if (llvm::any_of(dilations, [](int64_t v) { return v <= 0; }))
      return op->emitOpError("dilations must be positive");
  }
  return mlir::success();
}

/// Checks the input and filter shapes of a `k`-D (de)convolution against its
/// rank and `kernel`; `what` names the op kind ("convolution"). Dimensions
/// not known yet are not checked.
inline mlir::LogicalResult verifyConvOperandRanks(mlir::Operation *op,
                                                  llvm::ArrayRef<int64_t> in,
                                                  llvm::ArrayRef<int64_t> w,
                                                  llvm::ArrayRef<int64_t> kernel,
                                                  llvm::StringRef what) {
  size_t k = kernel.size();
  if (!in.empty() && in.size() != k + 2)
    return op->emitOpError("input must have rank ")
           << k + 2 << " for a " << k << "-D " << what << ", got rank "
           << in.size();
  if (w.empty())
    return mlir::success();
  if (w.size() != k + 2)
    return op->emitOpError("filter must have rank ")
           << k + 2 << " for a " << k << "-D " << what << ", got rank "
           << w.size();
  for (size_t i = 0; i < k; ++i)
    if (!mlir::ShapedType::isDynamic(w[2 + i]) && w[2 + i] != kernel[i])
      return op->emitOpError("filter shape ")
             << formatShape(w) << " does not match kernel_shape "
             << formatShape(kernel);
  return mlir::success();
}

/// Checks that `bias` (when it has a shape) holds `channels` elements.
inline mlir::LogicalResult verifyBiasSize(mlir::Operation *op,
                                          mlir::Value bias, int64_t channels) {
  llvm::ArrayRef<int64_t> b = shapeOf(bias);
  if (b.empty())
    return mlir::success();
  int64_t n = 1;
  for (int64_t d : b)
    n *= d;
  if (n != channels)
    return op->emitOpError("bias has ")
           << n << " elements but there are " << channels
           << " output channels";
  return mlir::success();
}

/// Applies the fused ReLU of an op to `n` values in place.
inline void applyRelu(float *data, int64_t n, bool doRelu, double limit) {
  if (!doRelu)
    return;
  float cap = static_cast<float>(limit);
  for (int64_t i = 0; i < n; ++i) {
    float v = std::max(data[i], 0.0f);
    data[i] = limit > 0.0 ? std::min(v, cap) : v;
  }
}

/// Row-major strides of a shape.
inline llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Strides of `shape` seen through a numpy broadcast to `outShape`: 0 along
/// broadcast axes.
inline llvm::SmallVector<int64_t>
broadcastStrides(llvm::ArrayRef<int64_t> shape,
                 llvm::ArrayRef<int64_t> outShape) {
  llvm::SmallVector<int64_t> own = stridesOf(shape);
  llvm::SmallVector<int64_t> strides(outShape.size(), 0);
  size_t offset = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    strides[offset + i] = shape[i] == 1 ? 0 : own[i];
  return strides;
}

//===----------------------------------------------------------------------===//
// Elementwise ops: numpy broadcasting and element maps
//===----------------------------------------------------------------------===//

/// Checks that the shapes of `values` broadcast together as numpy does.
/// Succeeds without checking when one of them is not statically shaped (shape
/// inference checks again once it is).
inline mlir::LogicalResult verifyBroadcastable(mlir::Operation *op,
                                               mlir::ValueRange values) {
  llvm::SmallVector<int64_t> shape;
  for (auto [i, value] : llvm::enumerate(values)) {
    auto type = staticType(value);
    if (!type)
      return mlir::success();
    mlir::FailureOr<llvm::SmallVector<int64_t>> merged =
        broadcastShapes(i == 0 ? type.getShape() : llvm::ArrayRef(shape),
                        type.getShape());
    if (mlir::failed(merged))
      return op->emitOpError("input shapes ")
             << formatShape(shape) << " and " << formatShape(type.getShape())
             << " do not broadcast";
    shape = *merged;
  }
  return mlir::success();
}

/// The numpy broadcast of the static shapes of `values`; failure, with a
/// diagnostic at `op`, when one is not static or they do not broadcast.
inline mlir::FailureOr<llvm::SmallVector<int64_t>>
inferBroadcastShape(mlir::Operation *op, mlir::ValueRange values) {
  llvm::SmallVector<int64_t> shape;
  for (auto [i, value] : llvm::enumerate(values)) {
    mlir::FailureOr<llvm::SmallVector<int64_t>> s = getStaticShape(op, value);
    if (mlir::failed(s))
      return mlir::failure();
    mlir::FailureOr<llvm::SmallVector<int64_t>> merged =
        broadcastShapes(i == 0 ? llvm::ArrayRef(*s) : llvm::ArrayRef(shape),
                        *s);
    if (mlir::failed(merged))
      return op->emitOpError("input shapes ")
             << formatShape(shape) << " and " << formatShape(*s)
             << " do not broadcast";
    shape = *merged;
  }
  return shape;
}

/// Gives result 0 of `op` the numpy broadcast of the shapes of `values`.
inline mlir::LogicalResult inferBroadcastResult(mlir::Operation *op,
                                                mlir::ValueRange values) {
  mlir::FailureOr<llvm::SmallVector<int64_t>> shape =
      inferBroadcastShape(op, values);
  if (mlir::failed(shape))
    return mlir::failure();
  return setResultShape(op, 0, *shape);
}

/// Gives result 0 of `op` the static shape of `input`.
inline mlir::LogicalResult inferSameShape(mlir::Operation *op,
                                          mlir::Value input) {
  mlir::FailureOr<llvm::SmallVector<int64_t>> shape =
      getStaticShape(op, input);
  if (mlir::failed(shape))
    return mlir::failure();
  return setResultShape(op, 0, *shape);
}

/// Chunk size of the parallel elementwise loops: large enough that a chunk
/// amortizes its start-up, independent of the thread count.
inline constexpr int64_t kElementwiseGrain = 1 << 14;

/// `out[i] = fn(in[i])` for `n` elements, in parallel chunks.
template <typename Fn>
void mapElements(const float *in, float *out, int64_t n, Fn fn) {
  parallelFor(0, n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      out[i] = fn(in[i]);
  });
}

namespace detail {
/// out[i] = fn(in_0[..], ...) for `count` elements, where input k is read at
/// [i] or, when bit k of `Broadcast` is set, at [0]. The pattern is a
/// compile-time constant so that the loop vectorizes.
template <unsigned Broadcast, typename Fn, size_t N, size_t... K>
void mapStretch(Fn &fn, float *out, const std::array<const float *, N> &ptr,
                int64_t count, std::index_sequence<K...>) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = fn(ptr[K][((Broadcast >> K) & 1u) ? 0 : i]...);
}

/// Calls mapStretch with the broadcast pattern `broadcast` (one of 2^N).
template <typename Fn, size_t N, unsigned... Patterns>
void mapStretchDispatch(unsigned broadcast, Fn &fn, float *out,
                        const std::array<const float *, N> &ptr,
                        int64_t count,
                        std::integer_sequence<unsigned, Patterns...>) {
  ((broadcast == Patterns
        ? mapStretch<Patterns>(fn, out, ptr, count,
                               std::make_index_sequence<N>())
        : void()),
   ...);
}
} // namespace detail

/// `out[e] = fn(in_0[..], ..., in_{N-1}[..])` over every element `e` of
/// `outShape`, each input read at the index that numpy broadcasting maps `e`
/// to. `shapes[k]` is the shape of `inputs[k]`; each must broadcast to
/// `outShape`. An input may alias `out` when its shape is `outShape`.
/// Adjacent axes that every input reads the same way are merged first, so
/// the inner loop runs over the longest possible contiguous (or constant)
/// stretch; the split into parallel chunks does not depend on the thread
/// count.
template <size_t N, typename Fn>
void broadcastElements(const std::array<const float *, N> &inputs,
                       const std::array<llvm::ArrayRef<int64_t>, N> &shapes,
                       llvm::ArrayRef<int64_t> outShape, float *out, Fn fn) {
  // Collapse the axes: drop size-1 output axes, merge an axis into the next
  // one when every input's stride continues across the boundary.
  std::array<llvm::SmallVector<int64_t>, N> full;
  for (size_t k = 0; k < N; ++k)
    full[k] = broadcastStrides(shapes[k], outShape);
  llvm::SmallVector<int64_t> dims;
  std::array<llvm::SmallVector<int64_t>, N> strides;
  for (size_t d = 0; d < outShape.size(); ++d) {
    if (outShape[d] == 1)
      continue;
    bool merge = !dims.empty();
    for (size_t k = 0; k < N && merge; ++k)
      merge = strides[k].back() == full[k][d] * outShape[d];
    if (merge) {
      dims.back() *= outShape[d];
      for (size_t k = 0; k < N; ++k)
        strides[k].back() = full[k][d];
      continue;
    }
    dims.push_back(outShape[d]);
    for (size_t k = 0; k < N; ++k)
      strides[k].push_back(full[k][d]);
  }
  if (dims.empty()) {
    dims.push_back(1);
    for (size_t k = 0; k < N; ++k)
      strides[k].push_back(0);
  }
  int64_t rank = dims.size();
  int64_t inner = dims.back();
  int64_t total = 1;
  for (int64_t d : dims)
    total *= d;
  // Along the innermost axis every input is either contiguous (stride 1) or
  // broadcast (stride 0).
  unsigned broadcast = 0;
  for (size_t k = 0; k < N; ++k)
    if (strides[k].back() == 0)
      broadcast |= 1u << k;

  parallelFor(0, total, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
    // The multi-index of `lo` and the input offsets it maps to.
    llvm::SmallVector<int64_t> index(rank, 0);
    std::array<int64_t, N> offset{};
    int64_t rest = lo;
    for (int64_t d = rank - 1; d >= 0; --d) {
      index[d] = rest % dims[d];
      rest /= dims[d];
      for (size_t k = 0; k < N; ++k)
        offset[k] += index[d] * strides[k][d];
    }
    int64_t e = lo;
    while (e < hi) {
      int64_t count = std::min(inner - index[rank - 1], hi - e);
      float *o = out + e;
      std::array<const float *, N> ptr;
      for (size_t k = 0; k < N; ++k)
        ptr[k] = inputs[k] + offset[k];
      detail::mapStretchDispatch(
          broadcast, fn, o, ptr, count,
          std::make_integer_sequence<unsigned, (1u << N)>());
      e += count;
      // Advance the multi-index past the stretch just done.
      for (size_t k = 0; k < N; ++k)
        offset[k] += count * strides[k][rank - 1];
      index[rank - 1] += count;
      for (int64_t d = rank - 1; d > 0 && index[d] == dims[d]; --d) {
        index[d] = 0;
        ++index[d - 1];
        for (size_t k = 0; k < N; ++k)
          offset[k] += strides[k][d - 1] - dims[d] * strides[k][d];
      }
    }
  });
}

/// `axis` (negative counts from the end) as an index into `rank`
/// dimensions; failure with a diagnostic at `op` naming `what` when it is
/// outside [-rank, rank).
inline mlir::FailureOr<int64_t> normalizeAxis(mlir::Operation *op,
                                              int64_t axis, int64_t rank,
                                              llvm::StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return op->emitOpError() << what << " " << axis
                             << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

/// A shape seen as [outer, shape[axis], inner] around one axis.
struct AxisExtents {
  int64_t axis;  ///< The axis, from 0.
  int64_t outer; ///< The product of the dimensions before it.
  int64_t inner; ///< The product of the dimensions after it.
};

/// The extents of `shape` around `axis` (negative counts from the end; the
/// verifier has checked it is in range).
inline AxisExtents axisExtents(llvm::ArrayRef<int64_t> shape, int64_t axis) {
  int64_t rank = shape.size();
  if (axis < 0)
    axis += rank;
  AxisExtents e{axis, 1, 1};
  for (int64_t d = 0; d < axis; ++d)
    e.outer *= shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    e.inner *= shape[d];
  return e;
}

/// Copies a strided view of `in` into the dense row-major `out`:
/// out[i_0, ..., i_k] = in[offset + sum_d i_d * inStrides[d]]. Strides may be
/// 0 (broadcast) or negative (reversed axis). Permutes, slices, tiles and
/// broadcasts are all such views. The kernel is shared with the Tpu data
/// movements (tpuc/Kernels/DataMovement.h).
inline void stridedCopy(const float *in, int64_t offset,
                        llvm::ArrayRef<int64_t> outShape,
                        llvm::ArrayRef<int64_t> inStrides, float *out) {
  kernels::stridedCopy(in, offset, outShape, inStrides, out);
}

/// Whether `value` is used by a terminator (returned by its function). A
/// fold that replaces such a value by its operand would lose the name the
/// framework gave that output tensor.
inline bool isReturned(mlir::Value value) {
  return llvm::any_of(value.getUsers(), [](mlir::Operation *user) {
    return user->hasTrait<mlir::OpTrait::IsTerminator>();
  });
}

} // namespace tpuc::top

#endif // TPUC_LIB_DIALECT_TOP_INTERFACES_COMMON_H
