//===- TypeInterface.h - operand type requirements --------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_TYPEINTERFACE_H
#define TPUC_INTERFACES_TYPEINTERFACE_H

#include "mlir/IR/OpDefinition.h"

namespace tpuc {

/// What element type an operand of a Tpu op must have (TypeInterface).
enum class OperandRequirement {
  /// Prepared by the lowering (integer weights, tables, a cast's input).
  Any,
  /// The element type of the op's first result, exactly.
  SameAsResult,
  /// Some 8-bit `!quant.uniform` type; its scale is part of the arithmetic.
  Quantized8,
};

/// SameAsResult when the op's first result is float, Quantized8 when it is
/// quantized, Any otherwise.
OperandRequirement defaultOperandRequirement(mlir::Operation *op);

/// Whether `type` (a tensor type or element type) meets `requirement` for
/// an op whose first result has element type `resultElement`; none-typed
/// operands always do.
bool meetsRequirement(mlir::Type type, OperandRequirement requirement,
                      mlir::Type resultElement);

/// Checks every operand of `op` against its requirement: "operand #i type T
/// differs from the result's element type E (insert a tpu.Cast)" or "...
/// must be 8-bit quantized ...".
mlir::LogicalResult verifyOperandTypes(mlir::Operation *op);

} // namespace tpuc

#include "tpuc/Interfaces/TypeInterface.h.inc"

#endif // TPUC_INTERFACES_TYPEINTERFACE_H
