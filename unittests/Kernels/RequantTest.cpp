//===- RequantTest.cpp - kernels::Requant against QuantMath ---------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// kernels::Requant must be quant::applyMultiplierAndRShift, value for value:
// every quant mode and rounding, random and extreme accumulators,
// multipliers and shifts, including those it hands to QuantMath.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Requant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

using namespace tpuc;
using namespace tpuc::kernels;

namespace {

TEST(RequantTest, SameAsApplyMultiplierAndRShift) {
  using quant::QuantMode;
  using quant::RoundMode;
  std::mt19937_64 gen(1);
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 2,
                                 -2,
                                 3,
                                 -3,
                                 INT32_MAX,
                                 INT32_MIN,
                                 INT32_MAX - 1,
                                 INT32_MIN + 1,
                                 int64_t(1) << 30,
                                 -(int64_t(1) << 30),
                                 int64_t(INT32_MAX) + 1,
                                 int64_t(INT32_MIN) - 1,
                                 int64_t(1) << 40,
                                 -(int64_t(1) << 45)};
  std::uniform_int_distribution<int64_t> any32(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int64_t> small(-5000000, 5000000);
  for (int i = 0; i < 3000; ++i)
    values.push_back(i % 2 ? any32(gen) : small(gen));
  // Ties for every shift: k * 2^(s-1).
  for (int s = 1; s < 32; ++s)
    for (int64_t k : {-3, -1, 1, 3})
      values.push_back(k * (int64_t(1) << (s - 1)));
  std::vector<int64_t> multipliers = {0,
                                      1,
                                      -1,
                                      2,
                                      1688289,
                                      -1688289,
                                      INT32_MAX,
                                      INT32_MIN,
                                      INT32_MIN + 1,
                                      int64_t(1) << 30,
                                      int64_t(INT32_MAX) + 1,
                                      -(int64_t(1) << 33)};
  for (int i = 0; i < 12; ++i)
    multipliers.push_back(any32(gen));
  std::vector<int64_t> shifts = {-40, -3, -1, 0,  1,  2,  7,  15, 29, 30,
                                 31,  38, 45, 61, 62, 63, 64, 70, 200};
  int64_t checked = 0, bad = 0;
  for (QuantMode qmode :
       {QuantMode::MultiplierShift, QuantMode::OnlyShift, QuantMode::Qdm})
    for (RoundMode rmode :
         {RoundMode::HalfAwayFromZero, RoundMode::HalfUp, RoundMode::HalfDown,
          RoundMode::HalfToEven, RoundMode::TowardsZero, RoundMode::Down,
          RoundMode::Up})
      for (int64_t m : multipliers)
        for (int64_t r : shifts) {
          Requant requant(m, r, qmode, rmode);
          for (int64_t v : values) {
            int64_t want =
                quant::applyMultiplierAndRShift(v, m, r, qmode, rmode);
            int64_t got = requant(v);
            ++checked;
            if (got != want && bad++ < 10)
              ADD_FAILURE() << quant::stringifyQuantMode(qmode).str() << " "
                            << quant::stringifyRoundMode(rmode).str() << " v "
                            << v << " m " << m << " r " << r << ": got " << got
                            << ", want " << want;
          }
        }
  EXPECT_EQ(bad, 0) << "of " << checked;
}

TEST(RequantTest, RightShiftRoundIsQuantMaths) {
  using quant::RoundMode;
  std::mt19937_64 gen(4);
  std::vector<int64_t> values = {0,
                                 1,
                                 -1,
                                 INT64_MAX,
                                 INT64_MIN,
                                 INT64_MAX - 1,
                                 INT64_MIN + 1,
                                 int64_t(1) << 62,
                                 -(int64_t(1) << 62)};
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<int64_t>(gen()));
    values.push_back(static_cast<int64_t>(gen() % 100000000) - 50000000);
  }
  for (int s = 1; s < 40; ++s)
    for (int64_t k : {-5, -3, -1, 1, 3, 5})
      values.push_back(k * (int64_t(1) << (s - 1)));
  int bad = 0;
  for (RoundMode mode :
       {RoundMode::HalfAwayFromZero, RoundMode::HalfUp, RoundMode::HalfDown,
        RoundMode::HalfToEven, RoundMode::TowardsZero, RoundMode::Down,
        RoundMode::Up})
    for (int64_t shift : {-3, 0, 1, 2, 7, 31, 40, 62, 63, 64, 100})
      for (int64_t v : values) {
        int64_t want = quant::rightShiftRound(v, static_cast<int>(shift), mode);
        int64_t got = Requant::rightShiftRound(v, shift, mode);
        if (got != want && bad++ < 10)
          ADD_FAILURE() << quant::stringifyRoundMode(mode).str() << " v " << v
                        << " shift " << shift << ": got " << got << ", want "
                        << want;
      }
  EXPECT_EQ(bad, 0);
}

TEST(RequantTest, ApplyIsTheOpsEpilogue) {
  // apply(acc, stride, ...) = clamp(requant(sat32(acc + bias)) + zp, lo, hi)
  // for every mode and rounding, strided, with biases that saturate.
  using quant::QuantMode;
  using quant::RoundMode;
  std::mt19937_64 gen(2);
  std::uniform_int_distribution<int64_t> any32(INT32_MIN, INT32_MAX);
  std::vector<int32_t> acc(3 * 500);
  for (size_t i = 0; i < acc.size(); ++i)
    acc[i] =
        static_cast<int32_t>(i % 7 == 0 ? any32(gen) : any32(gen) % 3000000);
  int bad = 0;
  for (QuantMode qmode :
       {QuantMode::MultiplierShift, QuantMode::OnlyShift, QuantMode::Qdm})
    for (RoundMode rmode :
         {RoundMode::HalfAwayFromZero, RoundMode::HalfUp, RoundMode::HalfDown,
          RoundMode::HalfToEven, RoundMode::TowardsZero, RoundMode::Down,
          RoundMode::Up})
      for (int64_t m :
           {int64_t(1688289), int64_t(-77), int64_t(INT32_MAX),
            int64_t(INT32_MIN), int64_t(INT32_MIN) + 1, int64_t(1) << 31})
        for (int64_t r : {int64_t(0), int64_t(1), int64_t(17), int64_t(30),
                          int64_t(45), int64_t(62), int64_t(-2), int64_t(64)})
          for (int64_t bias : {int64_t(0), int64_t(-12345), int64_t(INT32_MAX),
                               int64_t(1) << 40})
            for (auto [zp, lo, hi] :
                 {std::tuple<int64_t, int64_t, int64_t>(0, -128, 127),
                  {37, 37, 255},
                  {-5, -5, 20}}) {
              Requant requant(m, r, qmode, rmode);
              // Strided (the scalar loop) and contiguous (SIMD where the
              // CPU has it), with a count that leaves a tail.
              for (int64_t stride : {3, 1}) {
                int64_t count = stride == 1 ? 499 : 500;
                std::vector<float> out(count);
                requant.apply(acc.data() + 1, stride, count, bias, zp, lo, hi,
                              out.data());
                for (int64_t i = 0; i < count; ++i) {
                  int64_t v = int64_t(acc[1 + stride * i]) + bias;
                  v = std::clamp<int64_t>(v, INT32_MIN, INT32_MAX);
                  int64_t y =
                      quant::applyMultiplierAndRShift(v, m, r, qmode, rmode) +
                      zp;
                  float want = static_cast<float>(std::clamp(y, lo, hi));
                  if (out[i] != want && bad++ < 10)
                    ADD_FAILURE()
                        << quant::stringifyQuantMode(qmode).str() << " "
                        << quant::stringifyRoundMode(rmode).str() << " m " << m
                        << " r " << r << " bias " << bias << " stride "
                        << stride << " at " << i << ": got " << out[i]
                        << ", want " << want;
                }
              }
            }
  EXPECT_EQ(bad, 0);
}

} // namespace
