//===- TpuOps.h - Tpu dialect -----------------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TPU_IR_TPUOPS_H
#define TPUC_DIALECT_TPU_IR_TPUOPS_H

#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Interfaces/InferenceInterface.h"
#include "tpuc/Interfaces/TypeInterface.h"
#include "tpuc/Kernels/MatMul.h"
#include "tpuc/Support/QuantMath.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "tpuc/Dialect/Tpu/IR/TpuOpsEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tpuc/Dialect/Tpu/IR/TpuOpsAttributes.h.inc"

#include "tpuc/Dialect/Tpu/IR/TpuOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "tpuc/Dialect/Tpu/IR/TpuOps.h.inc"

namespace tpuc::tpu {
/// The QuantMath enums of the attributes (same cases, same order).
quant::RoundMode toQuantMath(RoundMode mode);
quant::QuantMode toQuantMath(QuantMode mode);
} // namespace tpuc::tpu

#endif // TPUC_DIALECT_TPU_IR_TPUOPS_H
