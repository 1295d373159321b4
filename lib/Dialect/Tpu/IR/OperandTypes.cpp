//===- OperandTypes.cpp - TypeInterface of the Tpu ops --------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The ops whose operands do not follow the TypeInterface's default (every
// operand in the result's float type, or any 8-bit quantized type for a
// quantized result). convert-top-to-tpu casts each operand to what is asked
// here; the verifiers check the details.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

namespace {
bool hasQuantizedResult(Operation *op) {
  return isa<mlir::quant::UniformQuantizedType>(
      cast<ShapedType>(op->getResult(0).getType()).getElementType());
}

/// INT8 filters / right matrices and int32 biases are produced by the
/// lowering in their final form; the input is 8-bit quantized. In a float
/// mode every operand is in the result's type.
OperandRequirement weightedOperand(Operation *op, unsigned index) {
  if (!hasQuantizedResult(op))
    return OperandRequirement::SameAsResult;
  return index == 0 ? OperandRequirement::Quantized8 : OperandRequirement::Any;
}
} // namespace

OperandRequirement Conv2DOp::getOperandRequirement(unsigned index) {
  return weightedOperand(*this, index);
}

OperandRequirement MatMulOp::getOperandRequirement(unsigned index) {
  // An INT8 product of two activations takes both quantized.
  if (index == 1 && hasQuantizedResult(*this) &&
      !getRight().getDefiningOp<top::WeightOp>())
    return OperandRequirement::Quantized8;
  return weightedOperand(*this, index);
}

OperandRequirement Pool2DOp::getOperandRequirement(unsigned) {
  // INT8 max pooling selects codes: its input has the result's type.
  if (hasQuantizedResult(*this) && getPoolMode() == PoolMode::Avg)
    return OperandRequirement::Quantized8;
  return OperandRequirement::SameAsResult;
}

OperandRequirement LutOp::getOperandRequirement(unsigned index) {
  return index == 0 ? OperandRequirement::Quantized8 : OperandRequirement::Any;
}

// The ops that define their operands' types themselves.
OperandRequirement RequantIntOp::getOperandRequirement(unsigned) {
  return OperandRequirement::Any;
}
OperandRequirement CastOp::getOperandRequirement(unsigned) {
  return OperandRequirement::Any;
}

// Data movements and INT8 max / min: the input's codes are the result's.
OperandRequirement ReshapeOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement PermuteOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement SliceOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement PadOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement UpsampleOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement MaxOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement MinOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
