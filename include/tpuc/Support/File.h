//===- File.h - safe output files ----------------------------------*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Every tool output goes through writeFileAtomically: the bytes are written to
// a temporary file next to the destination, which is then renamed over it, so
// a reader never sees a half-written file and a failure leaves none behind.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_FILE_H
#define TPUC_SUPPORT_FILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace tpuc {

/// Writes the concatenation of `pieces` to `path` atomically. Errors read
/// "cannot <what>: <reason>, <path>".
llvm::Error writeFileAtomically(llvm::StringRef path,
                                llvm::ArrayRef<llvm::StringRef> pieces,
                                llvm::StringRef what = "write");

} // namespace tpuc

#endif // TPUC_SUPPORT_FILE_H
