//===- RequantVecTest.cpp - the f64 epilogues against the scalar code -----===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// RequantRow, addInt8 and quantizeFloats (RequantVec.h) must give what the
// scalar code gives (quant::applyMultiplierAndRShift, the int64 loops of
// tpu.Add, quant::roundToInt for tpu.Cast), value for value: every quant
// mode and rounding, exact ties, results just inside and outside the
// clamp, products beyond 2^53, shifts up to the f64 path's limit and past
// it, counts that leave a scalar tail, NaN and infinities.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/RequantVec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

using namespace tpuc;
using namespace tpuc::kernels;
using quant::QuantMode;
using quant::RoundMode;

namespace {

const RoundMode kRoundModes[] = {
    RoundMode::HalfAwayFromZero, RoundMode::HalfUp,      RoundMode::HalfDown,
    RoundMode::HalfToEven,       RoundMode::TowardsZero, RoundMode::Down,
    RoundMode::Up};

/// Accumulators for (m, r): random ones, the int32 extremes, and those
/// whose requantized value is within a few units of the 8-bit range, on
/// and next to ties (v * m = (k + 1/2) * 2^r).
std::vector<int32_t> accumulatorsFor(int64_t m, int64_t r, std::mt19937_64 &gen) {
  std::uniform_int_distribution<int64_t> any32(INT32_MIN, INT32_MAX);
  std::vector<int32_t> v = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MAX - 1,
                            INT32_MIN + 1};
  for (int i = 0; i < 200; ++i)
    v.push_back(static_cast<int32_t>(i % 2 ? any32(gen) : any32(gen) % 100000));
  if (m != 0 && r <= 62) {
    for (int64_t k = -300; k <= 300; k += 7) {
      double target = (static_cast<double>(k) + 0.5) * std::ldexp(1.0, int(r)) /
                      static_cast<double>(m);
      for (int64_t d = -2; d <= 2; ++d) {
        double x = std::nearbyint(target) + d;
        if (x >= INT32_MIN && x <= INT32_MAX)
          v.push_back(static_cast<int32_t>(x));
      }
    }
    // Exact ties for odd multipliers: v = odd * 2^(r-1).
    if (m % 2 && r >= 1 && r <= 31)
      for (int64_t k : {-5, -3, -1, 1, 3, 5})
        v.push_back(static_cast<int32_t>(
            std::clamp<int64_t>(k << (r - 1), INT32_MIN, INT32_MAX)));
  }
  return v;
}

TEST(RequantVecTest, RequantRowIsRequantApply) {
  std::mt19937_64 gen(7);
  int bad = 0, vectorized = 0;
  const std::vector<int64_t> multipliers = {
      0,       1,        -1,        7,         1688289,  -77,
      9611221, 1 << 30,  INT32_MAX, INT32_MIN, -(int64_t(1) << 31),
      int64_t(1) << 31,  (int64_t(1) << 31) + 1};
  const std::vector<int64_t> shifts = {0, 1, 2, 17, 23, 30, 31, 39, 40, 41, 62, -3};
  for (QuantMode qmode :
       {QuantMode::MultiplierShift, QuantMode::OnlyShift, QuantMode::Qdm})
    for (RoundMode rmode : kRoundModes)
      for (int64_t m : multipliers)
        for (int64_t r : shifts) {
          std::vector<int32_t> acc = accumulatorsFor(m, r, gen);
          for (int64_t bias :
               {int64_t(0), int64_t(-12345), int64_t(INT32_MAX),
                int64_t(INT32_MIN), int64_t(1) << 40})
            for (auto [zp, lo, hi] :
                 {std::tuple<int64_t, int64_t, int64_t>(0, -128, 127),
                  {0, 0, 127},
                  {37, 37, 255},
                  {-5, -5, 20},
                  {3, -128, 127}}) {
              RequantRow row(m, r, qmode, rmode);
              vectorized += row.vectorizes(bias, zp, lo, hi);
              // Without a bound, and with the largest |acc| as the bound
              // (the loop without saturation where the bias allows).
              int64_t largest = 0;
              for (int32_t a : acc)
                largest = std::max(largest, std::abs(int64_t(a)));
              for (int64_t accBound : {int64_t(-1), largest})
              for (int64_t count : {int64_t(acc.size()), int64_t(5)}) {
              std::vector<float> out(count);
              row.apply(acc.data(), count, bias, zp, lo, hi, out.data(),
                        accBound);
              for (int64_t i = 0; i < count; ++i) {
                int64_t v = std::clamp<int64_t>(int64_t(acc[i]) + bias,
                                                INT32_MIN, INT32_MAX);
                int64_t y =
                    quant::applyMultiplierAndRShift(v, m, r, qmode, rmode) + zp;
                float want = static_cast<float>(std::clamp(y, lo, hi));
                if (out[i] != want && bad++ < 10)
                  ADD_FAILURE()
                      << quant::stringifyQuantMode(qmode).str() << " "
                      << quant::stringifyRoundMode(rmode).str() << " m " << m
                      << " r " << r << " bias " << bias << " zp " << zp
                      << " acc " << acc[i] << " bound " << accBound
                      << ": got " << out[i] << ", want " << want;
              }
              }
            }
        }
  EXPECT_EQ(bad, 0);
  if (cpuHasAvx2Fma()) {
    EXPECT_GT(vectorized, 0);
  }
}

TEST(RequantVecTest, BoundedAccumulatorsNearEveryTie) {
  // Convolution sums (|acc| <= 255 * sum |w|) with the bound given: the
  // folded loop for half up / half down / down / up, the other for the
  // rest; results across the whole 8-bit range and its clamps.
  std::mt19937_64 gen(11);
  int bad = 0;
  for (RoundMode rmode : kRoundModes)
    for (int64_t m : {int64_t(9611221), int64_t(353017), int64_t(1) << 30,
                      int64_t(3), int64_t(-4581487)})
      for (int64_t r : {int64_t(0), int64_t(1), int64_t(23), int64_t(30),
                        int64_t(40)}) {
        const int64_t bound = 255 * 128 * 9;
        std::uniform_int_distribution<int64_t> dist(-bound, bound);
        std::vector<int32_t> acc;
        for (int i = 0; i < 3000; ++i)
          acc.push_back(static_cast<int32_t>(dist(gen)));
        for (int32_t a : accumulatorsFor(m, r, gen))
          if (std::abs(int64_t(a)) <= bound)
            acc.push_back(a);
        for (int64_t bias : {int64_t(0), int64_t(-77777), int64_t(123)})
          for (auto [zp, lo, hi] :
               {std::tuple<int64_t, int64_t, int64_t>(0, 0, 127),
                {-3, -128, 127},
                {40, 40, 255}}) {
            RequantRow row(m, r, QuantMode::MultiplierShift, rmode);
            std::vector<float> out(acc.size());
            row.apply(acc.data(), acc.size(), bias, zp, lo, hi, out.data(),
                      bound);
            for (size_t i = 0; i < acc.size(); ++i) {
              int64_t y = quant::applyMultiplierAndRShift(
                              int64_t(acc[i]) + bias, m, r,
                              QuantMode::MultiplierShift, rmode) +
                          zp;
              float want = static_cast<float>(std::clamp(y, lo, hi));
              if (out[i] != want && bad++ < 10)
                ADD_FAILURE() << quant::stringifyRoundMode(rmode).str()
                              << " m " << m << " r " << r << " bias " << bias
                              << " zp " << zp << " acc " << acc[i]
                              << ": got " << out[i] << ", want " << want;
            }
          }
      }
  EXPECT_EQ(bad, 0);
}

TEST(RequantVecTest, RequantChannelsIsRequantRowPerChannel) {
  // Blocks of channels (per-channel or one multiplier; with and without
  // biases and an accumulator bound: the folded block loop or rows),
  // strided, with rows shorter than 8 values.
  std::mt19937_64 gen(13);
  const int64_t channels = 11, stride = 37;
  std::vector<int64_t> ms, rs, bias;
  std::uniform_int_distribution<int64_t> mDist(1 << 18, (1 << 24) - 1),
      rDist(20, 31), bDist(-50000, 50000);
  for (int64_t c = 0; c < channels; ++c) {
    ms.push_back(mDist(gen));
    rs.push_back(rDist(gen));
    bias.push_back(bDist(gen));
  }
  const int64_t bound = 255 * 128 * 9;
  std::uniform_int_distribution<int64_t> dist(-bound, bound);
  std::vector<int32_t> acc(channels * stride);
  for (int32_t &a : acc)
    a = static_cast<int32_t>(dist(gen));
  int bad = 0;
  for (RoundMode rmode : kRoundModes)
    for (bool perChannel : {true, false})
      for (bool withBias : {true, false})
        for (int64_t accBound : {int64_t(-1), bound})
          for (int64_t pixels : {int64_t(stride), int64_t(9), int64_t(3)}) {
            llvm::ArrayRef<int64_t> m = ms, r = rs;
            if (!perChannel)
              m = m.take_front(1), r = r.take_front(1);
            std::vector<int64_t> b = withBias ? bias : std::vector<int64_t>();
            RequantChannels block(m, r, QuantMode::MultiplierShift, rmode, b,
                                  channels, 3, -128, 127, accBound);
            const int64_t first = 2, count = 7;
            std::vector<float> out(count * 50, -999.0f);
            block.apply(acc.data() + first * stride, stride, 1, first, count,
                        pixels, out.data(), 50);
            for (int64_t c = 0; c < count; ++c)
              for (int64_t p = 0; p < pixels; ++p) {
                int64_t ch = first + c;
                int64_t v = int64_t(acc[ch * stride + p]) +
                            (withBias ? bias[ch] : 0);
                size_t k = perChannel ? ch : 0;
                int64_t y = quant::applyMultiplierAndRShift(
                                v, ms[k], rs[k], QuantMode::MultiplierShift,
                                rmode) +
                            3;
                float want = static_cast<float>(std::clamp<int64_t>(y, -128, 127));
                if (out[c * 50 + p] != want && bad++ < 10)
                  ADD_FAILURE() << quant::stringifyRoundMode(rmode).str()
                                << " channel " << ch << " pixel " << p
                                << ": got " << out[c * 50 + p] << ", want "
                                << want;
              }
          }
  EXPECT_EQ(bad, 0);
}

TEST(RequantVecTest, RequantRowTakesTheUsualEpilogues) {
  if (!cpuHasAvx2Fma())
    GTEST_SKIP() << "no AVX2";
  // Convolutions' per-channel requants (bm1684x) and a ReLU's bounds.
  RequantRow row(9611221, 30, QuantMode::MultiplierShift, RoundMode::HalfUp);
  EXPECT_TRUE(row.vectorizes(-200000, 0, 0, 127));
  EXPECT_TRUE(row.vectorizes(5, -3, -128, 127));
  // Not: a wide output range, a 64-bit bias, QDM, a left shift.
  EXPECT_FALSE(row.vectorizes(0, 0, -100000, 100000));
  EXPECT_FALSE(row.vectorizes(int64_t(1) << 40, 0, -128, 127));
  EXPECT_FALSE(RequantRow(1 << 30, 31, QuantMode::Qdm, RoundMode::HalfUp)
                   .vectorizes(0, 0, -128, 127));
  EXPECT_FALSE(RequantRow(5, -2, QuantMode::MultiplierShift, RoundMode::HalfUp)
                   .vectorizes(0, 0, -128, 127));
}

/// The int64 arithmetic of tpu.Add (Add.cpp) on codes read as the ops read
/// them.
float referenceAdd(const std::vector<AddInt8Input> &in, size_t e, bool shared,
                   int64_t sharedShift, RoundMode rmode, int64_t zp, int64_t lo,
                   int64_t hi) {
  int64_t sum = 0;
  for (const AddInt8Input &x : in) {
    float v = x.data[e];
    double r = std::isnan(v) ? 0.0 : std::nearbyint(static_cast<double>(v));
    auto q = static_cast<int64_t>(std::clamp<double>(r, x.qmin, x.qmax));
    int64_t term = (q - x.zeroPoint) * x.multiplier;
    sum += shared ? term : quant::rightShiftRound(term, x.rshift, rmode);
  }
  if (shared)
    sum = quant::rightShiftRound(sum, sharedShift, rmode);
  return static_cast<float>(std::clamp(sum + zp, lo, hi));
}

std::vector<float> oddCodes(size_t n, int64_t lo, int64_t hi, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int64_t> dist(lo - 3, hi + 3);
  std::vector<float> v(n);
  const float odd[] = {2.5f, -3.5f, NAN, INFINITY, -INFINITY, 1e9f, -0.5f,
                       126.5f};
  for (size_t i = 0; i < n; ++i)
    v[i] = i % 9 == 4 ? odd[(i / 9) % 8] : static_cast<float>(dist(gen));
  return v;
}

TEST(RequantVecTest, AddIsTheOpsLoop) {
  if (!cpuHasAvx2Fma())
    GTEST_SKIP() << "no AVX2";
  const size_t n = 203; // a tail after the 8-wide loop
  auto a = oddCodes(n, -128, 127, 1), b = oddCodes(n, -128, 127, 2),
       c = oddCodes(n, 0, 255, 3);
  int bad = 0;
  for (RoundMode rmode : kRoundModes)
    for (auto [ma, ra, mb, rb] :
         {std::tuple<int64_t, int64_t, int64_t, int64_t>(5, 3, 79, 7),
          {77, 6, -91, 7},
          {1, 0, 1, 0},
          {INT32_MAX, 40, INT32_MIN, 38},
          {-(int64_t(1) << 31), 31, 3, 1},
          {1 << 20, 25, 12345, 13}})
      for (bool shared : {false, true})
        for (auto [zp, lo, hi] :
             {std::tuple<int64_t, int64_t, int64_t>(0, -128, 127),
              {-2, -2, 127},
              {10, 0, 255}}) {
          std::vector<AddInt8Input> in(3);
          in[0] = {a.data(), -128, 127, 3, ma, ra};
          in[1] = {b.data(), -128, 127, -7, mb, rb};
          in[2] = {c.data(), 0, 255, 10, 100, 6};
          std::vector<float> out(n, -999.0f);
          ASSERT_TRUE(
              addInt8(in, shared, ra, rmode, zp, lo, hi, n, out.data()));
          for (size_t e = 0; e < n; ++e) {
            float want = referenceAdd(in, e, shared, ra, rmode, zp, lo, hi);
            if (out[e] != want && bad++ < 10)
              ADD_FAILURE() << quant::stringifyRoundMode(rmode).str()
                            << " shared " << shared << " ma " << ma << " ra "
                            << ra << " element " << e << ": got " << out[e]
                            << ", want " << want;
          }
        }
  EXPECT_EQ(bad, 0);
  // Refused: a left shift, a shift past 40, 17 inputs.
  std::vector<float> out(n);
  std::vector<AddInt8Input> left = {{a.data(), -128, 127, 0, 3, -1}};
  EXPECT_FALSE(addInt8(left, false, 0, RoundMode::HalfUp, 0, -128, 127, n,
                       out.data()));
  std::vector<AddInt8Input> far = {{a.data(), -128, 127, 0, 3, 41}};
  EXPECT_FALSE(addInt8(far, false, 0, RoundMode::HalfUp, 0, -128, 127, n,
                       out.data()));
  std::vector<AddInt8Input> many(17, {a.data(), -128, 127, 0, 3, 1});
  EXPECT_FALSE(addInt8(many, false, 0, RoundMode::HalfUp, 0, -128, 127, n,
                       out.data()));
}

TEST(RequantVecTest, QuantizeIsTheCastLoop) {
  if (!cpuHasAvx2Fma())
    GTEST_SKIP() << "no AVX2";
  std::vector<float> x = {0.0f,  -0.0f,   0.5f,     -0.5f,  1.5f,   -1.5f,
                          2.5f,  -2.5f,   0.49999997f,      -0.49999997f,
                          1e-30f, -1e-30f, 1e30f,   -1e30f, NAN,    INFINITY,
                          -INFINITY,      3.0e38f, 4.4999995f, -4.4999995f};
  std::mt19937 gen(9);
  std::uniform_real_distribution<float> dist(-300.0f, 300.0f);
  for (int i = 0; i < 4000; ++i) {
    float v = dist(gen);
    x.push_back(v);
    x.push_back(std::round(v) + 0.5f); // ties for scale 1
  }
  x.push_back(7.0f); // a tail
  int bad = 0;
  for (RoundMode rmode : kRoundModes)
    for (double scale : {1.0, 0.5, 0.0354693031496063, 3.0, 1e-12, 1e12})
      for (auto [zp, qmin, qmax] :
           {std::tuple<int64_t, int64_t, int64_t>(0, -128, 127),
            {37, 0, 255},
            {-3, -128, 127}}) {
        std::vector<float> out(x.size(), -999.0f);
        ASSERT_TRUE(quantizeFloats(x.data(), x.size(), scale, rmode, zp, qmin,
                                   qmax, out.data()));
        for (size_t e = 0; e < x.size(); ++e) {
          int64_t q = quant::roundToInt(static_cast<double>(x[e]) / scale,
                                        rmode);
          const int64_t bound = int64_t(1) << 40;
          q = std::clamp(q, -bound, bound) + zp;
          float want = static_cast<float>(std::clamp(q, qmin, qmax));
          if (out[e] != want && bad++ < 10)
            ADD_FAILURE() << quant::stringifyRoundMode(rmode).str()
                          << " scale " << scale << " x " << x[e] << ": got "
                          << out[e] << ", want " << want;
        }
      }
  EXPECT_EQ(bad, 0);
}

} // namespace
