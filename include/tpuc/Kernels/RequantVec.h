//===- RequantVec.h - the INT8 epilogues eight values at a time -*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The per-element integer arithmetic of the INT8 ops (the requant of a
// convolution's accumulators, tpu.Add, tpu.Cast to a quantized type) in
// f64 lanes with AVX2, giving exactly what the scalar code gives
// (kernels::Requant, i.e. quant::applyMultiplierAndRShift; the loops of
// Add.cpp and Cast.cpp). Why f64 is exact:
//
// - Requant (MultiplierShift / OnlyShift, 0 <= r <= 40, |M| <= 2^31):
//   v = sat_int32(acc + bias) is exact in f64; x = v * (M * 2^-r) is
//   fl(v * M) * 2^-r (scaling by a power of two is exact), so x is exact
//   whenever |v * M| < 2^53, and then so are x +- 1/2 while
//   |v * M| <= 2^53 - 2^r: floor(x + 1/2) is the half-up rounding, and
//   likewise for the other modes (ceil(x - 1/2), trunc(x +- 1/2), the
//   nearest-even rounding, trunc / floor / ceil). Otherwise |x| is at least
//   2^(53-r) - 1 >= 8191 both in exact and in rounded arithmetic (rounding
//   is monotonic and keeps the sign), so the result clamps to the same
//   bound, which the callers' bounds guarantee ([lo - zp, hi - zp] within
//   +-4096): the 8-bit results are the same. When no sum saturates and the
//   rounding is a floor or a ceiling of x + c (half up, half down, down,
//   up), floor(x + c) + zp = floor(x + c + zp) is one FMA and one rounding:
//   v * M + (c + zp) * 2^r is an integer, exact below 2^53, and beyond it
//   |x| is as large as above.
// - Add: every term (q - zp) * M is below 2^48, its rounded shift by r
//   (0..40) and the sum of up to 16 terms below 2^53: all exact.
// - Cast: x / scale is the same IEEE division as the scalar code's; it is
//   rounded by magnitude (floor of |x|, whose fraction |x| - floor(|x|) is
//   exact), so any double rounds exactly.
//
// Each function checks that its case applies (AVX2 and FMA present, the
// ranges above) and otherwise says so or runs the scalar code; the unit
// tests compare them with the scalar functions on every mode.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_REQUANTVEC_H
#define TPUC_KERNELS_REQUANTVEC_H

#include "tpuc/Kernels/Requant.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace tpuc::kernels {

/// Whether the CPU has AVX2 and FMA (checked once).
bool cpuHasAvx2Fma();

/// Requant::apply (stride 1), vectorized when it can be.
class RequantRow {
public:
  RequantRow(int64_t multiplier, int64_t rshift, quant::QuantMode qmode,
             quant::RoundMode rmode);

  /// out[i] = clamp(requant(sat_int32(acc[i] + bias)) + zeroPoint, lo, hi)
  /// for i in [0, count), as Requant::apply (lo <= hi). `accBound`, when
  /// known (>= 0), bounds every |acc[i]|: with |bias| + accBound within
  /// int32 no sum saturates, which a shorter loop uses.
  void apply(const int32_t *acc, int64_t count, int64_t bias,
             int64_t zeroPoint, int64_t lo, int64_t hi, float *out,
             int64_t accBound = -1) const;

  /// Requant::apply with a stride (the scalar loop).
  void applyStrided(const int32_t *acc, int64_t stride, int64_t count,
                    int64_t bias, int64_t zeroPoint, int64_t lo, int64_t hi,
                    float *out) const {
    scalar.apply(acc, stride, count, bias, zeroPoint, lo, hi, out);
  }

  /// Whether `apply` with these arguments runs the f64 lanes.
  bool vectorizes(int64_t bias, int64_t zeroPoint, int64_t lo,
                  int64_t hi) const;

  /// The folded loop's constants for these arguments (RequantVec.h): the
  /// scale M * 2^-r, c + zp and the bias as int32; false when that loop
  /// does not apply.
  bool foldedConstants(int64_t bias, int64_t zeroPoint, int64_t lo, int64_t hi,
                       int64_t accBound, double &scale, double &addend,
                       int32_t &bias32) const;

private:
  Requant scalar;
  double scale = 0; // M * 2^-r
  quant::RoundMode rmode;
  bool eligible = false;
};

/// RequantRow for every output channel of an INT8 op (one multiplier and
/// shift for all, or one per channel), with its biases, zero point and
/// bounds, applied to blocks of channels: the per-channel constants are
/// prepared once and, where every channel takes the folded loop (see
/// above), one loop runs the whole block.
class RequantChannels {
public:
  /// `bias` is empty or one value per channel; `accBound` as in
  /// RequantRow::apply.
  RequantChannels(llvm::ArrayRef<int64_t> multipliers,
                  llvm::ArrayRef<int64_t> shifts, quant::QuantMode qmode,
                  quant::RoundMode rmode, llvm::ArrayRef<int64_t> bias,
                  int64_t channels, int64_t zeroPoint, int64_t lo, int64_t hi,
                  int64_t accBound);

  /// For c in [0, channels), p in [0, pixels): out[c * outStride + p] =
  /// the requant of channel firstChannel + c (RequantRow::apply) of
  /// acc[c * accStride + p * pixelStride].
  void apply(const int32_t *acc, int64_t accStride, int64_t pixelStride,
             int64_t firstChannel, int64_t channels, int64_t pixels,
             float *out, int64_t outStride) const;

private:
  std::vector<RequantRow> rows; // one, or one per channel
  std::vector<int64_t> bias;
  int64_t zeroPoint, lo, hi, accBound;
  /// The folded loop for every channel: its constants per channel.
  bool folded = false;
  quant::RoundMode rmode;
  std::vector<double> scale, addend;
  std::vector<int32_t> bias32;
};

/// One input of an INT8 tpu.Add.
struct AddInt8Input {
  const float *data = nullptr;
  /// Codes are read as tpu::toInteger, clamped to [qmin, qmax].
  int64_t qmin = -128, qmax = 127, zeroPoint = 0;
  int64_t multiplier = 1, rshift = 0;
};

/// tpu.Add's INT8 arithmetic on inputs of one shape, elements [0, count):
/// out[e] = clamp(sum_i rightShiftRound((q_i - zp_i) * M_i, r_i) + zp, lo,
/// hi) or, with `sharedShift`, clamp(rightShiftRound(sum_i (q_i - zp_i) *
/// M_i, sharedRshift) + zp, lo, hi). Returns false, writing nothing, when
/// it does not apply (no AVX2, more than 16 inputs, codes wider than 16
/// bits, |M| > 2^31, shifts outside [0, 40], bounds beyond +-2^31).
bool addInt8(llvm::ArrayRef<AddInt8Input> inputs, bool sharedShift,
             int64_t sharedRshift, quant::RoundMode rmode, int64_t zeroPoint,
             int64_t lo, int64_t hi, int64_t count, float *out);

/// tpu.Cast from float to a quantized type, elements [0, count):
/// dst[e] = clamp(roundToInt(double(src[e]) / scale, rmode) (within
/// +-2^40) + zeroPoint, qmin, qmax). Returns false, writing nothing, when
/// it does not apply (no AVX2, a range beyond +-2^31).
bool quantizeFloats(const float *src, int64_t count, double scale,
                    quant::RoundMode rmode, int64_t zeroPoint, int64_t qmin,
                    int64_t qmax, float *dst);

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_REQUANTVEC_H
