//===- MatMul.cpp - tpu.MatMul inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The operands are seen as [batch..., M, K] x [batch..., K, N]
// (MatMulOp::getMatMulShape: numpy matmul, 1-D operands promoted, each
// operand's batch dims broadcast against the result's).
//
// INT8 (a `!quant.uniform` result), exact integer loops: for batch entry b,
// row m and output column c
//
//   acc = Σ_k x[b, m, k] · W[b, k, c] + bias[c]
//
// with x the input codes (the input zero point is folded into the int32
// bias by the lowering, never subtracted here) and W the right codes (an
// i8 / ui8 weight read from its typed array, or a quantized activation with
// zero point 0); acc is summed in int64 and saturated to int32 (the chip's
// accumulator), then
//
//   y = sat(applyMultiplierAndRShift(acc, M[c], r[c], quant_mode,
//                                    round_mode) + zp_out)
//
// with M/r one value per output column or one for all, sat the clamp to the
// storage range of the result type; `do_relu` clamps below at zp_out and,
// when `relu_limit` > 0, above at sat(round(relu_limit / scale_out) +
// zp_out). A bias of one value is added to every column.
//
// The sums run on oneDNN's int8 matmul through kernels::MatMulInt8, which
// gives exactly the int64 loops' sums (see its header); bias, saturation
// and requant (kernels::Requant = quant::applyMultiplierAndRShift) are
// applied here to each tile. A right operand that is a weight is prepared
// once (in init, remade when it changes), an activation is read on every
// run. Whenever the kernel does not apply (right codes that are not int8,
// codes wider than 8 bits, sums that could pass int32, oneDNN refusing) or
// fails, the int64 loops below (inferenceInt8Loops, the reference) run;
// work there is split over (batch, row). Both give the same bits for any
// thread count.
//
// Float (f32 / f16 / bf16 result): the f32 product of the (already rounded)
// operands by the oneDNN kernel (as top.MatMul), with the bias and the fused
// ReLU, then every result rounded to the result type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Dialect/Tpu/Int8Kernels.h"
#include "tpuc/Kernels/MatMulInt8.h"
#include "tpuc/Kernels/Requant.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

namespace {
bool isInt8(MatMulOp op) {
  return isa<mlir::quant::UniformQuantizedType>(elementOf(op.getOutput()));
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

/// The offset, in matrices, of the operand with batch dims `own` for the
/// flat index `flat` of the broadcast batch dims `batch` (own is
/// right-aligned against batch; its dims of size 1 broadcast).
int64_t batchOffset(ArrayRef<int64_t> batch, ArrayRef<int64_t> own,
                    int64_t flat) {
  int64_t offset = 0, stride = 1;
  size_t skip = batch.size() - own.size();
  for (size_t d = batch.size(); d-- > 0;) {
    int64_t index = flat % batch[d];
    flat /= batch[d];
    if (d < skip)
      continue;
    int64_t size = own[d - skip];
    if (size != 1)
      offset += index * stride;
    stride *= size;
  }
  return offset;
}

/// The INT8 state kept in InferenceParameter::handle.
struct Int8State {
  /// The right operand is a weight: the kernel holds it. Otherwise the
  /// kernel takes the right codes on every run (and `cache.refused` means
  /// the shape was refused).
  bool constant = false;
  Int8KernelCache<kernels::MatMulInt8> cache;
};

/// The right codes as the loops read them (clamped to their storage), as
/// int8; std::nullopt when they do not fit.
std::optional<std::vector<int8_t>>
readRight(MatMulOp op, const InferenceParameter &p, int64_t count) {
  std::optional<IntegerStorage> storage =
      getIntegerStorage(elementOf(op.getRight()));
  if (!storage)
    return std::nullopt;
  return readInt8(p, 1, count, &*storage);
}

/// The kernel, made (or remade) when needed; null when the loops must run.
/// `right` receives the right codes of an activation operand.
kernels::MatMulInt8 *getInt8Kernel(MatMulOp op, InferenceParameter &p,
                                   Int8State &state,
                                   std::vector<int8_t> &right) {
  FailureOr<kernels::MatMulShape> shape = op.getMatMulShape();
  std::optional<IntegerStorage> in =
      getIntegerStorage(elementOf(op.getInput()));
  if (failed(shape) || !in)
    return nullptr;
  const int64_t count = product(shape->rhsBatch) * shape->k * shape->n;
  kernels::Int8Source source;
  source.qmin = in->qmin;
  source.qmax = in->qmax;
  if (!state.constant) {
    std::optional<std::vector<int8_t>> codes = readRight(op, p, count);
    if (!codes)
      return nullptr;
    right = std::move(*codes);
    Int8KernelCache<kernels::MatMulInt8> &cache = state.cache;
    if (!cache.kernel && !cache.refused) {
      auto kernel = kernels::MatMulInt8::create(*shape, source, {});
      if (kernel)
        cache.kernel = std::move(*kernel);
      else
        llvm::consumeError(kernel.takeError());
      cache.refused = !cache.kernel;
    }
    return cache.kernel.get();
  }
  const Array *typed = p.weights.size() > 1 ? p.weights[1] : nullptr;
  if (std::optional<kernels::MatMulInt8 *> kernel = state.cache.known(typed))
    return *kernel;
  std::optional<std::vector<int8_t>> codes = readRight(op, p, count);
  if (!codes)
    return nullptr;
  return state.cache.get(
      typed, std::move(*codes),
      [](const kernels::MatMulInt8 &k) { return k.getConstantRhs(); },
      [&](ArrayRef<int8_t> weights) {
        return kernels::MatMulInt8::create(*shape, source, weights);
      });
}
} // namespace

/// The INT8 result by plain int64 loops (the reference the fast path must
/// equal).
static LogicalResult inferenceInt8Loops(
    MatMulOp op, InferenceParameter &p, const kernels::MatMulShape &s,
    const IntegerStorage &inStorage, const IntegerStorage &rightStorage,
    const IntegerStorage &outStorage, ArrayRef<int64_t> multipliers,
    ArrayRef<int64_t> shifts, tpuc::quant::QuantMode qmode,
    tpuc::quant::RoundMode rmode) {
  const int64_t m = s.m, k = s.k, n = s.n;
  const int64_t batches = product(s.batch);
  const int64_t lhsCount = product(s.lhsBatch) * m * k;
  const int64_t rhsMatrices = product(s.rhsBatch);
  std::vector<int32_t> lhs(lhsCount);
  for (int64_t i = 0; i < lhsCount; ++i)
    lhs[i] =
        static_cast<int32_t>(clampTo(toInteger(p.inputs[0][i]), inStorage));
  // The right matrices as [K][N] codes (transposed back when stored N x K).
  std::vector<int64_t> stored = readIntegers(p, 1, rhsMatrices * k * n);
  std::vector<int32_t> rhs(stored.size());
  for (int64_t b = 0; b < rhsMatrices; ++b)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t c = 0; c < n; ++c) {
        int64_t from = s.rightTranspose ? c * k + kk : kk * n + c;
        rhs[(b * k + kk) * n + c] = static_cast<int32_t>(
            clampTo(stored[b * k * n + from], rightStorage));
      }
  std::vector<int64_t> bias =
      s.biasSize ? readIntegers(p, 2, s.biasSize) : std::vector<int64_t>();
  auto [lo, hi] = getIntegerBounds(outStorage, op.getDoRelu(),
                                   op.getReluLimit().convertToDouble());
  const IntegerStorage out = outStorage;
  float *output = p.outputs[0];

  parallelFor(
      0, batches * m, chooseGrain(batches * m, 1 + 65536 / (k * n + 1)),
      [&](int64_t begin, int64_t end) {
        std::vector<int64_t> acc(n);
        for (int64_t job = begin; job < end; ++job) {
          int64_t b = job / m, row = job % m;
          const int32_t *x =
              lhs.data() + (batchOffset(s.batch, s.lhsBatch, b) * m + row) * k;
          const int32_t *w =
              rhs.data() + batchOffset(s.batch, s.rhsBatch, b) * k * n;
          std::fill(acc.begin(), acc.end(), 0);
          for (int64_t kk = 0; kk < k; ++kk) {
            int64_t xv = x[kk];
            const int32_t *wrow = w + kk * n;
            for (int64_t c = 0; c < n; ++c)
              acc[c] += xv * wrow[c];
          }
          float *dst = output + job * n;
          for (int64_t c = 0; c < n; ++c) {
            int64_t v = acc[c];
            if (!bias.empty())
              v += bias[bias.size() == 1 ? 0 : c];
            v = std::min<int64_t>(std::max<int64_t>(v, INT32_MIN), INT32_MAX);
            size_t q = multipliers.size() == 1 ? 0 : c;
            int64_t y = tpuc::quant::applyMultiplierAndRShift(
                            v, multipliers[q], shifts[q], qmode, rmode) +
                        out.zeroPoint;
            y = std::min(std::max(clampTo(y, out), lo), hi);
            dst[c] = static_cast<float>(y);
          }
        }
      });
  return success();
}

LogicalResult MatMulOp::init(InferenceParameter &p) {
  FailureOr<kernels::MatMulShape> shape = getMatMulShape();
  if (failed(shape))
    return failure();
  if (!cast<ShapedType>(getOutput().getType()).hasStaticShape())
    return emitOpError("needs static shapes to be evaluated");
  if (llvm::Error err = kernels::checkMatMulShape(*shape))
    return emitOpError() << llvm::toString(std::move(err));
  if (isInt8(*this)) {
    // The kernel is made now when the right weight is at hand (a failure
    // leaves the int64 loops), else at the first inference.
    auto *state = new Int8State();
    p.handle = state;
    state->constant = getRight().getDefiningOp<top::WeightOp>() != nullptr;
    std::vector<int8_t> right;
    if ((!state->constant || (p.inputs.size() > 1 && p.inputs[1])) &&
        !useInt8ReferenceLoops())
      getInt8Kernel(*this, p, *state, right);
    return success();
  }
  auto matmul = kernels::MatMul::create(*shape);
  if (!matmul)
    return emitOpError() << llvm::toString(matmul.takeError());
  p.handle = matmul->release();
  return success();
}

void MatMulOp::deinit(InferenceParameter &p) {
  if (isInt8(*this))
    delete static_cast<Int8State *>(p.handle);
  else
    delete static_cast<kernels::MatMul *>(p.handle);
  p.handle = nullptr;
}

LogicalResult MatMulOp::inference(InferenceParameter &p) {
  if (!isInt8(*this)) {
    auto *matmul = static_cast<kernels::MatMul *>(p.handle);
    if (!matmul)
      return emitOpError("inference before init");
    if (llvm::Error err =
            matmul->run(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0]))
      return emitOpError() << llvm::toString(std::move(err));
    roundResultToType(getOutput(), p.outputs[0]);
    return success();
  }

  FailureOr<kernels::MatMulShape> shape = getMatMulShape();
  if (failed(shape))
    return failure();
  const kernels::MatMulShape &s = *shape;
  std::optional<IntegerStorage> inStorage =
      getIntegerStorage(elementOf(getInput()));
  std::optional<IntegerStorage> rightStorage =
      getIntegerStorage(elementOf(getRight()));
  std::optional<IntegerStorage> outStorage =
      getIntegerStorage(elementOf(getOutput()));
  if (!inStorage || !rightStorage || !outStorage || !getQuantMode())
    return emitOpError("INT8 inference needs integer types and quant_mode");
  SmallVector<int64_t> multipliers = getIntegers(getMultiplierAttr());
  SmallVector<int64_t> shifts = getIntegers(getRshiftAttr());
  if (multipliers.empty() || multipliers.size() != shifts.size())
    return emitOpError("INT8 inference needs multiplier and rshift");
  quant::QuantMode qmode = toQuantMath(*getQuantMode());
  quant::RoundMode rmode = toQuantMath(getRoundMode());

  std::vector<int8_t> right;
  auto *state = static_cast<Int8State *>(p.handle);
  if (state && !useInt8ReferenceLoops())
    if (kernels::MatMulInt8 *kernel = getInt8Kernel(*this, p, *state, right)) {
      std::vector<kernels::Requant> requants;
      for (size_t i = 0; i < multipliers.size(); ++i)
        requants.emplace_back(multipliers[i], shifts[i], qmode, rmode);
      std::vector<int64_t> bias =
          s.biasSize ? readIntegers(p, 2, s.biasSize) : std::vector<int64_t>();
      auto [lo, hi] = getIntegerBounds(*outStorage, getDoRelu(),
                                       getReluLimit().convertToDouble());
      const IntegerStorage out = *outStorage;
      float *output = p.outputs[0];
      llvm::Error err = kernel->run(
          p.inputs[0], right.empty() ? nullptr : right.data(),
          [&](const kernels::MatMulInt8Block &b) {
            for (int64_t i = 0; i < b.rows; ++i) {
              const int32_t *acc = b.data + i * b.columns;
              float *dst = output + (b.batch * s.m + b.firstRow + i) * s.n +
                           b.firstColumn;
              if (requants.size() == 1 && bias.size() <= 1) {
                requants[0].apply(acc, 1, b.columns, bias.empty() ? 0 : bias[0],
                                  out.zeroPoint, lo, hi, dst);
                continue;
              }
              for (int64_t j = 0; j < b.columns; ++j) {
                int64_t c = b.firstColumn + j;
                requants[requants.size() == 1 ? 0 : c].apply(
                    acc + j, 1, 1,
                    bias.empty() ? 0 : bias[bias.size() == 1 ? 0 : c],
                    out.zeroPoint, lo, hi, dst + j);
              }
            }
          });
      if (!err)
        return success();
      // The loops below recompute every output.
      llvm::consumeError(std::move(err));
    }
  return inferenceInt8Loops(*this, p, s, *inStorage, *rightStorage, *outStorage,
                            multipliers, shifts, qmode, rmode);
}
