//===- QuantMath.h - integer quantization arithmetic ------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The integer arithmetic the chips run, shared by the lowering (which picks
// multipliers and shifts) and the Tpu interpreter (which applies them bit for
// bit). MLIR-free. Facts about each chip's rules are in
// ../shared/reference/tpu-mlir-facts.md §6 and docs/quantization.md.
//
// Conventions: a requant multiplies an int32/int64 accumulator by an integer
// multiplier M and shifts right by r with a rounding mode; "scale" f is the
// real factor M / 2^r approximates.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_QUANTMATH_H
#define TPUC_SUPPORT_QUANTMATH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace tpuc::quant {

/// How the bits shifted out (or the fraction of a real) are rounded.
enum class RoundMode {
  HalfAwayFromZero, // 2.5 -> 3, -2.5 -> -3
  HalfUp,           // 2.5 -> 3, -2.5 -> -2 (toward +inf on ties)
  HalfDown,         // 2.5 -> 2, -2.5 -> -3 (toward -inf on ties)
  HalfToEven,       // 2.5 -> 2, 3.5 -> 4
  TowardsZero,      // truncate
  Down,             // floor
  Up,               // ceil
};
/// The enumerator's name ("HalfAwayFromZero", ...); symbolize accepts exactly
/// these names (case-sensitive) and gives std::nullopt for anything else.
llvm::StringRef stringifyRoundMode(RoundMode mode);
std::optional<RoundMode> symbolizeRoundMode(llvm::StringRef text);

/// How an accumulator is requantized.
enum class QuantMode {
  /// sat(RightShiftRound(v * M, r, round)) — BM1684X per-channel; BM1684
  /// with M = 1.
  MultiplierShift,
  /// RightShiftRound(v, r, round) (M unused).
  OnlyShift,
  /// TFLite / CV18xx "QDM": MultiplyByQuantizedMultiplier: v * M (M a Q31
  /// number) >> 31 rounded half up (the high half of a doubling
  /// multiply), saturated to int32, then shifted right by r with `round`.
  /// Precisely: x = r < 0 ? v·2^-r (saturated to int64) : v (TFLite's left
  /// shift comes before the multiply); high = sat_int32((x·M + 2^30) >> 31)
  /// with >> a floor shift (so INT32_MIN·INT32_MIN gives INT32_MAX, as in
  /// SaturatingRoundingDoublingHighMul); result = r > 0 ?
  /// RightShiftRound(high, r, round) : high.
  Qdm,
};
/// "MultiplierShift", "OnlyShift", "QDM" (TPU-MLIR's RequantMode spelling);
/// symbolize accepts exactly these names.
llvm::StringRef stringifyQuantMode(QuantMode mode);
std::optional<QuantMode> symbolizeQuantMode(llvm::StringRef text);

/// Rounds a real to an integer (exactly: ties are decided on the exact
/// fraction). NaN gives 0; ±inf and values outside int64 saturate.
int64_t roundToInt(double value, RoundMode mode);

/// value / 2^shift rounded with `mode` (exact integer arithmetic on the
/// discarded bits, negative values included); shift <= 0 shifts left,
/// saturating to int64. Meant for shift in [-62, 63], exact for any shift
/// (shifts >= 64 round a quotient of magnitude <= 1/2).
int64_t rightShiftRound(int64_t value, int shift, RoundMode mode);

/// Clamps to the range of a `bits`-bit signed or unsigned integer; bits is
/// clamped to [1, 64] (64-bit unsigned is [0, INT64_MAX]).
int64_t saturate(int64_t value, int bits, bool isSigned);

/// Applies a requant to one accumulator value, then saturates to int32
/// (the caller saturates to the storage type after adding a zero point).
/// v·M is formed exactly (128 bits); for MultiplierShift and OnlyShift a
/// negative rshift is a left shift saturating to int64 before the int32
/// saturation.
int64_t applyMultiplierAndRShift(int64_t value, int64_t multiplier,
                                 int64_t rshift, QuantMode qmode,
                                 RoundMode rmode);

/// A multiplier and a right shift: f ≈ multiplier / 2^rshift.
struct MultiplierShift {
  int64_t multiplier = 1;
  int64_t rshift = 0;
};

/// Searches rshift in [-32, 31) for m = round(f·2^rshift) (half away from
/// zero) with |m| < 2^(bits-1) - 1 (bits 32: INT32_MAX; 8: 127 ...), keeping
/// the pair with the smallest |m/2^rshift - f| (compared exactly; the first,
/// i.e. the smallest rshift, on ties). f < 0 gives m < 0. bits is clamped to
/// [2, 63]. f = 0, NaN, or a best m of 0 (|f| too small) give {0, 0}; when
/// no shift fits (|f| too large, ±inf) the result is {±(2^(bits-1) - 2),
/// the first shift}.
MultiplierShift getScaleAndShift(double f, int bits = 32);
/// The same over rshift in [0, 31).
MultiplierShift getScaleAndShiftPositive(double f, int bits = 8);

/// TFLite's QuantizeMultiplier: f = q·2^e with |q| in [0.5, 1); multiplier =
/// round(q·2^31) (half away from zero; ±2^31 becomes ±2^30 with e+1),
/// rshift = -e, clamped so that rshift is in [-30, 31] as TFLite does:
/// e < -31 gives {0, 0}, e > 30 (and ±inf) gives {±INT32_MAX, -30}. f < 0
/// gives a negative multiplier; f = 0 and NaN give {0, 0}.
MultiplierShift quantizeMultiplier(double f);

/// Activation scale from a threshold: th/127 (signed 8-bit), th/255
/// (unsigned 8-bit); th/(2^(bits-1)-1) and th/(2^bits-1) in general (bits
/// clamped to [2, 64]).
double getScale(double threshold, bool isSigned, int bits = 8);

/// Asymmetric quantization parameters of [rmin, rmax] (rmin <= 0 <= rmax
/// after widening the range to include 0): qmin/qmax = -128/127 or 0/255
/// (unsigned when rmin >= 0 and `allowUnsigned`), scale =
/// (rmax - rmin)/(qmax - qmin), zero point = round(qmin - rmin/scale) (half
/// away from zero) clamped to [qmin, qmax]; for other bits (clamped to
/// [2, 32]) qmin/qmax are those of a bits-bit integer. A zero range, or a
/// non-finite rmin or rmax, gives scale 1, zero point 0; rmin > rmax is
/// swapped.
struct ScaleZeroPoint {
  double scale = 1;
  int64_t zeroPoint = 0;
};
ScaleZeroPoint getScaleAndZeroPoint(double rmin, double rmax, int bits = 8,
                                    bool allowUnsigned = true);

/// BM1684's per-layer shift: the number of times max|W|·inScale/outScale
/// can be doubled while it stays < 127 (keep doubling while < 127, return
/// count - 1), capped at 31; -1 or less means no shift fits. That is the
/// largest s in [0, 31] with x·2^s < 2^(bits-1) - 1 (bits clamped to
/// [2, 32]), x = |weightMax·inScale/outScale|: 31 when x = 0, -1 when
/// x >= 2^(bits-1) - 1 or x is NaN.
int64_t calRightShiftNum(double weightMax, double inScale, double outScale,
                         int bits = 8);

/// A 256-entry lookup table for a nonlinear function on int8/uint8,
/// indexed by the raw input byte: table[i] is for the input code q =
/// (int8_t)i (i for i < 128, i - 256 above) when inSigned, else q = i, so
/// that table[(uint8_t)q] is q's entry; it is
/// sat(round(f((q - inZp)·inScale) / outScale) + outZp) in the output type,
/// rounded with `mode` (a NaN from f rounds to 0, giving sat(outZp)).
std::vector<int64_t>
buildLookupTable(const std::function<double(double)> &f, double inScale,
                 int64_t inZeroPoint, bool inSigned, double outScale,
                 int64_t outZeroPoint, bool outSigned,
                 RoundMode mode = RoundMode::HalfAwayFromZero);

/// IEEE half and bfloat16 rounding of f32 values (round to nearest even,
/// subnormals included), returned as f32: what the chips store after each
/// F16/BF16 op. Half overflows to ±inf from |value| >= 65520; bfloat16 from
/// |value| >= 0x1.ffp127. NaN stays NaN, made quiet, keeping its sign and
/// top payload bits; the fromXBits decodings are exact.
float roundToF16(float value);
float roundToBF16(float value);
uint16_t toF16Bits(float value);
float fromF16Bits(uint16_t bits);
uint16_t toBF16Bits(float value);
float fromBF16Bits(uint16_t bits);

} // namespace tpuc::quant

#endif // TPUC_SUPPORT_QUANTMATH_H
