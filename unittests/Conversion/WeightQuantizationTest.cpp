//===- WeightQuantizationTest.cpp - INT8 lowering arithmetic per chip -----===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Each chip's weight/bias/requant choice, checked two ways: hand-computed
// numbers on a small layer, and end to end — a 1x1 convolution run in
// integers with the chip's requant reproduces the float layer's output
// codes within one quantization step, on random data.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Conversion/TopToTpu/WeightQuantization.h"
#include "tpuc/Support/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace tpuc;
using namespace tpuc::lowering;

namespace {
struct Layer {
  std::vector<float> weight, bias;
  int64_t outChannels = 0, inner = 0;
};

Layer randomLayer(int64_t outChannels, int64_t inner, unsigned seed,
                  bool withBias) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  Layer layer;
  layer.outChannels = outChannels;
  layer.inner = inner;
  for (int64_t i = 0; i < outChannels * inner; ++i)
    layer.weight.push_back(normal(rng) * (1.0f + float(i / inner) * 0.5f));
  if (withBias)
    for (int64_t c = 0; c < outChannels; ++c)
      layer.bias.push_back(normal(rng));
  return layer;
}

/// Runs the quantized 1x1 layer on input codes `x` (inner values) and
/// returns the output codes, with the requant of `mode`.
std::vector<int64_t> runQuantized(const ConvQuantResult &q, const Layer &layer,
                                  const std::vector<int64_t> &x,
                                  quant::QuantMode mode, int64_t outZeroPoint) {
  std::vector<int64_t> y;
  for (int64_t c = 0; c < layer.outChannels; ++c) {
    int64_t acc = 0;
    for (int64_t k = 0; k < layer.inner; ++k)
      acc += x[k] * q.weight[c * layer.inner + k];
    if (!q.bias.empty())
      acc += q.bias[c];
    size_t i = q.multiplier.size() == 1 ? 0 : static_cast<size_t>(c);
    int64_t v =
        quant::applyMultiplierAndRShift(acc, q.multiplier[i], q.rshift[i], mode,
                                        quant::RoundMode::HalfAwayFromZero);
    y.push_back(quant::saturate(v + outZeroPoint, 8, true));
  }
  return y;
}

/// The float layer's output codes for the dequantized input.
std::vector<int64_t> runFloat(const Layer &layer, const std::vector<int64_t> &x,
                              double inScale, int64_t inZeroPoint,
                              double outScale, int64_t outZeroPoint) {
  std::vector<int64_t> y;
  for (int64_t c = 0; c < layer.outChannels; ++c) {
    double acc = layer.bias.empty() ? 0.0 : layer.bias[c];
    for (int64_t k = 0; k < layer.inner; ++k)
      acc += double(x[k] - inZeroPoint) * inScale *
             layer.weight[c * layer.inner + k];
    y.push_back(
        quant::saturate(std::llround(acc / outScale) + outZeroPoint, 8, true));
  }
  return y;
}

/// Over `trials` random inputs, the largest |quantized − float| output
/// code difference.
int64_t worstDifference(const ConvQuantResult &q, const Layer &layer,
                        double inScale, int64_t inZeroPoint, double outScale,
                        quant::QuantMode mode, int trials = 200) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int64_t> code(-128, 127);
  int64_t worst = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<int64_t> x(layer.inner);
    for (int64_t &v : x)
      v = code(rng);
    std::vector<int64_t> a = runQuantized(q, layer, x, mode, 0);
    std::vector<int64_t> b =
        runFloat(layer, x, inScale, inZeroPoint, outScale, 0);
    for (size_t i = 0; i < a.size(); ++i)
      worst = std::max(worst, std::abs(a[i] - b[i]));
  }
  return worst;
}

/// A scale that makes the float outputs span most of int8.
double outScaleFor(const Layer &layer, double inScale) {
  double maxOut = 0;
  for (int64_t c = 0; c < layer.outChannels; ++c) {
    double sum = 0;
    for (int64_t k = 0; k < layer.inner; ++k)
      sum += std::fabs(layer.weight[c * layer.inner + k]);
    maxOut = std::max(maxOut, sum * 128 * inScale * 0.25);
  }
  return maxOut / 127.0;
}
} // namespace

TEST(WeightQuantizationTest, BM1684XHandComputed) {
  // One channel: max|W| = 1, so scale_w = 1/127 and W_q = round(127 W):
  // 63.5 -> 64, -31.75 -> -32, 127, 15.875 -> 16 (half away from zero).
  std::vector<float> w = {0.5f, -0.25f, 1.0f, 0.125f}, b = {0.1f};
  ConvQuantInput in;
  in.weight = w;
  in.bias = b;
  in.outChannels = 1;
  in.inScale = 0.02;
  in.outScale = 0.05;
  in.inZeroPoint = 3;
  ConvQuantResult q = quantizeConvBM1684X(in);
  EXPECT_EQ(q.weight, (std::vector<int64_t>{64, -32, 127, 16}));
  // bias = round(0.1 / (1/127 · 0.02)) − 3 · (64 − 32 + 127 + 16)
  //      = round(635) − 3 · 175 = 110.
  ASSERT_EQ(q.bias.size(), 1u);
  EXPECT_EQ(q.bias[0], 110);
  // multiplier / 2^rshift ≈ (1/127) · 0.02 / 0.05 = 0.0031496063.
  double f = (1.0 / 127) * 0.02 / 0.05;
  // f · 2^27 = 422732.9995: the search's smallest error |m/2^r − f| is
  // first reached at rshift 27 (larger shifts only tie with it), so
  // multiplier 422733, rshift 27.
  EXPECT_EQ(q.rshift[0], 27);
  EXPECT_EQ(q.multiplier[0], 422733);
  EXPECT_LE(std::fabs(double(q.multiplier[0]) -
                      f * std::ldexp(1.0, int(q.rshift[0]))),
            0.5);
}

TEST(WeightQuantizationTest, BM1684XQatScales) {
  // QAT scales replace max|W|/127.
  std::vector<float> w = {0.5f, -0.25f, 1.0f, 0.125f};
  std::vector<double> scales = {0.01};
  ConvQuantInput in;
  in.weight = w;
  in.outChannels = 1;
  in.weightScales = scales;
  ConvQuantResult q = quantizeConvBM1684X(in);
  EXPECT_EQ(q.weight, (std::vector<int64_t>{50, -25, 100, 13}));
  EXPECT_EQ(q.weightScale[0], 0.01);
}

TEST(WeightQuantizationTest, BM1684XEndToEnd) {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    Layer layer = randomLayer(8, 27, seed, /*withBias=*/seed % 2);
    for (int64_t zeroPoint : {0, -20}) {
      ConvQuantInput in;
      in.weight = layer.weight;
      in.bias = layer.bias;
      in.outChannels = layer.outChannels;
      in.inScale = 0.02;
      in.inZeroPoint = zeroPoint;
      in.outScale = outScaleFor(layer, in.inScale);
      ConvQuantResult q = quantizeConvBM1684X(in);
      EXPECT_LE(worstDifference(q, layer, in.inScale, zeroPoint, in.outScale,
                                quant::QuantMode::MultiplierShift),
                2)
          << "seed " << seed << " zero point " << zeroPoint;
    }
  }
}

TEST(WeightQuantizationTest, BM1684PerLayerShift) {
  Layer layer = randomLayer(8, 27, 9, /*withBias=*/true);
  ConvQuantInput in;
  in.weight = layer.weight;
  in.bias = layer.bias;
  in.outChannels = layer.outChannels;
  in.inScale = 0.02;
  in.outScale = outScaleFor(layer, in.inScale);
  bool ok = false;
  ConvQuantResult q = quantizeConvBM1684(in, ok);
  ASSERT_TRUE(ok);
  ASSERT_EQ(q.multiplier, std::vector<int64_t>{1});
  ASSERT_EQ(q.rshift.size(), 1u);
  // The shift is the largest that keeps max|W| · 2^r · inS / outS < 127.
  double maxW = 0;
  for (float w : layer.weight)
    maxW = std::max(maxW, std::fabs(double(w)));
  double x = maxW * in.inScale / in.outScale;
  EXPECT_LT(x * std::ldexp(1.0, int(q.rshift[0])), 127.0);
  EXPECT_GE(x * std::ldexp(1.0, int(q.rshift[0]) + 1), 127.0);
  for (int64_t b : q.bias)
    EXPECT_TRUE(b >= INT16_MIN && b <= INT16_MAX);
  // Per-layer shifts lose more than per-channel multipliers: a few codes.
  EXPECT_LE(worstDifference(q, layer, in.inScale, 0, in.outScale,
                            quant::QuantMode::OnlyShift),
            4);
}

TEST(WeightQuantizationTest, BM1684BiasOverflowLowersTheShift) {
  // A bias far larger than the weights: at the weights' shift, most bias
  // values overflow int16, so the shift comes down until at most 3 % do.
  std::vector<float> w(40, 0.01f), b(10, 50.0f);
  ConvQuantInput in;
  in.weight = w;
  in.bias = b;
  in.outChannels = 10;
  in.inScale = 0.01;
  in.outScale = 0.001;
  bool ok = false;
  ConvQuantResult q = quantizeConvBM1684(in, ok);
  ASSERT_TRUE(ok);
  int64_t weightShift = quant::calRightShiftNum(0.01, 0.01, 0.001, 8);
  EXPECT_LT(q.rshift[0], weightShift);
  for (int64_t v : q.bias)
    EXPECT_LE(v, INT16_MAX);
  // 50 · 2^r / 0.001 fits in int16 only for r = 0 (50,000 overflows; the
  // rule then stops at 0 with saturated values).
  EXPECT_EQ(q.rshift[0], 0);
}

TEST(WeightQuantizationTest, BM1684RejectsAsymmetric) {
  std::vector<float> w = {0.5f};
  ConvQuantInput in;
  in.weight = w;
  in.outChannels = 1;
  in.inZeroPoint = 4;
  bool ok = true;
  quantizeConvBM1684(in, ok);
  EXPECT_FALSE(ok);
}

TEST(WeightQuantizationTest, CV18xxEndToEnd) {
  for (unsigned seed = 11; seed <= 14; ++seed) {
    Layer layer = randomLayer(8, 27, seed, /*withBias=*/true);
    ConvQuantInput in;
    in.weight = layer.weight;
    in.bias = layer.bias;
    in.outChannels = layer.outChannels;
    in.inScale = 0.02;
    in.outScale = outScaleFor(layer, in.inScale);
    ConvQuantResult q = quantizeConvCV18xx(in);
    for (size_t c = 0; c < q.multiplier.size(); ++c) {
      EXPECT_GE(q.multiplier[c], int64_t(1) << 30);
      EXPECT_LT(q.multiplier[c], int64_t(1) << 31);
    }
    // The channel with the largest weight reaches the int8 range.
    int64_t maxQ = 0;
    for (int64_t v : q.weight)
      maxQ = std::max(maxQ, std::abs(v));
    EXPECT_GE(maxQ, 126);
    EXPECT_LE(worstDifference(q, layer, in.inScale, 0, in.outScale,
                              quant::QuantMode::Qdm),
              2)
        << "seed " << seed;
  }
}
