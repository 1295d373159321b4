//===- Common.h - helpers shared by the Top op implementations --*- C++ -*-===//
//
// Part of tpuc. Private to lib/Dialect/Top.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_DIALECT_TOP_INTERFACES_COMMON_H
#define TPUC_LIB_DIALECT_TOP_INTERFACES_COMMON_H

#include "tpuc/Dialect/Top/IR/TopOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include <algorithm>

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

} // namespace tpuc::top

#endif // TPUC_LIB_DIALECT_TOP_INTERFACES_COMMON_H
