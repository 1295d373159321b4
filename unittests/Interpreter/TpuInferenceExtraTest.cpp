//===- TpuInferenceExtraTest.cpp - Gather ... Deconv ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The ops of TpuExtraOps.td run through ModuleInterpreter and compared with
// naive references written here: index arithmetic for the data movements
// (Gather, Split, Tile, Expand, Depth2Space, nearest Interp) on INT8 codes
// and float values, double-precision formulas (to a tolerance) for Reduce,
// linear Interp, Deconv and the normalizations, exact formulas for PRelu,
// Div, Pow, Compare, Where and Arg (INT8 codes included); and, bit for bit,
// with the Top op each float form comes from (in f32, and rounded to f16 / bf16
// by the references of TpuTestSupport.h), on random data with fixed seeds.
//
//===----------------------------------------------------------------------===//

#include "TpuTestSupport.h"

#include "tpuc/Dialect/Top/IR/Module.h"

#include <map>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::tputest;

namespace {

class TpuInferenceExtraTest : public TpuModuleTest {};

/// Expects every value within `tolerance` (relative above 1) of `want`.
void expectNear(ArrayRef<float> got, ArrayRef<double> want, double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  int bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <=
          tolerance * std::max(1.0, std::fabs(want[i]))) &&
        bad++ < 5)
      ADD_FAILURE() << "at " << i << ": got " << got[i] << ", want " << want[i];
  EXPECT_EQ(bad, 0);
}

//===----------------------------------------------------------------------===//
// Gather, Split
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, GatherInt8Codes) {
  // Axis 1 of 2x5x3 u8 codes at the indices [[4, -1], [0, 2]] (f32, -1 the
  // last), and with i32 weight indices [1, -5] on axis 1 of an f16 tensor.
  std::vector<int64_t> x = randomInts(30, 0, 255, 400);
  std::vector<float> h = rounded(randomFloats(30, -4, 4, 401), refF16);
  weights.set("ids", Array::fromData<int32_t>({2}, {1, -5}));
  std::string q = qtype(false, 0.05, 3);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<2x5x3x{0}> loc("x"), %i: tensor<2x2xf32> loc("i"),
                  %h: tensor<2x5x3xf16> loc("h")) -> tensor<2x2x2x3x{0}> {
    %y = "tpu.Gather"(%x, %i) {{axis = 1 : i64}
         : (tensor<2x5x3x{0}>, tensor<2x2xf32>) -> tensor<2x2x2x3x{0}> loc("y")
    %w = "top.Weight"() : () -> tensor<2xi32> loc("ids")
    %z = "tpu.Gather"(%h, %w) {{axis = -2 : i64}
         : (tensor<2x5x3xf16>, tensor<2xi32>) -> tensor<2x2x3xf16> loc("z")
    return %y : tensor<2x2x2x3x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  auto t =
      runAll(*module, {{"x", toFloats(x)}, {"i", {4, -1, 0, 2}}, {"h", h}});
  std::vector<float> y, z;
  int64_t index[] = {4, 4, 0, 2};
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t j : index)
      for (int64_t k = 0; k < 3; ++k)
        y.push_back(x[(n * 5 + j) * 3 + k]);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t j : {1, 0})
      for (int64_t k = 0; k < 3; ++k)
        z.push_back(h[(n * 5 + j) * 3 + k]);
  expectEqual(at(t, "y"), y);
  expectEqual(at(t, "z"), z);
}

TEST_F(TpuInferenceExtraTest, GatherIndexOutOfRangeFails) {
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<4x2xf32> loc("x"), %i: tensor<1xf32> loc("i")) -> tensor<1x2xf32> {
    %y = "tpu.Gather"(%x, %i) : (tensor<4x2xf32>, tensor<1xf32>) -> tensor<1x2xf32> loc("y")
    return %y : tensor<1x2xf32>
  })mlir");
  ASSERT_TRUE(module);
  std::string error;
  runAll(*module, {{"x", std::vector<float>(8, 1.0f)}, {"i", {4.0f}}}, &error);
  EXPECT_NE(error.find("is out of range for axis 0 of size 4"),
            std::string::npos)
      << error;
}

TEST_F(TpuInferenceExtraTest, SplitThreePartsBF16) {
  std::vector<float> x = rounded(randomFloats(2 * 6 * 3, -4, 4, 402), refBF16);
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<2x6x3xbf16> loc("x")) -> tensor<2x1x3xbf16> {
    %a, %b, %c = "tpu.Split"(%x) {axis = 1 : i64}
         : (tensor<2x6x3xbf16>) -> (tensor<2x1x3xbf16>, tensor<2x3x3xbf16>, tensor<2x2x3xbf16>)
         loc(fused["a", "b", "c"])
    return %a : tensor<2x1x3xbf16>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}});
  std::map<std::string, std::vector<float>> want;
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 6; ++c)
      for (int64_t k = 0; k < 3; ++k)
        want[c < 1 ? "a" : c < 4 ? "b" : "c"].push_back(x[(n * 6 + c) * 3 + k]);
  for (const char *name : {"a", "b", "c"})
    expectEqual(at(t, name), want[name]);
}

//===----------------------------------------------------------------------===//
// Tile, Expand, Depth2Space
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, TileAndExpandInt8) {
  // Tile 2x3 by [2, 3]; Expand 3x1 to 2x3x4.
  std::vector<int64_t> x = randomInts(6, -128, 127, 403);
  std::vector<int64_t> v = randomInts(3, -128, 127, 404);
  std::string q = qtype(true, 0.02, -4);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<2x3x{0}> loc("x"), %v: tensor<3x1x{0}> loc("v")) -> tensor<4x9x{0}> {
    %t = "tpu.Tile"(%x) {{tile = [2, 3]} : (tensor<2x3x{0}>) -> tensor<4x9x{0}> loc("t")
    %e = "tpu.Expand"(%v) : (tensor<3x1x{0}>) -> tensor<2x3x4x{0}> loc("e")
    return %t : tensor<4x9x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", toFloats(x)}, {"v", toFloats(v)}});
  std::vector<float> tile, expand;
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 9; ++j)
      tile.push_back(x[(i % 2) * 3 + j % 3]);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t k = 0; k < 4; ++k)
        expand.push_back(v[c]);
  expectEqual(at(t, "t"), tile);
  expectEqual(at(t, "e"), expand);
}

TEST_F(TpuInferenceExtraTest, Depth2SpaceModesAndInverse) {
  // 1x8x2x3 with block 2: output (c, h·2 + i, w·2 + j) takes input channel
  // (i·2 + j)·2 + c (DCR) or c·4 + i·2 + j (CRD); SpaceToDepth (DCR) of the
  // DCR result gives the input back.
  std::vector<int64_t> x = randomInts(48, -128, 127, 405);
  std::string q = qtype(true, 0.1, 0);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<1x8x2x3x{0}> loc("x")) -> tensor<1x2x4x6x{0}> {
    %d = "tpu.Depth2Space"(%x) {{block = 2 : i64} : (tensor<1x8x2x3x{0}>) -> tensor<1x2x4x6x{0}> loc("dcr")
    %c = "tpu.Depth2Space"(%x) {{block = 2 : i64, mode = #tpu<depth2space_mode CRD>} : (tensor<1x8x2x3x{0}>) -> tensor<1x2x4x6x{0}> loc("crd")
    %i = "tpu.Depth2Space"(%d) {{block = 2 : i64, is_inverse = true} : (tensor<1x2x4x6x{0}>) -> tensor<1x8x2x3x{0}> loc("inv")
    return %d : tensor<1x2x4x6x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", toFloats(x)}});
  std::vector<float> dcr, crd;
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t w = 0; w < 6; ++w) {
        int64_t i = y % 2, j = w % 2, h = y / 2, ww = w / 2;
        dcr.push_back(x[(((i * 2 + j) * 2 + c) * 2 + h) * 3 + ww]);
        crd.push_back(x[((c * 4 + i * 2 + j) * 2 + h) * 3 + ww]);
      }
  expectEqual(at(t, "dcr"), dcr);
  expectEqual(at(t, "crd"), crd);
  expectEqual(at(t, "inv"), toFloats(x));
}

//===----------------------------------------------------------------------===//
// Reduce
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, ReduceMatchesTopAndRounds) {
  // Every mode over axes [0, 2] of 2x3x4 (positive values, for LogSum):
  // f32 gives top.Reduce's bits, f16 its f32 result on the f16 input
  // rounded to f16, and the f32 result is within 1e-6 of a double
  // reference.
  std::vector<float> x = rounded(randomFloats(24, 0.1f, 2.5f, 406), refF16);
  const std::pair<const char *, const char *> modes[] = {
      {"Mean", "ReduceMean"},     {"Sum", "ReduceSum"},
      {"Max", "ReduceMax"},       {"Min", "ReduceMin"},
      {"Prod", "ReduceProd"},     {"L1", "ReduceL1"},
      {"L2", "ReduceL2"},         {"SumSquare", "ReduceSumSquare"},
      {"LogSum", "ReduceLogSum"}, {"LogSumExp", "ReduceLogSumExp"}};
  std::string body;
  for (auto [tpu, top] : modes)
    body += formatv(R"mlir(
    %tpu_{0} = "tpu.Reduce"(%x) {{axes = [0, -1], keepdims = false, mode = #tpu<reduce_mode {0}>}
         : (tensor<2x3x4xf32>) -> tensor<3xf32> loc("tpu_{0}")
    %top_{0} = "top.Reduce"(%x) {{axes = [0, -1], keepdims = false, mode = "{1}"}
         : (tensor<2x3x4xf32>) -> tensor<3xf32> loc("top_{0}")
    %h_{0} = "tpu.Reduce"(%h) {{axes = [0, 2], mode = #tpu<reduce_mode {0}>}
         : (tensor<2x3x4xf16>) -> tensor<1x3x1xf16> loc("h_{0}")
)mlir",
                    tpu, top)
                .str();
  auto module = parse(("func.func @main(%x: tensor<2x3x4xf32> loc(\"x\"), %h: "
                       "tensor<2x3x4xf16> loc(\"h\")) -> tensor<3xf32> {" +
                       body + "  return %tpu_Sum : tensor<3xf32>\n}")
                          .c_str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}, {"h", x}});
  for (auto [tpu, top] : modes) {
    std::string mode = tpu;
    expectEqual(at(t, "tpu_" + mode), at(t, "top_" + mode));
    expectEqual(at(t, "h_" + mode), rounded(at(t, "top_" + mode), refF16));
    std::vector<double> want;
    for (int64_t c = 0; c < 3; ++c) {
      std::vector<double> v;
      for (int64_t n = 0; n < 2; ++n)
        for (int64_t k = 0; k < 4; ++k)
          v.push_back(x[(n * 3 + c) * 4 + k]);
      double sum = 0, sq = 0, prod = 1, l1 = 0, exps = 0;
      double max = *std::max_element(v.begin(), v.end());
      double min = *std::min_element(v.begin(), v.end());
      for (double e : v) {
        sum += e, sq += e * e, prod *= e, l1 += std::fabs(e);
        exps += std::exp(e);
      }
      double r = mode == "Mean"        ? sum / 8
                 : mode == "Sum"       ? sum
                 : mode == "Max"       ? max
                 : mode == "Min"       ? min
                 : mode == "Prod"      ? prod
                 : mode == "L1"        ? l1
                 : mode == "L2"        ? std::sqrt(sq)
                 : mode == "SumSquare" ? sq
                 : mode == "LogSum"    ? std::log(sum)
                                       : std::log(exps);
      want.push_back(r);
    }
    SCOPED_TRACE(mode);
    expectNear(at(t, "tpu_" + mode), want, 1e-6);
  }
}

//===----------------------------------------------------------------------===//
// Interp
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, InterpLinearMatchesTopAndRounds) {
  // Linear 1x2x3x4 -> 1x2x5x7 with half_pixel and align_corners
  // coordinates (scales of the sizes: top.Interp given a target shape):
  // f32 gives the Top op's bits, bf16 its result on bf16 values rounded;
  // the half_pixel result is within 1e-6 of a double bilinear reference.
  std::vector<float> x = rounded(randomFloats(24, -3, 3, 407), refBF16);
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<1x2x3x4xf32> loc("x"), %h: tensor<1x2x3x4xbf16> loc("h")) -> tensor<1x2x5x7xf32> {
    %a = "tpu.Interp"(%x) {scales = [1.6666666666666667, 1.75], mode = #tpu<interp_mode Linear>}
         : (tensor<1x2x3x4xf32>) -> tensor<1x2x5x7xf32> loc("tpu_hp")
    %b = "top.Interp"(%x) {scales = [1.0, 1.0], target_shape = [5, 7], mode = "linear"}
         : (tensor<1x2x3x4xf32>) -> tensor<1x2x5x7xf32> loc("top_hp")
    %c = "tpu.Interp"(%x) {scales = [1.6666666666666667, 1.75], mode = #tpu<interp_mode Linear>, coord_mode = #tpu<coord_mode AlignCorners>}
         : (tensor<1x2x3x4xf32>) -> tensor<1x2x5x7xf32> loc("tpu_ac")
    %d = "top.Interp"(%x) {scales = [1.0, 1.0], target_shape = [5, 7], mode = "linear", coord_mode = "align_corners"}
         : (tensor<1x2x3x4xf32>) -> tensor<1x2x5x7xf32> loc("top_ac")
    %e = "tpu.Interp"(%h) {scales = [1.6666666666666667, 1.75], mode = #tpu<interp_mode Linear>}
         : (tensor<1x2x3x4xbf16>) -> tensor<1x2x5x7xbf16> loc("h_hp")
    return %a : tensor<1x2x5x7xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}, {"h", x}});
  expectEqual(at(t, "tpu_hp"), at(t, "top_hp"));
  expectEqual(at(t, "tpu_ac"), at(t, "top_ac"));
  expectEqual(at(t, "h_hp"), rounded(at(t, "top_hp"), refBF16));
  auto coordinate = [](int64_t o, int64_t in, int64_t out) {
    double c = (o + 0.5) * in / out - 0.5;
    return std::clamp(c, 0.0, double(in - 1));
  };
  std::vector<double> want;
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t y = 0; y < 5; ++y)
      for (int64_t w = 0; w < 7; ++w) {
        double cy = coordinate(y, 3, 5), cx = coordinate(w, 4, 7);
        int64_t y0 = int64_t(cy), x0 = int64_t(cx);
        int64_t y1 = std::min<int64_t>(y0 + 1, 2),
                x1 = std::min<int64_t>(x0 + 1, 3);
        double fy = cy - y0, fx = cx - x0;
        auto v = [&](int64_t yy, int64_t xx) {
          return x[(c * 3 + yy) * 4 + xx];
        };
        want.push_back((1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) +
                       fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1)));
      }
  expectNear(at(t, "tpu_hp"), want, 1e-6);
}

TEST_F(TpuInferenceExtraTest, InterpNearestMovesCodes) {
  // Nearest 1x1x4x6 -> 1x1x3x9 (down by 0.75, up by 1.5) with asymmetric
  // coordinates: floor gives rows floor(y / 0.75) and columns
  // floor(x / 1.5); round_prefer_ceil rounds halves up. INT8 codes move
  // unchanged, as top.Interp moves them.
  std::vector<int64_t> x = randomInts(24, -128, 127, 408);
  std::string q = qtype(true, 0.03, 2);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<1x1x4x6x{0}> loc("x"), %f: tensor<1x1x4x6xf32> loc("f")) -> tensor<1x1x3x9x{0}> {
    %a = "tpu.Interp"(%x) {{scales = [0.75, 1.5], mode = #tpu<interp_mode Nearest>, coord_mode = #tpu<coord_mode Asymmetric>, nearest_mode = #tpu<nearest_mode Floor>}
         : (tensor<1x1x4x6x{0}>) -> tensor<1x1x3x9x{0}> loc("floor")
    %b = "tpu.Interp"(%x) {{scales = [0.75, 1.5], mode = #tpu<interp_mode Nearest>, coord_mode = #tpu<coord_mode Asymmetric>, nearest_mode = #tpu<nearest_mode RoundPreferCeil>}
         : (tensor<1x1x4x6x{0}>) -> tensor<1x1x3x9x{0}> loc("ceil")
    %c = "top.Interp"(%f) {{scales = [0.75, 1.5], mode = "nearest", coord_mode = "asymmetric", nearest_mode = "round_prefer_ceil"}
         : (tensor<1x1x4x6xf32>) -> tensor<1x1x3x9xf32> loc("top_ceil")
    return %a : tensor<1x1x3x9x{0}>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", toFloats(x)}, {"f", toFloats(x)}});
  std::vector<float> floor, ceil;
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t w = 0; w < 9; ++w) {
      double cy = y / 0.75, cx = w / 1.5;
      int64_t fy = int64_t(std::floor(cy)), fx = int64_t(std::floor(cx));
      floor.push_back(x[fy * 6 + fx]);
      int64_t ry = std::min<int64_t>(int64_t(std::floor(cy + 0.5)), 3);
      int64_t rx = std::min<int64_t>(int64_t(std::floor(cx + 0.5)), 5);
      ceil.push_back(x[ry * 6 + rx]);
    }
  expectEqual(at(t, "floor"), floor);
  expectEqual(at(t, "ceil"), ceil);
  expectEqual(at(t, "ceil"), at(t, "top_ceil"));
}

//===----------------------------------------------------------------------===//
// Deconv
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, DeconvMatchesTopAndRounds) {
  // 1x4x3x3 input, 4x3x3x2 filter in 2 groups (6 outputs), strides [2, 1],
  // dilations [1, 2], pads [1, 0, 0, 1], output padding [1, 0], bias,
  // ReLU capped at 2: f32 gives top.Deconv's bits, f16 its f32 result on
  // f16 values rounded; f32 within 1e-5 of a double scatter reference.
  std::vector<float> x = rounded(randomFloats(36, -2, 2, 409), refF16);
  std::vector<float> w = rounded(randomFloats(72, -1, 1, 410), refF16);
  std::vector<float> b = rounded(randomFloats(6, -1, 1, 411), refF16);
  weights.set("w", Array::fromFloat({4, 3, 3, 2}, w));
  weights.set("b", Array::fromFloat({6}, b));
  weights.set("wh", Array::fromFloat({4, 3, 3, 2}, w));
  weights.set("bh", Array::fromFloat({6}, b));
  // OH = 2·2 + 1 + 3 - 1 = 7, OW = 1·2 + 0 + 2·1 + 1 - 1 = 4.
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<1x4x3x3xf32> loc("x"), %h: tensor<1x4x3x3xf16> loc("h")) -> tensor<1x6x7x4xf32> {
    %w = "top.Weight"() : () -> tensor<4x3x3x2xf32> loc("w")
    %b = "top.Weight"() : () -> tensor<6xf32> loc("b")
    %wh = "top.Weight"() : () -> tensor<4x3x3x2xf16> loc("wh")
    %bh = "top.Weight"() : () -> tensor<6xf16> loc("bh")
    %a = "tpu.Deconv"(%x, %w, %b) {kernel_shape = [3, 2], strides = [2, 1], dilations = [1, 2], pads = [1, 0, 0, 1], output_padding = [1, 0], group = 2 : i64, do_relu = true, relu_limit = 2.0 : f64}
         : (tensor<1x4x3x3xf32>, tensor<4x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x7x4xf32> loc("tpu")
    %c = "top.Deconv"(%x, %w, %b) {kernel_shape = [3, 2], strides = [2, 1], dilations = [1, 2], pads = [1, 0, 0, 1], output_padding = [1, 0], group = 2 : i64, do_relu = true, relu_limit = 2.0 : f64}
         : (tensor<1x4x3x3xf32>, tensor<4x3x3x2xf32>, tensor<6xf32>) -> tensor<1x6x7x4xf32> loc("top")
    %d = "tpu.Deconv"(%h, %wh, %bh) {kernel_shape = [3, 2], strides = [2, 1], dilations = [1, 2], pads = [1, 0, 0, 1], output_padding = [1, 0], group = 2 : i64, do_relu = true, relu_limit = 2.0 : f64}
         : (tensor<1x4x3x3xf16>, tensor<4x3x3x2xf16>, tensor<6xf16>) -> tensor<1x6x7x4xf16> loc("f16")
    return %a : tensor<1x6x7x4xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}, {"h", x}});
  expectEqual(at(t, "tpu"), at(t, "top"));
  expectEqual(at(t, "f16"), rounded(at(t, "top"), refF16));
  std::vector<double> want(6 * 7 * 4);
  for (int64_t o = 0; o < 6; ++o)
    for (int64_t i = 0; i < 28; ++i)
      want[o * 28 + i] = b[o];
  for (int64_t c = 0; c < 4; ++c) {
    int64_t g = c / 2;
    for (int64_t og = 0; og < 3; ++og)
      for (int64_t y = 0; y < 3; ++y)
        for (int64_t xx = 0; xx < 3; ++xx)
          for (int64_t ky = 0; ky < 3; ++ky)
            for (int64_t kx = 0; kx < 2; ++kx) {
              int64_t oy = y * 2 - 1 + ky, ox = xx * 1 - 0 + kx * 2;
              if (oy < 0 || oy >= 7 || ox < 0 || ox >= 4)
                continue;
              want[((g * 3 + og) * 7 + oy) * 4 + ox] +=
                  double(x[(c * 3 + y) * 3 + xx]) *
                  w[((c * 3 + og) * 3 + ky) * 2 + kx];
            }
  }
  for (double &v : want)
    v = std::min(std::max(v, 0.0), 2.0);
  expectNear(at(t, "tpu"), want, 1e-5);
}

TEST_F(TpuInferenceExtraTest, DeconvInt8MatchesIntegerReference) {
  // u8 input with zero point 7, 4 input channels in 2 groups (6 outputs),
  // strides [2, 1], dilations [1, 2], pads [1, 0, 0, 1], output padding
  // [1, 0], an i32 bias, per-channel MultiplierShift (HalfUp) and, second,
  // one QDM requant with a ReLU capped at 1.0: every code equals an int64
  // scatter of (q - zp)·W_q plus the bias, requantized by TpuTestSupport's
  // reference.
  std::vector<int64_t> x = randomInts(36, 0, 255, 430);
  std::vector<int64_t> w = randomInts(72, -127, 127, 431);
  std::vector<int64_t> b = randomInts(6, -3000, 3000, 432);
  std::vector<int64_t> m = {1518500250, 1073741824, 2113665,
                            1756411263, 1374389535, 2147483647};
  std::vector<int64_t> r = {40, 39, 32, 41, 38, 42};
  weights.set("w", Array::fromData<int8_t>({4, 3, 3, 2}, narrow<int8_t>(w)));
  weights.set("b", Array::fromData<int32_t>({6}, narrow<int32_t>(b)));
  std::string in = qtype(false, 0.02, 7), out = qtype(true, 0.05, -3);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<1x4x3x3x{0}> loc("x")) -> tensor<1x6x7x4x{1}> {
    %w = "top.Weight"() : () -> tensor<4x3x3x2xi8> loc("w")
    %b = "top.Weight"() : () -> tensor<6xi32> loc("b")
    %a = "tpu.Deconv"(%x, %w, %b) {{kernel_shape = [3, 2], strides = [2, 1], dilations = [1, 2], pads = [1, 0, 0, 1], output_padding = [1, 0], group = 2 : i64,
           quant_mode = #tpu<quant_mode MultiplierShift>, round_mode = #tpu<round_mode HalfUp>, multiplier = [{2}], rshift = [{3}]}
         : (tensor<1x4x3x3x{0}>, tensor<4x3x3x2xi8>, tensor<6xi32>) -> tensor<1x6x7x4x{1}> loc("ms")
    %c = "tpu.Deconv"(%x, %w, %b) {{kernel_shape = [3, 2], strides = [2, 1], dilations = [1, 2], pads = [1, 0, 0, 1], output_padding = [1, 0], group = 2 : i64,
           do_relu = true, relu_limit = 1.0 : f64,
           quant_mode = #tpu<quant_mode QDM>, round_mode = #tpu<round_mode HalfAwayFromZero>, multiplier = [1374389535], rshift = [10]}
         : (tensor<1x4x3x3x{0}>, tensor<4x3x3x2xi8>, tensor<6xi32>) -> tensor<1x6x7x4x{1}> loc("qdm")
    return %a : tensor<1x6x7x4x{1}>
  })mlir",
                              in, out, joinInts(m), joinInts(r))
                          .str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", toFloats(x)}});
  std::vector<int64_t> acc(6 * 28);
  for (int64_t o = 0; o < 6; ++o)
    for (int64_t i = 0; i < 28; ++i)
      acc[o * 28 + i] = b[o];
  for (int64_t c = 0; c < 4; ++c)
    for (int64_t og = 0; og < 3; ++og)
      for (int64_t y = 0; y < 3; ++y)
        for (int64_t xx = 0; xx < 3; ++xx)
          for (int64_t ky = 0; ky < 3; ++ky)
            for (int64_t kx = 0; kx < 2; ++kx) {
              int64_t oy = y * 2 - 1 + ky, ox = xx + kx * 2;
              if (oy < 0 || oy >= 7 || ox < 0 || ox >= 4)
                continue;
              acc[((c / 2 * 3 + og) * 7 + oy) * 4 + ox] +=
                  (x[(c * 3 + y) * 3 + xx] - 7) *
                  w[((c * 3 + og) * 3 + ky) * 2 + kx];
            }
  // The ReLU's upper bound: round(1.0 / 0.05) + zp = 17.
  std::vector<float> ms, qdm;
  for (int64_t e = 0; e < 6 * 28; ++e) {
    int64_t o = e / 28;
    ms.push_back(clamp(
        refRequant(acc[e], m[o], r[o], Mode::MultiplierShift, Round::HalfUp) -
            3,
        -128, 127));
    qdm.push_back(clamp(
        refRequant(acc[e], 1374389535, 10, Mode::QDM, Round::HalfAway) - 3, -3,
        17));
  }
  expectEqual(at(t, "ms"), ms);
  expectEqual(at(t, "qdm"), qdm);
  // Most codes lie inside the ranges (the requant is exercised, not only
  // the saturation).
  auto inside = [](const std::vector<float> &v, float lo, float hi) {
    return std::count_if(v.begin(), v.end(),
                         [&](float c) { return c > lo && c < hi; });
  };
  EXPECT_GT(inside(ms, -128, 127), 100);
  EXPECT_GT(inside(qdm, -3, 17), 50);
}

//===----------------------------------------------------------------------===//
// PRelu, Div, Pow, Compare, Where
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, FloatEltwiseMatchesTopAndRounds) {
  // On 2x3x4 with a 3x1 second operand (f16 values; integers for the
  // integer division): f32 gives the Top ops' bits, f16 their f32 result
  // rounded; the f32 results equal a naive reference.
  std::vector<float> a = rounded(randomFloats(24, -3, 3, 420), refF16);
  std::vector<float> b = rounded(randomFloats(3, 0.5f, 2, 421), refF16);
  std::vector<float> ai, bi = {3, -2, 5};
  for (float v : a)
    ai.push_back(std::round(v * 7));
  a[0] = 0.0f, a[1] = b[0]; // a zero and an equality
  std::vector<float> c = {0, 1, 0, 1, 1, 0};
  const char *compares[] = {"Equal", "Greater",     "GreaterOrEqual",
                            "Less",  "LessOrEqual", "And",
                            "Or",    "Xor"};
  std::string body;
  for (const char *m : compares)
    body += formatv(R"mlir(
    %tpu_{0} = "tpu.Compare"(%a, %b) {{mode = #tpu<compare_mode {0}>}
         : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("tpu_{0}")
    %top_{0} = "top.Compare"(%a, %b) {{mode = "{0}"}
         : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("top_{0}")
)mlir",
                    m)
                .str();
  auto module = parse(("func.func @main(%a: tensor<2x3x4xf32> loc(\"a\"), "
                       "%b: tensor<3x1xf32> loc(\"b\"), %ah: tensor<2x3x4xf16> "
                       "loc(\"ah\"), %bh: tensor<3x1xf16> loc(\"bh\"), %ai: "
                       "tensor<2x3x4xf32> loc(\"ai\"), %bi: tensor<3x1xf32> "
                       "loc(\"bi\"), %c: tensor<2x3x1xf32> loc(\"c\")) -> "
                       "tensor<2x3x4xf32> {" +
                       body + R"mlir(
    %0 = "tpu.PRelu"(%a, %b) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("tpu_prelu")
    %1 = "top.PRelu"(%a, %b) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("top_prelu")
    %2 = "tpu.Div"(%a, %b) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("tpu_div")
    %3 = "top.Div"(%a, %b) : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("top_div")
    %4 = "tpu.Div"(%ai, %bi) {integer = true} : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("tpu_idiv")
    %5 = "top.Div"(%ai, %bi) {integer = true} : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("top_idiv")
    %6 = "tpu.Pow"(%b, %a) : (tensor<3x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("tpu_pow")
    %7 = "top.Pow"(%b, %a) : (tensor<3x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("top_pow")
    %8 = "tpu.Where"(%c, %a, %b) : (tensor<2x3x1xf32>, tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("tpu_where")
    %9 = "top.Where"(%c, %a, %b) : (tensor<2x3x1xf32>, tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("top_where")
    %10 = "tpu.Div"(%ah, %bh) : (tensor<2x3x4xf16>, tensor<3x1xf16>) -> tensor<2x3x4xf16> loc("h_div")
    %11 = "tpu.Pow"(%bh, %ah) : (tensor<3x1xf16>, tensor<2x3x4xf16>) -> tensor<2x3x4xf16> loc("h_pow")
    %12 = "tpu.PRelu"(%ah, %bh) : (tensor<2x3x4xf16>, tensor<3x1xf16>) -> tensor<2x3x4xf16> loc("h_prelu")
    %13 = "tpu.Where"(%c, %ah, %bh) : (tensor<2x3x1xf32>, tensor<2x3x4xf16>, tensor<3x1xf16>) -> tensor<2x3x4xf16> loc("h_where")
    return %0 : tensor<2x3x4xf32>
  })mlir")
                          .c_str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"a", a},
                            {"b", b},
                            {"ah", a},
                            {"bh", b},
                            {"ai", ai},
                            {"bi", bi},
                            {"c", c}});
  for (const char *op :
       {"prelu", "div", "idiv", "pow", "where", "Equal", "Greater",
        "GreaterOrEqual", "Less", "LessOrEqual", "And", "Or", "Xor"})
    expectEqual(at(t, std::string("tpu_") + op),
                at(t, std::string("top_") + op));
  for (const char *op : {"div", "pow", "prelu", "where"})
    expectEqual(at(t, std::string("h_") + op),
                rounded(at(t, std::string("top_") + op), refF16));
  std::vector<float> prelu, div, idiv, pow, where, less, xorv;
  for (int64_t e = 0; e < 24; ++e) {
    float x = a[e], y = b[e / 4 % 3];
    prelu.push_back(x >= 0 ? x : y * x);
    div.push_back(x / y);
    idiv.push_back(
        static_cast<float>(std::trunc(double(ai[e]) / bi[e / 4 % 3])));
    pow.push_back(static_cast<float>(std::pow(double(y), double(x))));
    where.push_back(c[e / 4] != 0 ? x : y);
    less.push_back(x < y ? 1.0f : 0.0f);
    xorv.push_back((x != 0) != (y != 0) ? 1.0f : 0.0f);
  }
  expectEqual(at(t, "tpu_prelu"), prelu);
  expectEqual(at(t, "tpu_div"), div);
  expectEqual(at(t, "tpu_idiv"), idiv);
  expectEqual(at(t, "tpu_pow"), pow);
  expectEqual(at(t, "tpu_where"), where);
  expectEqual(at(t, "tpu_Less"), less);
  expectEqual(at(t, "tpu_Xor"), xorv);
  ASSERT_EQ(at(t, "tpu_Equal").size(), 24u);
  EXPECT_EQ(at(t, "tpu_Equal")[1], 1.0f);
}

//===----------------------------------------------------------------------===//
// Arg
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, ArgOnCodesAndValues) {
  // ArgMax over axis 1 of 3x5 i8 codes (with ties: first, or last with
  // select_last_index) and ArgMin over axis 0 of f32 values, equal to
  // top.Arg on the same values.
  std::vector<int64_t> x = {4, 9, -3, 9, 0, -8, -8, 2, 1, -8, 7, 7, 7, 7, 7};
  std::vector<float> f = randomFloats(15, -2, 2, 422);
  std::string q = qtype(true, 0.05, 0);
  auto module = parse(formatv(R"mlir(
  func.func @main(%x: tensor<3x5x{0}> loc("x"), %f: tensor<3x5xf32> loc("f")) -> tensor<3xf32> {
    %a = "tpu.Arg"(%x) {{axis = 1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMax>}
         : (tensor<3x5x{0}>) -> tensor<3xf32> loc("first")
    %b = "tpu.Arg"(%x) {{axis = -1 : i64, keepdims = false, mode = #tpu<arg_mode ArgMax>, select_last_index = true}
         : (tensor<3x5x{0}>) -> tensor<3xf32> loc("last")
    %c = "tpu.Arg"(%f) {{axis = 0 : i64, mode = #tpu<arg_mode ArgMin>}
         : (tensor<3x5xf32>) -> tensor<1x5xf32> loc("tpu_min")
    %d = "top.Arg"(%f) {{axis = 0 : i64, mode = "ArgMin"}
         : (tensor<3x5xf32>) -> tensor<1x5xf32> loc("top_min")
    return %a : tensor<3xf32>
  })mlir",
                              q)
                          .str());
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", toFloats(x)}, {"f", f}});
  expectEqual(at(t, "first"), {1, 7 - 5, 0});
  expectEqual(at(t, "last"), {3, 7 - 5, 4});
  expectEqual(at(t, "tpu_min"), at(t, "top_min"));
  std::vector<float> argmin;
  for (int64_t j = 0; j < 5; ++j) {
    int64_t best = 0;
    for (int64_t i = 1; i < 3; ++i)
      if (f[i * 5 + j] < f[best * 5 + j])
        best = i;
    argmin.push_back(best);
  }
  expectEqual(at(t, "tpu_min"), argmin);
}

//===----------------------------------------------------------------------===//
// InstanceNorm, LRN, LpNorm
//===----------------------------------------------------------------------===//

TEST_F(TpuInferenceExtraTest, NormalizationsMatchTopAndRound) {
  // On 2x3x4x2 (bf16 values): f32 gives the Top ops' bits, bf16 their f32
  // result rounded; f32 within 1e-5 of double references.
  std::vector<float> x = rounded(randomFloats(48, -2, 3, 423), refBF16);
  std::vector<float> s = rounded(randomFloats(3, 0.5f, 2, 424), refBF16);
  std::vector<float> b = rounded(randomFloats(3, -1, 1, 425), refBF16);
  weights.set("s", Array::fromFloat({3}, s));
  weights.set("b", Array::fromFloat({3}, b));
  weights.set("sh", Array::fromFloat({3}, s));
  weights.set("bh", Array::fromFloat({3}, b));
  auto module = parse(R"mlir(
  func.func @main(%x: tensor<2x3x4x2xf32> loc("x"), %h: tensor<2x3x4x2xbf16> loc("h")) -> tensor<2x3x4x2xf32> {
    %s = "top.Weight"() : () -> tensor<3xf32> loc("s")
    %b = "top.Weight"() : () -> tensor<3xf32> loc("b")
    %sh = "top.Weight"() : () -> tensor<3xbf16> loc("sh")
    %bh = "top.Weight"() : () -> tensor<3xbf16> loc("bh")
    %0 = "tpu.InstanceNorm"(%x, %s, %b) {eps = 1.0e-03 : f64} : (tensor<2x3x4x2xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x2xf32> loc("tpu_in")
    %1 = "top.InstanceNorm"(%x, %s, %b) {eps = 1.0e-03 : f64} : (tensor<2x3x4x2xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4x2xf32> loc("top_in")
    %2 = "tpu.InstanceNorm"(%h, %sh, %bh) {eps = 1.0e-03 : f64} : (tensor<2x3x4x2xbf16>, tensor<3xbf16>, tensor<3xbf16>) -> tensor<2x3x4x2xbf16> loc("h_in")
    %3 = "tpu.LRN"(%x) {size = 2 : i64, alpha = 0.5 : f64, beta = 0.75 : f64, bias = 2.0 : f64} : (tensor<2x3x4x2xf32>) -> tensor<2x3x4x2xf32> loc("tpu_lrn")
    %4 = "top.LRN"(%x) {size = 2 : i64, alpha = 0.5 : f64, beta = 0.75 : f64, bias = 2.0 : f64} : (tensor<2x3x4x2xf32>) -> tensor<2x3x4x2xf32> loc("top_lrn")
    %5 = "tpu.LRN"(%h) {size = 2 : i64, alpha = 0.5 : f64, beta = 0.75 : f64, bias = 2.0 : f64} : (tensor<2x3x4x2xbf16>) -> tensor<2x3x4x2xbf16> loc("h_lrn")
    %6 = "tpu.LpNorm"(%x) {axis = 2 : i64, p = 1 : i64} : (tensor<2x3x4x2xf32>) -> tensor<2x3x4x2xf32> loc("tpu_l1")
    %7 = "top.LpNorm"(%x) {axis = 2 : i64, p = 1 : i64} : (tensor<2x3x4x2xf32>) -> tensor<2x3x4x2xf32> loc("top_l1")
    %8 = "tpu.LpNorm"(%h) {axis = -1 : i64} : (tensor<2x3x4x2xbf16>) -> tensor<2x3x4x2xbf16> loc("h_l2")
    %9 = "top.LpNorm"(%x) {axis = -1 : i64} : (tensor<2x3x4x2xf32>) -> tensor<2x3x4x2xf32> loc("top_l2")
    %10 = "tpu.LpNorm"(%x) {axis = -1 : i64} : (tensor<2x3x4x2xf32>) -> tensor<2x3x4x2xf32> loc("tpu_l2")
    return %0 : tensor<2x3x4x2xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto t = runAll(*module, {{"x", x}, {"h", x}});
  for (const char *op : {"in", "lrn", "l1", "l2"})
    expectEqual(at(t, std::string("tpu_") + op),
                at(t, std::string("top_") + op));
  expectEqual(at(t, "h_in"), rounded(at(t, "top_in"), refBF16));
  expectEqual(at(t, "h_lrn"), rounded(at(t, "top_lrn"), refBF16));
  expectEqual(at(t, "h_l2"), rounded(at(t, "top_l2"), refBF16));
  std::vector<double> in(48), lrn(48), l1(48);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 3; ++c) {
      const float *plane = x.data() + (n * 3 + c) * 8;
      double mean = 0, var = 0;
      for (int64_t i = 0; i < 8; ++i)
        mean += plane[i] / 8.0;
      for (int64_t i = 0; i < 8; ++i)
        var += (plane[i] - mean) * (plane[i] - mean) / 8.0;
      for (int64_t i = 0; i < 8; ++i) {
        int64_t e = (n * 3 + c) * 8 + i;
        in[e] = (plane[i] - mean) / std::sqrt(var + 1e-3) * s[c] + b[c];
        // size 2: the channel itself and the next one.
        double sq = 0;
        for (int64_t k = c; k <= std::min<int64_t>(c + 1, 2); ++k)
          sq += double(x[(n * 3 + k) * 8 + i]) * x[(n * 3 + k) * 8 + i];
        lrn[e] = plane[i] / std::pow(2.0 + 0.5 / 2 * sq, 0.75);
      }
      for (int64_t w = 0; w < 2; ++w) {
        double norm = 0;
        for (int64_t h = 0; h < 4; ++h)
          norm += std::fabs(plane[h * 2 + w]);
        for (int64_t h = 0; h < 4; ++h)
          l1[(n * 3 + c) * 8 + h * 2 + w] = plane[h * 2 + w] / norm;
      }
    }
  expectNear(at(t, "tpu_in"), in, 1e-5);
  expectNear(at(t, "tpu_lrn"), lrn, 1e-5);
  expectNear(at(t, "tpu_l1"), l1, 1e-6);
}

} // namespace
