//===- File.cpp - safe output files
//----------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/File.h"
#include "tpuc/Support/Error.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

Error tpuc::writeFileAtomically(StringRef path, ArrayRef<StringRef> pieces,
                                StringRef what) {
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(path + ".tmp-%%%%%%%%");
  if (!temp)
    return makeError("cannot " + what + ": " + toString(temp.takeError()),
                     path);
  std::error_code ec;
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    for (StringRef piece : pieces)
      os << piece;
    os.flush();
    ec = os.error();
    os.clear_error();
  }
  if (ec) {
    consumeError(temp->discard());
    return makeError("cannot " + what + ": " + ec.message(), path);
  }
  if (Error err = temp->keep(path))
    return makeError("cannot " + what + ": " + toString(std::move(err)), path);
  return Error::success();
}
