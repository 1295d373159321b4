//===- TpuInt8KernelsTest.cpp - INT8 Conv2D/MatMul: kernels vs loops ------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// tpu.Conv2D and tpu.MatMul compute INT8 with the oneDNN int8 kernels and
// keep their int64 loops as the reference (tpu::setInt8ReferenceLoops
// forces them). Every module here runs with the kernels at 1 and 2 threads
// and with the loops, and the three outputs must be byte-identical; the
// convolutions are also checked against a naive reference written here.
// Cases: symmetric int8, unsigned inputs with a zero point and padding,
// groups, depthwise, strides, dilations, per-channel requant in every quant
// mode, ReLU with and without a cap, sums and biases at the int32 limits,
// weights changed between runs (setTensor), weights that are not int8.
//
//===----------------------------------------------------------------------===//

#include "TpuTestSupport.h"

#include "tpuc/Dialect/Tpu/Int8Kernels.h"

// White box: the ops' buffer reading (private to lib/Dialect/Tpu).
#include "../../lib/Dialect/Tpu/Interfaces/Common.h"

#include <limits>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::tputest;

namespace {

TEST(TpuBufferReadTest, ToIntegerIsRoundToIntHalfToEven) {
  // tpu::toInteger's inline rounding against QuantMath's: ties, the
  // 2^22 boundary, large, tiny, negative zero, infinities, NaN.
  std::vector<float> values = {
      0.0f,    -0.0f,      0.5f,        1.5f,       2.5f,        -0.5f,
      -1.5f,   -2.5f,      1e-40f,      -1e-40f,    0.49999997f, 127.5f,
      -128.5f, 4194303.5f, -4194303.5f, 4194304.0f, 4194305.0f,  8388609.0f,
      1e10f,   -1e10f,     3e38f,       -3e38f,     INFINITY,    -INFINITY,
      NAN,     -NAN};
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> dist(-5e6f, 5e6f);
  for (int i = 0; i < 100000; ++i) {
    float v = dist(gen);
    values.push_back(v);
    values.push_back(std::round(v) + 0.5f); // ties where representable
  }
  for (float v : values)
    ASSERT_EQ(tpu::toInteger(v),
              quant::roundToInt(v, quant::RoundMode::HalfToEven))
        << "value " << v;
}

TEST(TpuBufferReadTest, RoundRealIsRoundToInt) {
  std::vector<double> values = {0.0,
                                -0.0,
                                0.5,
                                1.5,
                                2.5,
                                -0.5,
                                -1.5,
                                -2.5,
                                1e-300,
                                0.49999999999999994,
                                -0.49999999999999994,
                                4503599627370495.5,
                                4503599627370496.0,
                                1e300,
                                -1e300,
                                INFINITY,
                                -INFINITY,
                                NAN};
  std::mt19937 gen(5);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  for (int i = 0; i < 100000; ++i) {
    double v = dist(gen);
    values.push_back(v);
    values.push_back(std::round(v) + 0.5);
  }
  for (quant::RoundMode mode :
       {quant::RoundMode::HalfAwayFromZero, quant::RoundMode::HalfToEven,
        quant::RoundMode::HalfUp, quant::RoundMode::Down})
    for (double v : values)
      ASSERT_EQ(tpu::roundReal(v, mode), quant::roundToInt(v, mode))
          << "value " << v << " mode " << static_cast<int>(mode);
}

//===----------------------------------------------------------------------===//
// Conv2D
//===----------------------------------------------------------------------===//

/// The shapes these tests start from (the oneDNN and direct kernels' sizes).
struct Conv : ConvCase {
  Conv() {
    ic = 16;
    h = 12;
    w = 12;
    oc = 24;
    round = Round::HalfUp;
  }
};

/// A naive reference (int64 loops, TpuTestSupport's requant).
std::vector<float> refConv(const Conv &c, ArrayRef<int64_t> x,
                           ArrayRef<int64_t> wt, ArrayRef<int64_t> bias) {
  int64_t icg = c.ic / c.group, ocg = c.oc / c.group;
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
      for (int64_t y = 0; y < c.oh(); ++y)
        for (int64_t xo = 0; xo < c.ow(); ++xo) {
          int64_t acc = bias.empty() ? 0 : bias[o];
          for (int64_t i = 0; i < icg; ++i)
            for (int64_t ky = 0; ky < c.kh; ++ky)
              for (int64_t kx = 0; kx < c.kw; ++kx) {
                int64_t iy = y * c.sh - c.pt + ky * c.dh;
                int64_t ix = xo * c.sw - c.pl + kx * c.dw;
                int64_t v = c.inZp;
                if (iy >= 0 && iy < c.h && ix >= 0 && ix < c.w)
                  v = x[((n * c.ic + o / ocg * icg + i) * c.h + iy) * c.w + ix];
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

/// Codes around `center` (activations), clamped to the input type.
std::vector<int64_t> activations(const Conv &c, double center, double sigma,
                                 unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(center, sigma);
  int64_t lo = c.inSigned ? -128 : 0, hi = c.inSigned ? 127 : 255;
  std::vector<int64_t> v(c.inputs());
  for (int64_t &x : v)
    x = clamp(static_cast<int64_t>(std::round(normal(gen))), lo, hi);
  return v;
}

class TpuInt8KernelsTest : public TpuModuleTest {
protected:
  void TearDown() override {
    tpu::setInt8ReferenceLoops(false);
    TpuModuleTest::TearDown();
  }

  /// The kernels' output at 1 thread, after checking that 2 threads and
  /// the loops give the same bytes.
  std::vector<float> runBoth(mlir::ModuleOp module,
                             ArrayRef<std::vector<float>> inputs) {
    tpu::setInt8ReferenceLoops(false);
    std::vector<float> one = run(module, inputs, 1);
    std::vector<float> two = run(module, inputs, 2);
    tpu::setInt8ReferenceLoops(true);
    std::vector<float> loops = run(module, inputs, 1);
    tpu::setInt8ReferenceLoops(false);
    EXPECT_FALSE(one.empty());
    EXPECT_TRUE(sameBytes(one, two)) << "1 vs 2 threads";
    expectEqual(one, loops);
    return one;
  }

  /// Runs `c` on `x` with the weights `w` and bias `b`: kernels = loops =
  /// the naive reference; returns the output.
  std::vector<float> checkConv(const Conv &c, ArrayRef<int64_t> x,
                               ArrayRef<int64_t> w, ArrayRef<int64_t> b) {
    weights.set("w", Array::fromData<int8_t>({c.oc, c.ic / c.group, c.kh, c.kw},
                                             narrow<int8_t>(w)));
    if (c.hasBias)
      weights.set("b", Array::fromData<int32_t>({c.oc}, narrow<int32_t>(b)));
    auto module = parse(convModule(c));
    if (!module)
      return {};
    std::vector<float> got = runBoth(*module, {toFloats(x)});
    expectEqual(got, refConv(c, x, w, c.hasBias ? b : ArrayRef<int64_t>()));
    return got;
  }
};

TEST_F(TpuInt8KernelsTest, ConvSymmetricPerChannel) {
  Conv c;
  c.n = 2, c.ic = 32, c.oc = 48, c.h = 14, c.w = 13;
  c.multipliers = randomInts(c.oc, 1 << 19, (1 << 21) - 1, 1);
  c.shifts = randomInts(c.oc, 27, 30, 2);
  c.doRelu = true;
  auto x = activations(c, 0, 40, 3);
  checkConv(c, x, randomInts(c.weights(), -127, 127, 4),
            randomInts(c.oc, -300000, 300000, 5));
}

TEST_F(TpuInt8KernelsTest, ConvUnsignedWithZeroPointPaddingAndCap) {
  // BM1684X asymmetric: u8 input with zero point 37 (padding reads it),
  // u8 output with a zero point and a capped ReLU; stride 2, dilation 2,
  // asymmetric pads.
  Conv c;
  c.ic = 8, c.oc = 20, c.h = 17, c.w = 15, c.sh = c.sw = 2, c.dh = c.dw = 2;
  c.pt = 2, c.pl = 0, c.pb = 1, c.pr = 3;
  c.inSigned = false, c.inZp = 37, c.outSigned = false, c.outZp = 12;
  c.multipliers = randomInts(c.oc, 1 << 20, (1 << 30) - 1, 6);
  c.shifts = randomInts(c.oc, 35, 38, 7);
  c.doRelu = true, c.reluLimit = 3.0;
  auto x = activations(c, 37, 60, 8);
  checkConv(c, x, randomInts(c.weights(), -128, 127, 9),
            randomInts(c.oc, -20000, 20000, 10));
  // The same on a symmetric u8 input (zero point 0): ReLU outputs.
  c.inZp = 0;
  checkConv(c, activations(c, 10, 70, 11),
            randomInts(c.weights(), -128, 127, 12),
            randomInts(c.oc, -20000, 20000, 13));
}

TEST_F(TpuInt8KernelsTest, ConvGroupedAndDepthwise) {
  // Groups of 3 inputs x 2 outputs, signed input with a zero point.
  Conv g;
  g.ic = 12, g.oc = 8, g.group = 4, g.h = 11, g.w = 9, g.sh = 2;
  g.inZp = -7;
  g.multipliers = randomInts(g.oc, 1 << 20, (1 << 30) - 1, 14);
  g.shifts = randomInts(g.oc, 33, 36, 15);
  checkConv(g, activations(g, -7, 50, 16),
            randomInts(g.weights(), -128, 127, 17),
            randomInts(g.oc, -5000, 5000, 18));
  // Depthwise, stride 2, QDM half to even (CV18xx), relu.
  Conv dw;
  dw.ic = dw.oc = dw.group = 64, dw.h = dw.w = 28, dw.sh = dw.sw = 2;
  dw.mode = Mode::QDM, dw.round = Round::HalfEven, dw.doRelu = true;
  dw.multipliers = randomInts(dw.oc, int64_t(1) << 30, INT32_MAX, 19);
  dw.shifts = randomInts(dw.oc, 4, 9, 20);
  checkConv(dw, activations(dw, 0, 45, 21),
            randomInts(dw.weights(), -128, 127, 22),
            randomInts(dw.oc, -3000, 3000, 23));
}

TEST_F(TpuInt8KernelsTest, ConvMobilenetShapesOnTheDirectKernels) {
  // The shapes the direct kernels (kernels::ConvInt8, DirectInt8.h) take in
  // mobilenet_v2, through tpu.Conv2D with per-channel multipliers and the
  // folded and unfolded requant loops: depthwise 3x3 stride 1 and 2 with
  // padding, a 1x1 expansion and projection, the first 3x3 stride-2 layer
  // on 3 channels; u8 / s8 inputs with and without zero points, capped and
  // plain ReLU, half up (BM1684X), half away from zero and half to even.
  struct Case {
    int64_t ic, oc, group, k, stride, pad, h;
    bool inSigned;
    int64_t inZp, outZp;
    Round round;
  };
  const Case cases[] = {
      {32, 32, 32, 3, 1, 1, 20, false, 0, 0, Round::HalfUp},
      {24, 24, 24, 3, 2, 1, 19, false, 0, 0, Round::HalfUp},
      {16, 16, 16, 3, 2, 1, 14, true, -7, 3, Round::HalfAway},
      {8, 24, 8, 3, 1, 1, 9, false, 37, 12, Round::HalfEven},
      {24, 40, 1, 1, 1, 0, 13, false, 0, 0, Round::HalfUp},
      {40, 16, 1, 1, 1, 0, 13, true, 5, -2, Round::HalfAway},
      {3, 16, 1, 3, 2, 1, 23, true, 0, 0, Round::HalfUp},
  };
  unsigned seed = 200;
  for (const Case &k : cases) {
    SCOPED_TRACE(seed);
    Conv c;
    c.ic = k.ic, c.oc = k.oc, c.group = k.group, c.kh = c.kw = k.k;
    c.sh = c.sw = k.stride;
    c.pt = c.pl = c.pb = c.pr = k.pad;
    c.h = c.w = k.h;
    c.inSigned = k.inSigned, c.inZp = k.inZp;
    c.outSigned = k.inSigned, c.outZp = k.outZp;
    c.round = k.round;
    c.multipliers = randomInts(c.oc, 1 << 18, (1 << 24) - 1, seed++);
    c.shifts = randomInts(c.oc, 24, 30, seed++);
    c.doRelu = k.group > 1 || k.k == 3;
    c.reluLimit = c.doRelu ? 6.0 : -1;
    auto x = activations(c, k.inZp + (k.inSigned ? 0 : 20), 50, seed++);
    auto w = randomInts(c.weights(), -128, 127, seed++);
    auto b = randomInts(c.oc, -20000, 20000, seed++);
    checkConv(c, x, w, b);
  }
}

TEST_F(TpuInt8KernelsTest, ConvOnlyShiftWithoutBias) {
  // BM1684: one shift for the layer, no bias; 7x7 stride 2 on 3 channels,
  // then 1x1.
  Conv c;
  c.ic = 3, c.oc = 16, c.h = c.w = 30, c.kh = c.kw = 7, c.sh = c.sw = 2;
  c.pt = c.pl = c.pb = c.pr = 3;
  c.mode = Mode::OnlyShift, c.round = Round::HalfUp, c.hasBias = false;
  c.multipliers = {1};
  c.shifts = {11};
  checkConv(c, activations(c, 0, 60, 24),
            randomInts(c.weights(), -128, 127, 25), {});
  Conv p;
  p.ic = 40, p.oc = 24, p.kh = p.kw = 1, p.pt = p.pl = p.pb = p.pr = 0;
  p.mode = Mode::OnlyShift, p.hasBias = false;
  p.multipliers = {1};
  p.shifts = {8};
  checkConv(p, activations(p, 0, 60, 26),
            randomInts(p.weights(), -128, 127, 27), {});
}

TEST_F(TpuInt8KernelsTest, ConvSumsAndBiasAtTheInt32Limits) {
  // u8 codes near 255 and weights +-127 over 2000 x 3 x 3 taps: sums up to
  // 255 * 127 * 18000 ~ 5.8e8, odd, past 2^24; biases close to +-2^31 so
  // that acc + bias saturates for some outputs and not for others.
  Conv c;
  c.ic = 2000, c.oc = 6, c.h = c.w = 4;
  c.inSigned = false;
  c.multipliers = {1};
  c.shifts = {24};
  c.mode = Mode::MultiplierShift, c.round = Round::HalfEven;
  std::vector<int64_t> x = randomInts(c.inputs(), 240, 255, 28);
  std::vector<int64_t> w(c.weights());
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = (i / (w.size() / c.oc)) % 2 ? -127 : (i % 5 ? 127 : 126);
  std::vector<int64_t> b = {INT32_MAX - 400000000,
                            INT32_MIN + 400000000,
                            INT32_MAX,
                            INT32_MIN,
                            0,
                            -1};
  std::vector<float> got = checkConv(c, x, w, b);
  // Saturated at both ends, and interior values.
  int top = 0, bottom = 0, interior = 0;
  for (float v : got) {
    top += v == 127;
    bottom += v == -128;
    interior += v > -128 && v < 127;
  }
  EXPECT_GT(top, 0);
  EXPECT_GT(bottom, 0);
  EXPECT_GT(interior, 0);
}

TEST_F(TpuInt8KernelsTest, ConvFilterChangedOrNotInt8) {
  Conv c;
  c.ic = 8, c.oc = 16, c.h = c.w = 9;
  c.multipliers = {1 << 20};
  c.shifts = {28};
  auto x = activations(c, 0, 50, 29);
  auto w = randomInts(c.weights(), -128, 127, 30);
  auto b = randomInts(c.oc, -1000, 1000, 31);
  weights.set("w", Array::fromData<int8_t>({c.oc, c.ic, c.kh, c.kw},
                                           narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({c.oc}, narrow<int32_t>(b)));
  auto module = parse(convModule(c));
  ASSERT_TRUE(module);
  auto outputOf = [&](bool loops, ArrayRef<float> filter) {
    tpu::setInt8ReferenceLoops(loops);
    auto interp = ModuleInterpreter::create(*module, {});
    EXPECT_TRUE(bool(interp));
    if (!interp) {
      consumeError(interp.takeError());
      return std::vector<float>();
    }
    EXPECT_FALSE(bool((*interp)->setInput("x", toFloats(x))));
    EXPECT_FALSE(bool((*interp)->invoke()));
    // A new filter: int8 values (the kernel is remade), then values that
    // are not int8 (the loops run).
    EXPECT_FALSE(bool((*interp)->setTensor("w", filter)));
    EXPECT_FALSE(bool((*interp)->invoke()));
    std::vector<float> result = (*interp)->getTensor("y")->vec();
    tpu::setInt8ReferenceLoops(false);
    return result;
  };
  std::vector<float> other = toFloats(randomInts(c.weights(), -128, 127, 32));
  expectEqual(outputOf(false, other), outputOf(true, other));
  std::vector<float> wide = other;
  wide[3] = 300;
  wide[7] = -1000;
  expectEqual(outputOf(false, wide), outputOf(true, wide));
}

TEST_F(TpuInt8KernelsTest, ConvBiasChangedAfterTheFirstRun) {
  // The epilogue's constants are kept between runs: a bias set afterwards
  // (setTensor) must be the one used, on every direct kernel.
  for (int64_t group : {int64_t(1), int64_t(16)}) {
    SCOPED_TRACE(group);
    Conv c;
    c.ic = 16, c.oc = 16, c.h = c.w = 10, c.group = group;
    c.kh = c.kw = group == 1 ? 1 : 3;
    c.pt = c.pl = c.pb = c.pr = group == 1 ? 0 : 1;
    c.inSigned = false;
    c.multipliers = randomInts(c.oc, 1 << 20, 1 << 22, 40);
    c.shifts = randomInts(c.oc, 26, 28, 41);
    auto x = activations(c, 30, 50, 42);
    auto w = randomInts(c.weights(), -128, 127, 43);
    auto b = randomInts(c.oc, -3000, 3000, 44);
    weights.set("w", Array::fromData<int8_t>({c.oc, c.ic / c.group, c.kh, c.kw},
                                             narrow<int8_t>(w)));
    weights.set("b", Array::fromData<int32_t>({c.oc}, narrow<int32_t>(b)));
    auto module = parse(convModule(c));
    ASSERT_TRUE(module);
    std::vector<int64_t> other = randomInts(c.oc, -90000, 90000, 45);
    auto outputOf = [&](bool loops) {
      tpu::setInt8ReferenceLoops(loops);
      auto interp = ModuleInterpreter::create(*module, {});
      EXPECT_TRUE(bool(interp));
      if (!interp) {
        consumeError(interp.takeError());
        return std::vector<float>();
      }
      EXPECT_FALSE(bool((*interp)->setInput("x", toFloats(x))));
      EXPECT_FALSE(bool((*interp)->invoke()));
      EXPECT_FALSE(bool((*interp)->setTensor("b", toFloats(other))));
      EXPECT_FALSE(bool((*interp)->invoke()));
      std::vector<float> result = (*interp)->getTensor("y")->vec();
      tpu::setInt8ReferenceLoops(false);
      return result;
    };
    std::vector<float> got = outputOf(false);
    expectEqual(got, outputOf(true));
    expectEqual(got, refConv(c, x, w, other));
  }
}

//===----------------------------------------------------------------------===//
// Add, Pool2D (their INT8 loops read codes inline now)
//===----------------------------------------------------------------------===//

/// The code tpu ops read from a buffer value: half to even, NaN as 0,
/// clamped (written here with the standard library).
int64_t codeOf(float v, int64_t qmin, int64_t qmax) {
  double r = std::isnan(v) ? 0.0 : std::nearbyint(static_cast<double>(v));
  return static_cast<int64_t>(std::clamp<double>(r, qmin, qmax));
}

/// Buffer values that are not plain codes: ties, out of range, NaN, inf.
std::vector<float> oddValues(size_t n, unsigned seed) {
  std::vector<float> v = toFloats(randomInts(n, -140, 140, seed));
  const float odd[] = {2.5f, -3.5f, NAN, INFINITY, -INFINITY, 1e9f, -0.5f};
  for (size_t i = 0; i < n; i += 5)
    v[i] = odd[(i / 5) % 7];
  return v;
}

TEST_F(TpuInt8KernelsTest, AddAndMaxPoolReadOddValuesAsTheLoopsDid) {
  // Add without broadcast (the new loop) and with one (the general one).
  auto a = oddValues(2 * 3 * 8, 90), b = oddValues(2 * 3 * 8, 91),
       c = oddValues(3 * 8, 92);
  std::string t = "tensor<2x3x8x" + qtype(true, 0.05, 3) + ">";
  std::string tc = "tensor<1x3x8x" + qtype(false, 0.05, 10) + ">";
  std::string to = "tensor<2x3x8x" + qtype(true, 0.1, -2) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%a: {0} loc("a"), %b: {0} loc("b"), %c: {1} loc("c")) -> {2} {
    %s = "tpu.Add"(%a, %b) {{multipliers = [77, -91], rshifts = [6, 7],
           quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfToEven>}
         : ({0}, {0}) -> {2} loc("s")
    %y = "tpu.Add"(%s, %c) {{multipliers = [64, 100], rshifts = [6],
           quant_mode = #tpu<quant_mode QDM>}
         : ({2}, {1}) -> {2} loc("y")
    return %y : {2}
  })mlir",
                              t, tc, to)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> got = run(*module, {a, b, c});
  std::vector<float> want;
  for (int64_t e = 0; e < 48; ++e) {
    int64_t s =
        refShift((codeOf(a[e], -128, 127) - 3) * 77, 6, Round::HalfEven) +
        refShift((codeOf(b[e], -128, 127) - 3) * -91, 7, Round::HalfEven);
    s = clamp(s - 2, -128, 127);
    int64_t y = refShift((s + 2) * 64 + (codeOf(c[e % 24], 0, 255) - 10) * 100,
                         6, Round::HalfAway);
    want.push_back(clamp(y - 2, -128, 127));
  }
  expectEqual(got, want);

  // Max pooling, 3x3 stride 2 with padding.
  auto x = oddValues(2 * 9 * 9, 93);
  std::string in = "tensor<1x2x9x9x" + qtype(true, 0.1, 0) + ">";
  std::string out = "tensor<1x2x5x5x" + qtype(true, 0.1, 0) + ">";
  auto pool = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %y = "tpu.Pool2D"(%x) {{pool_mode = #tpu<pool_mode Max>,
           kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]}
         : ({0}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                            in, out)
                        .str());
  ASSERT_TRUE(pool);
  std::vector<float> pooled = run(*pool, {x});
  std::vector<float> expected;
  for (int64_t ch = 0; ch < 2; ++ch)
    for (int64_t oy = 0; oy < 5; ++oy)
      for (int64_t ox = 0; ox < 5; ++ox) {
        int64_t m = INT64_MIN;
        for (int64_t ky = 0; ky < 3; ++ky)
          for (int64_t kx = 0; kx < 3; ++kx) {
            int64_t iy = oy * 2 - 1 + ky, ix = ox * 2 - 1 + kx;
            if (iy >= 0 && iy < 9 && ix >= 0 && ix < 9)
              m = std::max(m, codeOf(x[(ch * 9 + iy) * 9 + ix], -128, 127));
          }
        expected.push_back(static_cast<float>(m));
      }
  expectEqual(pooled, expected);
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

TEST_F(TpuInt8KernelsTest, MatMulFullyConnectedPerColumn) {
  const int64_t k = 512, n = 100;
  auto x = randomInts(2 * k, 0, 255, 40);
  auto w = randomInts(k * n, -127, 127, 41);
  auto b = randomInts(n, -400000, 400000, 42);
  auto m = randomInts(n, 1 << 20, (1 << 30) - 1, 43);
  auto r = randomInts(n, 33, 36, 44);
  weights.set("w", Array::fromData<int8_t>({k, n}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({n}, narrow<int32_t>(b)));
  std::string in = "tensor<2x512x" + qtype(false, 0.02, 0) + ">";
  std::string out = "tensor<2x100x" + qtype(true, 0.1, 0) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %w = "top.Weight"() : () -> tensor<512x100xi8> loc("w")
    %b = "top.Weight"() : () -> tensor<100xi32> loc("b")
    %y = "tpu.MatMul"(%x, %w, %b) {{do_relu = false,
           quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfUp>,
           multiplier = [{2}], rshift = [{3}]}
         : ({0}, tensor<512x100xi8>, tensor<100xi32>) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              in, out, joinInts(m), joinInts(r))
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> got = runBoth(*module, {toFloats(x)});
  std::vector<float> want;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t acc = b[j];
      for (int64_t t = 0; t < k; ++t)
        acc += x[i * k + t] * w[t * n + j];
      want.push_back(
          clamp(refRequant(clamp(acc, INT32_MIN, INT32_MAX), m[j], r[j],
                           Mode::MultiplierShift, Round::HalfUp),
                -128, 127));
    }
  expectEqual(got, want);
}

TEST_F(TpuInt8KernelsTest, MatMulActivationsBatchedTransposed) {
  // Attention-like: [2, 3, 24, 40] x [2, 3, 16, 40]^T, both activations,
  // one shift, relu.
  auto x = randomInts(2 * 3 * 24 * 40, -128, 127, 50);
  auto y = randomInts(2 * 3 * 16 * 40, -128, 127, 51);
  std::string a = "tensor<2x3x24x40x" + qtype(true, 0.05, 0) + ">";
  std::string bt = "tensor<2x3x16x40x" + qtype(true, 0.05, 0) + ">";
  std::string out = "tensor<2x3x24x16x" + qtype(true, 0.5, 0) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x"), %w: {1} loc("w")) -> {2} {
    %b = "top.None"() : () -> none loc("b")
    %y = "tpu.MatMul"(%x, %w, %b) {{right_transpose = true, do_relu = true,
           quant_mode = #tpu<quant_mode MultiplierShift>,
           round_mode = #tpu<round_mode HalfAwayFromZero>,
           multiplier = [1717986918], rshift = [40]}
         : ({0}, {1}, none) -> {2} loc("y")
    return %y : {2}
  })mlir",
                              a, bt, out)
                          .str());
  ASSERT_TRUE(module);
  runBoth(*module, {toFloats(x), toFloats(y)});
}

TEST_F(TpuInt8KernelsTest, MatMulUnsignedWeightsRunTheLoops) {
  // A ui8 right weight is not int8: the loops run (and agree with
  // themselves); the kernels are not used.
  auto x = randomInts(4 * 30, -128, 127, 60);
  auto w = randomInts(30 * 7, 0, 255, 61);
  weights.set("w", Array::fromData<uint8_t>({30, 7}, narrow<uint8_t>(w)));
  std::string in = "tensor<4x30x" + qtype(true, 0.05, 0) + ">";
  std::string out = "tensor<4x7x" + qtype(true, 0.5, 0) + ">";
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: {0} loc("x")) -> {1} {
    %w = "top.Weight"() : () -> tensor<30x7xui8> loc("w")
    %b = "top.None"() : () -> none loc("b")
    %y = "tpu.MatMul"(%x, %w, %b) {{
           quant_mode = #tpu<quant_mode MultiplierShift>,
           multiplier = [1073741824], rshift = [40]}
         : ({0}, tensor<30x7xui8>, none) -> {1} loc("y")
    return %y : {1}
  })mlir",
                              in, out)
                          .str());
  ASSERT_TRUE(module);
  runBoth(*module, {toFloats(x)});
}

} // namespace
