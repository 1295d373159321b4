//===- Dnnl.cpp - oneDNN helpers shared by the kernels --------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Dnnl.h"

#include "tpuc/Support/Parallel.h"

#include <exception>
#include <omp.h>
#include <string>
#include <vector>

using namespace llvm;

namespace tpuc::kernels::detail {

SingleThreaded::SingleThreaded() : saved(omp_get_max_threads()) {
  omp_set_num_threads(1);
}

SingleThreaded::~SingleThreaded() { omp_set_num_threads(saved); }

dnnl::primitive_attr makeAttr(bool doRelu, double reluLimit) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  if (doRelu) {
    dnnl::post_ops ops;
    if (reluLimit > 0.0)
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, 0.0f,
                         static_cast<float>(reluLimit));
    else
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  return attr;
}

static std::string describe(const dnnl::error &e) {
  return std::string(e.what()) + " (oneDNN status " +
         std::to_string(static_cast<int>(e.status)) + ")";
}

static std::string describe(const std::exception &e) {
  std::string text = e.what();
  return text.empty() ? "unknown failure" : text;
}

Error runChunks(int64_t chunks, function_ref<void(int64_t)> body,
                const Twine &what) {
  std::vector<std::string> errors(chunks);
  parallelFor(0, chunks, 1, [&](int64_t lo, int64_t hi) {
    SingleThreaded single;
    for (int64_t chunk = lo; chunk < hi; ++chunk) {
      try {
        body(chunk);
      } catch (const dnnl::error &e) {
        errors[chunk] = describe(e);
      } catch (const std::exception &e) {
        errors[chunk] = describe(e);
      } catch (...) {
        errors[chunk] = "unknown failure";
      }
    }
  });
  for (const std::string &error : errors)
    if (!error.empty())
      return make_error<StringError>(what + ": " + error,
                                     inconvertibleErrorCode());
  return Error::success();
}

Error guarded(function_ref<void()> build, const Twine &what) {
  SingleThreaded single;
  try {
    build();
  } catch (const dnnl::error &e) {
    return make_error<StringError>(what + ": " + describe(e),
                                   inconvertibleErrorCode());
  } catch (const std::exception &e) {
    return make_error<StringError>(what + ": " + describe(e),
                                   inconvertibleErrorCode());
  } catch (...) {
    return make_error<StringError>(what + ": unknown failure",
                                   inconvertibleErrorCode());
  }
  return Error::success();
}

void execute(const dnnl::engine &engine, const dnnl::primitive &primitive,
             const dnnl::primitive_desc_base &pd,
             std::unordered_map<int, dnnl::memory> args) {
  dnnl::memory::desc scratchDesc = pd.scratchpad_desc();
  if (scratchDesc.get_size() > 0)
    args.emplace(DNNL_ARG_SCRATCHPAD, dnnl::memory(scratchDesc, engine));
  dnnl::stream stream(engine);
  primitive.execute(stream, args);
  stream.wait();
}

} // namespace tpuc::kernels::detail
