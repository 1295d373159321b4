//===- CommandLine.cpp - helpers shared by the tools' command lines -------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/CommandLine.h"
#include "tpuc/Support/Error.h"

#include "llvm/ADT/StringRef.h"

namespace tpuc {

const char *const kThreadsHelp =
    "\n  --threads=<N>           - Threads (0, the default: one per hardware "
    "thread);\n                            results do not depend on it\n";

llvm::Expected<unsigned> takeThreadsFlag(std::vector<const char *> &args) {
  unsigned result = 0;
  for (size_t i = 1; i < args.size();) {
    llvm::StringRef arg = args[i];
    if (!arg.consume_front("--") && !arg.consume_front("-")) {
      ++i;
      continue;
    }
    llvm::StringRef value;
    size_t taken = 1;
    if (arg == "threads") {
      if (i + 1 >= args.size())
        return makeError("--threads needs a value", "command line");
      value = args[i + 1];
      taken = 2;
    } else if (arg.consume_front("threads=")) {
      value = arg;
    } else {
      ++i;
      continue;
    }
    if (value.getAsInteger(10, result))
      return makeError("--threads needs a non-negative integer, got '" +
                           value + "'",
                       "command line");
    args.erase(args.begin() + i, args.begin() + i + taken);
  }
  return result;
}

} // namespace tpuc
