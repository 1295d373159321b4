//===- QuantMathTest.cpp - tests for the integer quantization math --------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Every function is checked against hand-worked cases and against a naive
// reference written here, independently of the implementation: rounding of
// reals through the C library's long double rounding functions (the values
// involved are exact in long double's 64-bit significand), rounding of
// 128-bit products through truncating division and remainder, QDM through
// TFLite's nudge-and-truncate formulation, the multiplier searches by brute
// force. The F16/BF16 conversions are compared with numpy's float16 and
// torch's bfloat16, run by Python at test time.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/QuantMath.h"

#include "tpuc/Support/Npz.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include "../TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <sys/wait.h>
#include <vector>

#ifndef TPUC_PYTHON
#define TPUC_PYTHON "/usr/bin/python3"
#endif

using namespace llvm;
using namespace tpuc;
using namespace tpuc::quant;

namespace {

static_assert(std::numeric_limits<long double>::digits >= 64,
              "the references need an exact 64-bit long double significand");

using Int128 = __int128;

constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();

constexpr RoundMode kModes[] = {RoundMode::HalfAwayFromZero,
                                RoundMode::HalfUp,
                                RoundMode::HalfDown,
                                RoundMode::HalfToEven,
                                RoundMode::TowardsZero,
                                RoundMode::Down,
                                RoundMode::Up};

std::string name(RoundMode mode) { return stringifyRoundMode(mode).str(); }

//===----------------------------------------------------------------------===//
// Independent references
//===----------------------------------------------------------------------===//

/// round(x) with the C library's functions; exact whenever x + 1/2 is exact
/// in long double (or cannot cross an integer).
long double refRound(long double x, RoundMode mode) {
  switch (mode) {
  case RoundMode::HalfAwayFromZero:
    return std::round(x);
  case RoundMode::HalfUp:
    return std::floor(x + 0.5L);
  case RoundMode::HalfDown:
    return std::ceil(x - 0.5L);
  case RoundMode::HalfToEven:
    return std::nearbyint(x); // the default rounding is to nearest even
  case RoundMode::TowardsZero:
    return std::trunc(x);
  case RoundMode::Down:
    return std::floor(x);
  case RoundMode::Up:
    return std::ceil(x);
  }
  return 0;
}

int64_t saturateLongDouble(long double x) {
  if (x >= 0x1p63L)
    return kI64Max;
  if (x < -0x1p63L)
    return kI64Min;
  return static_cast<int64_t>(x);
}

/// value / 2^shift through long double (exact for int64 values: they have
/// at most 64 significant bits and the scaling is by a power of two).
int64_t refShiftRound(int64_t value, int shift, RoundMode mode) {
  long double scaled = std::ldexp(static_cast<long double>(value), -shift);
  if (shift <= 0)
    return saturateLongDouble(scaled);
  return saturateLongDouble(refRound(scaled, mode));
}

int sign(Int128 v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }

/// value / 2^shift (shift in [1, 120]) rounded with truncating division and
/// the remainder's magnitude against half the divisor.
Int128 refDivRound(Int128 value, int shift, RoundMode mode) {
  Int128 divisor = Int128(1) << shift;
  Int128 q = value / divisor, r = value % divisor;
  if (r == 0)
    return q;
  Int128 twice = 2 * (r < 0 ? -r : r);
  int s = sign(value);
  switch (mode) {
  case RoundMode::TowardsZero:
    return q;
  case RoundMode::Down:
    return s < 0 ? q - 1 : q;
  case RoundMode::Up:
    return s > 0 ? q + 1 : q;
  default:
    break;
  }
  if (twice < divisor)
    return q;
  if (twice > divisor)
    return q + s;
  switch (mode) { // a tie; q is the value truncated towards zero
  case RoundMode::HalfAwayFromZero:
    return q + s;
  case RoundMode::HalfUp:
    return s > 0 ? q + 1 : q;
  case RoundMode::HalfDown:
    return s > 0 ? q : q - 1;
  case RoundMode::HalfToEven:
    return q % 2 == 0 ? q : q + s;
  default:
    return 0;
  }
}

int64_t clampTo32(Int128 v) {
  return static_cast<int64_t>(v < kI32Min ? kI32Min
                                          : (v > kI32Max ? kI32Max : v));
}

int64_t clampTo64(Int128 v) {
  return static_cast<int64_t>(v < kI64Min ? kI64Min
                                          : (v > kI64Max ? kI64Max : v));
}

/// MultiplierShift by the reference: sat32(sat64(v*M / 2^r)).
int64_t refMultiplierShift(int64_t v, int64_t m, int r, RoundMode mode) {
  Int128 p = Int128(v) * m;
  if (r > 0)
    return clampTo32(clampTo64(refDivRound(p, r, mode)));
  int n = -r;
  if (p > (Int128(1) << 40) || p < -(Int128(1) << 40))
    return p > 0 ? kI32Max : kI32Min; // saturates whatever n >= 0 is
  return clampTo32(clampTo64(p * (Int128(1) << n)));
}

/// TFLite's SaturatingRoundingDoublingHighMul for int32 a, b: the nudge
/// formulation with truncating division.
int64_t refDoublingHighMul(int64_t a, int64_t b) {
  if (a == kI32Min && b == kI32Min)
    return kI32Max;
  int64_t ab = a * b;
  int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : 1 - (int64_t(1) << 30);
  return (ab + nudge) / (int64_t(1) << 31);
}

/// TFLite's RoundingDivideByPOT (half away from zero), exponent in [0, 62].
int64_t refRoundingDivideByPOT(int64_t x, int exponent) {
  int64_t mask = (int64_t(1) << exponent) - 1;
  int64_t remainder = x & mask;
  int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// Brute force over all shifts in [lo, hi) with long double errors.
MultiplierShift refScaleAndShift(double f, int bits, int lo, int hi) {
  if (std::isnan(f) || f == 0)
    return {0, 0};
  long double limit = std::ldexp(1.0L, bits - 1) - 1;
  bool found = false;
  long double bestError = 0;
  MultiplierShift best;
  for (int shift = lo; shift < hi; ++shift) {
    long double m = std::round(std::ldexp(static_cast<long double>(f), shift));
    if (!(std::fabs(m) < limit))
      continue;
    long double error =
        std::fabs(std::ldexp(m, -shift) - static_cast<long double>(f));
    if (!found || error < bestError) {
      found = true;
      bestError = error;
      best = {static_cast<int64_t>(m), shift};
    }
  }
  if (!found) {
    int64_t largest = (int64_t(1) << (bits - 1)) - 2;
    return {f > 0 ? largest : -largest, lo};
  }
  if (best.multiplier == 0)
    return {0, 0};
  return best;
}

void expectPair(MultiplierShift actual, MultiplierShift expected,
                const std::string &what) {
  EXPECT_EQ(actual.multiplier, expected.multiplier) << what;
  EXPECT_EQ(actual.rshift, expected.rshift) << what;
}

std::string hex16(unsigned bits) {
  std::string text;
  raw_string_ostream(text) << format("0x%04x", bits);
  return text;
}

std::string hex32(uint32_t bits) {
  std::string text;
  raw_string_ostream(text) << format("0x%08x", bits);
  return text;
}

std::string hex(double f) {
  std::string text;
  raw_string_ostream(text) << format("%a", f);
  return text;
}

/// Random doubles of both signs, log-uniform magnitudes in [2^lo, 2^hi).
std::vector<double> logUniform(int count, int lo, int hi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(lo, hi);
  std::vector<double> values;
  for (int i = 0; i < count; ++i) {
    double v = std::exp2(exponent(rng));
    values.push_back(rng() & 1 ? -v : v);
  }
  return values;
}

/// Random int64s of both signs with a random bit length in [0, 63].
int64_t randomInt64(std::mt19937_64 &rng) {
  int bits = static_cast<int>(rng() % 64);
  uint64_t magnitude = bits == 0 ? 0 : rng() >> (64 - bits);
  int64_t v = static_cast<int64_t>(magnitude);
  return rng() & 1 ? -v : v;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

TEST(QuantMathTest, RoundModeNamesRoundTrip) {
  for (RoundMode mode : kModes) {
    StringRef text = stringifyRoundMode(mode);
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(symbolizeRoundMode(text), mode) << text.str();
  }
  EXPECT_EQ(stringifyRoundMode(RoundMode::HalfAwayFromZero).str(),
            "HalfAwayFromZero");
  EXPECT_EQ(stringifyRoundMode(RoundMode::HalfToEven).str(), "HalfToEven");
  EXPECT_EQ(stringifyRoundMode(RoundMode::Down).str(), "Down");
  EXPECT_FALSE(symbolizeRoundMode("halfup").has_value());
  EXPECT_FALSE(symbolizeRoundMode("").has_value());
  EXPECT_FALSE(symbolizeRoundMode("HalfToOdd").has_value());
}

TEST(QuantMathTest, QuantModeNamesRoundTrip) {
  for (QuantMode mode :
       {QuantMode::MultiplierShift, QuantMode::OnlyShift, QuantMode::Qdm})
    EXPECT_EQ(symbolizeQuantMode(stringifyQuantMode(mode)), mode);
  EXPECT_EQ(stringifyQuantMode(QuantMode::MultiplierShift).str(),
            "MultiplierShift");
  EXPECT_EQ(stringifyQuantMode(QuantMode::OnlyShift).str(), "OnlyShift");
  EXPECT_EQ(stringifyQuantMode(QuantMode::Qdm).str(), "QDM");
  EXPECT_FALSE(symbolizeQuantMode("Qdm").has_value());
  EXPECT_FALSE(symbolizeQuantMode("TFLite").has_value());
}

//===----------------------------------------------------------------------===//
// Rounding
//===----------------------------------------------------------------------===//

/// Hand-made cases: x, then the expected result for each mode in kModes
/// order (HalfAwayFromZero, HalfUp, HalfDown, HalfToEven, TowardsZero, Down,
/// Up).
struct TieCase {
  double x;
  int64_t expected[7];
};
constexpr TieCase kTieCases[] = {
    {2.5, {3, 3, 2, 2, 2, 2, 3}},  {-2.5, {-3, -2, -3, -2, -2, -3, -2}},
    {3.5, {4, 4, 3, 4, 3, 3, 4}},  {-3.5, {-4, -3, -4, -4, -3, -4, -3}},
    {2.25, {2, 2, 2, 2, 2, 2, 3}}, {-2.25, {-2, -2, -2, -2, -2, -3, -2}},
    {2.75, {3, 3, 3, 3, 2, 2, 3}}, {-2.75, {-3, -3, -3, -3, -2, -3, -2}},
    {0.5, {1, 1, 0, 0, 0, 0, 1}},  {-0.5, {-1, 0, -1, 0, 0, -1, 0}},
    {3.0, {3, 3, 3, 3, 3, 3, 3}},  {-3.0, {-3, -3, -3, -3, -3, -3, -3}},
};

TEST(QuantMathTest, RoundToIntHandMadeTies) {
  for (const TieCase &c : kTieCases)
    for (int i = 0; i < 7; ++i)
      EXPECT_EQ(roundToInt(c.x, kModes[i]), c.expected[i])
          << c.x << " " << name(kModes[i]);
  for (RoundMode mode : kModes) {
    EXPECT_EQ(roundToInt(0.0, mode), 0);
    EXPECT_EQ(roundToInt(-0.0, mode), 0);
    EXPECT_EQ(roundToInt(std::nan(""), mode), 0) << name(mode);
    EXPECT_EQ(roundToInt(INFINITY, mode), kI64Max);
    EXPECT_EQ(roundToInt(-INFINITY, mode), kI64Min);
    EXPECT_EQ(roundToInt(1e19, mode), kI64Max);
    EXPECT_EQ(roundToInt(0x1p63, mode), kI64Max);
    EXPECT_EQ(roundToInt(-0x1p63, mode), kI64Min);
    EXPECT_EQ(roundToInt(-1e300, mode), kI64Min);
    EXPECT_EQ(roundToInt(0x1p62, mode), int64_t(1) << 62);
  }
  // Just off a tie below 1 in magnitude, where 1 - |x| is not a double.
  EXPECT_EQ(roundToInt(-0.5 + 0x1p-54, RoundMode::HalfDown), 0);
  EXPECT_EQ(roundToInt(-0.5 - 0x1p-53, RoundMode::HalfUp), -1);
  EXPECT_EQ(roundToInt(0.5 - 0x1p-54, RoundMode::HalfUp), 0);
  EXPECT_EQ(roundToInt(-0x1p-60, RoundMode::Down), -1);
  EXPECT_EQ(roundToInt(-0x1p-60, RoundMode::Up), 0);
  EXPECT_EQ(roundToInt(0x1p52 - 0.5, RoundMode::HalfToEven), int64_t(1) << 52);
  EXPECT_EQ(roundToInt(0x1p52 - 1.5, RoundMode::HalfToEven),
            (int64_t(1) << 52) - 2);
}

TEST(QuantMathTest, RoundToIntMatchesReference) {
  std::mt19937_64 rng(11);
  std::vector<double> values = logUniform(20000, -70, 62, 12);
  std::uniform_int_distribution<int64_t> integer(-(int64_t(1) << 50),
                                                 int64_t(1) << 50);
  for (int i = 0; i < 20000; ++i) {
    double k = static_cast<double>(integer(rng));
    values.push_back(k + 0.5); // ties
    values.push_back(std::nextafter(k + 0.5, INFINITY));
    values.push_back(std::nextafter(k + 0.5, -INFINITY));
    values.push_back(k);
  }
  for (double tie : {0.5, -0.5, 1.5, -1.5, 0x1p52 - 0.5, -0x1p52 + 0.5}) {
    values.push_back(tie);
    values.push_back(std::nextafter(tie, INFINITY));
    values.push_back(std::nextafter(tie, -INFINITY));
  }
  int failures = 0;
  for (double x : values)
    for (RoundMode mode : kModes) {
      int64_t expected = saturateLongDouble(refRound(x, mode));
      if (roundToInt(x, mode) != expected && failures++ < 10)
        ADD_FAILURE() << hex(x) << " " << name(mode) << ": "
                      << roundToInt(x, mode) << " vs " << expected;
    }
}

TEST(QuantMathTest, RightShiftRoundHandMadeTies) {
  // Each x of kTieCases (multiples of 1/4) as an integer shifted by 2 to 40
  // bits.
  for (const TieCase &c : kTieCases)
    for (int shift : {2, 4, 10, 40}) {
      int64_t value = static_cast<int64_t>(std::ldexp(c.x, shift));
      for (int i = 0; i < 7; ++i)
        EXPECT_EQ(rightShiftRound(value, shift, kModes[i]), c.expected[i])
            << value << " >> " << shift << " " << name(kModes[i]);
    }
  // 5 >> 1 = 2.5, -5 >> 1 = -2.5, 7 >> 1 = 3.5, -7 >> 1 = -3.5.
  EXPECT_EQ(rightShiftRound(5, 1, RoundMode::HalfToEven), 2);
  EXPECT_EQ(rightShiftRound(7, 1, RoundMode::HalfToEven), 4);
  EXPECT_EQ(rightShiftRound(-5, 1, RoundMode::HalfUp), -2);
  EXPECT_EQ(rightShiftRound(-7, 1, RoundMode::HalfDown), -4);
  EXPECT_EQ(rightShiftRound(-5, 1, RoundMode::HalfAwayFromZero), -3);
  EXPECT_EQ(rightShiftRound(-7, 1, RoundMode::TowardsZero), -3);
}

TEST(QuantMathTest, RightShiftRoundExtremes) {
  for (RoundMode mode : kModes) {
    SCOPED_TRACE(name(mode));
    // Shift 0 and left shifts (saturating).
    for (int64_t v : {int64_t(0), int64_t(1), int64_t(-7), kI64Max, kI64Min})
      EXPECT_EQ(rightShiftRound(v, 0, mode), v);
    EXPECT_EQ(rightShiftRound(1, -62, mode), int64_t(1) << 62);
    EXPECT_EQ(rightShiftRound(1, -63, mode), kI64Max);
    EXPECT_EQ(rightShiftRound(-1, -63, mode), kI64Min);
    EXPECT_EQ(rightShiftRound(-2, -62, mode), kI64Min);
    EXPECT_EQ(rightShiftRound(-3, -62, mode), kI64Min);
    EXPECT_EQ(rightShiftRound(3, -62, mode), kI64Max);
    EXPECT_EQ(rightShiftRound(kI64Max, -1, mode), kI64Max);
    EXPECT_EQ(rightShiftRound(kI64Min, -1, mode), kI64Min);
    EXPECT_EQ(rightShiftRound(0, -100, mode), 0);
    EXPECT_EQ(rightShiftRound(5, std::numeric_limits<int>::min(), mode),
              kI64Max);
    EXPECT_EQ(rightShiftRound(-5, -1000, mode), kI64Min);
    // -2^63 / 2^63 = -1 exactly.
    EXPECT_EQ(rightShiftRound(kI64Min, 63, mode), -1);
    EXPECT_EQ(rightShiftRound(0, 63, mode), 0);
  }
  // -2^63 / 2^64 = -0.5: a tie.
  int64_t minHalf[] = {-1, 0, -1, 0, 0, -1, 0};
  // (2^63 - 1) / 2^63 = 1 - 2^-63 and (2^63 - 1) / 2^64 just below 0.5.
  int64_t maxOne[] = {1, 1, 1, 1, 0, 0, 1};
  int64_t maxHalf[] = {0, 0, 0, 0, 0, 0, 1};
  // ±1 / 2^1000: no tie.
  int64_t plusTiny[] = {0, 0, 0, 0, 0, 0, 1};
  int64_t minusTiny[] = {0, 0, 0, 0, 0, -1, 0};
  for (int i = 0; i < 7; ++i) {
    SCOPED_TRACE(name(kModes[i]));
    EXPECT_EQ(rightShiftRound(kI64Min, 64, kModes[i]), minHalf[i]);
    EXPECT_EQ(rightShiftRound(kI64Max, 63, kModes[i]), maxOne[i]);
    EXPECT_EQ(rightShiftRound(kI64Max, 64, kModes[i]), maxHalf[i]);
    EXPECT_EQ(rightShiftRound(1, 1000, kModes[i]), plusTiny[i]);
    EXPECT_EQ(rightShiftRound(-1, 1000, kModes[i]), minusTiny[i]);
    EXPECT_EQ(
        rightShiftRound(kI64Max, std::numeric_limits<int>::max(), kModes[i]),
        plusTiny[i]);
  }
}

TEST(QuantMathTest, RightShiftRoundMatchesReference) {
  std::mt19937_64 rng(21);
  int failures = 0;
  auto check = [&](int64_t value, int shift) {
    for (RoundMode mode : kModes) {
      int64_t expected = refShiftRound(value, shift, mode);
      int64_t actual = rightShiftRound(value, shift, mode);
      if (actual != expected && failures++ < 10)
        ADD_FAILURE() << value << " >> " << shift << " " << name(mode) << ": "
                      << actual << " vs " << expected;
    }
  };
  for (int i = 0; i < 30000; ++i)
    check(randomInt64(rng), static_cast<int>(rng() % 134) - 62);
  // Exact ties k + 1/2 and their neighbours, for every shift.
  for (int shift = 1; shift <= 63; ++shift)
    for (int i = 0; i < 200; ++i) {
      int64_t k = randomInt64(rng) >> shift;
      Int128 tie =
          Int128(k) * (Int128(1) << shift) + (Int128(1) << (shift - 1));
      for (Int128 v : {tie - 1, tie, tie + 1, -tie, -tie + 1, -tie - 1})
        if (v >= kI64Min && v <= kI64Max)
          check(static_cast<int64_t>(v), shift);
    }
  for (int64_t v : {kI64Max, kI64Min, kI64Max - 1, kI64Min + 1, kI32Max,
                    kI32Min, int64_t(0), int64_t(1), int64_t(-1)})
    for (int shift = -63; shift <= 70; ++shift)
      check(v, shift);
}

TEST(QuantMathTest, Saturate) {
  EXPECT_EQ(saturate(200, 8, true), 127);
  EXPECT_EQ(saturate(-200, 8, true), -128);
  EXPECT_EQ(saturate(-5, 8, true), -5);
  EXPECT_EQ(saturate(127, 8, true), 127);
  EXPECT_EQ(saturate(-128, 8, true), -128);
  EXPECT_EQ(saturate(300, 8, false), 255);
  EXPECT_EQ(saturate(-1, 8, false), 0);
  EXPECT_EQ(saturate(255, 8, false), 255);
  EXPECT_EQ(saturate(40000, 16, true), 32767);
  EXPECT_EQ(saturate(-40000, 16, true), -32768);
  EXPECT_EQ(saturate(70000, 16, false), 65535);
  EXPECT_EQ(saturate(kI64Max, 32, true), kI32Max);
  EXPECT_EQ(saturate(kI64Min, 32, true), kI32Min);
  EXPECT_EQ(saturate(kI64Max, 32, false), 4294967295);
  EXPECT_EQ(saturate(9, 4, true), 7);
  EXPECT_EQ(saturate(-9, 4, true), -8);
  EXPECT_EQ(saturate(20, 4, false), 15);
  EXPECT_EQ(saturate(kI64Min, 64, true), kI64Min);
  EXPECT_EQ(saturate(kI64Max, 64, true), kI64Max);
  EXPECT_EQ(saturate(kI64Min, 64, false), 0);
  EXPECT_EQ(saturate(kI64Max, 64, false), kI64Max);
  EXPECT_EQ(saturate(5, 1, true), 0);
  EXPECT_EQ(saturate(-5, 1, true), -1);
  EXPECT_EQ(saturate(5, 1, false), 1);
  // Out-of-range widths are clamped to [1, 64].
  EXPECT_EQ(saturate(5, 0, false), 1);
  EXPECT_EQ(saturate(5, -3, true), 0);
  EXPECT_EQ(saturate(kI64Min, 100, true), kI64Min);
}

//===----------------------------------------------------------------------===//
// Requant
//===----------------------------------------------------------------------===//

TEST(QuantMathTest, MultiplierShiftHandCases) {
  for (const TieCase &c : kTieCases)
    for (int i = 0; i < 7; ++i) {
      // x·16 = v·M with M = 4 (or 1), shifted by 4.
      int64_t scaled = static_cast<int64_t>(c.x * 16);
      EXPECT_EQ(applyMultiplierAndRShift(scaled / 4, 4, 4,
                                         QuantMode::MultiplierShift, kModes[i]),
                c.expected[i])
          << c.x << " " << name(kModes[i]);
      EXPECT_EQ(applyMultiplierAndRShift(scaled, 1, 4, QuantMode::OnlyShift,
                                         kModes[i]),
                c.expected[i])
          << c.x << " " << name(kModes[i]);
    }
  RoundMode half = RoundMode::HalfUp;
  // Saturation to int32.
  EXPECT_EQ(
      applyMultiplierAndRShift(kI32Max, 2, 0, QuantMode::MultiplierShift, half),
      kI32Max);
  EXPECT_EQ(
      applyMultiplierAndRShift(kI32Min, 2, 0, QuantMode::MultiplierShift, half),
      kI32Min);
  EXPECT_EQ(applyMultiplierAndRShift(kI32Min, -1, 0, QuantMode::MultiplierShift,
                                     half),
            kI32Max);
  EXPECT_EQ(
      applyMultiplierAndRShift(1, 1, -40, QuantMode::MultiplierShift, half),
      kI32Max);
  EXPECT_EQ(
      applyMultiplierAndRShift(-3, 5, -2, QuantMode::MultiplierShift, half),
      -60);
  // The product overflows int64: (2^63 - 1)^2 / 2^100 = 2^26 - 2^-36 +
  // 2^-100.
  int64_t big[] = {1 << 26,       1 << 26,       1 << 26, 1 << 26,
                   (1 << 26) - 1, (1 << 26) - 1, 1 << 26};
  int64_t bigNegative[] = {-(1 << 26),    -(1 << 26),     -(1 << 26),
                           -(1 << 26),    -(1 << 26) + 1, -(1 << 26),
                           -(1 << 26) + 1};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(applyMultiplierAndRShift(kI64Max, kI64Max, 100,
                                       QuantMode::MultiplierShift, kModes[i]),
              big[i])
        << name(kModes[i]);
    EXPECT_EQ(applyMultiplierAndRShift(kI64Max, -kI64Max, 100,
                                       QuantMode::MultiplierShift, kModes[i]),
              bigNegative[i])
        << name(kModes[i]);
  }
  // OnlyShift ignores the multiplier.
  EXPECT_EQ(applyMultiplierAndRShift(100, 12345, 2, QuantMode::OnlyShift, half),
            25);
  EXPECT_EQ(applyMultiplierAndRShift(kI64Max, 7, 0, QuantMode::OnlyShift, half),
            kI32Max);
  EXPECT_EQ(
      applyMultiplierAndRShift(1, 7, 1000, QuantMode::OnlyShift, RoundMode::Up),
      1);
}

TEST(QuantMathTest, MultiplierShiftAndOnlyShiftMatchReference) {
  std::mt19937_64 rng(31);
  std::vector<int64_t> specials = {
      0, 1, -1, kI32Max, kI32Min, kI64Max, kI64Min, 1 << 30, -(1 << 30)};
  auto pick = [&](bool int32Only) -> int64_t {
    uint64_t kind = rng() % 4;
    if (kind == 0)
      return specials[rng() % specials.size()];
    if (kind == 1 || int32Only)
      return static_cast<int32_t>(rng());
    return randomInt64(rng);
  };
  int failures = 0;
  for (int i = 0; i < 40000; ++i) {
    int64_t v = pick(false), m = pick(rng() % 2 == 0);
    int r = static_cast<int>(rng() % 111) - 10; // [-10, 100]
    if (rng() % 4 == 0)
      r = static_cast<int>(rng() % 64);
    for (RoundMode mode : kModes) {
      int64_t expected = refMultiplierShift(v, m, r, mode);
      int64_t actual =
          applyMultiplierAndRShift(v, m, r, QuantMode::MultiplierShift, mode);
      if (actual != expected && failures++ < 10)
        ADD_FAILURE() << "MultiplierShift " << v << " * " << m << " >> " << r
                      << " " << name(mode) << ": " << actual << " vs "
                      << expected;
      expected = refMultiplierShift(v, 1, r, mode);
      actual = applyMultiplierAndRShift(v, m, r, QuantMode::OnlyShift, mode);
      if (actual != expected && failures++ < 10)
        ADD_FAILURE() << "OnlyShift " << v << " >> " << r << " " << name(mode)
                      << ": " << actual << " vs " << expected;
    }
  }
}

TEST(QuantMathTest, QdmHandCases) {
  auto qdm = [](int64_t v, int64_t m, int64_t r,
                RoundMode mode = RoundMode::HalfAwayFromZero) {
    return applyMultiplierAndRShift(v, m, r, QuantMode::Qdm, mode);
  };
  int64_t half = int64_t(1) << 30; // 0.5 in Q31
  // The doubling high multiply rounds ties up: ±0.5 -> 1, 0; ±1.5 -> 2, -1.
  EXPECT_EQ(qdm(1, half, 0), 1);
  EXPECT_EQ(qdm(-1, half, 0), 0);
  EXPECT_EQ(qdm(3, half, 0), 2);
  EXPECT_EQ(qdm(-3, half, 0), -1);
  EXPECT_EQ(qdm(-5, half, 0), -2);
  // Just off the ties.
  EXPECT_EQ(qdm(1, half - 1, 0), 0);
  EXPECT_EQ(qdm(-1, half + 1, 0), -1);
  // The only overflow of SaturatingRoundingDoublingHighMul.
  EXPECT_EQ(qdm(kI32Min, kI32Min, 0), kI32Max);
  EXPECT_EQ(qdm(kI32Min, kI32Max, 0), kI32Min + 1);
  EXPECT_EQ(qdm(kI32Max, kI32Max, 0), kI32Max - 1);
  // 100 * 0.5 = 50, then 50 / 4 = 12.5 with each mode.
  int64_t expected[] = {13, 13, 12, 12, 12, 12, 13};
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(qdm(100, half, 2, kModes[i]), expected[i]) << name(kModes[i]);
  int64_t negative[] = {-13, -12, -13, -12, -12, -13, -12};
  for (int i = 0; i < 7; ++i)
    EXPECT_EQ(qdm(-100, half, 2, kModes[i]), negative[i]) << name(kModes[i]);
  // A negative rshift shifts v left before the multiply: (3 * 4) * 0.5.
  EXPECT_EQ(qdm(3, half, -2), 6);
  // 1 * 2^2 * 0.5 = 2 (rounding after the shift would give 1 * 0.5 -> 1).
  EXPECT_EQ(qdm(1, half, -2), 2);
  EXPECT_EQ(qdm(kI32Max, kI32Max, -1), kI32Max);
  EXPECT_EQ(qdm(kI64Max, kI32Max, -40), kI32Max);
  EXPECT_EQ(qdm(kI64Min, kI32Max, -1000), kI32Min);
  // 64-bit inputs: 2^40 * 0.5 = 2^39, saturated.
  EXPECT_EQ(qdm(int64_t(1) << 40, half, 0), kI32Max);
  // Saturated before the shift: (2^31 - 1) / 2^10 rounds to 2^21.
  EXPECT_EQ(qdm(int64_t(1) << 40, half, 10), int64_t(1) << 21);
  // Large right shifts.
  EXPECT_EQ(qdm(kI32Max, kI32Max, 31), 1);
  EXPECT_EQ(qdm(kI32Max, kI32Max, 200, RoundMode::Up), 1);
  EXPECT_EQ(qdm(-kI32Max, kI32Max, 200, RoundMode::Down), -1);
  EXPECT_EQ(qdm(-kI32Max, kI32Max, 200, RoundMode::HalfToEven), 0);
}

TEST(QuantMathTest, QdmMatchesTFLiteFormulation) {
  std::mt19937_64 rng(41);
  std::vector<int64_t> specials = {0,          1,           -1,
                                   kI32Max,    kI32Min,     1 << 30,
                                   -(1 << 30), kI32Max - 1, kI32Min + 1};
  auto pick = [&]() -> int64_t {
    if (rng() % 5 == 0)
      return specials[rng() % specials.size()];
    return static_cast<int32_t>(rng() >> (rng() % 33));
  };
  int failures = 0;
  for (int i = 0; i < 50000; ++i) {
    int64_t v = pick(), m = pick();
    int r = static_cast<int>(rng() % 40) - 8; // [-8, 31]
    if (r < 0) {
      // TFLite shifts left in int32: keep v * 2^-r in range.
      v >>= -r;
    }
    int64_t x = r < 0 ? v * (int64_t(1) << -r) : v;
    int64_t high = refDoublingHighMul(x, m);
    for (RoundMode mode : kModes) {
      int64_t expected = r <= 0 ? high
                         : mode == RoundMode::HalfAwayFromZero
                             ? refRoundingDivideByPOT(high, r)
                             : refShiftRound(high, r, mode);
      int64_t actual = applyMultiplierAndRShift(v, m, r, QuantMode::Qdm, mode);
      if (actual != expected && failures++ < 10)
        ADD_FAILURE() << "QDM " << v << " * " << m << " >> " << r << " "
                      << name(mode) << ": " << actual << " vs " << expected;
    }
  }
}

//===----------------------------------------------------------------------===//
// Multiplier searches
//===----------------------------------------------------------------------===//

TEST(QuantMathTest, GetScaleAndShiftHandCases) {
  expectPair(getScaleAndShift(0.5), {1, 1}, "0.5");
  expectPair(getScaleAndShift(1.0), {1, 0}, "1");
  expectPair(getScaleAndShift(3.0), {3, 0}, "3");
  expectPair(getScaleAndShift(0.75), {3, 2}, "0.75");
  expectPair(getScaleAndShift(-0.5), {-1, 1}, "-0.5");
  // 2^30 / 3 = 357913941.33; rshift 30 is the largest searched.
  expectPair(getScaleAndShift(1.0 / 3), {357913941, 30}, "1/3");
  expectPair(getScaleAndShift(0x1p40), {256, -32}, "2^40");
  // Bits 8: |m| < 127: 256 / 3 = 85.33 at rshift 8 (170 at 9 is too big).
  expectPair(getScaleAndShiftPositive(1.0 / 3), {85, 8}, "1/3, 8 bits");
  expectPair(getScaleAndShift(1.0 / 3, 8), {85, 8}, "1/3, 8 bits");
  // 126.4 rounds to 126 < 127; 126.6 rounds to 127, which does not fit, so
  // 63.3 at rshift -1 is used.
  expectPair(getScaleAndShiftPositive(126.4), {126, 0}, "126.4");
  expectPair(getScaleAndShift(126.6, 8), {63, -1}, "126.6");
  // Nothing fits: the largest multiplier at the first shift.
  expectPair(getScaleAndShiftPositive(200), {126, 0}, "200");
  expectPair(getScaleAndShiftPositive(-200), {-126, 0}, "-200");
  expectPair(getScaleAndShift(1e30), {kI32Max - 1, -32}, "1e30");
  expectPair(getScaleAndShift(-1e30), {-(kI32Max - 1), -32}, "-1e30");
  expectPair(getScaleAndShift(INFINITY), {kI32Max - 1, -32}, "inf");
  expectPair(getScaleAndShift(-INFINITY, 8), {-126, -32}, "-inf");
  // Zero, NaN and values too small for any multiplier.
  expectPair(getScaleAndShift(0.0), {0, 0}, "0");
  expectPair(getScaleAndShift(-0.0), {0, 0}, "-0");
  expectPair(getScaleAndShift(std::nan("")), {0, 0}, "NaN");
  expectPair(getScaleAndShift(1e-30), {0, 0}, "1e-30");
  expectPair(getScaleAndShiftPositive(1e-30), {0, 0}, "1e-30");
  expectPair(getScaleAndShiftPositive(0x1p-33), {0, 0}, "2^-33");
  expectPair(getScaleAndShiftPositive(0x1p-31), {0, 0}, "2^-31");
  expectPair(getScaleAndShiftPositive(0x1.8p-31), {1, 30}, "1.5*2^-31");
  expectPair(getScaleAndShift(std::numeric_limits<double>::denorm_min()),
             {0, 0}, "denorm_min");
  expectPair(getScaleAndShift(std::numeric_limits<double>::max()),
             {kI32Max - 1, -32}, "max");
}

TEST(QuantMathTest, GetScaleAndShiftMatchesBruteForce) {
  std::vector<double> values = logUniform(3000, -45, 70, 51);
  for (int k = -40; k <= 64; ++k) {
    values.push_back(std::ldexp(1.0, k));
    values.push_back(-std::ldexp(1.0, k));
    values.push_back(std::ldexp(1.0 / 3, k));
    values.push_back(std::ldexp(0.1, k));
  }
  // Around the saturation thresholds of each width.
  for (int bits : {8, 16, 32})
    for (int k : {-32, 0, 30}) {
      double limit = std::ldexp(1.0, bits - 1) - 1;
      for (double m : {limit - 0.5, limit - 1.5, limit - 0.50001, limit})
        for (double v :
             {std::ldexp(m, -k), std::nextafter(std::ldexp(m, -k), 0.0)})
          values.push_back(v);
    }
  for (double f : values)
    for (int bits : {8, 16, 32}) {
      std::string what = hex(f) + " bits " + std::to_string(bits);
      expectPair(getScaleAndShift(f, bits), refScaleAndShift(f, bits, -32, 31),
                 what);
      expectPair(getScaleAndShiftPositive(f, bits),
                 refScaleAndShift(f, bits, 0, 31), what + " positive");
      MultiplierShift result = getScaleAndShift(f, bits);
      EXPECT_LT(std::abs(result.multiplier), (int64_t(1) << (bits - 1)) - 1)
          << what;
      if (HasFailure())
        return;
    }
}

TEST(QuantMathTest, QuantizeMultiplierHandCases) {
  int64_t q30 = int64_t(1) << 30;
  expectPair(quantizeMultiplier(1.0), {q30, -1}, "1");
  expectPair(quantizeMultiplier(0.5), {q30, 0}, "0.5");
  expectPair(quantizeMultiplier(0.75), {1610612736, 0}, "0.75");
  expectPair(quantizeMultiplier(-1.0), {-q30, -1}, "-1");
  expectPair(quantizeMultiplier(0x1p-31), {q30, 30}, "2^-31");
  expectPair(quantizeMultiplier(0x1p-32), {q30, 31}, "2^-32");
  expectPair(quantizeMultiplier(0x1.fp-33), {0, 0}, "below 2^-32");
  expectPair(quantizeMultiplier(0x1p29), {q30, -30}, "2^29");
  expectPair(quantizeMultiplier(0x1.8p29), {3 * (q30 / 2), -30}, "1.5*2^29");
  expectPair(quantizeMultiplier(0x1p30), {kI32Max, -30}, "2^30");
  expectPair(quantizeMultiplier(-0x1p31), {-kI32Max, -30}, "-2^31");
  // q·2^31 rounds up to 2^31: 2^30 with the exponent incremented.
  expectPair(quantizeMultiplier(1 - 0x1p-40), {q30, -1}, "1 - 2^-40");
  expectPair(quantizeMultiplier(-(1 - 0x1p-40)), {-q30, -1}, "-(1 - 2^-40)");
  // 1/3 = 0.666.. * 2^-1: round(0.666.. * 2^31) = 1431655765.
  expectPair(quantizeMultiplier(1.0 / 3), {1431655765, 1}, "1/3");
  expectPair(quantizeMultiplier(0.0), {0, 0}, "0");
  expectPair(quantizeMultiplier(std::nan("")), {0, 0}, "NaN");
  expectPair(quantizeMultiplier(INFINITY), {kI32Max, -30}, "inf");
  expectPair(quantizeMultiplier(-INFINITY), {-kI32Max, -30}, "-inf");
}

TEST(QuantMathTest, QuantizeMultiplierMatchesReference) {
  std::vector<double> values = logUniform(20000, -40, 40, 61);
  for (double f : values) {
    // The exponent by repeated halving / doubling (exact), no frexp.
    long double a = std::fabs(static_cast<long double>(f));
    int e = 0;
    while (a >= 1) {
      a /= 2;
      ++e;
    }
    while (a < 0.5L) {
      a *= 2;
      --e;
    }
    int64_t q = static_cast<int64_t>(std::round(std::ldexp(a, 31)));
    if (q == (int64_t(1) << 31)) {
      q /= 2;
      ++e;
    }
    MultiplierShift expected{f < 0 ? -q : q, -e};
    if (e < -31)
      expected = {0, 0};
    else if (e > 30)
      expected = {f < 0 ? -kI32Max : kI32Max, -30};
    MultiplierShift actual = quantizeMultiplier(f);
    expectPair(actual, expected, hex(f));
    if (e >= -31 && e <= 30) {
      // |M·2^(-31-rshift) - f| <= 2^-32 · 2^e.
      long double approx =
          std::ldexp(static_cast<long double>(actual.multiplier),
                     -31 - static_cast<int>(actual.rshift));
      EXPECT_LE(std::fabs(approx - f), std::ldexp(1.0L, e - 32)) << hex(f);
    }
    if (HasFailure())
      return;
  }
}

TEST(QuantMathTest, GetScale) {
  EXPECT_DOUBLE_EQ(getScale(127, true), 1.0);
  EXPECT_DOUBLE_EQ(getScale(255, false), 1.0);
  EXPECT_DOUBLE_EQ(getScale(2.54, true), 0.02);
  EXPECT_DOUBLE_EQ(getScale(7, true, 4), 1.0);
  EXPECT_DOUBLE_EQ(getScale(15, false, 4), 1.0);
  EXPECT_DOUBLE_EQ(getScale(32767, true, 16), 1.0);
  EXPECT_DOUBLE_EQ(getScale(1, true, 32), 1.0 / 2147483647.0);
}

TEST(QuantMathTest, GetScaleAndZeroPointHandCases) {
  auto check = [](double rmin, double rmax, int bits, bool allowUnsigned,
                  double scale, int64_t zeroPoint) {
    ScaleZeroPoint result =
        getScaleAndZeroPoint(rmin, rmax, bits, allowUnsigned);
    EXPECT_DOUBLE_EQ(result.scale, scale)
        << "[" << rmin << ", " << rmax << "] bits " << bits;
    EXPECT_EQ(result.zeroPoint, zeroPoint)
        << "[" << rmin << ", " << rmax << "] bits " << bits;
  };
  // [-1, 3]: scale 4/255, zp = round(-128 + 63.75) = -64.
  check(-1, 3, 8, true, 4.0 / 255, -64);
  // [-2, 1]: scale 3/255, zp = -128 + 170 = 42.
  check(-2, 1, 8, true, 3.0 / 255, 42);
  // [-5, -1] widens to [-5, 0]: zp = -128 + 255 = 127.
  check(-5, -1, 8, true, 5.0 / 255, 127);
  // Non-negative: unsigned [0, 255] when allowed, zero point 0 (or -128).
  check(0, 2.55, 8, true, 0.01, 0);
  check(0, 2.55, 8, false, 0.01, -128);
  check(1, 5, 8, true, 5.0 / 255, 0); // widened to [0, 5]
  // 4 bits: [-8, 7]: scale 4/15, zp = round(-8 + 3.75) = -4.
  check(-1, 3, 4, true, 4.0 / 15, -4);
  check(0, 3, 4, true, 3.0 / 15, 0);
  // 16 bits: scale 4/65535, zp = round(-32768 + 16383.75) = -16384.
  check(-1, 3, 16, true, 4.0 / 65535, -16384);
  // Rounding of the zero point, half away from zero: [-0.5, 1.25]: scale
  // 1.75/255, 0.5/scale = 72.857 -> -55.14 -> -55.
  check(-0.5, 1.25, 8, true, 1.75 / 255, -55);
  // Swapped bounds, zero and invalid ranges.
  check(3, -1, 8, true, 4.0 / 255, -64);
  check(0, 0, 8, true, 1, 0);
  check(-0.0, 0, 8, false, 1, 0);
  check(std::nan(""), 1, 8, true, 1, 0);
  check(-INFINITY, 1, 8, true, 1, 0);
  check(0, INFINITY, 8, true, 1, 0);
}

TEST(QuantMathTest, CalRightShiftNum) {
  // 1 doubles 6 times while < 127 (64), the 7th gives 128.
  EXPECT_EQ(calRightShiftNum(1, 1, 1), 6);
  EXPECT_EQ(calRightShiftNum(-1, 1, 1), 6);
  EXPECT_EQ(calRightShiftNum(127, 1, 1), -1);
  EXPECT_EQ(calRightShiftNum(200, 1, 1), -1);
  EXPECT_EQ(calRightShiftNum(126.9, 1, 1), 0);
  EXPECT_EQ(calRightShiftNum(63.5, 1, 1), 0); // 127 is not < 127
  EXPECT_EQ(calRightShiftNum(63.4, 1, 1), 1);
  // 0.25: 0.25 * 2^8 = 64, * 2^9 = 128.
  EXPECT_EQ(calRightShiftNum(1, 0.5, 2), 8);
  EXPECT_EQ(calRightShiftNum(0x1p-20, 1, 1), 26);
  EXPECT_EQ(calRightShiftNum(0x1p-24, 1, 1), 30);
  EXPECT_EQ(calRightShiftNum(0x1p-25, 1, 1), 31);
  EXPECT_EQ(calRightShiftNum(0x1p-40, 1, 1), 31); // capped
  EXPECT_EQ(calRightShiftNum(0, 1, 1), 31);
  EXPECT_EQ(calRightShiftNum(1, 1, 0), -1); // infinite ratio
  EXPECT_EQ(calRightShiftNum(std::nan(""), 1, 1), -1);
  EXPECT_EQ(calRightShiftNum(0, 1, 0), -1); // NaN ratio
  // Other widths: limit 7 (4 bits), 32767 (16 bits).
  EXPECT_EQ(calRightShiftNum(1, 1, 1, 4), 2);
  EXPECT_EQ(calRightShiftNum(1, 1, 1, 16), 14);

  std::vector<double> values = logUniform(5000, -40, 10, 71);
  for (double x : values) {
    int64_t expected = -1;
    for (int s = 0; s <= 31; ++s)
      if (std::fabs(std::ldexp(x, s)) < 127)
        expected = s;
    EXPECT_EQ(calRightShiftNum(x, 1, 1), expected) << hex(x);
    if (HasFailure())
      return;
  }
}

//===----------------------------------------------------------------------===//
// Lookup tables
//===----------------------------------------------------------------------===//

TEST(QuantMathTest, LookupTableIdentity) {
  auto identity = [](double x) { return x; };
  std::vector<int64_t> s2s = buildLookupTable(identity, 1, 0, true, 1, 0, true);
  std::vector<int64_t> s2u =
      buildLookupTable(identity, 1, 0, true, 1, 0, false);
  std::vector<int64_t> u2s =
      buildLookupTable(identity, 1, 0, false, 1, 0, true);
  std::vector<int64_t> u2u =
      buildLookupTable(identity, 1, 0, false, 1, 0, false);
  ASSERT_EQ(s2s.size(), 256u);
  for (int i = 0; i < 256; ++i) {
    int64_t q = i < 128 ? i : i - 256; // the signed code of raw byte i
    EXPECT_EQ(s2s[i], q) << i;
    EXPECT_EQ(s2u[i], std::max<int64_t>(q, 0)) << i;
    EXPECT_EQ(u2s[i], std::min<int64_t>(i, 127)) << i;
    EXPECT_EQ(u2u[i], i) << i;
  }
  // Indexing by the raw byte: table[(uint8_t)q].
  EXPECT_EQ(s2s[static_cast<uint8_t>(int8_t(-1))], -1);
  EXPECT_EQ(s2s[static_cast<uint8_t>(int8_t(-128))], -128);
  // Zero points: (q - 3) * 1 + 10.
  std::vector<int64_t> shifted =
      buildLookupTable(identity, 1, 3, true, 1, 10, true);
  EXPECT_EQ(shifted[0], 7);
  EXPECT_EQ(shifted[255], 6);
  EXPECT_EQ(shifted[120], 127);
  EXPECT_EQ(shifted[128], -121);
  // The zero point is added after rounding: round_even(0.5) + 1 = 1, not
  // round_even(1.5) = 2.
  std::vector<int64_t> constant =
      buildLookupTable([](double) { return 0.5; }, 1, 0, true, 1, 1, true,
                       RoundMode::HalfToEven);
  for (int64_t entry : constant)
    EXPECT_EQ(entry, 1);
  // NaN and infinities from f.
  std::vector<int64_t> nan = buildLookupTable(
      [](double) { return std::nan(""); }, 1, 0, true, 1, 5, true);
  EXPECT_EQ(nan[0], 5);
  std::vector<int64_t> inf = buildLookupTable([](double x) { return 1 / x; }, 1,
                                              0, true, 1, kI64Max, true);
  EXPECT_EQ(inf[0], 127);
  EXPECT_EQ(inf[255], 127);
}

TEST(QuantMathTest, LookupTableSigmoidMatchesNaiveLoop) {
  auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
  struct Side {
    bool isSigned;
    double scale;
    int64_t zeroPoint;
  };
  const Side inputs[] = {{true, 8.0 / 127, 0}, {true, 0.05, -5},
                         {true, 0.1, 10},      {false, 0.04, 128},
                         {false, 0.03, 37},    {false, 0.02, 0}};
  const Side outputs[] = {{true, 1.0 / 127, 0}, {true, 1.0 / 255, -128},
                          {true, 0.006, -3},    {false, 1.0 / 255, 0},
                          {false, 0.003, 7},    {false, 0.0049, 200}};
  for (const Side &in : inputs)
    for (const Side &out : outputs)
      for (RoundMode mode : kModes) {
        std::vector<int64_t> table =
            buildLookupTable(sigmoid, in.scale, in.zeroPoint, in.isSigned,
                             out.scale, out.zeroPoint, out.isSigned, mode);
        ASSERT_EQ(table.size(), 256u);
        for (int byte = 0; byte < 256; ++byte) {
          int q = in.isSigned ? static_cast<int8_t>(byte) : byte;
          double y = sigmoid(static_cast<double>(q - in.zeroPoint) * in.scale) /
                     out.scale;
          long double r = refRound(y, mode) + out.zeroPoint;
          long double lo = out.isSigned ? -128 : 0;
          long double hi = out.isSigned ? 127 : 255;
          int64_t expected = static_cast<int64_t>(std::clamp(r, lo, hi));
          ASSERT_EQ(table[byte], expected)
              << "byte " << byte << " in signed " << in.isSigned << " zp "
              << in.zeroPoint << " out signed " << out.isSigned << " zp "
              << out.zeroPoint << " " << name(mode);
        }
      }
}

//===----------------------------------------------------------------------===//
// F16 / BF16 against numpy and torch
//===----------------------------------------------------------------------===//

TEST(QuantMathTest, F16AndBF16HandCases) {
  EXPECT_EQ(roundToF16(65504.0f), 65504.0f);
  EXPECT_EQ(roundToF16(65519.0f), 65504.0f);
  EXPECT_EQ(roundToF16(std::nextafter(65520.0f, 0.0f)), 65504.0f);
  EXPECT_EQ(roundToF16(65520.0f), INFINITY);
  EXPECT_EQ(roundToF16(-65520.0f), -INFINITY);
  EXPECT_EQ(roundToF16(1e10f), INFINITY);
  EXPECT_EQ(roundToF16(1 + 0x1p-11f), 1.0f);                    // tie, even
  EXPECT_EQ(roundToF16(1 + 3 * 0x1p-11f), 1 + 0x1p-9f);         // tie, even
  EXPECT_EQ(roundToF16(1 + 0x1p-11f + 0x1p-20f), 1 + 0x1p-10f); // above
  EXPECT_EQ(roundToF16(0x1p-24f), 0x1p-24f); // smallest subnormal
  EXPECT_EQ(roundToF16(0x1p-25f), 0.0f);     // tie with 0, even
  EXPECT_EQ(roundToF16(0x1.000002p-25f), 0x1p-24f);
  EXPECT_EQ(roundToF16(3 * 0x1p-25f), 0x1p-23f); // tie between 1 and 2 units
  EXPECT_EQ(roundToF16(0x1.ffap-15f), 0x1.ff8p-15f); // 1023.25 units
  EXPECT_EQ(roundToF16(0x1.ffcp-15f), 0x1p-14f);     // 1023.5: tie, even
  EXPECT_EQ(roundToF16(0x1.ffep-15f), 0x1p-14f);     // into the normals
  EXPECT_TRUE(std::signbit(roundToF16(-0.0f)));
  EXPECT_TRUE(std::signbit(roundToF16(-0x1p-30f)));
  EXPECT_EQ(toF16Bits(1.0f), 0x3c00);
  EXPECT_EQ(toF16Bits(-2.0f), 0xc000);
  EXPECT_EQ(toF16Bits(65504.0f), 0x7bff);
  EXPECT_EQ(toF16Bits(INFINITY), 0x7c00);
  EXPECT_EQ(toF16Bits(bit_cast<float>(0x7f800001u)), 0x7e00); // quieted
  EXPECT_EQ(toF16Bits(bit_cast<float>(0xffc00000u)), 0xfe00);
  EXPECT_EQ(toF16Bits(bit_cast<float>(0x7fa02000u)), 0x7f01);
  EXPECT_EQ(fromF16Bits(0x0001), 0x1p-24f);
  EXPECT_EQ(fromF16Bits(0x03ff), 0x1.ff8p-15f);
  EXPECT_EQ(fromF16Bits(0xfc00), -INFINITY);
  EXPECT_TRUE(std::isnan(fromF16Bits(0x7c01)));

  EXPECT_EQ(roundToBF16(1 + 0x1p-8f), 1.0f);            // tie, even
  EXPECT_EQ(roundToBF16(1 + 3 * 0x1p-8f), 1 + 0x1p-6f); // tie, even
  EXPECT_EQ(roundToBF16(1 + 0x1p-8f + 0x1p-20f), 1 + 0x1p-7f);
  EXPECT_EQ(roundToBF16(0x1.fep127f), 0x1.fep127f); // the largest
  EXPECT_EQ(roundToBF16(0x1.fefffep127f), 0x1.fep127f);
  EXPECT_EQ(roundToBF16(0x1.ffp127f), INFINITY); // tie, even
  EXPECT_EQ(roundToBF16(-std::numeric_limits<float>::max()), -INFINITY);
  // bfloat16 subnormals are multiples of 2^-133.
  EXPECT_EQ(roundToBF16(0x1p-133f), 0x1p-133f);
  EXPECT_EQ(roundToBF16(-0x1p-134f), -0.0f); // tie, even
  EXPECT_TRUE(std::signbit(roundToBF16(-0x1p-134f)));
  EXPECT_EQ(roundToBF16(3 * 0x1p-134f), 0x1p-132f); // tie, even
  EXPECT_EQ(roundToBF16(0x1p-149f), 0.0f);
  EXPECT_EQ(roundToBF16(0x1.01p-127f), 0x1p-127f);
  EXPECT_TRUE(std::signbit(roundToBF16(-0.0f)));
  EXPECT_EQ(toBF16Bits(1.0f), 0x3f80);
  EXPECT_EQ(toBF16Bits(INFINITY), 0x7f80);
  EXPECT_EQ(toBF16Bits(bit_cast<float>(0x7f800001u)), 0x7fc0); // quieted
  EXPECT_EQ(toBF16Bits(bit_cast<float>(0xff810000u)), 0xffc1);
  EXPECT_EQ(fromBF16Bits(0x3f80), 1.0f);
  EXPECT_EQ(fromBF16Bits(0xff80), -INFINITY);
}

class QuantMathPythonTest : public unittest::ScratchDirTest {
protected:
  QuantMathPythonTest() : ScratchDirTest("tpuc-quantmath-test") {}

  /// Runs `body` with numpy as np and the test directory as cwd; returns
  /// the exit status (-1 if Python did not exit normally).
  int runPython(StringRef body) {
    std::string script = path("script.py");
    {
      std::error_code ec;
      raw_fd_ostream os(script, ec);
      EXPECT_FALSE(ec) << ec.message();
      os << "import os, sys\n"
         << "import numpy as np\n"
         << "os.chdir(sys.argv[1])\n"
         << body << "\n";
    }
    std::string command = std::string(TPUC_PYTHON) + " '" + script + "' '" +
                          std::string(dir) + "'";
    int status = std::system(command.c_str());
    if (status == -1 || !WIFEXITED(status))
      return -1;
    return WEXITSTATUS(status);
  }

  void save(StringRef name, ArrayRef<float> values) {
    Array array =
        Array::fromFloat({static_cast<int64_t>(values.size())}, values);
    Error error = saveNpy(path(name), array);
    ASSERT_FALSE(bool(error)) << toString(std::move(error));
  }

  /// The uint16 or float32 array `name` written by Python.
  template <typename T> std::vector<T> load(StringRef name, DType type) {
    Expected<Array> array = loadNpy(path(name));
    if (!array) {
      ADD_FAILURE() << toString(array.takeError());
      return {};
    }
    EXPECT_EQ(array->dtype(), type) << name.str();
    if (array->dtype() != type)
      return {};
    ArrayRef<T> values = array->values<T>();
    return std::vector<T>(values.begin(), values.end());
  }
};

bool isF16NaN(uint16_t bits) {
  return (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
}
bool isBF16NaN(uint16_t bits) {
  return (bits & 0x7f80) == 0x7f80 && (bits & 0x7f) != 0;
}

/// Expects `ours` to equal `theirs` bit for bit, NaNs excepted: there both
/// must be NaN, ours quiet (`quietBit`) with the input's sign.
void expectSameBits(ArrayRef<float> inputs, ArrayRef<uint16_t> ours,
                    ArrayRef<uint16_t> theirs, bool (*isNaN)(uint16_t),
                    uint16_t quietBit, const char *versus) {
  ASSERT_EQ(ours.size(), theirs.size());
  ASSERT_EQ(ours.size(), inputs.size());
  int failures = 0;
  for (size_t i = 0; i < ours.size(); ++i) {
    bool ok;
    if (std::isnan(inputs[i]))
      ok = isNaN(ours[i]) && isNaN(theirs[i]) && (ours[i] & quietBit) &&
           (ours[i] >> 15) == (bit_cast<uint32_t>(inputs[i]) >> 31);
    else
      ok = ours[i] == theirs[i];
    if (!ok && failures++ < 10)
      ADD_FAILURE() << hex(inputs[i]) << " ("
                    << hex32(bit_cast<uint32_t>(inputs[i]))
                    << "): " << hex16(ours[i]) << " vs " << versus << " "
                    << hex16(theirs[i]);
  }
}

TEST_F(QuantMathPythonTest, F16MatchesNumpy) {
  std::mt19937 rng(81);
  std::vector<float> inputs;
  // Every finite half, the midpoint to the next one, and the floats on each
  // side of the midpoint, both signs (the midpoints are exact in f32).
  for (uint16_t h = 0; h < 0x7c00; ++h) {
    float value = fromF16Bits(h);
    float next = h == 0x7bff ? 65536.0f : fromF16Bits(h + 1);
    float mid = (value + next) / 2;
    for (float v : {value, mid, std::nextafter(mid, 0.0f),
                    std::nextafter(mid, INFINITY)}) {
      inputs.push_back(v);
      inputs.push_back(-v);
    }
  }
  // Random bit patterns (all of f32, NaNs and subnormals included), random
  // values around the half range and its subnormals.
  for (int i = 0; i < 100000; ++i)
    inputs.push_back(bit_cast<float>(static_cast<uint32_t>(rng())));
  std::uniform_real_distribution<float> wide(-70000, 70000);
  std::uniform_real_distribution<float> subnormal(-0x1p-14f, 0x1p-14f);
  std::uniform_real_distribution<float> tiny(-0x1p-23f, 0x1p-23f);
  for (int i = 0; i < 20000; ++i) {
    inputs.push_back(wide(rng));
    inputs.push_back(subnormal(rng));
    inputs.push_back(tiny(rng));
  }
  for (uint32_t bits :
       {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
        0xffc00000u, 0x7f800001u, 0xff800001u, 0x7f802000u, 0x7fbfffffu,
        0x7f7fffffu, 0x00800000u, 0x00000001u, 0x807fffffu})
    inputs.push_back(bit_cast<float>(bits));
  for (float v : {65504.0f, 65519.0f, 65520.0f, 65536.0f, 0x1p-24f, 0x1p-25f,
                  0x1.000002p-25f, 0x1p-26f, 0x1p-14f, 0x1.ffcp-15f})
    for (float s : {1.0f, -1.0f})
      inputs.push_back(s * v);
  save("x.npy", inputs);
  ASSERT_EQ(runPython(R"py(
x = np.load('x.npy')
with np.errstate(all='ignore'):
    np.save('h.npy', x.astype(np.float16).view(np.uint16))
codes = np.arange(65536, dtype=np.uint32).astype(np.uint16)
np.save('decoded.npy', codes.view(np.float16).astype(np.float32))
)py"),
            0);
  std::vector<uint16_t> theirs = load<uint16_t>("h.npy", DType::U16);
  std::vector<uint16_t> ours;
  for (float v : inputs)
    ours.push_back(toF16Bits(v));
  expectSameBits(inputs, ours, theirs, isF16NaN, 0x200, "numpy");
  for (size_t i = 0; i < inputs.size() && !HasFailure(); ++i) {
    float rounded = roundToF16(inputs[i]);
    if (std::isnan(inputs[i]))
      EXPECT_TRUE(std::isnan(rounded));
    else
      EXPECT_EQ(bit_cast<uint32_t>(rounded),
                bit_cast<uint32_t>(fromF16Bits(theirs[i])))
          << hex(inputs[i]);
  }

  std::vector<float> decoded = load<float>("decoded.npy", DType::F32);
  ASSERT_EQ(decoded.size(), 65536u);
  for (uint32_t h = 0; h < 65536; ++h) {
    float value = fromF16Bits(static_cast<uint16_t>(h));
    if (isF16NaN(static_cast<uint16_t>(h)))
      EXPECT_TRUE(std::isnan(value) && std::isnan(decoded[h])) << h;
    else
      EXPECT_EQ(bit_cast<uint32_t>(value), bit_cast<uint32_t>(decoded[h]))
          << hex16(h) << ": " << value << " vs " << decoded[h];
    if (HasFailure())
      break;
  }
}

TEST_F(QuantMathPythonTest, BF16MatchesTorch) {
  std::mt19937 rng(91);
  std::vector<float> inputs;
  // Every upper half with the lower halves around the tie 0x8000.
  for (uint32_t high = 0; high < 65536; ++high)
    for (uint32_t low : {0x0000u, 0x7fffu, 0x8000u, 0x8001u})
      inputs.push_back(bit_cast<float>(high << 16 | low));
  for (int i = 0; i < 100000; ++i)
    inputs.push_back(bit_cast<float>(static_cast<uint32_t>(rng())));
  save("x.npy", inputs);
  ASSERT_EQ(runPython(R"py(
import torch
x = torch.from_numpy(np.load('x.npy'))
b = x.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
np.save('b.npy', b)
codes = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.int16)
decoded = torch.from_numpy(codes).view(torch.bfloat16).to(torch.float32)
np.save('decoded.npy', decoded.numpy())
)py"),
            0);
  std::vector<uint16_t> theirs = load<uint16_t>("b.npy", DType::U16);
  std::vector<uint16_t> ours;
  for (float v : inputs)
    ours.push_back(toBF16Bits(v));
  expectSameBits(inputs, ours, theirs, isBF16NaN, 0x40, "torch");
  for (size_t i = 0; i < inputs.size() && !HasFailure(); ++i) {
    float rounded = roundToBF16(inputs[i]);
    if (std::isnan(inputs[i]))
      EXPECT_TRUE(std::isnan(rounded));
    else
      EXPECT_EQ(bit_cast<uint32_t>(rounded), static_cast<uint32_t>(theirs[i])
                                                 << 16)
          << hex(inputs[i]);
  }

  std::vector<float> decoded = load<float>("decoded.npy", DType::F32);
  ASSERT_EQ(decoded.size(), 65536u);
  for (uint32_t h = 0; h < 65536; ++h) {
    float value = fromBF16Bits(static_cast<uint16_t>(h));
    if (isBF16NaN(static_cast<uint16_t>(h)))
      EXPECT_TRUE(std::isnan(value) && std::isnan(decoded[h])) << h;
    else
      EXPECT_EQ(bit_cast<uint32_t>(value), bit_cast<uint32_t>(decoded[h]))
          << hex16(h);
    if (HasFailure())
      break;
  }
}

} // namespace
