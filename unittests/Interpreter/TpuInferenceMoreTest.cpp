//===- TpuInferenceMoreTest.cpp - data, norms, eltwise, Active ------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// tpu.Permute, Slice, Pad, Upsample, Softmax, LayerNorm, Mul, Sub, Max, Min
// and Active run through ModuleInterpreter and compared with naive
// references written here: index arithmetic for the data movements, int64
// loops with the requant of TpuTestSupport.h for INT8, double-precision
// formulas (to a tolerance) for the float functions; and, bit for bit, with
// the Top op each float form comes from (in f32, and rounded to f16 / bf16
// by the references of TpuTestSupport.h), on random data with fixed seeds.
//
//===----------------------------------------------------------------------===//

#include "TpuTestSupport.h"

#include "tpuc/Dialect/Top/IR/Module.h"

#include <limits>
#include <map>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::tputest;

namespace {

class TpuInferenceMoreTest : public TpuModuleTest {};

/// Row-major strides.
std::vector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    s[d - 1] = s[d] * shape[d];
  return s;
}

/// The multi-index of flat element `e` of `shape`.
std::vector<int64_t> indexOf(int64_t e, ArrayRef<int64_t> shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = e % shape[d];
    e /= shape[d];
  }
  return index;
}

/// The flat element of `shape` that numpy broadcasting reads at `index` of
/// the (higher-rank) result.
int64_t broadcastAt(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  size_t offset = index.size() - shape.size();
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[offset + d]);
  return flat;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceMoreTest, PermuteInt8CopiesCodes) {
  std::vector<int64_t> in = {2, 3, 4, 5}, order = {2, 0, 3, 1};
  std::vector<int64_t> out = {4, 2, 5, 3};
  std::vector<int64_t> x = randomInts(120, -128, 127, 300);
  std::string q = qtype(true, 0.02, -5);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<2x3x4x5x{0}> loc("x")) -> tensor<4x2x5x3x{0}> {
    %y = "tpu.Permute"(%x) {{order = [2, 0, 3, 1]}
         : (tensor<2x3x4x5x{0}>) -> tensor<4x2x5x3x{0}> loc("y")
    return %y : tensor<4x2x5x3x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  std::vector<int64_t> s = stridesOf(in);
  std::vector<float> want;
  for (int64_t e = 0; e < 120; ++e) {
    std::vector<int64_t> index = indexOf(e, out);
    int64_t at = 0;
    for (size_t d = 0; d < 4; ++d)
      at += index[d] * s[order[d]];
    want.push_back(x[at]);
  }
  expectEqual(run(*module, {toFloats(x)}), want);
}

TEST_F(TpuInferenceMoreTest, SliceStepsAndOffsetsF16) {
  // Axis 1 backwards from 4 by 2 (4, 2, 0), axis 2 from 1 by 3 (1, 4).
  std::vector<float> x = rounded(randomFloats(2 * 5 * 6, -4, 4, 301), refF16);
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<2x5x6xf16> loc("x")) -> tensor<2x3x2xf16> {
    %y = "tpu.Slice"(%x) {offset = [0, 4, 1], steps = [1, -2, 3]}
         : (tensor<2x5x6xf16>) -> tensor<2x3x2xf16> loc("y")
    return %y : tensor<2x3x2xf16>
  })mlir");
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 2; ++j)
        want.push_back(x[(n * 5 + (4 - 2 * i)) * 6 + (1 + 3 * j)]);
  expectEqual(run(*module, {x}), want);
}

TEST_F(TpuInferenceMoreTest, PadConstantInt8Code) {
  // u8 codes with zero point 3; pad code 9 on H (1 before, 2 after), W
  // cropped by one at the end.
  std::vector<int64_t> x = randomInts(2 * 3 * 4, 0, 255, 302);
  std::string q = qtype(false, 0.05, 3);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<1x2x3x4x{0}> loc("x")) -> tensor<1x2x6x3x{0}> {
    %y = "tpu.Pad"(%x) {{paddings = [0, 0, 1, 0, 0, 0, 2, -1], val = 9.0 : f64}
         : (tensor<1x2x3x4x{0}>) -> tensor<1x2x6x3x{0}> loc("y")
    return %y : tensor<1x2x6x3x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t h = 0; h < 6; ++h)
      for (int64_t w = 0; w < 3; ++w) {
        int64_t i = h - 1;
        want.push_back(i < 0 || i >= 3 ? 9.0f : x[(c * 3 + i) * 4 + w]);
      }
  expectEqual(run(*module, {toFloats(x)}), want);
}

TEST_F(TpuInferenceMoreTest, PadModesMatchTopPad) {
  // Constant (with a crop), reflect and edge on f32 give top.Pad's values;
  // the reflect and edge maps are also checked against a naive reference.
  std::vector<float> x = randomFloats(3 * 4 * 5, -2, 2, 303);
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<3x4x5xf32> loc("x")) -> tensor<3x7x8xf32> {
    %a = "tpu.Pad"(%x) {paddings = [0, 2, -1, 0, 1, 2], val = -0.75 : f64}
         : (tensor<3x4x5xf32>) -> tensor<3x7x6xf32> loc("tpu_const")
    %b = "top.Pad"(%x) {paddings = [0, 2, -1, 0, 1, 2], val = -0.75 : f64}
         : (tensor<3x4x5xf32>) -> tensor<3x7x6xf32> loc("top_const")
    %c = "tpu.Pad"(%x) {paddings = [0, 1, 2, 0, 2, 1], pad_mode = #tpu<pad_mode Reflect>}
         : (tensor<3x4x5xf32>) -> tensor<3x7x8xf32> loc("tpu_reflect")
    %d = "top.Pad"(%x) {paddings = [0, 1, 2, 0, 2, 1], mode = "reflect"}
         : (tensor<3x4x5xf32>) -> tensor<3x7x8xf32> loc("top_reflect")
    %e = "tpu.Pad"(%x) {paddings = [0, 1, 2, 0, 2, 1], pad_mode = #tpu<pad_mode Edge>}
         : (tensor<3x4x5xf32>) -> tensor<3x7x8xf32> loc("tpu_edge")
    %f = "top.Pad"(%x) {paddings = [0, 1, 2, 0, 2, 1], mode = "edge"}
         : (tensor<3x4x5xf32>) -> tensor<3x7x8xf32> loc("top_edge")
    return %c : tensor<3x7x8xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}});
  expectEqual(at(t, "tpu_const"), at(t, "top_const"));
  expectEqual(at(t, "tpu_reflect"), at(t, "top_reflect"));
  expectEqual(at(t, "tpu_edge"), at(t, "top_edge"));
  std::vector<float> reflect, edge;
  for (int64_t n = 0; n < 3; ++n)
    for (int64_t h = 0; h < 7; ++h)
      for (int64_t w = 0; w < 8; ++w) {
        int64_t i = h - 1, j = w - 2;
        int64_t ri = i < 0 ? -i : i > 3 ? 6 - i : i;
        int64_t rj = j < 0 ? -j : j > 4 ? 8 - j : j;
        reflect.push_back(x[(n * 4 + ri) * 5 + rj]);
        edge.push_back(x[(n * 4 + clamp(i, 0, 3)) * 5 + clamp(j, 0, 4)]);
      }
  expectEqual(at(t, "tpu_reflect"), reflect);
  expectEqual(at(t, "tpu_edge"), edge);
}

TEST_F(TpuInferenceMoreTest, UpsampleRepeatsBlocks) {
  std::vector<int64_t> x = randomInts(2 * 3 * 2 * 3, -128, 127, 304);
  std::string q = qtype(true, 0.1, 0);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<2x3x2x3x{0}> loc("x")) -> tensor<2x3x6x6x{0}> {
    %y = "tpu.Upsample"(%x) {{scale_h = 3 : i64, scale_w = 2 : i64}
         : (tensor<2x3x2x3x{0}>) -> tensor<2x3x6x6x{0}> loc("y")
    return %y : tensor<2x3x6x6x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  std::vector<float> want;
  for (int64_t p = 0; p < 6; ++p)
    for (int64_t y = 0; y < 6; ++y)
      for (int64_t xx = 0; xx < 6; ++xx)
        want.push_back(x[(p * 2 + y / 3) * 3 + xx / 2]);
  expectEqual(run(*module, {toFloats(x)}), want);
}

//===----------------------------------------------------------------------===//
// Softmax, LayerNorm
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceMoreTest, SoftmaxMatchesTopAndRounds) {
  // Axis 1 of 2x7x3 (strided reduction) and the last axis (rows), plain
  // and log: f32 is top.Softmax's bits, f16 its f32 result on the f16
  // input rounded to f16; both within 1e-6 of a double reference.
  std::vector<float> x = rounded(randomFloats(42, -6, 6, 305), refF16);
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<2x7x3xf32> loc("x"), %h: tensor<2x7x3xf16> loc("h")) -> tensor<2x7x3xf32> {
    %a = "tpu.Softmax"(%x) {axis = 1 : i64} : (tensor<2x7x3xf32>) -> tensor<2x7x3xf32> loc("tpu_mid")
    %b = "top.Softmax"(%x) {axis = 1 : i64} : (tensor<2x7x3xf32>) -> tensor<2x7x3xf32> loc("top_mid")
    %c = "tpu.Softmax"(%x) {axis = -1 : i64, log = true} : (tensor<2x7x3xf32>) -> tensor<2x7x3xf32> loc("tpu_log")
    %d = "top.Softmax"(%x) {axis = -1 : i64, log = true} : (tensor<2x7x3xf32>) -> tensor<2x7x3xf32> loc("top_log")
    %e = "tpu.Softmax"(%h) {axis = 1 : i64} : (tensor<2x7x3xf16>) -> tensor<2x7x3xf16> loc("tpu_f16")
    return %a : tensor<2x7x3xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}, {"h", x}});
  ASSERT_EQ(at(t, "tpu_mid").size(), 42u);
  ASSERT_EQ(at(t, "tpu_log").size(), 42u);
  expectEqual(at(t, "tpu_mid"), at(t, "top_mid"));
  expectEqual(at(t, "tpu_log"), at(t, "top_log"));
  expectEqual(at(t, "tpu_f16"), rounded(at(t, "top_mid"), refF16));
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t k = 0; k < 3; ++k) {
      double max = -1e30, sum = 0;
      for (int64_t c = 0; c < 7; ++c)
        max = std::max<double>(max, x[(n * 7 + c) * 3 + k]);
      for (int64_t c = 0; c < 7; ++c)
        sum += std::exp(x[(n * 7 + c) * 3 + k] - max);
      for (int64_t c = 0; c < 7; ++c) {
        int64_t e = (n * 7 + c) * 3 + k;
        EXPECT_NEAR(at(t, "tpu_mid")[e], std::exp(x[e] - max) / sum, 1e-6);
      }
    }
  for (int64_t r = 0; r < 14; ++r) {
    double max = std::max({x[r * 3], x[r * 3 + 1], x[r * 3 + 2]}), sum = 0;
    for (int64_t k = 0; k < 3; ++k)
      sum += std::exp(x[r * 3 + k] - max);
    for (int64_t k = 0; k < 3; ++k)
      EXPECT_NEAR(at(t, "tpu_log")[r * 3 + k],
                  x[r * 3 + k] - max - std::log(sum), 1e-5);
  }
}

TEST_F(TpuInferenceMoreTest, LayerNormMatchesTopAndRounds) {
  // Normalized over the last two axes (3x4) with a broadcast scale (4) and
  // a full bias (3x4), and over the last axis without scale and bias: the
  // three results are top.LayerNorm's in f32 and rounded to bf16 in bf16;
  // the output is within 1e-5 of a double reference.
  std::vector<float> x = rounded(randomFloats(2 * 3 * 4, -3, 5, 306), refBF16);
  std::vector<float> g = rounded(randomFloats(4, 0.5, 2, 307), refBF16);
  std::vector<float> b = rounded(randomFloats(12, -1, 1, 308), refBF16);
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<2x3x4xf32> loc("x"), %g: tensor<4xf32> loc("g"),
                  %b: tensor<3x4xf32> loc("b"), %xh: tensor<2x3x4xbf16> loc("xh"),
                  %gh: tensor<4xbf16> loc("gh"), %bh: tensor<3x4xbf16> loc("bh")) -> tensor<2x3x4xf32> {
    %y:3 = "tpu.LayerNorm"(%x, %g, %b) {axis = 1 : i64, eps = 1.0e-03 : f64}
         : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<3x4xf32>)
         -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) loc(fused["tpu_y", "tpu_mean", "tpu_rstd"])
    %z:3 = "top.LayerNorm"(%x, %g, %b) {axis = 1 : i64, eps = 1.0e-03 : f64}
         : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<3x4xf32>)
         -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) loc(fused["top_y", "top_mean", "top_rstd"])
    %h:3 = "tpu.LayerNorm"(%xh, %gh, %bh) {axis = -2 : i64, eps = 1.0e-03 : f64}
         : (tensor<2x3x4xbf16>, tensor<4xbf16>, tensor<3x4xbf16>)
         -> (tensor<2x3x4xbf16>, tensor<2x1x1xbf16>, tensor<2x1x1xbf16>) loc(fused["h_y", "h_mean", "h_rstd"])
    %none = "top.None"() : () -> none loc("none")
    %n:3 = "tpu.LayerNorm"(%x, %none, %none) {axis = -1 : i64}
         : (tensor<2x3x4xf32>, none, none)
         -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>) loc(fused["tpu_n", "tpu_n_mean", "tpu_n_rstd"])
    %t:3 = "top.LayerNorm"(%x, %none, %none) {axis = -1 : i64}
         : (tensor<2x3x4xf32>, none, none)
         -> (tensor<2x3x4xf32>, tensor<2x3x1xf32>, tensor<2x3x1xf32>) loc(fused["top_n", "top_n_mean", "top_n_rstd"])
    return %y#0 : tensor<2x3x4xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(
      *module, {{"x", x}, {"g", g}, {"b", b}, {"xh", x}, {"gh", g}, {"bh", b}});
  ASSERT_EQ(at(t, "tpu_y").size(), 24u);
  ASSERT_EQ(at(t, "tpu_mean").size(), 2u);
  ASSERT_EQ(at(t, "tpu_rstd").size(), 2u);
  // Without scale and bias (none operands), over the last axis only.
  for (StringRef r : {"n", "n_mean", "n_rstd"})
    expectEqual(at(t, ("tpu_" + r).str()), at(t, ("top_" + r).str()));
  for (StringRef r : {"y", "mean", "rstd"}) {
    expectEqual(at(t, ("tpu_" + r).str()), at(t, ("top_" + r).str()));
    expectEqual(at(t, ("h_" + r).str()),
                rounded(at(t, ("top_" + r).str()), refBF16));
  }
  for (int64_t n = 0; n < 2; ++n) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < 12; ++i)
      mean += x[n * 12 + i] / 12.0;
    for (int64_t i = 0; i < 12; ++i)
      var += (x[n * 12 + i] - mean) * (x[n * 12 + i] - mean) / 12.0;
    double rstd = 1 / std::sqrt(var + 1e-3);
    EXPECT_NEAR(at(t, "tpu_mean")[n], mean, 1e-6);
    EXPECT_NEAR(at(t, "tpu_rstd")[n], rstd, 1e-5);
    for (int64_t i = 0; i < 12; ++i)
      EXPECT_NEAR(at(t, "tpu_y")[n * 12 + i],
                  (x[n * 12 + i] - mean) * rstd * g[i % 4] + b[i], 1e-5);
  }
}

//===----------------------------------------------------------------------===//
// Mul, Sub, Max, Min
//===----------------------------------------------------------------------===//

struct MulCase {
  std::vector<int64_t> a, b, out; // shapes
  bool aSigned = true, bSigned = false, outSigned = true;
  int64_t zpA = -7, zpB = 130, zpOut = 4;
  int64_t multiplier = 1374389535, rshift = 36;
  Mode mode = Mode::MultiplierShift;
  Round round = Round::HalfUp;
  bool doRelu = false;
  double reluLimit = -1;
};

std::string shapeText(ArrayRef<int64_t> dims) {
  std::string s;
  for (int64_t d : dims)
    s += std::to_string(d) + "x";
  return s;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

TEST_F(TpuInferenceMoreTest, MulInt8Broadcast) {
  // 2x1x4 (i8, zp -7) times 3x1 (u8, zp 130) -> 2x3x4 (i8, zp 4): the
  // product of the zero-point-free codes, one requant, in both requant
  // modes and with a capped ReLU.
  for (int variant = 0; variant < 3; ++variant) {
    MulCase c;
    c.a = {2, 1, 4};
    c.b = {3, 1};
    c.out = {2, 3, 4};
    if (variant == 1) {
      c.mode = Mode::QDM;
      c.round = Round::HalfAway;
      c.multiplier = 1374389535;
      c.rshift = 5;
    }
    if (variant == 2) {
      c.doRelu = true;
      c.reluLimit = 2.0;
    }
    double outScale = 0.1;
    std::vector<int64_t> a = randomInts(product(c.a), -128, 127, 310 + variant);
    std::vector<int64_t> b = randomInts(product(c.b), 0, 255, 320 + variant);
    std::string ta =
        "tensor<" + shapeText(c.a) + qtype(true, 0.04, c.zpA) + ">";
    std::string tb =
        "tensor<" + shapeText(c.b) + qtype(false, 0.05, c.zpB) + ">";
    std::string to =
        "tensor<" + shapeText(c.out) + qtype(true, outScale, c.zpOut) + ">";
    auto module = parse(formatv(R"mlir(
    func.func @main(%a: {0} loc("a"), %b: {1} loc("b")) -> {2} {
      %y = "tpu.Mul"(%a, %b) {{quant_mode = #tpu<quant_mode {3}>,
             round_mode = #tpu<round_mode {4}>, multiplier = [{5}],
             rshift = [{6}], do_relu = {7}, relu_limit = {8:f} : f64}
           : ({0}, {1}) -> {2} loc("y")
      return %y : {2}
    })mlir",
                                ta, tb, to, modeName(c.mode),
                                roundName(c.round), c.multiplier, c.rshift,
                                c.doRelu ? "true" : "false", c.reluLimit)
                            .str());
    ASSERT_TRUE(module);
    int64_t lo = -128, hi = 127;
    if (c.doRelu) {
      lo = c.zpOut;
      hi = clamp(static_cast<int64_t>(std::round(c.reluLimit / outScale)) +
                     c.zpOut,
                 -128, 127);
    }
    std::vector<float> want;
    for (int64_t e = 0; e < product(c.out); ++e) {
      std::vector<int64_t> index = indexOf(e, c.out);
      int64_t pa = a[broadcastAt(index, c.a)] - c.zpA;
      int64_t pb = b[broadcastAt(index, c.b)] - c.zpB;
      int64_t y =
          clamp(refRequant(pa * pb, c.multiplier, c.rshift, c.mode, c.round) +
                    c.zpOut,
                -128, 127);
      want.push_back(clamp(y, lo, hi));
    }
    expectEqual(run(*module, {toFloats(a), toFloats(b)}), want);
  }
}

TEST_F(TpuInferenceMoreTest, MaxMinInt8CompareCodes) {
  std::vector<int64_t> a = randomInts(2 * 3 * 4, 0, 255, 330);
  std::vector<int64_t> b = randomInts(3 * 1, 0, 255, 331);
  std::vector<int64_t> c = randomInts(4, 0, 255, 332);
  std::string q = qtype(false, 0.03, 128);
  auto module = parse(formatv(R"mlir(
  func.func @main(%a: tensor<2x3x4x{0}> loc("a"), %b: tensor<3x1x{0}> loc("b"),
                  %c: tensor<4x{0}> loc("c")) -> tensor<2x3x4x{0}> {
    %x = "tpu.Max"(%a, %b, %c) : (tensor<2x3x4x{0}>, tensor<3x1x{0}>, tensor<4x{0}>)
         -> tensor<2x3x4x{0}> loc("max")
    %n = "tpu.Min"(%a, %b) : (tensor<2x3x4x{0}>, tensor<3x1x{0}>)
         -> tensor<2x3x4x{0}> loc("min")
    return %x : tensor<2x3x4x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  auto t = runAll(*module,
                  {{"a", toFloats(a)}, {"b", toFloats(b)}, {"c", toFloats(c)}});
  std::vector<float> max, min;
  for (int64_t e = 0; e < 24; ++e) {
    int64_t i = e / 4 % 3, k = e % 4;
    max.push_back(std::max({a[e], b[i], c[k]}));
    min.push_back(std::min(a[e], b[i]));
  }
  expectEqual(at(t, "max"), max);
  expectEqual(at(t, "min"), min);
}

TEST_F(TpuInferenceMoreTest, EltwiseFloatMatchesTopAndRounds) {
  // Mul (with a capped ReLU), Sub, Max and Min of three broadcast inputs:
  // f32 gives the Top ops' bits (NaN propagation of Max/Min included), f16
  // the same computed in f32 on f16 values and rounded.
  std::vector<float> a = rounded(randomFloats(2 * 3 * 4, -3, 3, 340), refF16);
  std::vector<float> b = rounded(randomFloats(3 * 1, -3, 3, 341), refF16);
  std::vector<float> c = rounded(randomFloats(4, -3, 3, 342), refF16);
  a[5] = std::numeric_limits<float>::quiet_NaN();
  auto module = parse(R"mlir(
  func.func @main(%a: tensor<2x3x4xf32> loc("a"), %b: tensor<3x1xf32> loc("b"),
                  %c: tensor<4xf32> loc("c"), %ah: tensor<2x3x4xf16> loc("ah"),
                  %bh: tensor<3x1xf16> loc("bh")) -> tensor<2x3x4xf32> {
    %0 = "tpu.Mul"(%a, %b) {do_relu = true, relu_limit = 2.0 : f64}
         : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("tpu_mul")
    %1 = "top.Mul"(%a, %b) {do_relu = true, relu_limit = 2.0 : f64}
         : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("top_mul")
    %2 = "tpu.Sub"(%c, %a) : (tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("tpu_sub")
    %3 = "top.Sub"(%c, %a) : (tensor<4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("top_sub")
    %4 = "tpu.Max"(%a, %b, %c) : (tensor<2x3x4xf32>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("tpu_max")
    %5 = "top.Max"(%a, %b, %c) : (tensor<2x3x4xf32>, tensor<3x1xf32>, tensor<4xf32>) -> tensor<2x3x4xf32> loc("top_max")
    %6 = "tpu.Min"(%b, %a) : (tensor<3x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("tpu_min")
    %7 = "top.Min"(%b, %a) : (tensor<3x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("top_min")
    %8 = "tpu.Mul"(%ah, %bh) : (tensor<2x3x4xf16>, tensor<3x1xf16>) -> tensor<2x3x4xf16> loc("h_mul")
    %9 = "tpu.Sub"(%ah, %bh) : (tensor<2x3x4xf16>, tensor<3x1xf16>) -> tensor<2x3x4xf16> loc("h_sub")
    return %0 : tensor<2x3x4xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t =
      runAll(*module, {{"a", a}, {"b", b}, {"c", c}, {"ah", a}, {"bh", b}});
  for (StringRef op : {"mul", "sub", "max", "min"})
    expectEqual(at(t, ("tpu_" + op).str()), at(t, ("top_" + op).str()));
  std::vector<float> mul, sub, max, hmul, hsub;
  for (int64_t e = 0; e < 24; ++e) {
    float x = a[e], y = b[e / 4 % 3], z = c[e % 4];
    mul.push_back(std::isnan(x * y) ? x * y
                                    : std::min(std::max(x * y, 0.0f), 2.0f));
    sub.push_back(z - x);
    max.push_back(std::isnan(x) ? x : std::max({x, y, z}));
    hmul.push_back(refF16(x * y));
    hsub.push_back(refF16(x - y));
  }
  // The NaN at a[5] compares by its bits; the Top ops made it NaN too.
  ASSERT_EQ(at(t, "tpu_max").size(), 24u);
  ASSERT_EQ(at(t, "tpu_mul").size(), 24u);
  EXPECT_TRUE(std::isnan(at(t, "tpu_max")[5]) &&
              std::isnan(at(t, "tpu_mul")[5]));
  for (auto *v : {&mul, &sub, &max, &hmul, &hsub})
    (*v)[5] = 0;
  for (auto [name, want] : {std::pair("tpu_mul", &mul),
                            {"tpu_sub", &sub},
                            {"tpu_max", &max},
                            {"h_mul", &hmul},
                            {"h_sub", &hsub}}) {
    std::vector<float> got = at(t, name);
    ASSERT_EQ(got.size(), 24u) << name;
    got[5] = 0;
    expectEqual(got, *want);
  }
}

//===----------------------------------------------------------------------===//
// Active
//===----------------------------------------------------------------------===//

struct ActiveCase {
  const char *mode, *coeffs, *topOp, *topAttrs;
  double (*reference)(double);
};

TEST_F(TpuInferenceMoreTest, ActiveMatchesTopOpsAndRounds) {
  // Every mode on values from -6 to 6 (and special values): f32 gives the
  // Top op's bits; bf16 the Top op's f32 result on bf16 values, rounded;
  // the f32 result is within 2e-6 (relative, or absolute near 0) of a
  // double reference.
  std::vector<float> x = rounded(randomFloats(64, -6, 6, 350), refBF16);
  x[0] = 0.0f, x[1] = -0.0f, x[2] = 0.5f, x[3] = -2.5f;
  const ActiveCase cases[] = {
      {"Relu", "", "top.Relu", "", [](double v) { return std::max(v, 0.0); }},
      {"Relu", "coeffs = [1.5], ", "top.Relu", "{relu_limit = 1.5 : f64}",
       [](double v) { return std::min(std::max(v, 0.0), 1.5); }},
      {"Abs", "", "top.Abs", "", [](double v) { return std::fabs(v); }},
      {"Ceil", "", "top.Ceil", "", [](double v) { return std::ceil(v); }},
      {"Cos", "", "top.Cos", "", [](double v) { return std::cos(v); }},
      {"Erf", "", "top.Erf", "", [](double v) { return std::erf(v); }},
      {"Exp", "", "top.Exp", "", [](double v) { return std::exp(v); }},
      {"Floor", "", "top.Floor", "", [](double v) { return std::floor(v); }},
      {"HardSwish", "", "top.HardSwish", "",
       [](double v) { return v * std::clamp(v / 6 + 0.5, 0.0, 1.0); }},
      {"Log", "", "top.Log", "", [](double v) { return std::log(v); }},
      {"Mish", "", "top.Mish", "",
       [](double v) { return v * std::tanh(std::log1p(std::exp(v))); }},
      {"Neg", "", "top.Neg", "", [](double v) { return -v; }},
      {"Reciprocal", "", "top.Reciprocal", "", [](double v) { return 1 / v; }},
      {"Round", "", "top.Round", "",
       [](double v) { return std::nearbyint(v); }},
      {"Sigmoid", "", "top.Sigmoid", "",
       [](double v) { return 1 / (1 + std::exp(-v)); }},
      {"Sign", "", "top.Sign", "",
       [](double v) { return v > 0   ? 1.0
                             : v < 0 ? -1.0
                                     : v; }},
      {"SiLU", "", "top.SiLU", "",
       [](double v) { return v / (1 + std::exp(-v)); }},
      {"Sin", "", "top.Sin", "", [](double v) { return std::sin(v); }},
      {"Softplus", "", "top.Softplus", "",
       [](double v) { return std::log1p(std::exp(v)); }},
      {"Softsign", "", "top.Softsign", "",
       [](double v) { return v / (1 + std::fabs(v)); }},
      {"Sqrt", "", "top.Sqrt", "", [](double v) { return std::sqrt(v); }},
      {"Tanh", "", "top.Tanh", "", [](double v) { return std::tanh(v); }},
      {"LeakyRelu", "coeffs = [0.125], ", "top.LeakyRelu",
       "{alpha = 0.125 : f64}",
       [](double v) { return v >= 0 ? v : 0.125 * v; }},
      {"Elu", "coeffs = [0.5], ", "top.Elu", "{alpha = 0.5 : f64}",
       [](double v) { return v > 0 ? v : 0.5 * std::expm1(v); }},
      {"Selu", "coeffs = [1.5, 1.25], ", "top.Selu",
       "{alpha = 1.5 : f64, gamma = 1.25 : f64}",
       [](double v) { return 1.25 * (v > 0 ? v : 1.5 * std::expm1(v)); }},
      {"Celu", "coeffs = [2.0], ", "top.Celu", "{alpha = 2.0 : f64}",
       [](double v) {
         return std::max(0.0, v) + std::min(0.0, 2 * std::expm1(v / 2));
       }},
      {"HardSigmoid", "coeffs = [0.25, 0.5], ", "top.HardSigmoid",
       "{alpha = 0.25 : f64, beta = 0.5 : f64}",
       [](double v) { return std::clamp(0.25 * v + 0.5, 0.0, 1.0); }},
      {"Clip", "coeffs = [-1.0, 2.0], ", "top.Clip",
       "{min = -1.0 : f64, max = 2.0 : f64}",
       [](double v) { return std::clamp(v, -1.0, 2.0); }},
      {"GELU", "", "top.GELU", "",
       [](double v) { return 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))); }},
      {"GELUTanh", "", "top.GELU", "{approx_mode = \"tanh\"}",
       [](double v) {
         return 0.5 * v *
                (1 +
                 std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)));
       }},
  };
  for (const ActiveCase &c : cases) {
    SCOPED_TRACE(std::string(c.mode) + " " + c.topAttrs);
    auto module = parse(formatv(R"mlir(
    func.func @main(%x: tensor<64xf32> loc("x"), %h: tensor<64xbf16> loc("h")) -> tensor<64xf32> {
      %a = "tpu.Active"(%x) {{{1}mode = #tpu<active_mode {0}>}
           : (tensor<64xf32>) -> tensor<64xf32> loc("tpu")
      %b = "{2}"(%x) {3} : (tensor<64xf32>) -> tensor<64xf32> loc("top")
      %c = "tpu.Active"(%h) {{{1}mode = #tpu<active_mode {0}>}
           : (tensor<64xbf16>) -> tensor<64xbf16> loc("bf16")
      return %a : tensor<64xf32>
    })mlir",
                                c.mode, c.coeffs, c.topOp, c.topAttrs)
                            .str());
    ASSERT_TRUE(module);
    auto t = runAll(*module, {{"x", x}, {"h", x}});
    ASSERT_EQ(at(t, "tpu").size(), x.size());
    expectEqual(at(t, "tpu"), at(t, "top"));
    expectEqual(at(t, "bf16"), rounded(at(t, "top"), refBF16));
    for (size_t i = 0; i < x.size(); ++i) {
      double want = c.reference(x[i]);
      float got = at(t, "tpu")[i];
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(got)) << "x = " << x[i];
        continue;
      }
      if (std::isinf(want)) {
        EXPECT_EQ(got, want) << "x = " << x[i];
        continue;
      }
      EXPECT_NEAR(got, want, 2e-6 * std::max(1.0, std::fabs(want)))
          << "x = " << x[i];
    }
  }
}

} // namespace
