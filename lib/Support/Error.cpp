//===- Error.cpp - tpuc error helpers ---------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Error.h"

using namespace llvm;

Error tpuc::makeError(const Twine &what, const Twine &where) {
  return make_error<StringError>(what + ", " + where, inconvertibleErrorCode());
}
