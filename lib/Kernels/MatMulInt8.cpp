//===- MatMulInt8.cpp - exact integer batched matmul ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// One run: the left codes are read once into the piece A = clamp(code + o,
// 0, 128) (u8, dense, as the left operand; o fixed by the storage range)
// with the codes outside the window listed per row; each tile runs its
// primitive once per range of K into int32 accumulators, adds the listed rest
// (scattered along the rows of the right matrix, or by primitive runs on the
// dense pieces max(e, 0) and max(-e, 0) when there are many), subtracts o *
// (column sums of W) and hands the tile to the epilogue. See Int8Pieces.h for
// why this is exact. The right matrices are read in place (plain strided
// weights), so a right operand given per run costs no reorder.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/MatMulInt8.h"

#include "Dnnl.h"
#include "Int8Pieces.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace llvm;
using namespace tpuc::kernels::detail;

namespace tpuc::kernels {

/// Below this many multiply-adds a tile is not worth a thread.
static constexpr int64_t kMinTileWork = int64_t(1) << 20;

static Error int8Error(const Twine &what) {
  return make_error<StringError>("int8 matmul: " + what,
                                 inconvertibleErrorCode());
}

/// For every output batch entry (row-major over `batch`), the index of the
/// operand's matrix (as in MatMul.cpp).
static std::vector<int64_t> batchIndices(ArrayRef<int64_t> batch,
                                         ArrayRef<int64_t> operand) {
  int64_t total = 1;
  for (int64_t d : batch)
    total *= d;
  size_t offset = batch.size() - operand.size();
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

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

void referenceMatMulInt8(const MatMulShape &s, const Int8Source &source,
                         const float *lhs, const int8_t *rhs, int64_t *acc) {
  std::vector<int64_t> lhsIndex = batchIndices(s.batch, s.lhsBatch);
  std::vector<int64_t> rhsIndex = batchIndices(s.batch, s.rhsBatch);
  auto code = [&](float v) -> int64_t {
    if (std::isnan(v))
      return std::clamp<int64_t>(0, source.qmin, source.qmax);
    double c = std::clamp<double>(v, source.qmin, source.qmax);
    return static_cast<int64_t>(std::nearbyint(c));
  };
  int64_t m = s.m, k = s.k, n = s.n;
  for (size_t b = 0; b < lhsIndex.size(); ++b)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t sum = 0;
        for (int64_t q = 0; q < k; ++q) {
          int64_t w = s.rightTranspose ? rhs[(rhsIndex[b] * n + j) * k + q]
                                       : rhs[(rhsIndex[b] * k + q) * n + j];
          sum += code(lhs[(lhsIndex[b] * m + i) * k + q]) * w;
        }
        acc[(b * m + i) * n + j] = sum;
      }
}

namespace {
struct TilePrimitive {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul primitive;
  dnnl::memory::desc src, weights, dst;
  size_t scratchBytes = 0;
};

/// A left code outside the window: its column k and the rest e.
struct Outlier {
  int32_t k;
  int32_t value;
};
static_assert(sizeof(Outlier) == 8);
} // namespace

struct MatMulInt8::Impl {
  MatMulShape shape;
  Int8Source source;
  Int8Options options;
  dnnl::engine engine;
  std::vector<int64_t> lhsIndex, rhsIndex;
  int64_t lhsMatrices = 0, rhsMatrices = 0;
  int64_t rowsPerTile = 0, colsPerTile = 0, rowTiles = 0, colTiles = 0;
  /// Range r of K: [rangeBegin[r], rangeBegin[r + 1]).
  std::vector<int64_t> rangeBegin;
  /// Keyed by (rows, columns, range size).
  std::map<std::tuple<int64_t, int64_t, int64_t>, TilePrimitive> tiles;
  bool constant = false;
  std::vector<int8_t> constantRhs;
  /// The right matrices as k x n (a transposed copy when stored n x k) and
  /// their column sums: the constant ones, or those of the current run.
  mutable std::vector<int8_t> kn;
  mutable std::vector<int64_t> columnSums;

  // State of a run (the mutex serializes runs).
  mutable std::mutex mutex;
  mutable std::vector<uint8_t> pieces, positive, negative;
  mutable std::vector<std::vector<Outlier>> outliers; // by left row
  mutable bool dense = false, hasPositive = false, hasNegative = false;
  mutable ConvInt8::Stats stats;

  int64_t ranges() const { return rangeBegin.size() - 1; }
  Error planRanges(const int8_t *rhs);
  TilePrimitive build(int64_t rows, int64_t cols, int64_t depth) const;
  void prepareRight(const int8_t *rhs) const;
  /// The offset o of the left codes: the window [-o, 128 - o] is [0, 128]
  /// for unsigned codes, [-64, 64] for signed ones (Int8Pieces.h).
  int32_t offset = 0;

  void prepareLeft(const float *lhs) const;
  void runTile(int64_t tile, const int8_t *rhs,
               function_ref<void(const MatMulInt8Block &)> epilogue) const;
};

Error MatMulInt8::Impl::planRanges(const int8_t *rhs) {
  const MatMulShape &s = shape;
  int64_t bound = std::min(options.accumulatorBound, kExactF32);
  rangeBegin.assign(1, 0);
  if (!rhs) {
    // Any int8 right operand: |w| <= 128.
    if (255 * 128 * s.k > INT32_MAX)
      return int8Error(formatv("sums over k = {0} may not fit int32", s.k));
    int64_t step = bound / (kPieceMax * 128);
    if (step < 1)
      return int8Error(formatv("no range of k sums below {0}", bound));
    for (int64_t k = step; k < s.k; k += step)
      rangeBegin.push_back(k);
    rangeBegin.push_back(s.k);
    return Error::success();
  }
  auto at = [&](int64_t b, int64_t k, int64_t n) -> int64_t {
    int64_t w = s.rightTranspose ? rhs[(b * s.n + n) * s.k + k]
                                 : rhs[(b * s.k + k) * s.n + n];
    return w < 0 ? -w : w;
  };
  std::vector<int64_t> total(rhsMatrices * s.n, 0);
  for (int64_t b = 0; b < rhsMatrices; ++b)
    for (int64_t k = 0; k < s.k; ++k)
      for (int64_t n = 0; n < s.n; ++n)
        total[b * s.n + n] += at(b, k, n);
  for (int64_t t : total)
    if (255 * t > INT32_MAX)
      return int8Error(formatv("sums of up to 255 x {0} may not fit int32", t));
  std::vector<int64_t> running(rhsMatrices * s.n, 0);
  for (int64_t k = 0; k < s.k; ++k) {
    bool fits = true;
    for (int64_t b = 0; b < rhsMatrices && fits; ++b)
      for (int64_t n = 0; n < s.n && fits; ++n)
        fits = kPieceMax * (running[b * s.n + n] + at(b, k, n)) <= bound;
    if (!fits) {
      if (rangeBegin.back() == k)
        return int8Error(formatv("row {0} of the right matrix alone may sum "
                                 "beyond {1}",
                                 k, bound));
      rangeBegin.push_back(k);
      std::fill(running.begin(), running.end(), 0);
    }
    for (int64_t b = 0; b < rhsMatrices; ++b)
      for (int64_t n = 0; n < s.n; ++n)
        running[b * s.n + n] += at(b, k, n);
  }
  rangeBegin.push_back(s.k);
  return Error::success();
}

TilePrimitive MatMulInt8::Impl::build(int64_t rows, int64_t cols,
                                      int64_t depth) const {
  using dt = dnnl::memory::data_type;
  const MatMulShape &s = shape;
  TilePrimitive p;
  p.src = dnnl::memory::desc({rows, depth}, dt::u8, {s.k, 1});
  p.weights = dnnl::memory::desc({depth, cols}, dt::s8,
                                 s.rightTranspose ? dnnl::memory::dims{1, s.k}
                                                  : dnnl::memory::dims{s.n, 1});
  p.dst = dnnl::memory::desc({rows, cols}, dt::s32, {cols, 1});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  p.pd = dnnl::matmul::primitive_desc(
      dnnl::matmul::desc(p.src, p.weights, p.dst), attr, engine);
  std::string impl = p.pd.impl_info_str();
  if (impl.rfind("ref", 0) == 0)
    throw std::runtime_error("oneDNN offers only its reference "
                             "implementation (" +
                             impl + ")");
  p.primitive = dnnl::matmul(p.pd);
  p.scratchBytes = roundUp64(p.pd.scratchpad_desc().get_size());
  return p;
}

void MatMulInt8::Impl::prepareRight(const int8_t *rhs) const {
  const MatMulShape &s = shape;
  int64_t size = s.k * s.n;
  kn.resize(rhsMatrices * size);
  columnSums.assign(rhsMatrices * s.n, 0);
  for (int64_t b = 0; b < rhsMatrices; ++b) {
    const int8_t *from = rhs + b * size;
    int8_t *to = kn.data() + b * size;
    if (s.rightTranspose) {
      for (int64_t n = 0; n < s.n; ++n)
        for (int64_t k = 0; k < s.k; ++k)
          to[k * s.n + n] = from[n * s.k + k];
    } else {
      std::memcpy(to, from, size);
    }
    int64_t *sums = columnSums.data() + b * s.n;
    for (int64_t k = 0; k < s.k; ++k)
      for (int64_t n = 0; n < s.n; ++n)
        sums[n] += to[k * s.n + n];
  }
}

void MatMulInt8::Impl::prepareLeft(const float *lhs) const {
  const MatMulShape &s = shape;
  int64_t rows = lhsMatrices * s.m;
  pieces.resize(rows * s.k);
  outliers.resize(rows);
  float lo = static_cast<float>(source.qmin);
  float hi = static_cast<float>(source.qmax);
  const int32_t o = offset;
  int64_t grain = chooseGrain(rows, 1 + 65536 / s.k);
  parallelFor(0, rows, grain, [&](int64_t begin, int64_t end) {
    thread_local std::vector<int8_t> rests;
    rests.resize(s.k);
    int8_t *rest = rests.data();
    for (int64_t r = begin; r < end; ++r) {
      const float *from = lhs + r * s.k;
      uint8_t *to = pieces.data() + r * s.k;
      bool any = convertRow(from, s.k, lo, hi, o, to, rest);
      std::vector<Outlier> &list = outliers[r];
      list.clear();
      if (any)
        for (int64_t k = 0; k < s.k; ++k)
          if (rest[k])
            list.push_back({static_cast<int32_t>(k), rest[k]});
    }
  });
  int64_t count = 0;
  for (const std::vector<Outlier> &list : outliers)
    count += list.size();
  bool positives = false, negatives = false;
  for (const std::vector<Outlier> &list : outliers)
    for (const Outlier &out : list) {
      positives |= out.value > 0;
      negatives |= out.value < 0;
    }
  double runs = (positives ? 1 : 0) + (negatives ? 1 : 0);
  dense = count > 0 && count > options.scatterFraction * runs * rows * s.k;
  hasPositive = hasNegative = false;
  if (!dense) {
    stats.scattered += count;
    return;
  }
  positive.assign(rows * s.k, 0);
  negative.assign(rows * s.k, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (const Outlier &out : outliers[r]) {
      if (out.value > 0) {
        positive[r * s.k + out.k] = static_cast<uint8_t>(out.value);
        hasPositive = true;
      } else {
        negative[r * s.k + out.k] = static_cast<uint8_t>(-out.value);
        hasNegative = true;
      }
    }
  stats.extraRuns += hasPositive + hasNegative;
}

void MatMulInt8::Impl::runTile(
    int64_t tile, const int8_t *rhs,
    function_ref<void(const MatMulInt8Block &)> epilogue) const {
  const MatMulShape &s = shape;
  int64_t col = tile % colTiles;
  int64_t row = (tile / colTiles) % rowTiles;
  int64_t b = tile / colTiles / rowTiles;
  int64_t r0 = row * rowsPerTile, c0 = col * colsPerTile;
  int64_t rows = std::min(rowsPerTile, s.m - r0);
  int64_t cols = std::min(colsPerTile, s.n - c0);
  int64_t count = rows * cols;
  size_t accBytes = roundUp64(count * sizeof(int32_t));
  size_t scratchBytes = 0;
  for (int64_t r = 0; r < ranges(); ++r)
    scratchBytes = std::max(
        scratchBytes,
        tiles.at({rows, cols, rangeBegin[r + 1] - rangeBegin[r]}).scratchBytes);
  char *work = int8WorkBuffer(2 * accBytes + scratchBytes);
  auto *acc = reinterpret_cast<int32_t *>(work);
  auto *tmp = reinterpret_cast<int32_t *>(work + accBytes);
  char *scratch = work + 2 * accBytes;
  int64_t leftRow0 = lhsIndex[b] * s.m + r0; // first row of all left rows
  const int8_t *right = rhs + rhsIndex[b] * s.k * s.n;
  dnnl::stream stream(engine);
  auto mem = [&](const dnnl::memory::desc &desc, const void *data) {
    return dnnl::memory(desc, engine, const_cast<void *>(data));
  };
  auto addTo = [&](int32_t sign) {
    for (int64_t i = 0; i < count; ++i)
      acc[i] += sign * tmp[i];
  };
  bool first = true;
  for (int64_t r = 0; r < ranges(); ++r) {
    int64_t k0 = rangeBegin[r], depth = rangeBegin[r + 1] - k0;
    const TilePrimitive &p = tiles.at({rows, cols, depth});
    const int8_t *w =
        right + (s.rightTranspose ? c0 * s.k + k0 : k0 * s.n + c0);
    auto runOn = [&](const std::vector<uint8_t> &source, int32_t *dst) {
      std::unordered_map<int, dnnl::memory> args = {
          {DNNL_ARG_SRC, mem(p.src, source.data() + leftRow0 * s.k + k0)},
          {DNNL_ARG_WEIGHTS, mem(p.weights, w)},
          {DNNL_ARG_DST, mem(p.dst, dst)}};
      if (p.scratchBytes)
        args.emplace(DNNL_ARG_SCRATCHPAD, mem(p.pd.scratchpad_desc(), scratch));
      p.primitive.execute(stream, args);
      stream.wait();
    };
    runOn(pieces, first ? acc : tmp);
    if (!first)
      addTo(1);
    first = false;
    if (dense && hasPositive) {
      runOn(positive, tmp);
      addTo(1);
    }
    if (dense && hasNegative) {
      runOn(negative, tmp);
      addTo(-1);
    }
  }
  const int8_t *knRight = kn.data() + rhsIndex[b] * s.k * s.n;
  if (!dense)
    for (int64_t i = 0; i < rows; ++i) {
      int32_t *d = acc + i * cols;
      for (const Outlier &out : outliers[leftRow0 + i]) {
        const int8_t *w = knRight + out.k * s.n + c0;
        for (int64_t j = 0; j < cols; ++j)
          d[j] += out.value * static_cast<int32_t>(w[j]);
      }
    }
  // sum (x + o) w - o sum w; all within 255 * sum |w| <= INT32_MAX.
  const int64_t *sums = columnSums.data() + rhsIndex[b] * s.n + c0;
  std::vector<int32_t> correction(cols);
  for (int64_t j = 0; j < cols; ++j)
    correction[j] = static_cast<int32_t>(-int64_t(offset) * sums[j]);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      acc[i * cols + j] += correction[j];
  MatMulInt8Block block;
  block.batch = b;
  block.firstRow = r0;
  block.rows = rows;
  block.firstColumn = c0;
  block.columns = cols;
  block.data = acc;
  epilogue(block);
}

MatMulInt8::MatMulInt8(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
MatMulInt8::~MatMulInt8() = default;

Expected<std::unique_ptr<MatMulInt8>>
MatMulInt8::create(const MatMulShape &shape, const Int8Source &source,
                   ArrayRef<int8_t> constantRhs, const Int8Options &options) {
  if (Error err = checkMatMulShape(shape))
    return std::move(err);
  if (source.qmin > source.qmax || source.qmax - source.qmin > 255 ||
      source.qmin < -255 || source.qmax > 255)
    return int8Error(formatv("codes [{0}, {1}] are not 8-bit codes",
                             source.qmin, source.qmax));
  auto impl = std::make_unique<Impl>();
  impl->shape = shape;
  impl->source = source;
  impl->options = options;
  const MatMulShape &s = impl->shape;
  if (s.k > INT32_MAX)
    return int8Error("k is too large");
  impl->lhsIndex = batchIndices(s.batch, s.lhsBatch);
  impl->rhsIndex = batchIndices(s.batch, s.rhsBatch);
  impl->lhsMatrices = product(s.lhsBatch);
  impl->rhsMatrices = product(s.rhsBatch);
  impl->offset = chooseOffset(static_cast<int32_t>(source.qmin),
                              static_cast<int32_t>(source.qmax));
  impl->constant = !constantRhs.empty();
  if (impl->constant) {
    if (static_cast<int64_t>(constantRhs.size()) !=
        impl->rhsMatrices * s.k * s.n)
      return int8Error(formatv("{0} right values for the shape's {1}",
                               constantRhs.size(),
                               impl->rhsMatrices * s.k * s.n));
    impl->constantRhs.assign(constantRhs.begin(), constantRhs.end());
  }
  if (Error err =
          impl->planRanges(impl->constant ? impl->constantRhs.data() : nullptr))
    return std::move(err);
  if (impl->constant)
    impl->prepareRight(impl->constantRhs.data());
  // Tiles as MatMul chooses them.
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
            for (int64_t range = 0; range < impl->ranges(); ++range) {
              int64_t depth =
                  impl->rangeBegin[range + 1] - impl->rangeBegin[range];
              auto key = std::make_tuple(r, c, depth);
              if (r && c && !impl->tiles.count(key))
                impl->tiles.emplace(key, impl->build(r, c, depth));
            }
      },
      "cannot create the oneDNN int8 matmul");
  if (err)
    return std::move(err);
  return std::unique_ptr<MatMulInt8>(new MatMulInt8(std::move(impl)));
}

Error MatMulInt8::run(
    const float *lhs, const int8_t *rhs,
    function_ref<void(const MatMulInt8Block &)> epilogue) const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  impl->stats = {};
  if (impl->constant) {
    rhs = impl->constantRhs.data();
  } else {
    if (!rhs)
      return int8Error("no right operand given");
    // Any int8 values are within the ranges planned for |w| <= 128.
    impl->prepareRight(rhs);
  }
  impl->prepareLeft(lhs);
  return runChunks(
      getNumChunks(), [&](int64_t tile) { impl->runTile(tile, rhs, epilogue); },
      "oneDNN int8 matmul failed");
}

Error MatMulInt8::run(const float *lhs, const int8_t *rhs, int32_t *acc) const {
  const MatMulShape &s = impl->shape;
  return run(lhs, rhs, [&](const MatMulInt8Block &b) {
    for (int64_t i = 0; i < b.rows; ++i)
      std::memcpy(acc + (b.batch * s.m + b.firstRow + i) * s.n + b.firstColumn,
                  b.data + i * b.columns, b.columns * sizeof(int32_t));
  });
}

const MatMulShape &MatMulInt8::getShape() const { return impl->shape; }

ArrayRef<int8_t> MatMulInt8::getConstantRhs() const {
  return impl->constantRhs;
}

int64_t MatMulInt8::getNumChunks() const {
  return static_cast<int64_t>(impl->lhsIndex.size()) * impl->rowTiles *
         impl->colTiles;
}

int64_t MatMulInt8::getNumRanges() const { return impl->ranges(); }

ConvInt8::Stats MatMulInt8::getLastStats() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->stats;
}

} // namespace tpuc::kernels
