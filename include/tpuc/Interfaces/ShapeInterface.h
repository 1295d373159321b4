//===- ShapeInterface.h - result shape inference ----------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_SHAPEINTERFACE_H
#define TPUC_INTERFACES_SHAPEINTERFACE_H

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include "tpuc/Interfaces/ShapeInterface.h.inc"

namespace tpuc {

/// Returns the static shape of `value`, or failure (with a diagnostic at
/// `op`) when it is not a ranked tensor with static dimensions.
mlir::FailureOr<llvm::SmallVector<int64_t>>
getStaticShape(mlir::Operation *op, mlir::Value value);

/// Gives result `index` of `op` the ranked type `shape` (keeping the element
/// type) when it is unranked, or checks that its ranked type has that shape.
mlir::LogicalResult setResultShape(mlir::Operation *op, unsigned index,
                                   llvm::ArrayRef<int64_t> shape);

/// The numpy broadcast of two shapes; failure when they are incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Formats a shape as `[1, 3, 224, 224]` for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace tpuc

#endif // TPUC_INTERFACES_SHAPEINTERFACE_H
