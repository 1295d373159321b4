//===- TpuDialect.cpp - Tpu dialect registration --------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tpuc::tpu;

#include "tpuc/Dialect/Tpu/IR/TpuOpsDialect.cpp.inc"
#include "tpuc/Dialect/Tpu/IR/TpuOpsEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "tpuc/Dialect/Tpu/IR/TpuOpsAttributes.cpp.inc"

void TpuDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tpuc/Dialect/Tpu/IR/TpuOpsAttributes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "tpuc/Dialect/Tpu/IR/TpuOps.cpp.inc"
      >();
}

tpuc::quant::RoundMode tpuc::tpu::toQuantMath(RoundMode mode) {
  switch (mode) {
  case RoundMode::HalfAwayFromZero:
    return quant::RoundMode::HalfAwayFromZero;
  case RoundMode::HalfUp:
    return quant::RoundMode::HalfUp;
  case RoundMode::HalfDown:
    return quant::RoundMode::HalfDown;
  case RoundMode::HalfToEven:
    return quant::RoundMode::HalfToEven;
  case RoundMode::TowardsZero:
    return quant::RoundMode::TowardsZero;
  case RoundMode::Down:
    return quant::RoundMode::Down;
  case RoundMode::Up:
    return quant::RoundMode::Up;
  }
  return quant::RoundMode::HalfAwayFromZero;
}

tpuc::quant::QuantMode tpuc::tpu::toQuantMath(QuantMode mode) {
  switch (mode) {
  case QuantMode::MultiplierShift:
    return quant::QuantMode::MultiplierShift;
  case QuantMode::OnlyShift:
    return quant::QuantMode::OnlyShift;
  case QuantMode::QDM:
    return quant::QuantMode::Qdm;
  }
  return quant::QuantMode::MultiplierShift;
}
