//===- FlopsInterface.cpp - floating point operation count ----------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Interfaces/FlopsInterface.h"

#include "tpuc/Interfaces/FlopsInterface.cpp.inc"
