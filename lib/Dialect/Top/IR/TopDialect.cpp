//===- TopDialect.cpp - Top dialect registration --------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/TopOps.h"

using namespace mlir;
using namespace tpuc::top;

#include "tpuc/Dialect/Top/IR/TopOpsDialect.cpp.inc"

void TopDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tpuc/Dialect/Top/IR/TopOps.cpp.inc"
      >();
}
