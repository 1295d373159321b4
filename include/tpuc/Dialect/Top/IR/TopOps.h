//===- TopOps.h - Top dialect -----------------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_TOPOPS_H
#define TPUC_DIALECT_TOP_IR_TOPOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tpuc/Interfaces/FlopsInterface.h"
#include "tpuc/Interfaces/InferenceInterface.h"
#include "tpuc/Interfaces/ShapeInterface.h"

namespace tpuc::trait {
/// Marks ops that carry `do_relu` / `relu_limit` and can absorb a following
/// ReLU.
template <typename ConcreteType>
class SupportFuseRelu
    : public mlir::OpTrait::TraitBase<ConcreteType, SupportFuseRelu> {};
} // namespace tpuc::trait

#include "tpuc/Dialect/Top/IR/TopOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "tpuc/Dialect/Top/IR/TopOps.h.inc"

#endif // TPUC_DIALECT_TOP_IR_TOPOPS_H
