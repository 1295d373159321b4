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
// zp_out). A bias of one value is added to every column. Work is split over
// (batch, row), so results do not depend on the thread count.
//
// Float (f32 / f16 / bf16 result): the f32 product of the (already rounded)
// operands by the oneDNN kernel (as top.MatMul), with the bias and the fused
// ReLU, then every result rounded to the result type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

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
} // namespace

LogicalResult MatMulOp::init(InferenceParameter &p) {
  FailureOr<kernels::MatMulShape> shape = getMatMulShape();
  if (failed(shape))
    return failure();
  if (!cast<ShapedType>(getOutput().getType()).hasStaticShape())
    return emitOpError("needs static shapes to be evaluated");
  if (llvm::Error err = kernels::checkMatMulShape(*shape))
    return emitOpError() << llvm::toString(std::move(err));
  if (isInt8(*this))
    return success();
  auto matmul = kernels::MatMul::create(*shape);
  if (!matmul)
    return emitOpError() << llvm::toString(matmul.takeError());
  p.handle = matmul->release();
  return success();
}

void MatMulOp::deinit(InferenceParameter &p) {
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
    Type type = elementOf(getOutput());
    if (!type.isF32()) {
      float *out = p.outputs[0];
      int64_t n = numElements(getOutput());
      parallelFor(0, n, chooseGrain(n, 4096), [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i)
          out[i] = roundToType(out[i], type);
      });
    }
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

  const int64_t m = s.m, k = s.k, n = s.n;
  const int64_t batches = product(s.batch);
  const int64_t lhsCount = product(s.lhsBatch) * m * k;
  const int64_t rhsMatrices = product(s.rhsBatch);
  std::vector<int32_t> lhs(lhsCount);
  for (int64_t i = 0; i < lhsCount; ++i)
    lhs[i] =
        static_cast<int32_t>(clampTo(toInteger(p.inputs[0][i]), *inStorage));
  // The right matrices as [K][N] codes (transposed back when stored N x K).
  std::vector<int64_t> stored = readIntegers(p, 1, rhsMatrices * k * n);
  std::vector<int32_t> rhs(stored.size());
  for (int64_t b = 0; b < rhsMatrices; ++b)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t c = 0; c < n; ++c) {
        int64_t from = s.rightTranspose ? c * k + kk : kk * n + c;
        rhs[(b * k + kk) * n + c] = static_cast<int32_t>(
            clampTo(stored[b * k * n + from], *rightStorage));
      }
  std::vector<int64_t> bias =
      s.biasSize ? readIntegers(p, 2, s.biasSize) : std::vector<int64_t>();
  auto [lo, hi] = getIntegerBounds(*outStorage, getDoRelu(),
                                   getReluLimit().convertToDouble());
  const IntegerStorage out = *outStorage;
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
            int64_t y = quant::applyMultiplierAndRShift(
                            v, multipliers[q], shifts[q], qmode, rmode) +
                        out.zeroPoint;
            y = std::min(std::max(clampTo(y, out), lo), hi);
            dst[c] = static_cast<float>(y);
          }
        }
      });
  return success();
}
