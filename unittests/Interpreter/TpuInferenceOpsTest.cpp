//===- TpuInferenceOpsTest.cpp - bit-exact MatMul/Pool2D/Concat/Reshape ---===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// tpu.MatMul, tpu.Pool2D, tpu.Concat and tpu.Reshape run through
// ModuleInterpreter and compared bit for bit with naive references written
// here (plain int64 loops; requant and f16 rounding from TpuTestSupport.h,
// which do not call QuantMath), on random data with fixed seeds, and with
// hand-computed values.
//
//===----------------------------------------------------------------------===//

#include "TpuTestSupport.h"

using namespace llvm;
using namespace tpuc;
using namespace tpuc::tputest;

namespace {

class TpuInferenceOpsTest : public TpuModuleTest {};

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

std::string shapeText(ArrayRef<int64_t> dims) {
  std::string s;
  for (int64_t d : dims)
    s += std::to_string(d) + "x";
  return s;
}

/// [lo, hi] of an INT8 result after the fused ReLU (the limit rounded half
/// away from zero, as std::round does).
std::pair<int64_t, int64_t> reluBounds(bool isSigned, int64_t zp, double scale,
                                       bool doRelu, double limit) {
  int64_t qmin = isSigned ? -128 : 0, qmax = isSigned ? 127 : 255;
  if (!doRelu)
    return {qmin, qmax};
  int64_t lo = clamp(zp, qmin, qmax), hi = qmax;
  if (limit > 0)
    hi =
        clamp(static_cast<int64_t>(std::round(limit / scale)) + zp, qmin, qmax);
  return {lo, std::max(lo, hi)};
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

struct MatMulCase {
  std::vector<int64_t> lhs, rhs; // shapes as stored (rhs N x K if transposed)
  bool transpose = false;
  bool rightIsWeight = true; // i8 weight, else an activation argument
  bool rightSigned = true;
  bool hasBias = true;
  bool inSigned = true, outSigned = true;
  double inScale = 0.03125, rightScale = 0.0625, outScale = 0.125;
  int64_t inZp = 0, outZp = 0;
  Mode mode = Mode::MultiplierShift;
  Round round = Round::HalfAway;
  std::vector<int64_t> multipliers, shifts; // 1 or N values
  bool doRelu = false;
  double reluLimit = -1;

  int64_t k() const { return lhs.back(); }
  int64_t n() const { return transpose ? rhs[rhs.size() - 2] : rhs.back(); }
  int64_t m() const { return lhs.size() > 1 ? lhs[lhs.size() - 2] : 1; }
  /// The broadcast batch dims (rank >= 2 operands).
  std::vector<int64_t> batch() const {
    size_t lb = lhs.size() >= 2 ? lhs.size() - 2 : 0, rb = rhs.size() - 2;
    size_t rank = std::max(lb, rb);
    std::vector<int64_t> out(rank);
    for (size_t i = 0; i < rank; ++i) {
      int64_t a = i + lb >= rank ? lhs[i + lb - rank] : 1;
      int64_t b = i + rb >= rank ? rhs[i + rb - rank] : 1;
      out[i] = std::max(a, b);
    }
    return out;
  }
  std::vector<int64_t> outShape() const {
    if (lhs.size() == 1)
      return {n()};
    std::vector<int64_t> out = batch();
    out.push_back(m());
    out.push_back(n());
    return out;
  }
};

/// The reference: for every output (batch index, row, column) the int64 sum
/// over k of the codes, the bias, the int32 saturation and the requant.
std::vector<float> refMatMul(const MatMulCase &c, ArrayRef<int64_t> x,
                             ArrayRef<int64_t> w, ArrayRef<int64_t> bias) {
  std::vector<int64_t> lhs = c.lhs;
  if (lhs.size() == 1)
    lhs.insert(lhs.begin(), 1);
  std::vector<int64_t> batch = c.batch();
  size_t rank = batch.size();
  int64_t m = c.m(), k = c.k(), n = c.n();
  auto [lo, hi] =
      reluBounds(c.outSigned, c.outZp, c.outScale, c.doRelu, c.reluLimit);
  int64_t qmin = c.outSigned ? -128 : 0, qmax = c.outSigned ? 127 : 255;
  // The flat matrix index of an operand with batch dims `own` at the batch
  // multi-index `index`.
  auto matrixOf = [&](ArrayRef<int64_t> own, ArrayRef<int64_t> index) {
    int64_t flat = 0;
    for (size_t i = 0; i < own.size(); ++i) {
      int64_t at = index[rank - own.size() + i];
      flat = flat * own[i] + (own[i] == 1 ? 0 : at);
    }
    return flat;
  };
  std::vector<float> out;
  std::vector<int64_t> index(rank, 0);
  for (int64_t b = 0; b < product(batch); ++b) {
    int64_t rest = b;
    for (size_t i = rank; i-- > 0;) {
      index[i] = rest % batch[i];
      rest /= batch[i];
    }
    int64_t lm = matrixOf(ArrayRef(lhs).drop_back(2), index);
    int64_t rm = matrixOf(ArrayRef(c.rhs).drop_back(2), index);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t acc = 0;
        for (int64_t t = 0; t < k; ++t) {
          int64_t wv =
              c.transpose ? w[(rm * n + j) * k + t] : w[(rm * k + t) * n + j];
          acc += x[(lm * m + i) * k + t] * wv;
        }
        if (c.hasBias)
          acc += bias.size() == 1 ? bias[0] : bias[j];
        acc = clamp(acc, INT32_MIN, INT32_MAX);
        size_t q = c.multipliers.size() == 1 ? 0 : j;
        int64_t y =
            refRequant(acc, c.multipliers[q], c.shifts[q], c.mode, c.round) +
            c.outZp;
        out.push_back(clamp(clamp(y, qmin, qmax), lo, hi));
      }
  }
  return out;
}

std::string matmulModule(const MatMulCase &c, int64_t biasSize) {
  std::string in =
      "tensor<" + shapeText(c.lhs) + qtype(c.inSigned, c.inScale, c.inZp) + ">";
  std::string out = "tensor<" + shapeText(c.outShape()) +
                    qtype(c.outSigned, c.outScale, c.outZp) + ">";
  std::string right =
      "tensor<" + shapeText(c.rhs) +
      (c.rightIsWeight ? std::string(c.rightSigned ? "i8" : "ui8")
                       : qtype(c.rightSigned, c.rightScale, 0)) +
      ">";
  std::string bias = formatv("tensor<{0}xi32>", biasSize);
  std::string attrs = formatv(
      "right_transpose = {0}, do_relu = {1}, relu_limit = {2:e} : f64, "
      "quant_mode = #tpu<quant_mode {3}>, round_mode = #tpu<round_mode {4}>, "
      "multiplier = [{5}], rshift = [{6}]",
      c.transpose ? "true" : "false", c.doRelu ? "true" : "false", c.reluLimit,
      modeName(c.mode), roundName(c.round), joinInts(c.multipliers),
      joinInts(c.shifts));
  std::string args = formatv("%x: {0} loc(\"x\")", in);
  std::string rightDef;
  if (c.rightIsWeight)
    rightDef = "%w = \"top.Weight\"() : () -> " + right + " loc(\"w\")";
  else
    args += ", %w: " + right + " loc(\"w\")";
  return formatv(R"mlir(
  func.func @main({0}) -> {1} {
    {2}
    %b = {3} loc("b")
    %y = "tpu.MatMul"(%x, %w, %b) {{{4}}
         : ({5}, {6}, {7}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                 args, out, rightDef,
                 c.hasBias ? "\"top.Weight\"() : () -> " + bias
                           : std::string("\"top.None\"() : () -> none"),
                 attrs, in, right, c.hasBias ? bias : std::string("none"))
      .str();
}

TEST_F(TpuInferenceOpsTest, MatMulInt8PerColumnAsymmetricRelu) {
  // BM1684X: per-column multipliers and shifts, an asymmetric int8 input
  // (zero point folded into the bias, never subtracted), an asymmetric u8
  // result, relu with a cap, a batched input against one weight matrix.
  MatMulCase c;
  c.lhs = {2, 3, 17};
  c.rhs = {17, 6};
  c.inZp = -5;
  c.outSigned = false, c.outZp = 37;
  c.multipliers = randomInts(6, 1 << 29, (1 << 30) - 1, 101);
  c.shifts = randomInts(6, 37, 38, 102);
  c.doRelu = true, c.reluLimit = 20.0;
  auto x = randomInts(product(c.lhs), -128, 127, 103);
  auto w = randomInts(product(c.rhs), -128, 127, 104);
  auto b = randomInts(6, -20000, 20000, 105);
  weights.set("w", Array::fromData<int8_t>({17, 6}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({6}, narrow<int32_t>(b)));
  auto module = parse(matmulModule(c, 6));
  ASSERT_TRUE(module);
  std::vector<float> want = refMatMul(c, x, w, b);
  std::vector<float> one = run(*module, {toFloats(x)}, 1);
  expectEqual(one, want);
  EXPECT_TRUE(sameBytes(one, run(*module, {toFloats(x)}, 2)));
  // The relu floor, the cap and values in between all occur.
  int floor = 0, cap = 0, mid = 0;
  for (float v : want) {
    floor += v == 37;
    cap += v == 37 + 160;
    mid += v > 37 && v < 37 + 160;
  }
  EXPECT_GT(floor, 0);
  EXPECT_GT(cap, 0);
  EXPECT_GT(mid, 0);
}

TEST_F(TpuInferenceOpsTest, MatMulInt8PerTensorTransposedQdm) {
  // CV18xx-style QDM with one multiplier for the tensor, a transposed u8
  // weight (N x K), zero points on both sides, relu without a cap, batch
  // dims broadcast from a 4-D input, one bias value for every column.
  MatMulCase c;
  c.lhs = {2, 1, 4, 9};
  c.rhs = {5, 9};
  c.transpose = true;
  c.rightSigned = false;
  c.inZp = 3, c.outZp = -3;
  c.mode = Mode::QDM;
  c.round = Round::HalfEven;
  c.multipliers = {1518500250};
  c.shifts = {9};
  c.doRelu = true;
  auto x = randomInts(product(c.lhs), -128, 127, 111);
  auto w = randomInts(product(c.rhs), 0, 255, 112);
  std::vector<int64_t> b = {-4321};
  weights.set("w", Array::fromData<uint8_t>({5, 9}, narrow<uint8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({1}, narrow<int32_t>(b)));
  auto module = parse(matmulModule(c, 1));
  ASSERT_TRUE(module);
  std::vector<float> want = refMatMul(c, x, w, b);
  expectEqual(run(*module, {toFloats(x)}), want);
  int floor = 0, above = 0;
  for (float v : want) {
    floor += v == -3;
    above += v > -3 && v < 127;
  }
  EXPECT_GT(floor, 0);
  EXPECT_GT(above, 0);
}

TEST_F(TpuInferenceOpsTest, MatMulInt8ActivationsBroadcastBatches) {
  // An activation right operand (symmetric, u8), both operands' batch dims
  // broadcast ([2, 1] against [3]), OnlyShift with half up, no bias.
  MatMulCase c;
  c.lhs = {2, 1, 3, 7};
  c.rhs = {3, 7, 4};
  c.rightIsWeight = false;
  c.rightSigned = false;
  c.hasBias = false;
  c.mode = Mode::OnlyShift;
  c.round = Round::HalfUp;
  c.multipliers = {1};
  c.shifts = {8};
  auto x = randomInts(product(c.lhs), -128, 127, 121);
  auto w = randomInts(product(c.rhs), 0, 255, 122);
  auto module = parse(matmulModule(c, 0));
  ASSERT_TRUE(module);
  expectEqual(run(*module, {toFloats(x), toFloats(w)}), refMatMul(c, x, w, {}));
}

TEST_F(TpuInferenceOpsTest, MatMulInt8VectorInput) {
  // A 1-D input: [K] x [K, N] -> [N].
  MatMulCase c;
  c.lhs = {12};
  c.rhs = {12, 5};
  c.multipliers = {1 << 30, 1 << 29, 3 << 28, 1 << 30, 1 << 28};
  c.shifts = {38, 38, 39, 37, 36};
  auto x = randomInts(12, -128, 127, 131);
  auto w = randomInts(60, -128, 127, 132);
  auto b = randomInts(5, -1000, 1000, 133);
  weights.set("w", Array::fromData<int8_t>({12, 5}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({5}, narrow<int32_t>(b)));
  auto module = parse(matmulModule(c, 5));
  ASSERT_TRUE(module);
  expectEqual(run(*module, {toFloats(x)}), refMatMul(c, x, w, b));
}

TEST_F(TpuInferenceOpsTest, MatMulInt32BiasBeyond2To24StaysExact) {
  // x = 0, so acc = bias = 2^25 + 2^17 + 1: acc / 2^18 = 128.5 + 2^-18
  // rounds to 129 with half to even. Read through a float buffer the bias
  // would be 2^25 + 2^17, a tie rounding to 128 (the second column).
  MatMulCase c;
  c.lhs = {3, 2};
  c.rhs = {2, 2};
  c.outSigned = false;
  c.round = Round::HalfEven;
  c.multipliers = {1};
  c.shifts = {18};
  std::vector<int64_t> x = {0, 0, 0, 0, 0, 0}, w = {1, -1, 2, 3};
  std::vector<int64_t> b = {(1 << 25) + (1 << 17) + 1, (1 << 25) + (1 << 17)};
  weights.set("w", Array::fromData<int8_t>({2, 2}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({2}, narrow<int32_t>(b)));
  auto module = parse(matmulModule(c, 2));
  ASSERT_TRUE(module);
  std::vector<float> got = run(*module, {toFloats(x)});
  expectEqual(got, refMatMul(c, x, w, b));
  expectEqual(got, {129, 128, 129, 128, 129, 128});
}

TEST_F(TpuInferenceOpsTest, MatMulF16RoundsEveryResult) {
  // Operands that are multiples of 1/64 below 4 in magnitude (exact in
  // f16): every product and partial sum is a multiple of 2^-12 below 2^8,
  // exact in f32 (and in double), so the reference is exact before its f16
  // rounding, and the results need more bits than f16 has.
  std::mt19937 gen(140);
  std::uniform_int_distribution<int> dist(-255, 255);
  const int64_t m = 3, k = 16, n = 5;
  std::vector<float> x(m * k), w(k * n), b(n);
  for (float &v : x)
    v = dist(gen) / 64.0f;
  for (float &v : w)
    v = dist(gen) / 64.0f;
  for (float &v : b)
    v = dist(gen) / 64.0f;
  weights.set("w", Array::fromFloat({k, n}, w));
  weights.set("b", Array::fromFloat({n}, b));
  // The weights are f16 in the IR; their f32 arrays hold exact f16 values.
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<3x16xf16> loc("x")) -> tensor<3x5xf16> {
    %w = "top.Weight"() : () -> tensor<16x5xf16> loc("w")
    %b = "top.Weight"() : () -> tensor<5xf16> loc("b")
    %y = "tpu.MatMul"(%x, %w, %b) {do_relu = true}
         : (tensor<3x16xf16>, tensor<16x5xf16>, tensor<5xf16>) -> tensor<3x5xf16> loc("y")
    return %y : tensor<3x5xf16>
  })mlir");
  ASSERT_TRUE(module);
  std::vector<float> want;
  int rounded = 0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = b[j];
      for (int64_t t = 0; t < k; ++t)
        acc += double(x[i * k + t]) * double(w[t * n + j]);
      float exact = static_cast<float>(std::max(acc, 0.0));
      want.push_back(refF16(exact));
      rounded += want.back() != exact;
    }
  EXPECT_GT(rounded, 0);
  expectEqual(run(*module, {x}), want);
}

//===----------------------------------------------------------------------===//
// Pool2D
//===----------------------------------------------------------------------===//

/// The output size of a pooling axis, written from the top.MaxPool
/// description: floor or ceil of (in + pads - extent) / stride + 1, a ceil
/// window starting in the end padding dropped.
int64_t refPoolSize(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb,
                    int64_t pe, bool ceil) {
  int64_t span = in + pb + pe - (d * (k - 1) + 1);
  int64_t out = (ceil ? (span + s - 1) / s : span / s) + 1;
  if (ceil && (out - 1) * s >= in + pb)
    --out;
  return out;
}

struct PoolCase {
  int64_t n = 1, c = 3, h = 9, w = 8, kh = 3, kw = 3, sh = 2, sw = 2;
  int64_t dh = 1, dw = 1, pt = 1, pl = 1, pb = 1, pr = 1;
  bool ceil = false;
  int64_t oh() const { return refPoolSize(h, kh, sh, dh, pt, pb, ceil); }
  int64_t ow() const { return refPoolSize(w, kw, sw, dw, pl, pr, ceil); }
  std::string attrs() const {
    return formatv("kernel_shape = [{0}, {1}], strides = [{2}, {3}], "
                   "dilations = [{4}, {5}], pads = [{6}, {7}, {8}, {9}], "
                   "ceil_mode = {10}",
                   kh, kw, sh, sw, dh, dw, pt, pl, pb, pr,
                   ceil ? "true" : "false");
  }
  std::string inShape() const {
    return formatv("{0}x{1}x{2}x{3}x", n, c, h, w);
  }
  std::string outShape() const {
    return formatv("{0}x{1}x{2}x{3}x", n, c, oh(), ow());
  }
  /// Calls f(value index) for every window tap of output (plane, y, x)
  /// inside the input, in kernel row-major order.
  template <typename F>
  void forTaps(int64_t plane, int64_t y, int64_t x, F f) const {
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j) {
        int64_t r = y * sh - pt + i * dh, col = x * sw - pl + j * dw;
        if (r >= 0 && r < h && col >= 0 && col < w)
          f((plane * h + r) * w + col);
      }
  }
};

TEST_F(TpuInferenceOpsTest, AvgPoolInt8HandComputed) {
  // 2x2 windows, stride 2; zp_in = 2, M / 2^r = 1/4, zp_out = -1:
  //   (q - 2) sums 30, 2, 247, -259 -> /4 = 7.5, 0.5, 61.75, -64.75
  //   -> half away from zero 8, 1, 62, -65 -> + zp_out 7, 0, 61, -66.
  std::vector<float> x = {10,  20,  -30,  40,   2, 6, 8, -8,
                          127, 127, -128, -128, 0, 1, 2, 3};
  std::string in = "tensor<1x1x4x4x" + qtype(true, 0.1, 2) + ">";
  std::string out = "tensor<1x1x2x2x" + qtype(true, 0.1, -1) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %y = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Avg>,
           kernel_shape = [2, 2], strides = [2, 2], pads = [0, 0, 0, 0],
           quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [1], rshift = [2]} : ({0}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              in, out)
                          .str());
  ASSERT_TRUE(module);
  expectEqual(run(*module, {x}), {7, 0, 61, -66});
}

TEST_F(TpuInferenceOpsTest, AvgPoolInt8PartialWindowsShareTheMultiplier) {
  // 3x3 windows with padding and without count_include_pad: a border
  // window sums fewer elements but is requantized with the same M / r as a
  // full one (the chip's behaviour); asymmetric u8 input, relu.
  PoolCase p;
  p.n = 2, p.c = 3;
  const int64_t zpIn = 100, zpOut = -7, mult = 1908874354, shift = 34;
  auto x = randomInts(p.n * p.c * p.h * p.w, 0, 255, 150);
  std::string in = "tensor<" + p.inShape() + qtype(false, 0.05, zpIn) + ">";
  std::string out = "tensor<" + p.outShape() + qtype(true, 0.1, zpOut) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %y = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Avg>, {2},
           do_relu = true, quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [{3}], rshift = [{4}]} : ({0}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              in, out, p.attrs(), mult, shift)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t plane = 0; plane < p.n * p.c; ++plane)
    for (int64_t y = 0; y < p.oh(); ++y)
      for (int64_t xo = 0; xo < p.ow(); ++xo) {
        int64_t sum = 0;
        p.forTaps(plane, y, xo, [&](int64_t i) { sum += x[i] - zpIn; });
        int64_t q = refRequant(sum, mult, shift, Mode::MultiplierShift,
                               Round::HalfAway) +
                    zpOut;
        want.push_back(clamp(clamp(q, -128, 127), zpOut, 127));
      }
  std::vector<float> got = run(*module, {toFloats(x)});
  expectEqual(got, want);
  EXPECT_TRUE(sameBytes(got, run(*module, {toFloats(x)}, 2)));
}

TEST_F(TpuInferenceOpsTest, MaxPoolInt8) {
  // The largest code of each window, padding never winning (all-negative
  // border windows stay negative), ceil_mode, dilations; relu clamps at the
  // zero point with a cap of 2.0 / 0.05 = 40 above it.
  PoolCase p;
  p.n = 1, p.c = 4, p.h = 11, p.w = 10, p.dh = 2, p.dw = 1;
  p.pt = 2, p.pl = 1, p.pb = 0, p.pr = 2;
  p.ceil = true;
  const int64_t zp = -20;
  auto x = randomInts(p.n * p.c * p.h * p.w, -128, 127, 160);
  std::string type = qtype(true, 0.05, zp);
  std::string in = "tensor<" + p.inShape() + type + ">";
  std::string out = "tensor<" + p.outShape() + type + ">";
  for (bool relu : {false, true}) {
    auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %y = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Max>, {2},
           do_relu = {3}, relu_limit = 2.0 : f64} : ({0}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                                in, out, p.attrs(), relu ? "true" : "false")
                            .str());
    ASSERT_TRUE(module);
    std::vector<float> want;
    int negative = 0;
    for (int64_t plane = 0; plane < p.n * p.c; ++plane)
      for (int64_t y = 0; y < p.oh(); ++y)
        for (int64_t xo = 0; xo < p.ow(); ++xo) {
          int64_t best = INT64_MIN;
          p.forTaps(plane, y, xo,
                    [&](int64_t i) { best = std::max(best, x[i]); });
          if (best == INT64_MIN)
            best = zp;
          negative += best < 0;
          want.push_back(relu ? clamp(best, zp, zp + 40) : best);
        }
    EXPECT_GT(negative, 0);
    expectEqual(run(*module, {toFloats(x)}), want);
  }
}

TEST_F(TpuInferenceOpsTest, PoolFloatMatchesTopPools) {
  // In f32 tpu.Pool2D computes exactly what top.MaxPool / top.AvgPool
  // compute (same windows, same order of the sums).
  PoolCase p;
  p.n = 2, p.c = 3, p.h = 10, p.w = 9, p.kh = 3, p.kw = 2, p.dw = 2;
  p.pt = 1, p.pl = 1, p.pb = 2, p.pr = 0;
  p.ceil = true;
  std::vector<float> x =
      toFloats(randomInts(p.n * p.c * p.h * p.w, -999, 999, 170));
  for (float &v : x)
    v /= 7.0f;
  std::string in = "tensor<" + p.inShape() + "f32>";
  std::string out = "tensor<" + p.outShape() + "f32>";
  std::string topAttrs =
      formatv("kernel_shape = [{0}, {1}], strides = [{2}, {3}], dilations = "
              "[{4}, {5}], pads = [{6}, {7}, {8}, {9}], ceil_mode = true",
              p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pt, p.pl, p.pb, p.pr);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %a = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Avg>, {2},
           count_include_pad = true} : ({0}) -> {1} loc("tpu_avg_pad")
    %b = "top.AvgPool"(%x) {{{3}, count_include_pad = true}
         : ({0}) -> {1} loc("top_avg_pad")
    %c = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Avg>, {2}}
         : ({0}) -> {1} loc("tpu_avg")
    %d = "top.AvgPool"(%x) {{{3}} : ({0}) -> {1} loc("top_avg")
    %e = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Max>, {2}, do_relu = true}
         : ({0}) -> {1} loc("tpu_max")
    %f = "top.MaxPool"(%x) {{{3}, do_relu = true} : ({0}) -> {1} loc("top_max")
    return %a : {1}
  })mlir",
                              in, out, p.attrs(), topAttrs)
                          .str());
  ASSERT_TRUE(module);
  InterpreterOptions options;
  options.keepAllTensors = true;
  auto interp = ModuleInterpreter::create(*module, options);
  ASSERT_TRUE(bool(interp)) << toString(interp.takeError());
  ASSERT_FALSE(bool((*interp)->setInput("x", x)));
  ASSERT_FALSE(bool((*interp)->invoke()));
  auto get = [&](StringRef name) {
    auto t = (*interp)->getTensor(name);
    EXPECT_TRUE(bool(t)) << name.str();
    return t ? t->vec() : std::vector<float>();
  };
  for (auto [tpuName, topName] :
       {std::pair("tpu_avg_pad", "top_avg_pad"),
        std::pair("tpu_avg", "top_avg"), std::pair("tpu_max", "top_max")}) {
    std::vector<float> got = get(tpuName), want = get(topName);
    EXPECT_EQ(got.size(), static_cast<size_t>(p.n * p.c * p.oh() * p.ow()));
    expectEqual(got, want);
  }
  // count_include_pad changes the border results.
  EXPECT_FALSE(sameBytes(get("tpu_avg_pad"), get("tpu_avg")));
}

TEST_F(TpuInferenceOpsTest, AvgPoolF16RoundsToType) {
  // f16 average of f16 values: the f32 sum in kernel order divided by the
  // count, then rounded to f16.
  PoolCase p;
  p.c = 2, p.h = 6, p.w = 6, p.kh = 2, p.kw = 3, p.sh = 1, p.sw = 2;
  p.pt = 0, p.pl = 1, p.pb = 1, p.pr = 1;
  std::mt19937 gen(180);
  std::uniform_real_distribution<float> dist(-4, 4);
  std::vector<float> x(p.n * p.c * p.h * p.w);
  for (float &v : x)
    v = refF16(dist(gen));
  std::string in = "tensor<" + p.inShape() + "f16>";
  std::string out = "tensor<" + p.outShape() + "f16>";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %y = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Avg>, {2}}
         : ({0}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              in, out, p.attrs())
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t plane = 0; plane < p.n * p.c; ++plane)
    for (int64_t y = 0; y < p.oh(); ++y)
      for (int64_t xo = 0; xo < p.ow(); ++xo) {
        float sum = 0;
        int count = 0;
        p.forTaps(plane, y, xo, [&](int64_t i) {
          sum += x[i];
          ++count;
        });
        want.push_back(refF16(sum / static_cast<float>(count)));
      }
  expectEqual(run(*module, {x}), want);
}

//===----------------------------------------------------------------------===//
// Concat, Reshape
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceOpsTest, ConcatInt8Requant) {
  // Along axis 1 of 4-D tensors: input 0 has the result's type (copied),
  // input 1 another scale and zero point, input 2 is u8; relu with a cap.
  const int64_t zpOut = 6;
  const double outScale = 0.05;
  std::vector<std::string> types = {qtype(true, outScale, zpOut),
                                    qtype(true, 0.03, -9),
                                    qtype(false, 0.08, 128)};
  std::vector<int64_t> zps = {zpOut, -9, 128}, channels = {2, 3, 1};
  std::vector<int64_t> mults = {1, 1288490189, 1717986918},
                       shifts = {0, 31, 30};
  std::vector<std::vector<int64_t>> xs;
  std::string args, operandTypes, operands;
  for (size_t i = 0; i < 3; ++i) {
    xs.push_back(randomInts(2 * channels[i] * 3 * 2, i == 2 ? 0 : -128,
                            i == 2 ? 255 : 127, 190 + i));
    std::string type =
        formatv("tensor<2x{0}x3x2x{1}>", channels[i], types[i]).str();
    args += formatv("{0}%a{1}: {2} loc(\"a{1}\")", i ? ", " : "", i, type);
    operandTypes += (i ? ", " : "") + type;
    operands += formatv("{0}%a{1}", i ? ", " : "", i);
  }
  std::string out = "tensor<2x6x3x2x" + types[0] + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main({0}) -> {1} {
    %y = "tpu.Concat"({2}) {{axis = 1 : i64, do_relu = true,
           relu_limit = 5.0 : f64, quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfUp>, multipliers = [{3}],
           rshifts = [{4}]} : ({5}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              args, out, operands, joinInts(mults),
                              joinInts(shifts), operandTypes)
                          .str());
  ASSERT_TRUE(module);
  auto [lo, hi] = reluBounds(true, zpOut, outScale, true, 5.0);
  EXPECT_EQ(hi, zpOut + 100);
  std::vector<float> want;
  for (int64_t n = 0; n < 2; ++n)
    for (size_t i = 0; i < 3; ++i)
      for (int64_t c = 0; c < channels[i]; ++c)
        for (int64_t e = 0; e < 6; ++e) {
          int64_t q = xs[i][(n * channels[i] + c) * 6 + e];
          int64_t y =
              i == 0 ? q
                     : clamp(refRequant(q - zps[i], mults[i], shifts[i],
                                        Mode::MultiplierShift, Round::HalfUp) +
                                 zpOut,
                             -128, 127);
          want.push_back(clamp(y, lo, hi));
        }
  std::vector<std::vector<float>> inputs;
  for (auto &x : xs)
    inputs.push_back(toFloats(x));
  expectEqual(run(*module, inputs), want);
}

TEST_F(TpuInferenceOpsTest, ConcatBF16AndReshape) {
  // Float concat: copies (rounding to bf16 leaves bf16 values unchanged)
  // with relu; then a reshape, a plain copy.
  std::mt19937 gen(200);
  std::uniform_real_distribution<float> dist(-3, 3);
  std::vector<float> a(2 * 3), b(2 * 2);
  for (float &v : a)
    v = refBF16(dist(gen));
  for (float &v : b)
    v = refBF16(dist(gen));
  auto module = parse(R"mlir(
  func.func @main(%a: tensor<2x3xbf16> loc("a"), %b: tensor<2x2xbf16> loc("b")) -> tensor<10xbf16> {
    %c = "tpu.Concat"(%a, %b) {axis = -1 : i64, do_relu = true}
         : (tensor<2x3xbf16>, tensor<2x2xbf16>) -> tensor<2x5xbf16> loc("c")
    %y = "tpu.Reshape"(%c) : (tensor<2x5xbf16>) -> tensor<10xbf16> loc("y")
    return %y : tensor<10xbf16>
  })mlir");
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t r = 0; r < 2; ++r) {
    for (int64_t j = 0; j < 3; ++j)
      want.push_back(std::max(a[r * 3 + j], 0.0f));
    for (int64_t j = 0; j < 2; ++j)
      want.push_back(std::max(b[r * 2 + j], 0.0f));
  }
  expectEqual(run(*module, {a, b}), want);
}

TEST_F(TpuInferenceOpsTest, ReshapeInt8CopiesCodes) {
  auto x = randomInts(24, -128, 127, 210);
  std::string q = qtype(true, 0.02, -4);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<2x3x4x{0}> loc("x")) -> tensor<6x4x{0}> {
    %y = "tpu.Reshape"(%x) : (tensor<2x3x4x{0}>) -> tensor<6x4x{0}> loc("y")
    return %y : tensor<6x4x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  expectEqual(run(*module, {toFloats(x)}), toFloats(x));
}

} // namespace
