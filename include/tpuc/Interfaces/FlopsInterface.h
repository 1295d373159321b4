//===- FlopsInterface.h - floating point operation count --------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_FLOPSINTERFACE_H
#define TPUC_INTERFACES_FLOPSINTERFACE_H

#include "mlir/IR/OpDefinition.h"

#include "tpuc/Interfaces/FlopsInterface.h.inc"

#endif // TPUC_INTERFACES_FLOPSINTERFACE_H
