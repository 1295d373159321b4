//===- Error.h - tpuc error helpers -----------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Recoverable failures in tpuc are llvm::Error values whose message reads
// "<what>, <where>"; the tools print them as "error: <message>" and exit 1.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_ERROR_H
#define TPUC_SUPPORT_ERROR_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace tpuc {

/// Returns an llvm::StringError (with inconvertibleErrorCode) whose message
/// is "<what>, <where>": `what` says what went wrong, `where` names the file
/// (optionally ":<member>" or ":<line>") it went wrong in.
llvm::Error makeError(const llvm::Twine &what, const llvm::Twine &where);

} // namespace tpuc

#endif // TPUC_SUPPORT_ERROR_H
