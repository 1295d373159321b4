//===- TpuInferenceTest.cpp - bit-exact Tpu op inference ------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Small Tpu modules run through ModuleInterpreter and compared bit for bit
// with naive references written here (and in TpuTestSupport.h): plain int64
// loops and rounding code of their own (QuantMath is not called), on random
// data with fixed seeds.
//
//===----------------------------------------------------------------------===//

#include "TpuTestSupport.h"

using namespace llvm;
using namespace tpuc;
using namespace tpuc::tputest;

namespace {

/// The Tpu op tests of this file.
class TpuInferenceTest : public TpuModuleTest {};

//===----------------------------------------------------------------------===//
// Conv2D INT8
//===----------------------------------------------------------------------===//

std::vector<float> refConv(const ConvCase &c, ArrayRef<int64_t> x,
                           ArrayRef<int64_t> wt, ArrayRef<int64_t> bias) {
  int64_t icg = c.ic / c.group, ocg = c.oc / c.group;
  int64_t oh = c.oh(), ow = c.ow();
  int64_t qmin = c.outSigned ? -128 : 0, qmax = c.outSigned ? 127 : 255;
  int64_t lo = qmin, hi = qmax;
  if (c.doRelu) {
    lo = clamp(c.outZp, qmin, qmax);
    if (c.reluLimit > 0)
      hi = clamp(static_cast<int64_t>(std::round(c.reluLimit / c.outScale)) +
                     c.outZp,
                 qmin, qmax);
  }
  std::vector<float> out;
  for (int64_t n = 0; n < c.n; ++n)
    for (int64_t o = 0; o < c.oc; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          int64_t acc = bias.empty() ? 0 : bias[o];
          int64_t g = o / ocg;
          for (int64_t i = 0; i < icg; ++i)
            for (int64_t ky = 0; ky < c.kh; ++ky)
              for (int64_t kx = 0; kx < c.kw; ++kx) {
                int64_t iy = y * c.sh - c.pt + ky * c.dh;
                int64_t ix = xo * c.sw - c.pl + kx * c.dw;
                int64_t v = c.inZp;
                if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w)
                  v = x[((n * c.ic + g * icg + i) * c.h + iy) * c.w + ix];
                acc += v * wt[((o * icg + i) * c.kh + ky) * c.kw + kx];
              }
          size_t k = c.multipliers.size() == 1 ? 0 : o;
          acc = clamp(acc, INT32_MIN, INT32_MAX);
          int64_t q =
              refRequant(acc, c.multipliers[k], c.shifts[k], c.mode, c.round) +
              c.outZp;
          out.push_back(
              static_cast<float>(clamp(clamp(q, qmin, qmax), lo, hi)));
        }
  return out;
}

TEST_F(TpuInferenceTest, ConvInt8PerChannelAsymmetric) {
  // BM1684X: per-channel multiplier/shift, asymmetric input and output
  // (the padding reads the input zero point), groups, stride, dilation,
  // asymmetric pads, relu with a cap.
  ConvCase c;
  c.n = 2, c.ic = 6, c.h = 9, c.w = 8, c.oc = 4, c.group = 2;
  c.sh = 2, c.sw = 1, c.dh = 1, c.dw = 2;
  c.pt = 2, c.pl = 0, c.pb = 1, c.pr = 3;
  c.inSigned = true, c.inZp = -7, c.outSigned = false, c.outZp = 37;
  c.mode = Mode::MultiplierShift;
  c.multipliers = randomInts(c.oc, 1 << 20, (1 << 30) - 1, 11);
  c.shifts = randomInts(c.oc, 33, 38, 12);
  c.doRelu = true, c.reluLimit = 6.0;
  auto x = randomInts(c.n * c.ic * c.h * c.w, -128, 127, 1);
  auto w = randomInts(c.oc * (c.ic / c.group) * c.kh * c.kw, -128, 127, 2);
  auto b = randomInts(c.oc, -200000, 200000, 3);
  weights.set("w", Array::fromData<int8_t>({c.oc, c.ic / c.group, c.kh, c.kw},
                                           narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({c.oc}, narrow<int32_t>(b)));
  auto module = parse(convModule(c));
  ASSERT_TRUE(module);
  std::vector<float> want = refConv(c, x, w, b);
  std::vector<float> one = run(*module, {toFloats(x)}, 1);
  expectEqual(one, want);
  // Thread-count independence.
  std::vector<float> two = run(*module, {toFloats(x)}, 2);
  EXPECT_TRUE(sameBytes(one, two));
  // Not trivially clamped: the relu bounds and interior values occur.
  int low = 0, mid = 0;
  for (float v : want) {
    low += v == 37;
    mid += v > 37 && v < 37 + 96;
  }
  EXPECT_GT(low, 0);
  EXPECT_GT(mid, 0);
}

TEST_F(TpuInferenceTest, ConvInt8OnlyShiftPerLayer) {
  // BM1684: one shift for the layer, multiplier 1, symmetric, no bias.
  ConvCase c;
  c.ic = 3, c.oc = 5, c.h = 6, c.w = 6;
  c.mode = Mode::OnlyShift;
  c.round = Round::HalfUp;
  c.multipliers = {1};
  c.shifts = {9};
  c.hasBias = false;
  auto x = randomInts(c.n * c.ic * c.h * c.w, -128, 127, 4);
  auto w = randomInts(c.oc * c.ic * c.kh * c.kw, -128, 127, 5);
  weights.set("w", Array::fromData<int8_t>({c.oc, c.ic, c.kh, c.kw},
                                           narrow<int8_t>(w)));
  auto module = parse(convModule(c));
  ASSERT_TRUE(module);
  expectEqual(run(*module, {toFloats(x)}), refConv(c, x, w, {}));
}

TEST_F(TpuInferenceTest, ConvInt8QdmDepthwise) {
  // CV18xx: QDM per channel, depthwise, stride 2, relu, half to even.
  ConvCase c;
  c.ic = 4, c.oc = 4, c.group = 4, c.h = 9, c.w = 9, c.sh = 2, c.sw = 2;
  c.mode = Mode::QDM;
  c.round = Round::HalfEven;
  c.multipliers = randomInts(c.oc, int64_t(1) << 30, INT32_MAX, 6);
  c.shifts = randomInts(c.oc, 0, 7, 7);
  c.doRelu = true;
  auto x = randomInts(c.n * c.ic * c.h * c.w, -128, 127, 8);
  auto w = randomInts(c.oc * c.kh * c.kw, -128, 127, 9);
  auto b = randomInts(c.oc, -5000, 5000, 10);
  weights.set(
      "w", Array::fromData<int8_t>({c.oc, 1, c.kh, c.kw}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({c.oc}, narrow<int32_t>(b)));
  auto module = parse(convModule(c));
  ASSERT_TRUE(module);
  expectEqual(run(*module, {toFloats(x)}), refConv(c, x, w, b));
}

TEST_F(TpuInferenceTest, Int32BiasBeyond2To24StaysExact) {
  // acc = bias = 2^25 + 2^17 + 1: acc / 2^18 = 128.5 + 2^-18 rounds to 129
  // with half to even. Through a float buffer the bias would be 2^25 + 2^17
  // (a tie, rounding to 128).
  ConvCase c;
  c.ic = 1, c.oc = 2, c.h = 2, c.w = 2, c.kh = 1, c.kw = 1;
  c.pt = c.pl = c.pb = c.pr = 0;
  c.outSigned = false;
  c.round = Round::HalfEven;
  c.multipliers = {1};
  c.shifts = {18};
  std::vector<int64_t> x = {1, -2, 3, -4}, w = {0, 0},
                       b = {(1 << 25) + (1 << 17) + 1, (1 << 25) + (1 << 17)};
  weights.set("w", Array::fromData<int8_t>({2, 1, 1, 1}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({2}, narrow<int32_t>(b)));
  auto module = parse(convModule(c));
  ASSERT_TRUE(module);
  std::vector<float> got = run(*module, {toFloats(x)});
  expectEqual(got, refConv(c, x, w, b));
  expectEqual(got, {129, 129, 129, 129, 128, 128, 128, 128});
}

TEST_F(TpuInferenceTest, IntegerWeightNeedsItsDType) {
  ConvCase c;
  c.ic = 1, c.oc = 2, c.h = 2, c.w = 2, c.kh = 1, c.kw = 1;
  c.pt = c.pl = c.pb = c.pr = 0;
  c.multipliers = {1};
  c.shifts = {0};
  weights.set("w", Array::fromFloat({2, 1, 1, 1}, {1, 2}));
  weights.set("b", Array::fromData<int32_t>({2}, {1, 2}));
  auto module = parse(convModule(c));
  ASSERT_TRUE(module);
  auto interp = ModuleInterpreter::create(*module, {});
  ASSERT_FALSE(interp);
  std::string message = toString(interp.takeError());
  EXPECT_NE(message.find("weight 'w' of type i8 needs i8 data in the weight "
                         "file, got f32"),
            std::string::npos)
      << message;
}

//===----------------------------------------------------------------------===//
// Add
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceTest, AddInt8PerInputShiftsBroadcast) {
  // BM1684X: three inputs with their own zero points, broadcasting.
  SmallVector<SmallVector<int64_t>> shapes = {
      {2, 3, 4, 5}, {1, 3, 1, 5}, {2, 1, 4, 1}};
  std::vector<int64_t> zps = {-3, 5, 0}, mults = {91, -77, 200},
                       shifts = {7, 6, 9};
  std::vector<std::vector<int64_t>> xs;
  std::string args, types;
  for (size_t i = 0; i < 3; ++i) {
    int64_t n = 1;
    for (int64_t d : shapes[i])
      n *= d;
    xs.push_back(randomInts(n, -128, 127, 20 + i));
    std::string type =
        formatv("tensor<{0}x{1}x{2}x{3}x{4}>", shapes[i][0], shapes[i][1],
                shapes[i][2], shapes[i][3], qtype(true, 0.03125, zps[i]));
    args += formatv("{0}%a{1}: {2} loc(\"x{1}\")", i ? ", " : "", i, type);
    types += (i ? ", " : "") + type;
  }
  std::string outType = "tensor<2x3x4x5x" + qtype(true, 0.0625, 4) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main({0}) -> {1} {
    %y = "tpu.Add"(%a0, %a1, %a2) {{multipliers = [91, -77, 200],
           rshifts = [7, 6, 9], do_relu = true,
           quant_mode = #tpu<quant_mode MultiplierShift>}
         : ({2}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              args, outType, types)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t c = 0; c < 4; ++c)
        for (int64_t d = 0; d < 5; ++d) {
          int64_t q[3] = {xs[0][((a * 3 + b) * 4 + c) * 5 + d],
                          xs[1][b * 5 + d], xs[2][a * 4 + c]};
          int64_t sum = 0;
          for (int i = 0; i < 3; ++i)
            sum += refShift((q[i] - zps[i]) * mults[i], shifts[i],
                            Round::HalfAway);
          want.push_back(clamp(clamp(sum + 4, -128, 127), 4, 127));
        }
  std::vector<float> got =
      run(*module, {toFloats(xs[0]), toFloats(xs[1]), toFloats(xs[2])});
  expectEqual(got, want);
  EXPECT_TRUE(sameBytes(
      got,
      run(*module, {toFloats(xs[0]), toFloats(xs[1]), toFloats(xs[2])}, 2)));
}

TEST_F(TpuInferenceTest, AddInt8SharedShift) {
  // CV18xx: y = sat(round((q0 M0 + q1 M1) / 2^r)), symmetric.
  auto x0 = randomInts(64, -128, 127, 30), x1 = randomInts(8, -128, 127, 31);
  std::string t0 = "tensor<8x8x" + qtype(true, 0.5, 0) + ">";
  std::string t1 = "tensor<1x8x" + qtype(true, 0.25, 0) + ">";
  std::string to = "tensor<8x8x" + qtype(true, 0.5, 0) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%a: {0} loc("a"), %b: {1} loc("b")) -> {2} {
    %y = "tpu.Add"(%a, %b) {{multipliers = [127, 64], rshifts = [7],
           quant_mode = #tpu<quant_mode QDM>,
           round_mode = #tpu<round_mode HalfToEven>}
         : ({0}, {1}) -> {2} loc("y")
    return %y : {2}
  })mlir",
                              t0, t1, to)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t i = 0; i < 8; ++i)
    for (int64_t j = 0; j < 8; ++j)
      want.push_back(
          clamp(refShift(x0[i * 8 + j] * 127 + x1[j] * 64, 7, Round::HalfEven),
                -128, 127));
  expectEqual(run(*module, {toFloats(x0), toFloats(x1)}), want);
}

TEST_F(TpuInferenceTest, AddFloatRoundsToType) {
  std::mt19937 gen(40);
  std::uniform_real_distribution<float> dist(-3, 3);
  std::vector<float> a(32), b(32);
  for (size_t i = 0; i < 32; ++i) {
    a[i] = refF16(dist(gen));
    b[i] = refF16(dist(gen) * 1e-3f);
  }
  auto module = parse(R"mlir(
  func.func @main(%a: tensor<4x8xf16> loc("a"), %b: tensor<4x8xf16> loc("b")) -> tensor<4x8xf16> {
    %y = "tpu.Add"(%a, %b) : (tensor<4x8xf16>, tensor<4x8xf16>) -> tensor<4x8xf16> loc("y")
    return %y : tensor<4x8xf16>
  })mlir");
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (size_t i = 0; i < 32; ++i)
    want.push_back(refF16(a[i] + b[i]));
  expectEqual(run(*module, {a, b}), want);
}

//===----------------------------------------------------------------------===//
// RequantInt, Lut
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceTest, RequantIntPerChannel) {
  auto x = randomInts(2 * 3 * 4, -(1 << 23), 1 << 23, 50);
  std::vector<int64_t> m = {1518500250, 1073741824, 2000000000},
                       r = {40, 38, 39};
  std::string out = "tensor<2x3x4x" + qtype(false, 0.1, 100) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<2x3x4xi32> loc("x")) -> {0} {
    %y = "tpu.RequantInt"(%x) {{multiplier = [1518500250, 1073741824, 2000000000],
           rshift = [40, 38, 39], quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfUp>}
         : (tensor<2x3x4xi32>) -> {0} loc("y")
    return %y : {0}
  })mlir",
                              out)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t i = 0; i < 24; ++i) {
    int64_t c = i / 4 % 3;
    want.push_back(clamp(
        refRequant(x[i], m[c], r[c], Mode::MultiplierShift, Round::HalfUp) +
            100,
        0, 255));
  }
  expectEqual(run(*module, {toFloats(x)}), want);
}

TEST_F(TpuInferenceTest, LutIndexesByTheRawByte) {
  auto x = randomInts(100, -128, 127, 60);
  auto table = randomInts(256, -128, 127, 61);
  weights.set("t", Array::fromData<int8_t>({256}, narrow<int8_t>(table)));
  std::string in = "tensor<100x" + qtype(true, 0.05, 0) + ">";
  std::string out = "tensor<100x" + qtype(true, 0.0078125, 0) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %t = "top.Weight"() : () -> tensor<256xi8> loc("t")
    %y = "tpu.Lut"(%x, %t) : ({0}, tensor<256xi8>) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              in, out)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t q : x)
    want.push_back(table[q < 0 ? q + 256 : q]);
  expectEqual(run(*module, {toFloats(x)}), want);
}

//===----------------------------------------------------------------------===//
// Cast
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceTest, CastEveryDirection) {
  std::mt19937 gen(70);
  std::uniform_real_distribution<float> dist(-6, 6);
  std::vector<float> x(64);
  for (float &v : x)
    v = dist(gen);
  x[0] = 0.03125f * 2.5f; // a tie: 2.5 -> 3 half away from zero
  x[1] = -0.03125f * 2.5f;
  x[2] = 1000.0f; // saturates
  std::string qi8 = "tensor<64x" + qtype(true, 0.03125, -3) + ">";
  std::string qu8 = "tensor<64x" + qtype(false, 0.0625, 128) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<64xf32> loc("x")) -> tensor<64xf32> {
    %q = "tpu.Cast"(%x) : (tensor<64xf32>) -> {0} loc("q")
    %u = "tpu.Cast"(%q) : ({0}) -> {1} loc("u")
    %d = "tpu.Cast"(%u) : ({1}) -> tensor<64xf32> loc("d")
    %h = "tpu.Cast"(%x) : (tensor<64xf32>) -> tensor<64xf16> loc("h")
    %hb = "tpu.Cast"(%h) : (tensor<64xf16>) -> tensor<64xbf16> loc("hb")
    %b = "tpu.Cast"(%x) : (tensor<64xf32>) -> tensor<64xbf16> loc("b")
    %qh = "tpu.Cast"(%q) : ({0}) -> tensor<64xf16> loc("qh")
    %f = "tpu.Cast"(%hb) : (tensor<64xbf16>) -> tensor<64xf32> loc("f")
    return %f : tensor<64xf32>
  })mlir",
                              qi8, qu8)
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
    EXPECT_TRUE(bool(t));
    return t ? t->vec() : std::vector<float>();
  };
  std::vector<float> q, u, d, h, hb, b, qh;
  for (float v : x) {
    int64_t qi = clamp(
        static_cast<int64_t>(std::round(double(v) / 0.03125)) - 3, -128, 127);
    q.push_back(qi);
    double real = (qi + 3) * 0.03125;
    int64_t ui =
        clamp(static_cast<int64_t>(std::round(real / 0.0625)) + 128, 0, 255);
    u.push_back(ui);
    d.push_back(static_cast<float>((ui - 128) * 0.0625));
    h.push_back(refF16(v));
    hb.push_back(refBF16(refF16(v)));
    b.push_back(refBF16(v));
    qh.push_back(refF16(static_cast<float>(real)));
  }
  EXPECT_EQ(q[0], 0.0f); // round(2.5) = 3, - 3
  EXPECT_EQ(q[1], -6.0f);
  EXPECT_EQ(q[2], 127.0f);
  expectEqual(get("q"), q);
  expectEqual(get("u"), u);
  expectEqual(get("d"), d);
  expectEqual(get("h"), h);
  expectEqual(get("hb"), hb);
  expectEqual(get("b"), b);
  expectEqual(get("qh"), qh);
  expectEqual(get("f"), hb);
}

} // namespace
