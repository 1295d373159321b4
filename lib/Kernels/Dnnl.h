//===- Dnnl.h - oneDNN helpers shared by the kernels ------------*- C++ -*-===//
//
// Part of tpuc. Private to lib/Kernels.
//
// How the kernels use oneDNN, and why:
// - Every primitive is created and executed single-threaded (SingleThreaded
//   sets the calling thread's OpenMP thread count to 1, which is what oneDNN's
//   OpenMP runtime reads). The parallelism comes from runChunks, which runs
//   independent chunks of the work on tpuc::parallelFor's threads; the chunks
//   are chosen from the shape alone. oneDNN may split a reduction across
//   threads when it runs multi-threaded, which would make results depend on
//   the thread count.
// - Primitives use a user-managed scratchpad, allocated per execution: with
//   the library-managed one, a primitive must not run on several threads.
// - oneDNN reports failures with dnnl::error exceptions; they are caught here
//   and turned into llvm::Error, nothing escapes the kernels' API.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_KERNELS_DNNL_H
#define TPUC_LIB_KERNELS_DNNL_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cstdint>

namespace tpuc::kernels::detail {

/// Makes oneDNN single-threaded on the calling thread for the guard's
/// lifetime.
class SingleThreaded {
public:
  SingleThreaded();
  ~SingleThreaded();
  SingleThreaded(const SingleThreaded &) = delete;
  SingleThreaded &operator=(const SingleThreaded &) = delete;

private:
  int saved;
};

/// Attributes every kernel primitive is created with: user scratchpad, and
/// the fused ReLU (capped at `reluLimit` when it is positive) as a post-op.
dnnl::primitive_attr makeAttr(bool doRelu, double reluLimit);

/// Runs `body(chunk)` for chunk in [0, chunks) on tpuc::parallelFor's
/// threads, each inside a SingleThreaded scope. An exception thrown by a
/// chunk is caught; the error of the lowest failing chunk is returned,
/// prefixed by `what`.
llvm::Error runChunks(int64_t chunks, llvm::function_ref<void(int64_t)> body,
                      const llvm::Twine &what);

/// Calls `build` in a SingleThreaded scope and turns a thrown exception into
/// an error prefixed by `what`.
llvm::Error guarded(llvm::function_ref<void()> build, const llvm::Twine &what);

/// Executes `primitive` with `args` on a fresh stream, adding a scratchpad
/// sized by `pd` when it needs one. Throws dnnl::error.
void execute(const dnnl::engine &engine, const dnnl::primitive &primitive,
             const dnnl::primitive_desc_base &pd,
             std::unordered_map<int, dnnl::memory> args);

/// Applies the fused ReLU to `n` values in place (reference kernels).
inline void applyRelu(float *data, int64_t n, bool doRelu, double limit) {
  if (!doRelu)
    return;
  float cap = static_cast<float>(limit);
  for (int64_t i = 0; i < n; ++i) {
    float v = std::max(data[i], 0.0f);
    data[i] = limit > 0.0 ? std::min(v, cap) : v;
  }
}

} // namespace tpuc::kernels::detail

#endif // TPUC_LIB_KERNELS_DNNL_H
