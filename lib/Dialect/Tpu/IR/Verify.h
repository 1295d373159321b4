//===- Verify.h - checks shared by the Tpu op verifiers ---------*- C++ -*-===//
//
// Part of tpuc. Private to lib/Dialect/Tpu/IR (TpuOps.cpp, TpuExtraOps.cpp).
//
//===----------------------------------------------------------------------===//
//
// The verifiers hold the contract between the lowering and the bit-exact
// interpreter: an INT8 op has every requant attribute it needs, sized per
// channel or per tensor, with values the chips can hold; a float op has
// none, and its operands are what its TypeInterface asks for; a data
// movement keeps its input's element type.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_DIALECT_TPU_IR_VERIFY_H
#define TPUC_LIB_DIALECT_TPU_IR_VERIFY_H

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

#include <optional>

namespace tpuc::tpu::detail {

/// The element type of a shaped type (the type itself otherwise).
mlir::Type elementOf(mlir::Type type);
inline mlir::Type elementOf(mlir::Value value) {
  return elementOf(value.getType());
}
bool isQuantized(mlir::Type type);
/// Bits of an integer or quantized element type (0 for float / none).
unsigned integerBits(mlir::Type type);
bool isFloatElement(mlir::Type type);
/// The zero point of a `!quant.uniform` element type (0 for anything else).
int64_t zeroPointOf(mlir::Type type);
bool is8BitQuantized(mlir::Type type);
llvm::SmallVector<int64_t> toInts(mlir::ArrayAttr array);

/// Checks requant values the chip's registers hold: rshift in [-32, 63], a
/// multiplier that fits in int32, 1 with OnlyShift, not negative with QDM.
mlir::LogicalResult verifyRequantValues(mlir::Operation *op, QuantMode mode,
                                        llvm::ArrayRef<int64_t> multipliers,
                                        llvm::ArrayRef<int64_t> rshifts);
/// Checks an INT8 requant: present, equally long, one value or one per
/// channel (`unit` names a channel in the diagnostic; with `channels` 1
/// exactly one value is allowed), and values the chip's registers hold.
mlir::LogicalResult verifyRequant(mlir::Operation *op,
                                  std::optional<QuantMode> mode,
                                  mlir::ArrayAttr multiplier,
                                  mlir::ArrayAttr rshift, int64_t channels,
                                  llvm::StringRef multiplierName = "multiplier",
                                  llvm::StringRef rshiftName = "rshift",
                                  llvm::StringRef unit = "output channel");
/// A float op has no requant attributes, and its operands are what its
/// TypeInterface asks for (the result's float type).
mlir::LogicalResult verifyFloat(mlir::Operation *op,
                                llvm::ArrayRef<mlir::Attribute> requantAttrs);
mlir::LogicalResult requireRank(mlir::Operation *op, mlir::Value value,
                                int64_t rank, llvm::StringRef what);
/// A data movement keeps the element type (scale and zero point included):
/// its TypeInterface asks for the result's type.
mlir::LogicalResult verifySameElementType(mlir::Operation *op);
/// Ranked, statically shaped tensor types of `op`'s operand / result, or a
/// diagnostic naming it `what`.
mlir::FailureOr<mlir::RankedTensorType>
staticTensor(mlir::Operation *op, mlir::Value value, llvm::StringRef what);
/// Numpy broadcasting: the result's shape is the broadcast of the inputs'
/// (a lower-rank input aligned at the last dimension, each dimension equal
/// to the result's or 1).
mlir::LogicalResult verifyBroadcast(mlir::Operation *op,
                                    mlir::ValueRange inputs,
                                    mlir::Value output);
/// A float-only op: an f32 / f16 / bf16 result whose type every result
/// shares and every operand has (verifyFloat); `int8Form` says what INT8
/// does instead.
mlir::LogicalResult verifyFloatOnly(mlir::Operation *op,
                                    llvm::StringRef int8Form);
/// Whether `value` is exactly a value of the float type `type`.
bool isExactFloat(double value, mlir::Type type);

} // namespace tpuc::tpu::detail

#endif // TPUC_LIB_DIALECT_TPU_IR_VERIFY_H
