//===- Parallel.cpp - deterministic parallel loops ------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Parallel.h"

#include <algorithm>
#include <omp.h>
#include <thread>

namespace tpuc {

namespace {
/// The calling thread's thread count. Per-thread like OpenMP's nthreads-var:
/// a scope on one thread never changes what another thread does.
thread_local unsigned currentThreads = 1;
} // namespace

unsigned getHardwareThreadCount() {
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned getThreadCount() { return currentThreads; }

ThreadCountScope::ThreadCountScope(unsigned threads) : saved(currentThreads) {
  currentThreads = threads == 0 ? getHardwareThreadCount() : threads;
}

ThreadCountScope::~ThreadCountScope() { currentThreads = saved; }

void parallelFor(int64_t begin, int64_t end, int64_t grain,
                 llvm::function_ref<void(int64_t, int64_t)> body) {
  if (end <= begin)
    return;
  grain = std::max<int64_t>(grain, 1);
  int64_t chunks = (end - begin + grain - 1) / grain;
  auto run = [&](int64_t i) {
    int64_t lo = begin + i * grain;
    body(lo, std::min(end, lo + grain));
  };
  int64_t threads = std::min<int64_t>(currentThreads, chunks);
  if (threads <= 1 || omp_in_parallel()) {
    for (int64_t i = 0; i < chunks; ++i)
      run(i);
    return;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < chunks; ++i)
    run(i);
}

int64_t chooseGrain(int64_t count, int64_t minChunk, int64_t maxChunks) {
  if (count <= 0)
    return 1;
  minChunk = std::max<int64_t>(minChunk, 1);
  maxChunks = std::max<int64_t>(maxChunks, 1);
  int64_t grain = std::max(minChunk, (count + maxChunks - 1) / maxChunks);
  return std::min(grain, count);
}

} // namespace tpuc
