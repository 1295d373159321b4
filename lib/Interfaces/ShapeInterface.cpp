//===- ShapeInterface.cpp - result shape inference ------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Interfaces/ShapeInterface.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

#include "tpuc/Interfaces/ShapeInterface.cpp.inc"

namespace tpuc {

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << '?';
        else
          os << d;
      },
      ", ");
  os << ']';
  return text;
}

FailureOr<SmallVector<int64_t>> getStaticShape(Operation *op, Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return op->emitOpError("needs operands of known static shape, got ")
           << value.getType();
  return SmallVector<int64_t>(type.getShape());
}

LogicalResult setResultShape(Operation *op, unsigned index,
                             ArrayRef<int64_t> shape) {
  Value result = op->getResult(index);
  auto type = dyn_cast<TensorType>(result.getType());
  if (!type)
    return op->emitOpError("result #") << index << " is not a tensor";
  for (int64_t d : shape)
    if (d < 0)
      return op->emitOpError("inferred an invalid result shape ")
             << formatShape(shape);
  if (auto ranked = dyn_cast<RankedTensorType>(type)) {
    bool same = ranked.getShape() == shape;
    // A ranked result may leave dimensions dynamic; they are refined.
    if (!same && ranked.getRank() == static_cast<int64_t>(shape.size())) {
      same = true;
      for (auto [have, want] : llvm::zip(ranked.getShape(), shape))
        if (!ShapedType::isDynamic(have) && have != want)
          same = false;
    }
    if (!same)
      return op->emitOpError("result #")
             << index << " has shape " << formatShape(ranked.getShape())
             << " but its operands give " << formatShape(shape);
  }
  result.setType(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

} // namespace tpuc
