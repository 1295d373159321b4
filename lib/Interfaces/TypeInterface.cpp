//===- TypeInterface.cpp - operand type requirements ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Interfaces/TypeInterface.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

#include "tpuc/Interfaces/TypeInterface.cpp.inc"

namespace {
Type elementOf(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return type;
}
} // namespace

tpuc::OperandRequirement tpuc::defaultOperandRequirement(Operation *op) {
  if (op->getNumResults() == 0)
    return OperandRequirement::Any;
  Type element = elementOf(op->getResult(0).getType());
  if (isa<FloatType>(element))
    return OperandRequirement::SameAsResult;
  if (isa<quant::UniformQuantizedType>(element))
    return OperandRequirement::Quantized8;
  return OperandRequirement::Any;
}

bool tpuc::meetsRequirement(Type type, OperandRequirement requirement,
                            Type resultElement) {
  if (isa<NoneType>(type))
    return true;
  Type element = elementOf(type);
  switch (requirement) {
  case OperandRequirement::Any:
    return true;
  case OperandRequirement::SameAsResult:
    return element == resultElement;
  case OperandRequirement::Quantized8: {
    auto q = dyn_cast<quant::UniformQuantizedType>(element);
    return q && q.getStorageTypeIntegralWidth() == 8;
  }
  }
  return false;
}

LogicalResult tpuc::verifyOperandTypes(Operation *op) {
  auto typed = dyn_cast<TypeInterface>(op);
  if (!typed || op->getNumResults() == 0)
    return success();
  Type resultElement = elementOf(op->getResult(0).getType());
  for (OpOperand &operand : op->getOpOperands()) {
    unsigned index = operand.getOperandNumber();
    OperandRequirement requirement = typed.getOperandRequirement(index);
    Type type = operand.get().getType();
    if (meetsRequirement(type, requirement, resultElement))
      continue;
    if (requirement == OperandRequirement::SameAsResult)
      return op->emitOpError("operand type ")
             << type << " differs from the result's element type "
             << resultElement << " (insert a tpu.Cast)";
    return op->emitOpError("operand #")
           << index << " must be an 8-bit quantized tensor, got " << type;
  }
  return success();
}
