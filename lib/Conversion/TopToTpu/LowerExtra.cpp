//===- LowerExtra.cpp - Top to Tpu lowering of the remaining ops ----------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::lowering;

FailureOr<bool> tpuc::lowering::lowerExtraOp(Lowering &l, Operation *op) {
  (void)l;
  (void)op;
  return false;
}
