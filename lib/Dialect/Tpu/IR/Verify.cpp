//===- Verify.cpp - checks shared by the Tpu op verifiers -----------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Verify.h"

#include "tpuc/Interfaces/ShapeInterface.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstdint>

using namespace mlir;

namespace tpuc::tpu::detail {
Type elementOf(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return type;
}

bool isQuantized(Type type) {
  return isa<mlir::quant::UniformQuantizedType>(elementOf(type));
}

/// Bits of an integer or quantized element type (0 for float / none).
unsigned integerBits(Type type) {
  Type element = elementOf(type);
  if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(element))
    return q.getStorageTypeIntegralWidth();
  if (auto i = dyn_cast<IntegerType>(element))
    return i.getWidth();
  return 0;
}

bool isFloatElement(Type type) { return isa<FloatType>(elementOf(type)); }

/// The zero point of a `!quant.uniform` element type (0 for anything else).
int64_t zeroPointOf(Type type) {
  if (auto q = dyn_cast<mlir::quant::UniformQuantizedType>(elementOf(type)))
    return q.getZeroPoint();
  return 0;
}

bool is8BitQuantized(Type type) {
  return isQuantized(type) && integerBits(type) == 8;
}

SmallVector<int64_t> toInts(ArrayAttr array) {
  SmallVector<int64_t> values;
  if (array)
    for (Attribute a : array)
      values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// Checks requant values the chip's registers hold: rshift in [-32, 63], a
/// multiplier that fits in int32, 1 with OnlyShift, not negative with QDM.
LogicalResult verifyRequantValues(Operation *op, QuantMode mode,
                                  ArrayRef<int64_t> multipliers,
                                  ArrayRef<int64_t> rshifts) {
  for (auto [multiplierValue, shift] : llvm::zip(multipliers, rshifts)) {
    if (shift < -32 || shift > 63)
      return op->emitOpError("rshift ") << shift << " is outside [-32, 63]";
    if (mode == QuantMode::OnlyShift && multiplierValue != 1)
      return op->emitOpError("OnlyShift requant has multiplier ")
             << multiplierValue << ", must be 1";
    if (mode == QuantMode::QDM &&
        (multiplierValue < 0 || multiplierValue > INT32_MAX))
      return op->emitOpError("QDM multiplier ")
             << multiplierValue << " is outside [0, 2^31)";
    if (multiplierValue < INT32_MIN || multiplierValue > INT32_MAX)
      return op->emitOpError("multiplier ")
             << multiplierValue << " does not fit in int32";
  }
  return success();
}

/// Checks an INT8 requant: present, equally long, one value or one per
/// channel (`unit` names a channel in the diagnostic; with `channels` 1
/// exactly one value is allowed), and values the chip's registers hold.
LogicalResult verifyRequant(Operation *op, std::optional<QuantMode> mode,
                            ArrayAttr multiplier, ArrayAttr rshift,
                            int64_t channels, StringRef multiplierName,
                            StringRef rshiftName, StringRef unit) {
  if (!mode)
    return op->emitOpError("an INT8 result needs `quant_mode`");
  if (!multiplier || !rshift)
    return op->emitOpError("an INT8 result needs `")
           << multiplierName << "` and `" << rshiftName << "`";
  SmallVector<int64_t> m = toInts(multiplier), r = toInts(rshift);
  if (m.size() != r.size())
    return op->emitOpError("`")
           << multiplierName << "` has " << m.size() << " values but `"
           << rshiftName << "` has " << r.size();
  if (channels == 1 && m.size() != 1)
    return op->emitOpError("`")
           << multiplierName << "` must hold one value, got " << m.size();
  if (m.size() != 1 && static_cast<int64_t>(m.size()) != channels)
    return op->emitOpError("`")
           << multiplierName << "` must hold 1 or " << channels
           << " values (one per " << unit << "), got " << m.size();
  return verifyRequantValues(op, *mode, m, r);
}

/// A float op has no requant attributes, and its operands are what its
/// TypeInterface asks for (the result's float type).
LogicalResult verifyFloat(Operation *op, ArrayRef<Attribute> requantAttrs) {
  if (llvm::any_of(requantAttrs, [](Attribute a) { return bool(a); }))
    return op->emitOpError(
        "a float result takes no requant attributes (quant_mode, "
        "multiplier, rshift)");
  return tpuc::verifyOperandTypes(op);
}

LogicalResult requireRank(Operation *op, Value value, int64_t rank,
                          StringRef what) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != rank)
    return op->emitOpError() << what << " must be a rank-" << rank
                             << " tensor, got " << value.getType();
  return success();
}
/// A data movement keeps the element type (scale and zero point included):
/// its TypeInterface asks for the result's type.
LogicalResult verifySameElementType(Operation *op) {
  return tpuc::verifyOperandTypes(op);
}

/// Ranked, statically shaped tensor types of `op`'s operand / result, or a
/// diagnostic.
FailureOr<RankedTensorType> staticTensor(Operation *op, Value value,
                                         StringRef what) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return op->emitOpError() << what << " must be a statically shaped tensor, "
                             << "got " << value.getType();
  return type;
}

/// Numpy broadcasting: the result's shape is the broadcast of the inputs'
/// (a lower-rank input aligned at the last dimension, each dimension equal
/// to the result's or 1).
LogicalResult verifyBroadcast(Operation *op, ValueRange inputs, Value output) {
  FailureOr<RankedTensorType> out = staticTensor(op, output, "result");
  if (failed(out))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    FailureOr<RankedTensorType> type = staticTensor(op, input, "input");
    if (failed(type))
      return failure();
    FailureOr<SmallVector<int64_t>> merged = tpuc::broadcastShapes(
        i == 0 ? type->getShape() : ArrayRef<int64_t>(shape), type->getShape());
    if (failed(merged))
      return op->emitOpError("input shapes ")
             << tpuc::formatShape(shape) << " and "
             << tpuc::formatShape(type->getShape()) << " do not broadcast";
    shape = *merged;
  }
  if (ArrayRef<int64_t>(shape) != out->getShape())
    return op->emitOpError("result must have the broadcast shape ")
           << tpuc::formatShape(shape) << ", got " << output.getType();
  return success();
}

/// A float-only op: a float result whose type every operand and result
/// shares.
LogicalResult verifyFloatOnly(Operation *op, StringRef int8Form) {
  Type element = elementOf(op->getResult(0).getType());
  if (!isFloatElement(op->getResult(0).getType()))
    return op->emitOpError("result must be f32, f16 or bf16, got ")
           << op->getResult(0).getType() << " (" << int8Form << ")";
  for (Value result : op->getResults())
    if (elementOf(result.getType()) != element)
      return op->emitOpError("results must share one float type, got ")
             << result.getType();
  return verifyFloat(op, {});
}

/// Whether `value` is exactly a value of the float type `type`.
bool isExactFloat(double value, Type type) {
  float f = static_cast<float>(value);
  if (static_cast<double>(f) != value && !std::isnan(value))
    return false;
  if (type.isF16())
    return std::isnan(f) || tpuc::quant::roundToF16(f) == f;
  if (type.isBF16())
    return std::isnan(f) || tpuc::quant::roundToBF16(f) == f;
  return true;
}
} // namespace tpuc::tpu::detail
