//===- QuantMath.cpp - integer quantization arithmetic --------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Everything that decides an integer result is integer arithmetic: a requant
// forms v * M exactly in 128 bits and rounds on the discarded bits, so no
// result depends on float rounding. Doubles only appear where the contract is
// about reals (roundToInt, the multiplier searches, zero points, tables), and
// there each step is exact: scaling by a power of two, and the fraction of a
// double's magnitude (|x| - floor(|x|)), are exact in binary floating point.
//
// QDM is TFLite's MultiplyByQuantizedMultiplier generalized to 64-bit inputs:
//   x    = v * 2^-r, exact, saturated to int64     (only when r < 0)
//   high = sat_int32((x * M + 2^30) >> 31)          (floor shift: the high
//          half of the doubling multiply, ties rounded towards +inf; this is
//          TFLite's SaturatingRoundingDoublingHighMul, whose only overflow,
//          INT32_MIN * INT32_MIN, saturates to INT32_MAX)
//   out  = sat_int32(rightShiftRound(high, r, rmode)) (only when r > 0).
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/QuantMath.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace llvm;
using namespace tpuc::quant;

namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

/// The range of a `bits`-bit integer, bits clamped to [1, 64].
void intRange(int bits, bool isSigned, int64_t &lo, int64_t &hi) {
  bits = std::clamp(bits, 1, 64);
  if (isSigned) {
    lo = bits == 64 ? kInt64Min : -(int64_t(1) << (bits - 1));
    hi = bits == 64 ? kInt64Max : (int64_t(1) << (bits - 1)) - 1;
  } else {
    lo = 0;
    hi = bits >= 63 ? kInt64Max : (int64_t(1) << bits) - 1;
  }
}

int64_t saturate128(Int128 value, int bits, bool isSigned) {
  int64_t lo, hi;
  intRange(bits, isSigned, lo, hi);
  if (value < lo)
    return lo;
  if (value > hi)
    return hi;
  return static_cast<int64_t>(value);
}

/// value * 2^n saturated to int64 (n >= 0).
int64_t shiftLeftSaturate(Int128 value, int64_t n) {
  if (value == 0)
    return 0;
  if (n >= 63)
    return value > 0 ? kInt64Max : kInt64Min;
  if (value > Int128(kInt64Max >> n))
    return kInt64Max;
  if (value < -(Int128(1) << (63 - n)))
    return kInt64Min;
  return static_cast<int64_t>(value * (Int128(1) << n));
}

/// value / 2^s rounded with `mode`, for s >= 1 and |value| <= 2^126 (every
/// int64 and every product of two int64s).
Int128 shiftRightRound128(Int128 value, int64_t s, RoundMode mode) {
  if (s >= 128) {
    // |value / 2^s| <= 2^126 / 2^128 < 1/2: no ties, nearest is 0.
    if (mode == RoundMode::Down)
      return value < 0 ? -1 : 0;
    if (mode == RoundMode::Up)
      return value > 0 ? 1 : 0;
    return 0;
  }
  // floor(value / 2^s) (arithmetic shift) and the discarded bits, which are
  // value mod 2^s, in [0, 2^s).
  Int128 floorQ = value >> s;
  UInt128 rem = static_cast<UInt128>(value) & ((UInt128(1) << s) - 1);
  UInt128 half = UInt128(1) << (s - 1);
  bool up = false;
  switch (mode) {
  case RoundMode::HalfAwayFromZero:
    up = rem > half || (rem == half && value >= 0);
    break;
  case RoundMode::HalfUp:
    up = rem >= half;
    break;
  case RoundMode::HalfDown:
    up = rem > half;
    break;
  case RoundMode::HalfToEven:
    up = rem > half || (rem == half && (floorQ & 1) != 0);
    break;
  case RoundMode::TowardsZero:
    up = rem != 0 && value < 0;
    break;
  case RoundMode::Down:
    up = false;
    break;
  case RoundMode::Up:
    up = rem != 0;
    break;
  }
  return floorQ + (up ? 1 : 0);
}

/// value / 2^shift rounded with `mode` (a left shift when shift <= 0),
/// saturated to int64; |value| <= 2^126.
int64_t shiftRoundSaturate(Int128 value, int64_t shift, RoundMode mode) {
  if (shift <= 0)
    return shiftLeftSaturate(value, shift < -64 ? 64 : -shift);
  return saturate128(shiftRightRound128(value, shift, mode), 64, true);
}

/// The mode that rounds -x the way `mode` rounds x, negated: round(x, mode)
/// = -round(-x, mirror(mode)).
RoundMode mirror(RoundMode mode) {
  switch (mode) {
  case RoundMode::HalfUp:
    return RoundMode::HalfDown;
  case RoundMode::HalfDown:
    return RoundMode::HalfUp;
  case RoundMode::Down:
    return RoundMode::Up;
  case RoundMode::Up:
    return RoundMode::Down;
  default:
    return mode;
  }
}

/// round(magnitude) for a finite magnitude >= 0, as a double integer.
double roundMagnitude(double magnitude, RoundMode mode) {
  double floorValue = std::floor(magnitude);
  // Exact: for magnitude >= 1 both operands have ulps >= ulp(magnitude)
  // and the difference is < 1; below 1, floorValue is 0.
  double fraction = magnitude - floorValue;
  bool up = false;
  switch (mode) {
  case RoundMode::HalfAwayFromZero:
  case RoundMode::HalfUp:
    up = fraction >= 0.5;
    break;
  case RoundMode::HalfDown:
    up = fraction > 0.5;
    break;
  case RoundMode::HalfToEven:
    up = fraction > 0.5 ||
         (fraction == 0.5 && std::fmod(floorValue, 2.0) != 0.0);
    break;
  case RoundMode::TowardsZero:
  case RoundMode::Down:
    up = false;
    break;
  case RoundMode::Up:
    up = fraction > 0;
    break;
  }
  // When magnitude >= 2^52 it is an integer and fraction is 0, so the
  // increment is exact whenever it happens.
  return up ? floorValue + 1 : floorValue;
}

int64_t doubleToInt64Saturate(double value) {
  if (std::isnan(value))
    return 0;
  if (value >= 0x1p63)
    return kInt64Max;
  if (value < -0x1p63)
    return kInt64Min;
  return static_cast<int64_t>(value);
}

/// The multiplier search shared by getScaleAndShift[Positive].
MultiplierShift searchScaleAndShift(double f, int bits, int64_t minShift,
                                    int64_t endShift) {
  if (std::isnan(f) || f == 0)
    return {0, 0};
  bits = std::clamp(bits, 2, 63);
  int64_t limit = (int64_t(1) << (bits - 1)) - 1;
  bool found = false;
  MultiplierShift best{0, 0};
  double bestError = 0;
  for (int64_t shift = minShift; shift < endShift; ++shift) {
    // Scaling by a power of two is exact, unless it overflows (inf, which
    // does not fit) or underflows (|f| < 2^-990, where every m is 0).
    double scaled = std::ldexp(f, static_cast<int>(shift));
    int64_t m = tpuc::quant::roundToInt(scaled, RoundMode::HalfAwayFromZero);
    if (m >= limit || m <= -limit)
      continue;
    // |m - scaled| <= 1/2 is exact (Sterbenz, or m = 0), and so is its
    // scaling back: the errors compare exactly.
    double error =
        std::ldexp(std::fabs(static_cast<double>(m) - scaled), -int(shift));
    if (!found || error < bestError) {
      found = true;
      bestError = error;
      best = {m, shift};
    }
  }
  if (!found) // |f| too large (or infinite): the largest multiplier.
    return {f > 0 ? limit - 1 : -(limit - 1), minShift};
  if (best.multiplier == 0)
    return {0, 0};
  return best;
}

} // namespace

StringRef tpuc::quant::stringifyRoundMode(RoundMode mode) {
  switch (mode) {
  case RoundMode::HalfAwayFromZero:
    return "HalfAwayFromZero";
  case RoundMode::HalfUp:
    return "HalfUp";
  case RoundMode::HalfDown:
    return "HalfDown";
  case RoundMode::HalfToEven:
    return "HalfToEven";
  case RoundMode::TowardsZero:
    return "TowardsZero";
  case RoundMode::Down:
    return "Down";
  case RoundMode::Up:
    return "Up";
  }
  llvm_unreachable("unknown RoundMode");
}

std::optional<RoundMode> tpuc::quant::symbolizeRoundMode(StringRef text) {
  return StringSwitch<std::optional<RoundMode>>(text)
      .Case("HalfAwayFromZero", RoundMode::HalfAwayFromZero)
      .Case("HalfUp", RoundMode::HalfUp)
      .Case("HalfDown", RoundMode::HalfDown)
      .Case("HalfToEven", RoundMode::HalfToEven)
      .Case("TowardsZero", RoundMode::TowardsZero)
      .Case("Down", RoundMode::Down)
      .Case("Up", RoundMode::Up)
      .Default(std::nullopt);
}

StringRef tpuc::quant::stringifyQuantMode(QuantMode mode) {
  switch (mode) {
  case QuantMode::MultiplierShift:
    return "MultiplierShift";
  case QuantMode::OnlyShift:
    return "OnlyShift";
  case QuantMode::Qdm:
    return "QDM";
  }
  llvm_unreachable("unknown QuantMode");
}

std::optional<QuantMode> tpuc::quant::symbolizeQuantMode(StringRef text) {
  return StringSwitch<std::optional<QuantMode>>(text)
      .Case("MultiplierShift", QuantMode::MultiplierShift)
      .Case("OnlyShift", QuantMode::OnlyShift)
      .Case("QDM", QuantMode::Qdm)
      .Default(std::nullopt);
}

int64_t tpuc::quant::roundToInt(double value, RoundMode mode) {
  if (std::isnan(value))
    return 0;
  if (std::isinf(value))
    return value > 0 ? kInt64Max : kInt64Min;
  if (value < 0)
    return doubleToInt64Saturate(-roundMagnitude(-value, mirror(mode)));
  return doubleToInt64Saturate(roundMagnitude(value, mode));
}

int64_t tpuc::quant::rightShiftRound(int64_t value, int shift, RoundMode mode) {
  return shiftRoundSaturate(value, shift, mode);
}

int64_t tpuc::quant::saturate(int64_t value, int bits, bool isSigned) {
  return saturate128(value, bits, isSigned);
}

int64_t tpuc::quant::applyMultiplierAndRShift(int64_t value, int64_t multiplier,
                                              int64_t rshift, QuantMode qmode,
                                              RoundMode rmode) {
  switch (qmode) {
  case QuantMode::MultiplierShift:
    return saturate(
        shiftRoundSaturate(Int128(value) * multiplier, rshift, rmode), 32,
        true);
  case QuantMode::OnlyShift:
    return saturate(shiftRoundSaturate(value, rshift, rmode), 32, true);
  case QuantMode::Qdm: {
    Int128 x = value;
    if (rshift < 0)
      x = shiftLeftSaturate(x, rshift < -64 ? 64 : -rshift);
    // |x * M| <= 2^126; >> is a floor shift, so adding 2^30 rounds ties up.
    Int128 high = (x * multiplier + (Int128(1) << 30)) >> 31;
    int64_t result = saturate128(high, 32, true);
    if (rshift > 0)
      result = shiftRoundSaturate(result, rshift, rmode);
    return saturate(result, 32, true);
  }
  }
  llvm_unreachable("unknown QuantMode");
}

MultiplierShift tpuc::quant::getScaleAndShift(double f, int bits) {
  return searchScaleAndShift(f, bits, -32, 31);
}

MultiplierShift tpuc::quant::getScaleAndShiftPositive(double f, int bits) {
  return searchScaleAndShift(f, bits, 0, 31);
}

MultiplierShift tpuc::quant::quantizeMultiplier(double f) {
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  if (std::isnan(f) || f == 0)
    return {0, 0};
  if (std::isinf(f))
    return {f > 0 ? kInt32Max : -kInt32Max, -30};
  int exponent = 0;
  double fraction = std::frexp(f, &exponent); // |fraction| in [0.5, 1)
  // Exact scaling; |q| <= 2^31 after rounding.
  int64_t q = roundToInt(std::ldexp(fraction, 31), RoundMode::HalfAwayFromZero);
  if (q == (int64_t(1) << 31) || q == -(int64_t(1) << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31)
    return {0, 0};
  if (exponent > 30)
    return {f > 0 ? kInt32Max : -kInt32Max, -30};
  return {q, -exponent};
}

double tpuc::quant::getScale(double threshold, bool isSigned, int bits) {
  bits = std::clamp(bits, 2, 64);
  double levels =
      isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
  return threshold / levels;
}

ScaleZeroPoint tpuc::quant::getScaleAndZeroPoint(double rmin, double rmax,
                                                 int bits, bool allowUnsigned) {
  if (!std::isfinite(rmin) || !std::isfinite(rmax))
    return {};
  if (rmin > rmax)
    std::swap(rmin, rmax);
  bits = std::clamp(bits, 2, 32);
  bool isUnsigned = allowUnsigned && rmin >= 0;
  rmin = std::min(rmin, 0.0);
  rmax = std::max(rmax, 0.0);
  int64_t qmin, qmax;
  intRange(bits, !isUnsigned, qmin, qmax);
  double levels = static_cast<double>(qmax - qmin);
  double scale = (rmax - rmin) / levels;
  if (std::isinf(scale)) // rmax - rmin overflowed.
    scale = rmax / levels - rmin / levels;
  if (!(scale > 0) || !std::isfinite(scale))
    return {};
  int64_t zeroPoint = roundToInt(static_cast<double>(qmin) - rmin / scale,
                                 RoundMode::HalfAwayFromZero);
  return {scale, std::clamp(zeroPoint, qmin, qmax)};
}

int64_t tpuc::quant::calRightShiftNum(double weightMax, double inScale,
                                      double outScale, int bits) {
  bits = std::clamp(bits, 2, 32);
  double limit = std::ldexp(1.0, bits - 1) - 1;
  double x = std::fabs(weightMax * inScale / outScale);
  // Doubling is exact (or overflows to inf, which stops the loop); NaN
  // never compares < limit, so it gives -1.
  int64_t count = 0;
  while (x < limit && count <= 31) {
    x *= 2;
    ++count;
  }
  return count - 1;
}

std::vector<int64_t> tpuc::quant::buildLookupTable(
    const std::function<double(double)> &f, double inScale, int64_t inZeroPoint,
    bool inSigned, double outScale, int64_t outZeroPoint, bool outSigned,
    RoundMode mode) {
  std::vector<int64_t> table(256);
  for (int i = 0; i < 256; ++i) {
    int64_t q = inSigned && i >= 128 ? i - 256 : i;
    double x = static_cast<double>(Int128(q) - inZeroPoint) * inScale;
    int64_t rounded = roundToInt(f(x) / outScale, mode);
    table[i] = saturate128(Int128(rounded) + outZeroPoint, 8, outSigned);
  }
  return table;
}

uint16_t tpuc::quant::toF16Bits(float value) {
  uint32_t bits = bit_cast<uint32_t>(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t exponent = (bits >> 23) & 0xff;
  uint32_t mantissa = bits & 0x7fffff;
  if (exponent == 0xff) // Inf, or NaN made quiet with its top payload bits.
    return static_cast<uint16_t>(sign | 0x7c00 |
                                 (mantissa ? 0x200 | (mantissa >> 13) : 0));
  if (exponent >= 127 + 16) // |value| >= 2^16
    return static_cast<uint16_t>(sign | 0x7c00);
  uint32_t half, rest, halfway;
  if (exponent >= 127 - 14) {
    // A normal half before rounding: keep 10 of the 23 mantissa bits. A
    // carry out of the mantissa bumps the exponent, up to 0x7c00 (inf).
    half = ((exponent - 112) << 10) | (mantissa >> 13);
    rest = mantissa & 0x1fff;
    halfway = 0x1000;
  } else {
    // A subnormal half counts units of 2^-24; value = significand *
    // 2^(exponent - 150), so shift the significand right by 126 - exponent.
    if (exponent < 127 - 25) // |value| < 2^-25, half the smallest half.
      return sign;
    uint32_t significand = mantissa | 0x800000;
    uint32_t shift = 126 - exponent; // in [14, 24]
    half = significand >> shift;
    rest = significand & ((1u << shift) - 1);
    halfway = 1u << (shift - 1);
  }
  if (rest > halfway || (rest == halfway && (half & 1)))
    ++half;
  return static_cast<uint16_t>(sign | half);
}

float tpuc::quant::fromF16Bits(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) { // Zero or subnormal: mantissa * 2^-24, exact.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  uint32_t f32Exponent = exponent == 0x1f ? 0xff : exponent + 112;
  return bit_cast<float>(sign | (f32Exponent << 23) | (mantissa << 13));
}

uint16_t tpuc::quant::toBF16Bits(float value) {
  uint32_t bits = bit_cast<uint32_t>(value);
  if (std::isnan(value)) // Quiet, keeping the sign and top payload bits.
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  // Round to nearest even on the low 16 bits; a carry bumps the exponent
  // (to inf past the largest bfloat16). No overflow: bits <= 0xff800000.
  return static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

float tpuc::quant::fromBF16Bits(uint16_t bits) {
  return bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

float tpuc::quant::roundToF16(float value) {
  return fromF16Bits(toF16Bits(value));
}

float tpuc::quant::roundToBF16(float value) {
  return fromBF16Bits(toBF16Bits(value));
}
