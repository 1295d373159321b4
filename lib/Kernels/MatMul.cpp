//===- MatMul.cpp - batched matrix product kernels ------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/MatMul.h"

#include "Dnnl.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/Support/FormatVariadic.h"

#include <map>

using namespace llvm;
using namespace tpuc::kernels::detail;

namespace tpuc::kernels {

/// Below this many multiply-adds a tile is not worth a thread.
static constexpr int64_t kMinTileWork = int64_t(1) << 20;

static Error shapeError(const Twine &what) {
  return make_error<StringError>("invalid matmul shape: " + what,
                                 inconvertibleErrorCode());
}

Error checkMatMulShape(const MatMulShape &s) {
  if (s.m < 1 || s.k < 1 || s.n < 1)
    return shapeError(formatv("m, k, n = {0}, {1}, {2}", s.m, s.k, s.n));
  for (int64_t d : s.batch)
    if (d < 1)
      return shapeError("empty batch dimension");
  for (const std::vector<int64_t> *operand : {&s.lhsBatch, &s.rhsBatch}) {
    if (operand->size() > s.batch.size())
      return shapeError("operand has more batch dimensions than the output");
    size_t offset = s.batch.size() - operand->size();
    for (size_t i = 0; i < operand->size(); ++i)
      if ((*operand)[i] != 1 && (*operand)[i] != s.batch[offset + i])
        return shapeError("operand batch dimensions do not broadcast");
  }
  if (s.biasSize != 0 && s.biasSize != 1 && s.biasSize != s.n)
    return shapeError(
        formatv("bias of {0} values for {1} columns", s.biasSize, s.n));
  return Error::success();
}

/// For every output batch entry (row-major over `batch`), the index of the
/// operand's matrix (row-major over `operand`, broadcast along its 1 dims).
static std::vector<int64_t> batchIndices(ArrayRef<int64_t> batch,
                                         ArrayRef<int64_t> operand) {
  int64_t total = 1;
  for (int64_t d : batch)
    total *= d;
  size_t offset = batch.size() - operand.size();
  // Strides of the operand over the output's batch axes (0 = broadcast).
  std::vector<int64_t> strides(batch.size(), 0);
  int64_t stride = 1;
  for (size_t i = operand.size(); i-- > 0;) {
    strides[offset + i] = operand[i] == 1 ? 0 : stride;
    stride *= operand[i];
  }
  std::vector<int64_t> result(total);
  for (int64_t b = 0; b < total; ++b) {
    int64_t rest = b, index = 0;
    for (size_t i = batch.size(); i-- > 0;) {
      index += (rest % batch[i]) * strides[i];
      rest /= batch[i];
    }
    result[b] = index;
  }
  return result;
}

void referenceMatMul(const MatMulShape &s, const float *lhs, const float *rhs,
                     const float *bias, float *output) {
  std::vector<int64_t> lhsIndex = batchIndices(s.batch, s.lhsBatch);
  std::vector<int64_t> rhsIndex = batchIndices(s.batch, s.rhsBatch);
  int64_t m = s.m, k = s.k, n = s.n;
  for (size_t b = 0; b < lhsIndex.size(); ++b) {
    const float *a = lhs + lhsIndex[b] * m * k;
    const float *w = rhs + rhsIndex[b] * k * n;
    float *o = output + b * m * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = s.biasSize ? bias[s.biasSize == 1 ? 0 : j] : 0.0;
        for (int64_t q = 0; q < k; ++q)
          acc += static_cast<double>(a[i * k + q]) *
                 (s.rightTranspose ? w[j * k + q] : w[q * n + j]);
        o[i * n + j] = static_cast<float>(acc);
      }
  }
  applyRelu(output, static_cast<int64_t>(lhsIndex.size()) * m * n, s.doRelu,
            s.reluLimit);
}

namespace {
/// The primitive computing one rows x cols tile of one batch entry.
struct TilePrimitive {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul primitive;
  dnnl::memory::desc src, weights, bias, dst;
};
} // namespace

struct MatMul::Impl {
  MatMulShape shape;
  dnnl::engine engine;
  std::vector<int64_t> lhsIndex, rhsIndex;
  int64_t rowsPerTile = 0, colsPerTile = 0, rowTiles = 0, colTiles = 0;
  /// Keyed by (rows, cols): at most a full, a row-tail, a column-tail and a
  /// corner tile.
  std::map<std::pair<int64_t, int64_t>, TilePrimitive> tiles;

  TilePrimitive build(int64_t rows, int64_t cols) const;
  void runTile(int64_t tile, const float *lhs, const float *rhs,
               const float *bias, float *output) const;
};

TilePrimitive MatMul::Impl::build(int64_t rows, int64_t cols) const {
  using dt = dnnl::memory::data_type;
  const MatMulShape &s = shape;
  TilePrimitive p;
  p.src = dnnl::memory::desc({rows, s.k}, dt::f32, {s.k, 1});
  p.weights = dnnl::memory::desc({s.k, cols}, dt::f32,
                                 s.rightTranspose ? dnnl::memory::dims{1, s.k}
                                                  : dnnl::memory::dims{s.n, 1});
  p.dst = dnnl::memory::desc({rows, cols}, dt::f32, {s.n, 1});
  if (s.biasSize)
    p.bias = dnnl::memory::desc({1, cols}, dt::f32, {cols, 1});
  auto desc = s.biasSize ? dnnl::matmul::desc(p.src, p.weights, p.bias, p.dst)
                         : dnnl::matmul::desc(p.src, p.weights, p.dst);
  p.pd = dnnl::matmul::primitive_desc(desc, makeAttr(s.doRelu, s.reluLimit),
                                      engine);
  p.primitive = dnnl::matmul(p.pd);
  return p;
}

void MatMul::Impl::runTile(int64_t tile, const float *lhs, const float *rhs,
                           const float *bias, float *output) const {
  const MatMulShape &s = shape;
  int64_t col = tile % colTiles;
  int64_t row = (tile / colTiles) % rowTiles;
  int64_t b = tile / colTiles / rowTiles;
  int64_t r0 = row * rowsPerTile, c0 = col * colsPerTile;
  int64_t rows = std::min(rowsPerTile, s.m - r0);
  int64_t cols = std::min(colsPerTile, s.n - c0);
  const TilePrimitive &p = tiles.at({rows, cols});
  auto mem = [&](const dnnl::memory::desc &desc, const float *data) {
    return dnnl::memory(desc, engine, const_cast<float *>(data));
  };
  const float *a = lhs + lhsIndex[b] * s.m * s.k + r0 * s.k;
  const float *w =
      rhs + rhsIndex[b] * s.k * s.n + (s.rightTranspose ? c0 * s.k : c0);
  float *o = output + b * s.m * s.n + r0 * s.n + c0;
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, mem(p.src, a)},
      {DNNL_ARG_WEIGHTS, mem(p.weights, w)},
      {DNNL_ARG_DST, mem(p.dst, o)}};
  if (s.biasSize)
    args.emplace(DNNL_ARG_BIAS, mem(p.bias, bias + c0));
  execute(engine, p.primitive, p.pd, std::move(args));
}

MatMul::MatMul(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
MatMul::~MatMul() = default;

Expected<std::unique_ptr<MatMul>> MatMul::create(const MatMulShape &shape) {
  if (Error err = checkMatMulShape(shape))
    return std::move(err);
  auto impl = std::make_unique<Impl>();
  impl->shape = shape;
  const MatMulShape &s = impl->shape;
  impl->lhsIndex = batchIndices(s.batch, s.lhsBatch);
  impl->rhsIndex = batchIndices(s.batch, s.rhsBatch);
  // Blocks of rows first; when one block of rows is still a lot of work
  // (few rows, e.g. a fully connected layer on one sample), blocks of
  // columns too. Depends on the shape only.
  int64_t rowWork = s.k * s.n;
  int64_t rows = chooseGrain(s.m, (kMinTileWork + rowWork - 1) / rowWork);
  if (rows < s.m)
    rows = std::min(s.m, (rows + 7) / 8 * 8);
  int64_t cols = s.n;
  if (rows * rowWork >= 2 * kMinTileWork) {
    int64_t colWork = rows * s.k;
    cols = chooseGrain(s.n, (kMinTileWork + colWork - 1) / colWork);
    if (cols < s.n)
      cols = std::min(s.n, (cols + 15) / 16 * 16);
  }
  impl->rowsPerTile = rows;
  impl->colsPerTile = cols;
  impl->rowTiles = (s.m + rows - 1) / rows;
  impl->colTiles = (s.n + cols - 1) / cols;
  Error err = guarded(
      [&] {
        impl->engine = dnnl::engine(dnnl::engine::kind::cpu, 0);
        for (int64_t r : {rows, s.m % rows})
          for (int64_t c : {cols, s.n % cols})
            if (r && c && !impl->tiles.count({r, c}))
              impl->tiles.emplace(std::pair(r, c), impl->build(r, c));
      },
      "cannot create the oneDNN matmul");
  if (err)
    return std::move(err);
  return std::unique_ptr<MatMul>(new MatMul(std::move(impl)));
}

Error MatMul::run(const float *lhs, const float *rhs, const float *bias,
                  float *output) const {
  const MatMulShape &s = impl->shape;
  // oneDNN adds a bias per column; a single value is spread over them.
  std::vector<float> spread;
  if (s.biasSize == 1 && s.n > 1) {
    spread.assign(s.n, bias[0]);
    bias = spread.data();
  }
  return runChunks(
      getNumChunks(),
      [&](int64_t tile) { impl->runTile(tile, lhs, rhs, bias, output); },
      "oneDNN matmul failed");
}

const MatMulShape &MatMul::getShape() const { return impl->shape; }

int64_t MatMul::getNumChunks() const {
  return static_cast<int64_t>(impl->lhsIndex.size()) * impl->rowTiles *
         impl->colTiles;
}

} // namespace tpuc::kernels
