//===- CommandLine.h - helpers shared by the tools' command lines -*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_COMMANDLINE_H
#define TPUC_SUPPORT_COMMANDLINE_H

#include "llvm/Support/Error.h"
#include <vector>

namespace tpuc {

/// libLLVM registers a hidden option named "threads", so a tool's own
/// `--threads N` cannot be an llvm::cl option. This removes `--threads N` /
/// `--threads=N` (one or two dashes) from `args` before llvm::cl parses them
/// and returns N (0 when absent); an error for a missing or bad value.
llvm::Expected<unsigned> takeThreadsFlag(std::vector<const char *> &args);

/// The help line the tools print for `--threads`.
extern const char *const kThreadsHelp;

} // namespace tpuc

#endif // TPUC_SUPPORT_COMMANDLINE_H
