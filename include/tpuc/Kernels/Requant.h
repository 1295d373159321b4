//===- Requant.h - quant::applyMultiplierAndRShift, per channel -*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The INT8 ops requantize every accumulator with
// tpuc::quant::applyMultiplierAndRShift, which forms v * M in 128 bits and
// costs about 8 ns a call: as much as the convolution itself on a 2-core
// machine. Requant computes the same function inline for the cases the
// chips use: an accumulator within int32 (the ops saturate it first), a
// multiplier within int32 and a shift in [0, 62], where v * M, and
// v * M + 2^30, fit int64; the 64-bit shift-and-round below is the
// 128-bit one of QuantMath.cpp restricted to such values. Anything else
// calls applyMultiplierAndRShift. `apply` runs a whole row of accumulators
// through one loop specialized for the mode and rounding (no per-value
// dispatch), four at a time with AVX2 where the CPU has it (checked at run
// time: the project is built for baseline x86-64): 64-bit lanes, v * M by
// VPMULDQ, the arithmetic shift as a logical one of v * M + 2^62 (non-
// negative, |v * M| < 2^62) minus 2^62 >> r, the rounding decided on the
// remainder exactly as below. The unit tests compare both with
// applyMultiplierAndRShift on every mode and rounding.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_REQUANT_H
#define TPUC_KERNELS_REQUANT_H

#include "tpuc/Support/QuantMath.h"

#include <algorithm>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TPUC_REQUANT_AVX2 1
#endif

namespace tpuc::kernels {

class Requant {
public:
  Requant(int64_t multiplier, int64_t rshift, quant::QuantMode qmode,
          quant::RoundMode rmode)
      : multiplier(multiplier), rshift(rshift), qmode(qmode), rmode(rmode) {
    fast = rshift >= 0 && rshift <= 62 && multiplier >= INT32_MIN &&
           multiplier <= INT32_MAX;
  }

  /// quant::applyMultiplierAndRShift(value, multiplier, rshift, qmode,
  /// rmode).
  int64_t operator()(int64_t value) const {
    if (!fast || value < INT32_MIN || value > INT32_MAX)
      return quant::applyMultiplierAndRShift(value, multiplier, rshift, qmode,
                                             rmode);
    switch (qmode) {
    case quant::QuantMode::MultiplierShift:
      return saturate32(shift(value * multiplier, rshift));
    case quant::QuantMode::OnlyShift:
      return saturate32(shift(value, rshift));
    case quant::QuantMode::Qdm: {
      // Floor shift: (x * M + 2^30) >> 31, |x * M| <= 2^62.
      int64_t high =
          saturate32((value * multiplier + (int64_t(1) << 30)) >> 31);
      return saturate32(shift(high, rshift));
    }
    }
    return quant::applyMultiplierAndRShift(value, multiplier, rshift, qmode,
                                           rmode);
  }

  /// quant::rightShiftRound(value, shift, mode), inline for shifts in
  /// [1, 62] (where the 128-bit rounding of QuantMath and this 64-bit one
  /// agree for every int64).
  static int64_t rightShiftRound(int64_t value, int64_t shift,
                                 quant::RoundMode mode) {
    using quant::RoundMode;
    if (shift < 1 || shift > 62)
      return quant::rightShiftRound(value, static_cast<int>(shift), mode);
    switch (mode) {
    case RoundMode::HalfAwayFromZero:
      return shiftBy<RoundMode::HalfAwayFromZero>(value, shift);
    case RoundMode::HalfUp:
      return shiftBy<RoundMode::HalfUp>(value, shift);
    case RoundMode::HalfDown:
      return shiftBy<RoundMode::HalfDown>(value, shift);
    case RoundMode::HalfToEven:
      return shiftBy<RoundMode::HalfToEven>(value, shift);
    case RoundMode::TowardsZero:
      return shiftBy<RoundMode::TowardsZero>(value, shift);
    case RoundMode::Down:
      return shiftBy<RoundMode::Down>(value, shift);
    case RoundMode::Up:
      return shiftBy<RoundMode::Up>(value, shift);
    }
    return quant::rightShiftRound(value, static_cast<int>(shift), mode);
  }

  /// out[i] = clamp(this(sat_int32(acc[i * stride] + bias)) + zeroPoint,
  /// lo, hi) for i in [0, count): the INT8 ops' epilogue (lo <= hi).
  void apply(const int32_t *acc, int64_t stride, int64_t count, int64_t bias,
             int64_t zeroPoint, int64_t lo, int64_t hi, float *out) const {
    using quant::QuantMode;
    using quant::RoundMode;
    if (!fast || bias < INT32_MIN || bias > INT32_MAX) {
      for (int64_t i = 0; i < count; ++i) {
        int64_t v = saturate32(int64_t(acc[i * stride]) + bias);
        out[i] = static_cast<float>(std::clamp((*this)(v) + zeroPoint, lo, hi));
      }
      return;
    }
    auto run = [&](auto q, auto r) {
      constexpr QuantMode Q = decltype(q)::value;
      constexpr RoundMode R = decltype(r)::value;
      int64_t done = 0;
#if TPUC_REQUANT_AVX2
      // |v * M| < 2^62 needs M > INT32_MIN; [lo - zp, hi - zp] within
      // int32 lets the SIMD loop skip the int32 saturation of the result.
      if (stride == 1 && multiplier > INT32_MIN &&
          lo - zeroPoint >= INT32_MIN && hi - zeroPoint <= INT32_MAX &&
          hasAvx2())
        done = loopAvx2<Q, R>(acc, count, bias, zeroPoint, lo, hi, out);
#endif
      if (rshift == 0)
        loop<Q, R, false>(acc + done * stride, stride, count - done, bias,
                          zeroPoint, lo, hi, out + done);
      else
        loop<Q, R, true>(acc + done * stride, stride, count - done, bias,
                         zeroPoint, lo, hi, out + done);
    };
    auto byRound = [&](auto q) {
      switch (rmode) {
      case RoundMode::HalfAwayFromZero:
        return run(q, round<RoundMode::HalfAwayFromZero>());
      case RoundMode::HalfUp:
        return run(q, round<RoundMode::HalfUp>());
      case RoundMode::HalfDown:
        return run(q, round<RoundMode::HalfDown>());
      case RoundMode::HalfToEven:
        return run(q, round<RoundMode::HalfToEven>());
      case RoundMode::TowardsZero:
        return run(q, round<RoundMode::TowardsZero>());
      case RoundMode::Down:
        return run(q, round<RoundMode::Down>());
      case RoundMode::Up:
        return run(q, round<RoundMode::Up>());
      }
    };
    switch (qmode) {
    case QuantMode::MultiplierShift:
      return byRound(mode<QuantMode::MultiplierShift>());
    case QuantMode::OnlyShift:
      return byRound(mode<QuantMode::OnlyShift>());
    case QuantMode::Qdm:
      return byRound(mode<QuantMode::Qdm>());
    }
  }

private:
  template <quant::QuantMode Q> struct mode {
    static constexpr quant::QuantMode value = Q;
  };
  template <quant::RoundMode R> struct round {
    static constexpr quant::RoundMode value = R;
  };

  /// value / 2^s rounded with R, s in [1, 62], any int64 value.
  template <quant::RoundMode R>
  static int64_t shiftBy(int64_t value, int64_t s) {
    using quant::RoundMode;
    int64_t floorQ = value >> s;
    uint64_t rem = static_cast<uint64_t>(value) & ((uint64_t(1) << s) - 1);
    uint64_t half = uint64_t(1) << (s - 1);
    bool up;
    if constexpr (R == RoundMode::HalfAwayFromZero)
      up = rem > half || (rem == half && value >= 0);
    else if constexpr (R == RoundMode::HalfUp)
      up = rem >= half;
    else if constexpr (R == RoundMode::HalfDown)
      up = rem > half;
    else if constexpr (R == RoundMode::HalfToEven)
      up = rem > half || (rem == half && (floorQ & 1) != 0);
    else if constexpr (R == RoundMode::TowardsZero)
      up = rem != 0 && value < 0;
    else if constexpr (R == RoundMode::Down)
      up = false;
    else
      up = rem != 0;
    return floorQ + (up ? 1 : 0);
  }

  template <quant::QuantMode Q, quant::RoundMode R, bool Shift>
  void loop(const int32_t *acc, int64_t stride, int64_t count, int64_t bias,
            int64_t zeroPoint, int64_t lo, int64_t hi, float *out) const {
    const int64_t m = multiplier, s = rshift;
    for (int64_t i = 0; i < count; ++i) {
      int64_t v = saturate32(int64_t(acc[i * stride]) + bias);
      int64_t x;
      if constexpr (Q == quant::QuantMode::MultiplierShift)
        x = v * m;
      else if constexpr (Q == quant::QuantMode::OnlyShift)
        x = v;
      else
        x = saturate32((v * m + (int64_t(1) << 30)) >> 31);
      int64_t y = Shift ? shiftBy<R>(x, s) : x;
      y = saturate32(y) + zeroPoint;
      // min/max compile to conditional moves: no mispredicted branches.
      out[i] = static_cast<float>(std::min(std::max(y, lo), hi));
    }
  }

#if TPUC_REQUANT_AVX2
  static bool hasAvx2() {
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2;
  }

  // Lambdas do not inherit a target attribute: helpers of their own.
  __attribute__((target("avx2"))) static __m256i clamp4(__m256i v, __m256i lo,
                                                        __m256i hi) {
    v = _mm256_blendv_epi8(v, lo, _mm256_cmpgt_epi64(lo, v));
    return _mm256_blendv_epi8(v, hi, _mm256_cmpgt_epi64(v, hi));
  }

  /// The constants of a shift by s (in [1, 62]).
  struct Shift4 {
    __m256i big, bigShifted, mask, half, halfLess;
    __m128i count;
  };

  /// x / 2^s rounded with R, |x| < 2^62: floor by a logical shift of
  /// x + 2^62 (non-negative; with a rounding addend below 2^62 still below
  /// 2^64 as an unsigned value), the remainder x mod 2^s its low bits.
  template <quant::RoundMode R>
  __attribute__((target("avx2"))) static __m256i shift4(__m256i x,
                                                        const Shift4 &c) {
    using quant::RoundMode;
    // Roundings that do not look at the sign or the parity: floor(x + a)
    // with a = 2^(s-1) (half up), 2^(s-1) - 1 (half down), 2^s - 1 (up).
    if constexpr (R == RoundMode::HalfUp || R == RoundMode::HalfDown ||
                  R == RoundMode::Down || R == RoundMode::Up) {
      __m256i a = R == RoundMode::HalfUp     ? c.half
                  : R == RoundMode::HalfDown ? c.halfLess
                  : R == RoundMode::Up       ? c.mask
                                             : _mm256_setzero_si256();
      __m256i biased = _mm256_add_epi64(_mm256_add_epi64(x, a), c.big);
      return _mm256_sub_epi64(_mm256_srl_epi64(biased, c.count), c.bigShifted);
    }
    const __m256i zero = _mm256_setzero_si256();
    __m256i biased = _mm256_add_epi64(x, c.big);
    __m256i floorQ =
        _mm256_sub_epi64(_mm256_srl_epi64(biased, c.count), c.bigShifted);
    __m256i rem = _mm256_and_si256(biased, c.mask);
    __m256i gt = _mm256_cmpgt_epi64(rem, c.half);
    __m256i eq = _mm256_cmpeq_epi64(rem, c.half);
    __m256i exact = _mm256_cmpeq_epi64(rem, zero);
    __m256i up; // all ones where rounding up
    if constexpr (R == RoundMode::HalfAwayFromZero)
      up = _mm256_or_si256(
          gt, _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, x), eq));
    else if constexpr (R == RoundMode::HalfUp)
      up = _mm256_or_si256(gt, eq);
    else if constexpr (R == RoundMode::HalfDown)
      up = gt;
    else if constexpr (R == RoundMode::HalfToEven)
      up = _mm256_or_si256(
          gt, _mm256_and_si256(
                  eq, _mm256_cmpeq_epi64(
                          _mm256_and_si256(floorQ, _mm256_set1_epi64x(1)),
                          _mm256_set1_epi64x(1))));
    else if constexpr (R == RoundMode::TowardsZero)
      up = _mm256_andnot_si256(exact, _mm256_cmpgt_epi64(zero, x));
    else if constexpr (R == RoundMode::Down)
      up = zero;
    else
      up = _mm256_andnot_si256(exact, _mm256_set1_epi64x(-1));
    return _mm256_sub_epi64(floorQ, up);
  }

  /// The loop above, four values at a time; returns how many it did (a
  /// multiple of 4). Needs |multiplier| < 2^31, rshift in [0, 62].
  template <quant::QuantMode Q, quant::RoundMode R>
  __attribute__((target("avx2"))) int64_t
  loopAvx2(const int32_t *acc, int64_t count, int64_t bias, int64_t zeroPoint,
           int64_t lo, int64_t hi, float *out) const {
    using quant::QuantMode;
    const int64_t s = rshift;
    const __m256i vbias = _mm256_set1_epi64x(bias);
    const __m256i imin = _mm256_set1_epi64x(INT32_MIN);
    const __m256i imax = _mm256_set1_epi64x(INT32_MAX);
    const __m256i vm = _mm256_set1_epi64x(multiplier);
    const __m256i big = _mm256_set1_epi64x(int64_t(1) << 62);
    const __m256i vzp = _mm256_set1_epi64x(zeroPoint);
    const __m256i vlo = _mm256_set1_epi64x(lo), vhi = _mm256_set1_epi64x(hi);
    const __m256i low32 = _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0);
    Shift4 c;
    c.big = big;
    c.bigShifted = _mm256_set1_epi64x((int64_t(1) << 62) >> s);
    c.mask = _mm256_set1_epi64x((int64_t(1) << s) - 1);
    c.half = _mm256_set1_epi64x(s ? int64_t(1) << (s - 1) : 0);
    c.halfLess = _mm256_set1_epi64x(s ? (int64_t(1) << (s - 1)) - 1 : 0);
    c.count = _mm_cvtsi64_si128(s);
    int64_t i = 0;
    for (; i + 4 <= count; i += 4) {
      __m256i v = _mm256_cvtepi32_epi64(
          _mm_loadu_si128(reinterpret_cast<const __m128i *>(acc + i)));
      v = clamp4(_mm256_add_epi64(v, vbias), imin, imax);
      __m256i x;
      if constexpr (Q == QuantMode::MultiplierShift) {
        x = _mm256_mul_epi32(v, vm);
      } else if constexpr (Q == QuantMode::OnlyShift) {
        x = v;
      } else {
        // floor((v * M + 2^30) / 2^31), by the same biased logical shift.
        __m256i p = _mm256_add_epi64(_mm256_mul_epi32(v, vm),
                                     _mm256_set1_epi64x(int64_t(1) << 30));
        __m256i high =
            _mm256_sub_epi64(_mm256_srli_epi64(_mm256_add_epi64(p, big), 31),
                             _mm256_set1_epi64x(int64_t(1) << 31));
        x = clamp4(high, imin, imax);
      }
      __m256i y = s == 0 ? x : shift4<R>(x, c);
      // sat_int32(y) + zp clamped to [lo, hi] is y + zp clamped when
      // [lo - zp, hi - zp] is within int32 (checked by apply).
      y = clamp4(_mm256_add_epi64(y, vzp), vlo, vhi);
      __m128i y32 =
          _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(y, low32));
      _mm_storeu_ps(out + i, _mm_cvtepi32_ps(y32));
    }
    return i;
  }
#endif

  static int64_t saturate32(int64_t v) {
    return v < INT32_MIN ? INT32_MIN : (v > INT32_MAX ? INT32_MAX : v);
  }

  /// value / 2^s rounded with rmode, s in [0, 62], |value| < 2^63.
  int64_t shift(int64_t value, int64_t s) const {
    if (s == 0)
      return value;
    int64_t floorQ = value >> s; // arithmetic: floor
    uint64_t rem = static_cast<uint64_t>(value) & ((uint64_t(1) << s) - 1);
    uint64_t half = uint64_t(1) << (s - 1);
    bool up = false;
    switch (rmode) {
    case quant::RoundMode::HalfAwayFromZero:
      up = rem > half || (rem == half && value >= 0);
      break;
    case quant::RoundMode::HalfUp:
      up = rem >= half;
      break;
    case quant::RoundMode::HalfDown:
      up = rem > half;
      break;
    case quant::RoundMode::HalfToEven:
      up = rem > half || (rem == half && (floorQ & 1) != 0);
      break;
    case quant::RoundMode::TowardsZero:
      up = rem != 0 && value < 0;
      break;
    case quant::RoundMode::Down:
      up = false;
      break;
    case quant::RoundMode::Up:
      up = rem != 0;
      break;
    }
    return floorQ + (up ? 1 : 0);
  }

  int64_t multiplier, rshift;
  quant::QuantMode qmode;
  quant::RoundMode rmode;
  bool fast = false;
};

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_REQUANT_H
