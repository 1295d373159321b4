//===- Int8KernelsTest.cpp - exact int8 kernels against int64 loops -------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// ConvInt8 and MatMulInt8 (oneDNN int8 primitives made exact, see
// lib/Kernels/Int8Pieces.h) compared value for value with plain int64
// loops on random and adversarial codes: full-range s8 and u8 codes with
// and without zero points (padding reads the zero point), groups,
// depthwise, strides, dilations, asymmetric pads; codes that saturate
// oneDNN's int16 pairs on CPUs without VNNI (255 x 127 everywhere); sums
// beyond 2^24 with odd low bits (oneDNN's f32 conversion) and up to the
// int32 limit; both ways of adding the codes outside the window; 1, 2 and 3
// threads.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/ConvInt8.h"
#include "tpuc/Kernels/MatMulInt8.h"
#include "tpuc/Kernels/RequantVec.h"
#include "tpuc/Support/Parallel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace tpuc;
using namespace tpuc::kernels;

namespace {

std::vector<float> randomCodes(int64_t n, int64_t lo, int64_t hi,
                               unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = static_cast<float>(dist(gen));
  return v;
}

/// Codes concentrated around `center` (as activations are), with a few
/// spread over [lo, hi].
std::vector<float> peakedCodes(int64_t n, int64_t lo, int64_t hi, double center,
                               double sigma, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(center, sigma);
  std::vector<float> v(n);
  for (float &x : v)
    x = static_cast<float>(std::clamp<double>(std::round(normal(gen)), lo, hi));
  return v;
}

std::vector<int8_t> randomWeights(int64_t n, int lo, int hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<int8_t> v(n);
  for (int8_t &x : v)
    x = static_cast<int8_t>(dist(gen));
  return v;
}

ConvShape convShape(int64_t n, int64_t ic, int64_t h, int64_t w, int64_t oc,
                    int64_t kh, int64_t kw, int64_t stride = 1, int64_t pad = 0,
                    int64_t groups = 1, int64_t dilation = 1) {
  ConvShape s;
  s.batch = n;
  s.inChannels = ic;
  s.inHeight = h;
  s.inWidth = w;
  s.outChannels = oc;
  s.kernelHeight = kh;
  s.kernelWidth = kw;
  s.strideHeight = s.strideWidth = stride;
  s.dilationHeight = s.dilationWidth = dilation;
  s.padTop = s.padLeft = s.padBottom = s.padRight = pad;
  s.groups = groups;
  auto size = [](int64_t in, int64_t pb, int64_t pe, int64_t k, int64_t st,
                 int64_t d) {
    return (in + pb + pe - d * (k - 1) - 1) / st + 1;
  };
  s.outHeight = size(s.inHeight, s.padTop, s.padBottom, s.kernelHeight,
                     s.strideHeight, s.dilationHeight);
  s.outWidth = size(s.inWidth, s.padLeft, s.padRight, s.kernelWidth,
                    s.strideWidth, s.dilationWidth);
  return s;
}

/// `s` with the given pads and the output size that follows.
ConvShape withPads(ConvShape s, int64_t top, int64_t left, int64_t bottom,
                   int64_t right) {
  s.padTop = top, s.padLeft = left, s.padBottom = bottom, s.padRight = right;
  s.outHeight = (s.inHeight + top + bottom -
                 s.dilationHeight * (s.kernelHeight - 1) - 1) /
                    s.strideHeight +
                1;
  s.outWidth =
      (s.inWidth + left + right - s.dilationWidth * (s.kernelWidth - 1) - 1) /
          s.strideWidth +
      1;
  return s;
}

int64_t inputCount(const ConvShape &s) {
  return s.batch * s.inChannels * s.inHeight * s.inWidth;
}
int64_t filterCount(const ConvShape &s) {
  return s.outChannels * (s.inChannels / s.groups) * s.kernelHeight *
         s.kernelWidth;
}
int64_t outputCount(const ConvShape &s) {
  return s.batch * s.outChannels * s.outHeight * s.outWidth;
}

/// Runs the kernel at 1, 2 and 3 threads; every run must equal the
/// reference exactly. With F32Path::Auto it runs three times: as created
/// by default (the direct kernels where they apply), without the direct
/// kernels, and on the int8 primitives (Never), so that small shapes still
/// test every path. Returns the int8 path's stats of the last run.
ConvInt8::Stats checkConv(const ConvShape &s, const Int8Source &source,
                          const std::vector<float> &input,
                          const std::vector<int8_t> &filter,
                          const Int8Options &options = {},
                          int64_t *rangesOut = nullptr) {
  std::vector<int64_t> want(outputCount(s));
  referenceConvInt8(s, source, input.data(), filter, want.data());
  std::vector<Int8Options> variants = {options};
  if (options.f32Path == Int8Options::F32Path::Auto) {
    if (options.direct) {
      variants.push_back(options);
      variants.back().direct = false;
    }
    variants.push_back(options);
    variants.back().f32Path = Int8Options::F32Path::Never;
  }
  ConvInt8::Stats stats;
  for (const Int8Options &variant : variants) {
    SCOPED_TRACE("f32 path " + std::to_string(int(variant.f32Path)) +
                 ", direct " + std::to_string(variant.direct));
    auto conv = ConvInt8::create(s, source, filter, variant);
    if (!conv) {
      ADD_FAILURE() << llvm::toString(conv.takeError());
      return {};
    }
    if (rangesOut && !(*conv)->usesF32())
      *rangesOut = (*conv)->getNumRanges();
    for (unsigned threads : {1u, 2u, 3u}) {
      ThreadCountScope scope(threads);
      std::vector<int32_t> got(outputCount(s), -7);
      if (llvm::Error err = (*conv)->run(input.data(), got.data())) {
        ADD_FAILURE() << llvm::toString(std::move(err));
        return {};
      }
      int bad = 0;
      for (size_t i = 0; i < got.size(); ++i)
        if (got[i] != want[i] && bad++ < 5)
          ADD_FAILURE() << "threads " << threads << ", element " << i
                        << ": got " << got[i] << ", want " << want[i];
      EXPECT_EQ(bad, 0) << "threads " << threads;
    }
    if (!(*conv)->usesF32())
      stats = (*conv)->getLastStats();
  }
  return stats;
}

const Int8Source kS8{0, -128, 127};
const Int8Source kU8{0, 0, 255};

//===----------------------------------------------------------------------===//
// ConvInt8
//===----------------------------------------------------------------------===//

TEST(ConvInt8Test, SymmetricS8) {
  ConvShape s = convShape(2, 16, 9, 11, 24, 3, 3, 1, 1);
  auto x = randomCodes(inputCount(s), -128, 127, 1);
  auto w = randomWeights(filterCount(s), -128, 127, 2);
  checkConv(s, kS8, x, w);
}

TEST(ConvInt8Test, AsymmetricU8WithZeroPointAndPadding) {
  // Padding reads zp = 37; asymmetric pads, stride 2, dilation 2.
  ConvShape s =
      withPads(convShape(1, 8, 13, 10, 20, 3, 3, 2, 0, 1, 2), 2, 0, 1, 3);
  Int8Source u8{37, 0, 255};
  auto x = randomCodes(inputCount(s), 0, 255, 3);
  auto w = randomWeights(filterCount(s), -128, 127, 4);
  checkConv(s, u8, x, w);
  // Peaked around the zero point, as activations are.
  checkConv(s, u8, peakedCodes(inputCount(s), 0, 255, 37, 25, 5), w);
}

TEST(ConvInt8Test, AsymmetricS8ZeroPoint) {
  ConvShape s = convShape(2, 6, 9, 8, 4, 3, 3, 1, 2, 2);
  Int8Source i8{-7, -128, 127};
  auto x = randomCodes(inputCount(s), -128, 127, 6);
  auto w = randomWeights(filterCount(s), -128, 127, 7);
  checkConv(s, i8, x, w);
  Int8Source high{100, -128, 127}; // window far from the middle
  checkConv(s, high, peakedCodes(inputCount(s), -128, 127, 90, 30, 8), w);
}

TEST(ConvInt8Test, GroupedAndDepthwise) {
  // Through the int8 primitives (Never) and as the ops run them (Auto: the
  // f32 path for these).
  Int8Options never;
  never.f32Path = Int8Options::F32Path::Never;
  for (const Int8Options &options : {never, Int8Options()}) {
    SCOPED_TRACE(static_cast<int>(options.f32Path));
    // Grouped with 3 outputs per group, asymmetric pads.
    ConvShape g =
        withPads(convShape(1, 12, 10, 10, 18, 3, 3, 1, 1, 6), 0, 2, 1, 0);
    checkConv(g, kU8, randomCodes(inputCount(g), 0, 255, 9),
              randomWeights(filterCount(g), -128, 127, 10), options);
    // Depthwise, stride 2, as in mobilenet (many groups: several chunks).
    ConvShape dw = convShape(1, 96, 28, 28, 96, 3, 3, 2, 1, 96);
    checkConv(dw, kU8, peakedCodes(inputCount(dw), 0, 255, 20, 40, 11),
              randomWeights(filterCount(dw), -128, 127, 12), options);
    // Depthwise with a channel multiplier, dilation 2, s8.
    ConvShape dm = convShape(2, 8, 12, 12, 16, 3, 3, 1, 2, 8, 2);
    checkConv(dm, kS8, randomCodes(inputCount(dm), -128, 127, 13),
              randomWeights(filterCount(dm), -128, 127, 14), options);
  }
}

TEST(ConvInt8Test, GroupsWithoutAFastKernelRunExpanded) {
  // oneDNN has no fast int8 kernel for 2 inputs x 3 outputs per group: the
  // kernel runs a plain convolution with a block-diagonal filter (when the
  // f32 path is not taken). Depthwise convolutions have their own kernel.
  Int8Options never;
  never.f32Path = Int8Options::F32Path::Never;
  ConvShape g = convShape(1, 12, 10, 10, 18, 3, 3, 1, 1, 6);
  auto grouped =
      ConvInt8::create(g, kU8, randomWeights(filterCount(g), -1, 1, 15), never);
  ASSERT_TRUE(bool(grouped)) << llvm::toString(grouped.takeError());
  EXPECT_TRUE((*grouped)->isExpanded());
  EXPECT_EQ((*grouped)->getShape().groups, 6);
  EXPECT_EQ((*grouped)->getFilter().size(), size_t(filterCount(g)));
  ConvShape dw = convShape(1, 32, 10, 10, 32, 3, 3, 1, 1, 32);
  auto depthwise =
      ConvInt8::create(dw, kU8, randomWeights(filterCount(dw), -1, 1, 16));
  ASSERT_TRUE(bool(depthwise)) << llvm::toString(depthwise.takeError());
  EXPECT_FALSE((*depthwise)->isExpanded());
}

TEST(ConvInt8Test, ExactF32PathForSmallReductions) {
  // Depthwise convolutions run as f32 convolutions of code - zp (every
  // partial sum within 255 * 9 * 128 < 2^24, exact) unless told not to;
  // Always takes any convolution within the bound, and none beyond it.
  Int8Options always, never;
  always.f32Path = Int8Options::F32Path::Always;
  never.f32Path = Int8Options::F32Path::Never;
  Int8Options oneDnn;
  oneDnn.direct = false;
  ConvShape dw = convShape(2, 48, 15, 13, 48, 3, 3, 2, 1, 48);
  auto w = randomWeights(filterCount(dw), -128, 127, 17);
  auto auto_ = ConvInt8::create(dw, kU8, w, oneDnn);
  ASSERT_TRUE(bool(auto_)) << llvm::toString(auto_.takeError());
  EXPECT_TRUE((*auto_)->usesF32());
  for (const Int8Options &options : {Int8Options(), always, never}) {
    SCOPED_TRACE(static_cast<int>(options.f32Path));
    checkConv(dw, Int8Source{37, 0, 255},
              peakedCodes(inputCount(dw), 0, 255, 37, 60, 18), w, options);
    checkConv(dw, kS8, randomCodes(inputCount(dw), -128, 127, 19), w, options);
    // Grouped, asymmetric pads, dilation, a signed zero point.
    ConvShape g =
        withPads(convShape(1, 12, 11, 10, 18, 3, 3, 1, 0, 6, 2), 2, 0, 1, 3);
    checkConv(g, Int8Source{-7, -128, 127},
              randomCodes(inputCount(g), -128, 127, 20),
              randomWeights(filterCount(g), -128, 127, 21), options);
    // Plain: taken by Always only.
    ConvShape p = convShape(1, 16, 9, 9, 24, 3, 3, 1, 1);
    checkConv(p, kS8, randomCodes(inputCount(p), -128, 127, 22),
              randomWeights(filterCount(p), -128, 127, 23), options);
  }
  // 255 * 127 * 9 * 60 > 2^24: beyond the bound, Always runs int8.
  ConvShape big = convShape(1, 60, 5, 5, 4, 3, 3, 1, 1);
  std::vector<int8_t> wb(filterCount(big), 127);
  auto int8 = ConvInt8::create(big, kU8, wb, always);
  ASSERT_TRUE(bool(int8)) << llvm::toString(int8.takeError());
  EXPECT_FALSE((*int8)->usesF32());
  checkConv(big, kU8, randomCodes(inputCount(big), 0, 255, 24), wb, always);
  auto plain = ConvInt8::create(convShape(1, 16, 9, 9, 24, 3, 3, 1, 1), kS8,
                                randomWeights(24 * 16 * 9, -1, 1, 25), oneDnn);
  ASSERT_TRUE(bool(plain)) << llvm::toString(plain.takeError());
  EXPECT_FALSE((*plain)->usesF32());
  // A 1x1 projection (16 multiply-adds per input value) takes it.
  ConvShape projection = convShape(1, 96, 6, 6, 16, 1, 1);
  auto narrow = ConvInt8::create(
      projection, kU8, randomWeights(16 * 96, -127, 127, 26), oneDnn);
  ASSERT_TRUE(bool(narrow)) << llvm::toString(narrow.takeError());
  EXPECT_TRUE((*narrow)->usesF32());
  checkConv(projection, kU8, randomCodes(inputCount(projection), 0, 255, 27),
            randomWeights(16 * 96, -127, 127, 26));
}

TEST(ConvInt8Test, ShapesOfRealNetworks) {
  // 7x7 stride 2 on 3 channels; 1x1 stride 2; 1x1; 1-D; kernel larger
  // than the input with padding; several output-channel chunks.
  for (auto [s, seed] :
       {std::pair(convShape(1, 3, 40, 40, 16, 7, 7, 2, 3), 20u),
        std::pair(convShape(1, 32, 14, 14, 64, 1, 1, 2, 0), 21u),
        std::pair(convShape(2, 40, 7, 7, 24, 1, 1), 22u),
        std::pair(convShape(1, 8, 1, 50, 8, 1, 5, 1, 0), 23u),
        std::pair(convShape(1, 4, 2, 3, 5, 5, 5, 1, 2), 24u),
        std::pair(convShape(1, 64, 28, 28, 96, 3, 3, 1, 1), 25u)}) {
    SCOPED_TRACE(seed);
    auto w = randomWeights(filterCount(s), -128, 127, seed + 100);
    checkConv(s, kU8, peakedCodes(inputCount(s), 0, 255, 10, 50, seed), w);
    checkConv(s, kS8, peakedCodes(inputCount(s), -128, 127, 0, 40, seed), w);
  }
}

TEST(ConvInt8Test, SaturatingPairsAreExact) {
  // 255 * 127 + 255 * 127 saturates VPMADDUBSW's int16 (CPUs without VNNI);
  // so do s8 codes -128 * -128 after oneDNN's shift to u8.
  ConvShape s = convShape(1, 32, 6, 6, 16, 3, 3, 1, 1);
  std::vector<float> x(inputCount(s), 255.0f);
  std::vector<int8_t> w(filterCount(s), 127);
  checkConv(s, kU8, x, w);
  std::vector<int8_t> neg(filterCount(s), -128);
  checkConv(s, kU8, x, neg);
  std::vector<float> low(inputCount(s), -128.0f);
  checkConv(s, kS8, low, neg);
  checkConv(s, kS8, std::vector<float>(inputCount(s), 127.0f), w);
  // Alternating extremes.
  for (size_t i = 0; i < x.size(); ++i)
    low[i] = i % 2 ? 127.0f : -128.0f;
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<int8_t>(i % 3 ? 127 : -128);
  checkConv(s, kS8, low, w);
}

TEST(ConvInt8Test, BothWaysOfAddingTheRest) {
  ConvShape s = convShape(1, 16, 12, 12, 32, 3, 3, 1, 1);
  auto x = randomCodes(inputCount(s), 0, 255, 30); // half outside [0, 128]
  auto w = randomWeights(filterCount(s), -128, 127, 31);
  Int8Options scatter;
  scatter.scatterFraction = 1.0;
  ConvInt8::Stats a = checkConv(s, kU8, x, w, scatter);
  EXPECT_GT(a.scattered, 0);
  EXPECT_EQ(a.extraRuns, 0);
  Int8Options runs;
  runs.scatterFraction = 0.0;
  ConvInt8::Stats b = checkConv(s, kU8, x, w, runs);
  EXPECT_EQ(b.scattered, 0);
  EXPECT_EQ(b.extraRuns, 1); // u8 codes with zp 0: only positive rests
  ConvInt8::Stats c =
      checkConv(s, kS8, randomCodes(inputCount(s), -128, 127, 32), w, runs);
  EXPECT_EQ(c.extraRuns, 2);
  // Grouped, with the default choice.
  ConvShape g = convShape(1, 32, 10, 10, 32, 3, 3, 1, 1, 4);
  checkConv(g, kS8, randomCodes(inputCount(g), -128, 127, 33),
            randomWeights(filterCount(g), -128, 127, 34), runs);
}

TEST(ConvInt8Test, SumsBeyond2To24StayExact) {
  // Every output about 255 * 127 * 5000 ~ 1.6e8 with odd low bits: oneDNN's
  // f32 conversion would round them; the reduction is split into ranges.
  ConvShape s = convShape(1, 556, 5, 5, 3, 3, 3, 1, 1);
  std::vector<int8_t> w(filterCount(s), 127);
  w[5] = 3;
  auto x = randomCodes(inputCount(s), 200, 255, 40);
  int64_t ranges = 0;
  checkConv(s, kU8, x, w, {}, &ranges);
  EXPECT_GT(ranges, 1);
}

TEST(ConvInt8Test, SumsNearTheInt32Limit) {
  // 255 * 127 * 9 * 7360 = 2145182400 < 2^31 - 1: the largest sums.
  ConvShape s = convShape(1, 7360, 3, 3, 2, 3, 3, 1, 0);
  std::vector<int8_t> w(filterCount(s), 127);
  for (size_t i = filterCount(s) / 2; i < w.size(); ++i)
    w[i] = -127;
  std::vector<float> x(inputCount(s), 255.0f);
  checkConv(s, kU8, x, w);
  x[17] = 254.0f; // odd
  checkConv(s, kU8, x, w);
  // One channel more could pass int32: refused (the ops fall back).
  ConvShape big = convShape(1, 7400, 3, 3, 2, 3, 3, 1, 0);
  std::vector<int8_t> wb(filterCount(big), 127);
  auto refused = ConvInt8::create(big, kU8, wb);
  ASSERT_FALSE(refused);
  std::string message = llvm::toString(refused.takeError());
  EXPECT_NE(message.find("may not fit int32"), std::string::npos) << message;
}

TEST(ConvInt8Test, ManyRangesWithASmallBound) {
  Int8Options small;
  small.accumulatorBound = 128 * 128 * 9 * 3; // 3 channels of 3x3 per run
  small.f32Path = Int8Options::F32Path::Never;
  int64_t ranges = 0;
  ConvShape s = convShape(1, 20, 7, 7, 8, 3, 3, 1, 1);
  checkConv(s, kS8, randomCodes(inputCount(s), -128, 127, 50),
            randomWeights(filterCount(s), -128, 127, 51), small, &ranges);
  EXPECT_GE(ranges, 3);
  ConvShape g = convShape(1, 20, 7, 7, 10, 3, 3, 2, 1, 2);
  checkConv(g, Int8Source{12, 0, 255}, randomCodes(inputCount(g), 0, 255, 52),
            randomWeights(filterCount(g), -128, 127, 53), small, &ranges);
  EXPECT_GE(ranges, 3);
  Int8Options tiny;
  tiny.accumulatorBound = 128 * 128 * 8; // below one channel's 3x3
  auto refused =
      ConvInt8::create(s, kS8, std::vector<int8_t>(filterCount(s), -128), tiny);
  ASSERT_FALSE(refused);
  llvm::consumeError(refused.takeError());
}

TEST(ConvInt8Test, ReadsCodesAsTheScalarLoops) {
  // Half to even, clamping, NaN as 0 (clamped): the float buffer is read as
  // tpu::toInteger then clampTo do; 45 values, so that both the 16-wide
  // SIMD loop and the scalar tail see every case.
  const std::vector<float> specials = {
      2.5f, 3.5f,      -0.5f, 300.0f, -1e30f, NAN,      -2.5f, 126.49f,
      0.5f, -INFINITY, 1.5f,  127.5f, -9.5f,  INFINITY, -10.5f};
  std::vector<float> x;
  for (int r = 0; r < 3; ++r)
    x.insert(x.end(), specials.begin(), specials.end());
  ConvShape s = convShape(1, 1, 1, x.size(), 1, 1, 1);
  std::vector<int8_t> w = {1};
  std::vector<int32_t> got(x.size());
  for (auto path : {Int8Options::F32Path::Never, Int8Options::F32Path::Always,
                    Int8Options::F32Path::Auto}) {
    SCOPED_TRACE(static_cast<int>(path));
    Int8Options options;
    options.f32Path = path;
    auto conv = ConvInt8::create(s, Int8Source{0, -10, 127}, w, options);
    ASSERT_TRUE(bool(conv)) << llvm::toString(conv.takeError());
    EXPECT_EQ((*conv)->usesF32(), path == Int8Options::F32Path::Always);
    EXPECT_EQ((*conv)->usesDirect(),
              path == Int8Options::F32Path::Auto && cpuHasAvx2Fma());
    ASSERT_FALSE(bool((*conv)->run(x.data(), got.data())));
    std::vector<int32_t> want = {2, 4,   0, 127, -10, 0,   -2, 126,
                                 0, -10, 2, 127, -10, 127, -10};
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(got[i], want[i % want.size()]) << "element " << i;
    auto u8 = ConvInt8::create(s, Int8Source{5, 3, 255}, w, options);
    ASSERT_TRUE(bool(u8)) << llvm::toString(u8.takeError());
    ASSERT_FALSE(bool((*u8)->run(x.data(), got.data())));
    want = {3, 4, 3, 255, 3, 3, 3, 126, 3, 3, 3, 128, 3, 255, 3};
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(got[i], want[i % want.size()]) << "element " << i;
  }
  std::vector<int32_t> want = {3, 4, 3, 255, 3, 3,   3, 126,
                               3, 3, 3, 128, 3, 255, 3};
  // The same through the matmul's left operand (times the identity).
  MatMulShape m;
  m.m = 1, m.k = m.n = static_cast<int64_t>(x.size());
  std::vector<int8_t> identity(m.k * m.n, 0);
  for (int64_t i = 0; i < m.k; ++i)
    identity[i * m.n + i] = 1;
  auto mm = MatMulInt8::create(m, Int8Source{0, 3, 255}, identity);
  ASSERT_TRUE(bool(mm)) << llvm::toString(mm.takeError());
  ASSERT_FALSE(bool((*mm)->run(x.data(), nullptr, got.data())));
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(got[i], want[i % want.size()]) << "element " << i;
}

/// Buffer values that are not plain codes (ties, out of range, NaN,
/// infinities) among codes of [lo, hi].
std::vector<float> oddCodes(int64_t n, int64_t lo, int64_t hi,
                            unsigned seed) {
  std::vector<float> v = randomCodes(n, lo - 4, hi + 4, seed);
  const float odd[] = {2.5f, -3.5f, NAN,   INFINITY, -INFINITY,
                       1e9f, -0.5f, 126.5f, 0.49f};
  for (int64_t i = 4; i < n; i += 11)
    v[i] = odd[(i / 11) % 9];
  return v;
}

/// Whether `s` runs on a direct kernel by default (on this CPU).
bool runsDirect(const ConvShape &s, const Int8Source &source,
                const std::vector<int8_t> &w) {
  auto conv = ConvInt8::create(s, source, w);
  if (!conv) {
    ADD_FAILURE() << llvm::toString(conv.takeError());
    return false;
  }
  return (*conv)->usesDirect();
}

TEST(ConvInt8Test, DirectDepthwise) {
  // Strides 1, 2 and 3 (the phases of a padded row), odd and asymmetric
  // pads, dilation, channel multipliers, kernels 5x5, 1x7, 3x1, widths
  // below, at and above one vector, batches; every kind of source.
  struct Case {
    ConvShape shape;
    unsigned seed;
  };
  std::vector<Case> cases = {
      {convShape(1, 32, 56, 56, 32, 3, 3, 1, 1, 32), 60},
      {convShape(1, 24, 29, 31, 24, 3, 3, 2, 1, 24), 61},
      {withPads(convShape(2, 8, 13, 10, 8, 3, 3, 2, 0, 8), 2, 1, 0, 3), 62},
      {convShape(1, 6, 17, 19, 6, 3, 3, 3, 1, 6), 63},
      {convShape(1, 8, 12, 12, 16, 3, 3, 1, 2, 8, 2), 64},
      {convShape(1, 4, 9, 9, 12, 5, 5, 2, 2, 4), 65},
      {withPads(convShape(1, 5, 6, 20, 5, 1, 7, 1, 0, 5), 0, 3, 0, 3), 66},
      {convShape(1, 5, 11, 5, 5, 3, 1, 1, 1, 5), 67},
      {convShape(2, 16, 7, 7, 16, 3, 3, 1, 1, 16), 68},
      {convShape(1, 3, 1, 1, 3, 3, 3, 1, 1, 3), 69},
      {convShape(1, 7, 8, 9, 7, 3, 3, 2, 1, 7, 3), 70},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.seed);
    const ConvShape &s = c.shape;
    auto w = randomWeights(filterCount(s), -128, 127, c.seed + 100);
    EXPECT_EQ(runsDirect(s, kU8, w), cpuHasAvx2Fma());
    checkConv(s, kU8, peakedCodes(inputCount(s), 0, 255, 10, 50, c.seed), w);
    checkConv(s, Int8Source{37, 0, 255}, oddCodes(inputCount(s), 0, 255, c.seed),
              w);
    checkConv(s, Int8Source{-7, -128, 127},
              oddCodes(inputCount(s), -128, 127, c.seed + 1), w);
    // Extremes: 255 x -128 everywhere, and alternating signs.
    checkConv(s, kU8, std::vector<float>(inputCount(s), 255.0f),
              std::vector<int8_t>(filterCount(s), -128));
    std::vector<float> alternating(inputCount(s));
    for (size_t i = 0; i < alternating.size(); ++i)
      alternating[i] = i % 2 ? 127.0f : -128.0f;
    checkConv(s, kS8, alternating, std::vector<int8_t>(filterCount(s), 127));
  }
  // 255 * sum |w| beyond 2^24 (529 taps of 127): not the direct kernel,
  // still exact on the others.
  ConvShape big = convShape(1, 2, 24, 24, 2, 23, 23, 1, 0, 2);
  std::vector<int8_t> wb(filterCount(big), 127);
  EXPECT_FALSE(runsDirect(big, kU8, wb));
  checkConv(big, kU8, randomCodes(inputCount(big), 0, 255, 71), wb);
}

TEST(ConvInt8Test, DirectGemm) {
  // 1x1 read from the planes: odd reductions, output channels that are not
  // whole register tiles, pixel counts that are not whole tiles, long
  // reductions (several passes), many jobs, a 1x1 image; 1x1 strided or
  // padded and small reductions gathered from the padded image (a first
  // layer: 3 x 3 x 3, stride 2).
  struct Case {
    ConvShape shape;
    unsigned seed;
  };
  std::vector<Case> cases = {
      {convShape(1, 32, 28, 28, 16, 1, 1), 80},
      {convShape(2, 15, 7, 7, 5, 1, 1), 81},
      {convShape(1, 33, 9, 11, 67, 1, 1), 82},
      {convShape(1, 600, 5, 5, 8, 1, 1), 83},
      {convShape(1, 1100, 3, 4, 12, 1, 1), 84},
      {convShape(1, 40, 30, 30, 200, 1, 1), 85},
      {convShape(1, 64, 1, 1, 10, 1, 1), 86},
      {convShape(1, 32, 14, 14, 64, 1, 1, 2, 0), 87},
      {withPads(convShape(1, 12, 9, 8, 20, 1, 1), 1, 0, 2, 1), 88},
      {convShape(1, 3, 33, 35, 32, 3, 3, 2, 1), 89},
      {convShape(2, 16, 9, 9, 8, 2, 2, 1, 0, 1, 2), 90},
      {withPads(convShape(1, 2, 10, 12, 6, 5, 5, 1, 0), 2, 1, 3, 0), 91},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.seed);
    const ConvShape &s = c.shape;
    auto w = randomWeights(filterCount(s), -128, 127, c.seed + 100);
    EXPECT_EQ(runsDirect(s, kU8, w), cpuHasAvx2Fma());
    checkConv(s, kU8, peakedCodes(inputCount(s), 0, 255, 10, 50, c.seed), w);
    checkConv(s, Int8Source{37, 0, 255}, oddCodes(inputCount(s), 0, 255, c.seed),
              w);
    checkConv(s, Int8Source{-7, -128, 127},
              oddCodes(inputCount(s), -128, 127, c.seed + 1), w);
    checkConv(s, kU8, std::vector<float>(inputCount(s), 255.0f),
              std::vector<int8_t>(filterCount(s), -128));
    std::vector<float> alternating(inputCount(s));
    for (size_t i = 0; i < alternating.size(); ++i)
      alternating[i] = i % 2 ? 127.0f : -128.0f;
    checkConv(s, kS8, alternating, std::vector<int8_t>(filterCount(s), 127));
  }
  // A wide expansion (600 outputs per input value), and strided.
  ConvShape expansion = convShape(1, 80, 5, 5, 600, 1, 1);
  auto we = randomWeights(filterCount(expansion), -128, 127, 93);
  EXPECT_EQ(runsDirect(expansion, kU8, we), cpuHasAvx2Fma());
  checkConv(expansion, kU8, randomCodes(inputCount(expansion), 0, 255, 94), we);
  ConvShape strided = convShape(1, 80, 5, 5, 600, 1, 1, 2);
  EXPECT_EQ(runsDirect(strided, kU8, we), cpuHasAvx2Fma());
  checkConv(strided, kU8, randomCodes(inputCount(strided), 0, 255, 95), we);
  // A reduction of 65 (13 x 5 x 1) is past kDirectMaxReduction.
  ConvShape wide = convShape(1, 13, 9, 9, 8, 5, 1, 1, 2);
  EXPECT_FALSE(runsDirect(wide, kS8, randomWeights(filterCount(wide), -9, 9, 92)));
  // Sums at the int32 limit: 255 * 127 * 66311 < 2^31 <= 255 * 127 * 66312
  // (only the direct kernel takes so many input channels).
  ConvShape limit = convShape(1, 66311, 1, 2, 2, 1, 1);
  std::vector<int8_t> wl(filterCount(limit), 127);
  for (size_t i = wl.size() / 2; i < wl.size(); ++i)
    wl[i] = -127;
  std::vector<float> xl(inputCount(limit), 255.0f);
  xl[3] = 254.0f;
  if (cpuHasAvx2Fma()) {
    auto conv = ConvInt8::create(limit, kU8, wl);
    ASSERT_TRUE(bool(conv)) << llvm::toString(conv.takeError());
    EXPECT_TRUE((*conv)->usesDirect());
    std::vector<int64_t> want(outputCount(limit));
    referenceConvInt8(limit, kU8, xl.data(), wl, want.data());
    std::vector<int32_t> got(outputCount(limit));
    ASSERT_FALSE(bool((*conv)->run(xl.data(), got.data())));
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], want[i]) << "element " << i;
    EXPECT_GT(want[0], int64_t(1) << 30);
  }
  ConvShape over = convShape(1, 66312, 1, 1, 2, 1, 1);
  auto refused =
      ConvInt8::create(over, kU8, std::vector<int8_t>(filterCount(over), 127));
  ASSERT_FALSE(refused);
  llvm::consumeError(refused.takeError());
}

TEST(ConvInt8Test, RefusesWhatItCannotDo) {
  ConvShape s = convShape(1, 2, 4, 4, 2, 3, 3, 1, 1);
  std::vector<int8_t> w(filterCount(s), 1);
  for (Int8Source bad : {Int8Source{0, -300, 0}, Int8Source{0, -128, 200},
                         Int8Source{200, 0, 127}, Int8Source{0, 0, 512}}) {
    auto conv = ConvInt8::create(s, bad, w);
    ASSERT_FALSE(conv);
    llvm::consumeError(conv.takeError());
  }
  auto wrongSize = ConvInt8::create(s, kS8, std::vector<int8_t>(5, 1));
  ASSERT_FALSE(wrongSize);
  llvm::consumeError(wrongSize.takeError());
}

//===----------------------------------------------------------------------===//
// MatMulInt8
//===----------------------------------------------------------------------===//

MatMulShape matmulShape(std::vector<int64_t> batch,
                        std::vector<int64_t> lhsBatch,
                        std::vector<int64_t> rhsBatch, int64_t m, int64_t k,
                        int64_t n, bool transpose = false) {
  MatMulShape s;
  s.batch = std::move(batch);
  s.lhsBatch = std::move(lhsBatch);
  s.rhsBatch = std::move(rhsBatch);
  s.m = m;
  s.k = k;
  s.n = n;
  s.rightTranspose = transpose;
  return s;
}

int64_t count(const std::vector<int64_t> &dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

ConvInt8::Stats checkMatMul(const MatMulShape &s, const Int8Source &source,
                            const std::vector<float> &lhs,
                            const std::vector<int8_t> &rhs, bool constant,
                            const Int8Options &options = {},
                            int64_t *rangesOut = nullptr) {
  int64_t outputs = count(s.batch) * s.m * s.n;
  std::vector<int64_t> want(outputs);
  referenceMatMulInt8(s, source, lhs.data(), rhs.data(), want.data());
  auto mm = MatMulInt8::create(s, source,
                               constant ? llvm::ArrayRef<int8_t>(rhs)
                                        : llvm::ArrayRef<int8_t>(),
                               options);
  if (!mm) {
    ADD_FAILURE() << llvm::toString(mm.takeError());
    return {};
  }
  if (rangesOut)
    *rangesOut = (*mm)->getNumRanges();
  for (unsigned threads : {1u, 2u, 3u}) {
    ThreadCountScope scope(threads);
    std::vector<int32_t> got(outputs, -7);
    if (llvm::Error err = (*mm)->run(
            lhs.data(), constant ? nullptr : rhs.data(), got.data())) {
      ADD_FAILURE() << llvm::toString(std::move(err));
      return {};
    }
    int bad = 0;
    for (size_t i = 0; i < got.size(); ++i)
      if (got[i] != want[i] && bad++ < 5)
        ADD_FAILURE() << "threads " << threads << ", element " << i << ": got "
                      << got[i] << ", want " << want[i];
    EXPECT_EQ(bad, 0) << "threads " << threads;
  }
  return (*mm)->getLastStats();
}

TEST(MatMulInt8Test, FullyConnectedAndBatches) {
  for (bool transpose : {false, true})
    for (bool constant : {true, false}) {
      SCOPED_TRACE(std::to_string(transpose) + std::to_string(constant));
      MatMulShape fc = matmulShape({}, {}, {}, 1, 512, 1000, transpose);
      checkMatMul(fc, kU8, peakedCodes(512, 0, 255, 30, 60, 60),
                  randomWeights(512 * 1000, -128, 127, 61), constant);
      MatMulShape b = matmulShape({2, 3}, {2, 3}, {3}, 7, 37, 19, transpose);
      checkMatMul(b, kS8, randomCodes(6 * 7 * 37, -128, 127, 62),
                  randomWeights(3 * 37 * 19, -128, 127, 63), constant);
      MatMulShape broadcast = matmulShape({4}, {1}, {4}, 33, 70, 40, transpose);
      checkMatMul(broadcast, Int8Source{0, -20, 235},
                  randomCodes(33 * 70, -20, 235, 64),
                  randomWeights(4 * 70 * 40, -128, 127, 65), constant);
    }
}

TEST(MatMulInt8Test, ManyTilesAndBothWaysOfAddingTheRest) {
  MatMulShape s = matmulShape({}, {}, {}, 300, 256, 300);
  auto x = randomCodes(300 * 256, 0, 255, 70);
  auto w = randomWeights(256 * 300, -128, 127, 71);
  Int8Options scatter;
  scatter.scatterFraction = 1.0;
  EXPECT_GT(checkMatMul(s, kU8, x, w, true, scatter).scattered, 0);
  Int8Options runs;
  runs.scatterFraction = 0.0;
  EXPECT_EQ(
      checkMatMul(s, kS8, randomCodes(300 * 256, -128, 127, 72), w, false, runs)
          .extraRuns,
      2);
}

TEST(MatMulInt8Test, SaturatingAndLargeSums) {
  // 255 x 127 pairs; sums of 255 * 127 * 66000 ~ 2.14e9 with odd parts.
  MatMulShape s = matmulShape({}, {}, {}, 3, 66000, 4);
  std::vector<float> x(3 * 66000, 255.0f);
  x[5] = 253.0f;
  std::vector<int8_t> w(66000 * 4, 127);
  for (int64_t k = 0; k < 66000; ++k)
    w[k * 4 + 1] = -127, w[k * 4 + 2] = static_cast<int8_t>(k % 2 ? 127 : 1);
  int64_t ranges = 0;
  checkMatMul(s, kU8, x, w, true, {}, &ranges);
  EXPECT_GT(ranges, 60);
  // A right operand given per run: sized for |w| <= 128, so k <= 65793.
  MatMulShape r = matmulShape({}, {}, {}, 2, 65793, 3);
  std::vector<float> xr(2 * 65793, 255.0f);
  std::vector<int8_t> wr(65793 * 3, -128);
  checkMatMul(r, kU8, xr, wr, false);
  auto refused =
      MatMulInt8::create(matmulShape({}, {}, {}, 2, 65794, 3), kU8, {});
  ASSERT_FALSE(refused);
  llvm::consumeError(refused.takeError());
}

TEST(MatMulInt8Test, SmallBoundSplitsK) {
  Int8Options small;
  small.accumulatorBound = 128 * 128 * 10;
  int64_t ranges = 0;
  MatMulShape s = matmulShape({2}, {2}, {}, 5, 100, 9, true);
  checkMatMul(s, kS8, randomCodes(2 * 5 * 100, -128, 127, 80),
              randomWeights(100 * 9, -128, 127, 81), true, small, &ranges);
  EXPECT_GE(ranges, 5);
  checkMatMul(s, kS8, randomCodes(2 * 5 * 100, -128, 127, 82),
              randomWeights(100 * 9, -128, 127, 83), false, small, &ranges);
  EXPECT_EQ(ranges, 10);
}

} // namespace
