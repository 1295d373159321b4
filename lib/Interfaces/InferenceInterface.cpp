//===- InferenceInterface.cpp - float/integer op evaluation ---------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Interfaces/InferenceInterface.h"

#include "tpuc/Interfaces/InferenceInterface.cpp.inc"
