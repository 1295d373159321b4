//===- Parallel.h - deterministic parallel loops ----------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// parallelFor splits an index range into chunks that depend only on the
// range and a grain size, never on the number of threads, and runs the
// chunks on up to getThreadCount() threads (OpenMP). A computation that is
// deterministic per chunk is therefore deterministic for any thread count.
//
// The thread count is a per-thread setting, like OpenMP's own: a
// ThreadCountScope sets it for the calling thread until the scope ends (the
// interpreter opens one around every run with its `threads` option). Outside
// any scope, and inside a parallelFor body, loops run on the calling thread.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_PARALLEL_H
#define TPUC_SUPPORT_PARALLEL_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>

namespace tpuc {

/// The number of hardware threads (at least 1).
unsigned getHardwareThreadCount();

/// The number of threads parallelFor may use when called from this thread.
unsigned getThreadCount();

/// Sets the calling thread's thread count (0: getHardwareThreadCount()) for
/// the lifetime of the scope, restoring the previous value afterwards.
class ThreadCountScope {
public:
  explicit ThreadCountScope(unsigned threads);
  ~ThreadCountScope();
  ThreadCountScope(const ThreadCountScope &) = delete;
  ThreadCountScope &operator=(const ThreadCountScope &) = delete;

private:
  unsigned saved;
};

/// Calls `body(lo, hi)` once for every chunk [lo, hi) of [begin, end): the
/// chunks are [begin + i * grain, min(end, begin + (i + 1) * grain)). Chunks
/// run concurrently on up to getThreadCount() threads, in no particular
/// order; `body` must not throw and must not write what another chunk reads.
/// Nested calls (from inside a body) run serially.
void parallelFor(int64_t begin, int64_t end, int64_t grain,
                 llvm::function_ref<void(int64_t lo, int64_t hi)> body);

/// The grain that splits `count` items into chunks of at least `minChunk`
/// items and at most about `maxChunks` chunks; depends only on its
/// arguments.
int64_t chooseGrain(int64_t count, int64_t minChunk, int64_t maxChunks = 64);

} // namespace tpuc

#endif // TPUC_SUPPORT_PARALLEL_H
