//===- RequantVec.cpp - the INT8 epilogues eight values at a time ---------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// See RequantVec.h for why the f64 arithmetic is exact. The AVX2 functions
// carry a target attribute (the project is built for baseline x86-64) and
// run only after cpuHasAvx2Fma(); helpers are templates on the rounding
// mode, so that each loop has no per-value dispatch.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/RequantVec.h"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define TPUC_VEC_AVX2 1
#define TPUC_AVX2 __attribute__((target("avx2,fma")))
#endif

using namespace tpuc::quant;

namespace tpuc::kernels {

bool cpuHasAvx2Fma() {
#if TPUC_VEC_AVX2
  static const bool has =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

namespace {

#if TPUC_VEC_AVX2
/// x rounded to an integer with mode R, for x such that x +- 1/2 is exact
/// (see RequantVec.h).
template <RoundMode R> TPUC_AVX2 inline __m256d roundNear(__m256d x) {
  constexpr int kNoExc = _MM_FROUND_NO_EXC;
  if constexpr (R == RoundMode::HalfUp)
    return _mm256_round_pd(_mm256_add_pd(x, _mm256_set1_pd(0.5)),
                           _MM_FROUND_TO_NEG_INF | kNoExc);
  else if constexpr (R == RoundMode::HalfDown)
    return _mm256_round_pd(_mm256_sub_pd(x, _mm256_set1_pd(0.5)),
                           _MM_FROUND_TO_POS_INF | kNoExc);
  else if constexpr (R == RoundMode::HalfAwayFromZero) {
    __m256d half = _mm256_or_pd(_mm256_and_pd(x, _mm256_set1_pd(-0.0)),
                                _mm256_set1_pd(0.5));
    return _mm256_round_pd(_mm256_add_pd(x, half),
                           _MM_FROUND_TO_ZERO | kNoExc);
  } else if constexpr (R == RoundMode::HalfToEven)
    return _mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | kNoExc);
  else if constexpr (R == RoundMode::TowardsZero)
    return _mm256_round_pd(x, _MM_FROUND_TO_ZERO | kNoExc);
  else if constexpr (R == RoundMode::Down)
    return _mm256_round_pd(x, _MM_FROUND_TO_NEG_INF | kNoExc);
  else
    return _mm256_round_pd(x, _MM_FROUND_TO_POS_INF | kNoExc);
}

/// Any double x (|x| < 2^52) rounded to an integer with mode R, exactly:
/// the ties are decided on the fraction of |x|, which is exact.
template <RoundMode R> TPUC_AVX2 inline __m256d roundAny(__m256d x) {
  constexpr int kNoExc = _MM_FROUND_NO_EXC;
  if constexpr (R == RoundMode::HalfToEven || R == RoundMode::TowardsZero ||
                R == RoundMode::Down || R == RoundMode::Up) {
    return roundNear<R>(x);
  } else {
    const __m256d signBit = _mm256_set1_pd(-0.0), half = _mm256_set1_pd(0.5);
    __m256d sign = _mm256_and_pd(x, signBit);
    __m256d m = _mm256_andnot_pd(signBit, x);
    __m256d fl = _mm256_round_pd(m, _MM_FROUND_TO_NEG_INF | kNoExc);
    __m256d f = _mm256_sub_pd(m, fl);
    __m256d ge = _mm256_cmp_pd(f, half, _CMP_GE_OQ);
    __m256d gt = _mm256_cmp_pd(f, half, _CMP_GT_OQ);
    __m256d up;
    if constexpr (R == RoundMode::HalfAwayFromZero)
      up = ge;
    else if constexpr (R == RoundMode::HalfUp) // ties up: away when positive
      up = _mm256_blendv_pd(ge, gt, sign);
    else // HalfDown: ties down, away when negative
      up = _mm256_blendv_pd(gt, ge, sign);
    __m256d r = _mm256_add_pd(fl, _mm256_and_pd(up, _mm256_set1_pd(1.0)));
    return _mm256_or_pd(r, sign);
  }
}

/// Eight codes as the scalar code reads them (tpu::toInteger: NaN as 0,
/// half to even; then clamped to [lo, hi]), as floats.
TPUC_AVX2 inline __m256 readCodes(const float *src, __m256 lo, __m256 hi) {
  __m256 v = _mm256_loadu_ps(src);
  v = _mm256_andnot_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q), v);
  v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
  return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

TPUC_AVX2 inline void store8(float *out, __m256d a, __m256d b) {
  _mm256_storeu_ps(out, _mm256_set_m128(_mm256_cvtpd_ps(b),
                                        _mm256_cvtpd_ps(a)));
}

struct RequantConstants {
  double bias, scale, zeroPoint, lo, hi;
};

template <RoundMode R>
TPUC_AVX2 int64_t requantLoop(const int32_t *acc, int64_t count,
                              const RequantConstants &k, float *out) {
  const __m256d bias = _mm256_set1_pd(k.bias), scale = _mm256_set1_pd(k.scale);
  const __m256d zp = _mm256_set1_pd(k.zeroPoint);
  const __m256d lo = _mm256_set1_pd(k.lo), hi = _mm256_set1_pd(k.hi);
  const __m256d imin = _mm256_set1_pd(INT32_MIN),
                imax = _mm256_set1_pd(INT32_MAX);
  auto convert = [&](__m256i a, __m256d *v) TPUC_AVX2 {
    v[0] = _mm256_cvtepi32_pd(_mm256_castsi256_si128(a));
    v[1] = _mm256_cvtepi32_pd(_mm256_extracti128_si256(a, 1));
    for (int h = 0; h < 2; ++h) {
      __m256d d = v[h];
      d = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(d, bias), imin), imax);
      d = roundNear<R>(_mm256_mul_pd(d, scale));
      v[h] = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(d, zp), lo), hi);
    }
  };
  int64_t i = 0;
  __m256d v[2];
  for (; i + 8 <= count; i += 8) {
    convert(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(acc + i)), v);
    store8(out + i, v[0], v[1]);
  }
  if (i < count && count >= 8) {
    // The tail as the last 8 values (some again; the same results): AMD
    // CPUs microcode masked stores.
    convert(_mm256_loadu_si256(
                reinterpret_cast<const __m256i *>(acc + count - 8)),
            v);
    store8(out + count - 8, v[0], v[1]);
    i = count;
  }
  return i;
}

/// requantLoop for accumulators whose sums with the bias stay within int32
/// (no saturation: the bias is added in int32) and a rounding that is a
/// floor or a ceiling of x plus a constant, so that the zero point joins
/// that constant: one FMA v * (M * 2^-r) + (c + zp), one rounding, exact
/// where the result is not clamped (see RequantVec.h).
template <RoundMode R>
TPUC_AVX2 int64_t requantLoopFolded(const int32_t *acc, int64_t count,
                                    int32_t bias32, const RequantConstants &k,
                                    float *out) {
  static_assert(R == RoundMode::HalfUp || R == RoundMode::HalfDown ||
                R == RoundMode::Down || R == RoundMode::Up);
  constexpr double c = R == RoundMode::HalfUp     ? 0.5
                       : R == RoundMode::HalfDown ? -0.5
                                                  : 0.0;
  constexpr int kMode = (R == RoundMode::HalfUp || R == RoundMode::Down
                             ? _MM_FROUND_TO_NEG_INF
                             : _MM_FROUND_TO_POS_INF) |
                        _MM_FROUND_NO_EXC;
  const __m256i bias = _mm256_set1_epi32(bias32);
  const __m256d scale = _mm256_set1_pd(k.scale);
  const __m256d addend = _mm256_set1_pd(c + k.zeroPoint);
  const __m256d lo = _mm256_set1_pd(k.lo), hi = _mm256_set1_pd(k.hi);
  auto convert = [&](const int32_t *at) TPUC_AVX2 {
    __m256i a = _mm256_add_epi32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(at)), bias);
    __m256d v0 = _mm256_cvtepi32_pd(_mm256_castsi256_si128(a));
    __m256d v1 = _mm256_cvtepi32_pd(_mm256_extracti128_si256(a, 1));
    v0 = _mm256_round_pd(_mm256_fmadd_pd(v0, scale, addend), kMode);
    v1 = _mm256_round_pd(_mm256_fmadd_pd(v1, scale, addend), kMode);
    v0 = _mm256_min_pd(_mm256_max_pd(v0, lo), hi);
    v1 = _mm256_min_pd(_mm256_max_pd(v1, lo), hi);
    return _mm256_set_m128(_mm256_cvtpd_ps(v1), _mm256_cvtpd_ps(v0));
  };
  int64_t i = 0;
  for (; i + 8 <= count; i += 8)
    _mm256_storeu_ps(out + i, convert(acc + i));
  if (i < count && count >= 8) {
    _mm256_storeu_ps(out + count - 8, convert(acc + count - 8));
    i = count;
  }
  return i;
}

/// requantLoopFolded over a block of channels (constants per channel);
/// every row has at least 8 values.
template <RoundMode R>
TPUC_AVX2 void requantBlockFolded(const int32_t *acc, int64_t accStride,
                                  int64_t channels, int64_t pixels,
                                  const double *scales, const double *addends,
                                  const int32_t *biases, double lo, double hi,
                                  float *out, int64_t outStride) {
  constexpr int kMode = (R == RoundMode::HalfUp || R == RoundMode::Down
                             ? _MM_FROUND_TO_NEG_INF
                             : _MM_FROUND_TO_POS_INF) |
                        _MM_FROUND_NO_EXC;
  const __m256d vlo = _mm256_set1_pd(lo), vhi = _mm256_set1_pd(hi);
  for (int64_t c = 0; c < channels; ++c) {
    const __m256i bias = _mm256_set1_epi32(biases[c]);
    const __m256d scale = _mm256_set1_pd(scales[c]);
    const __m256d addend = _mm256_set1_pd(addends[c]);
    const int32_t *row = acc + c * accStride;
    float *to = out + c * outStride;
    auto convert = [&](const int32_t *at) TPUC_AVX2 {
      __m256i a = _mm256_add_epi32(
          _mm256_loadu_si256(reinterpret_cast<const __m256i *>(at)), bias);
      __m256d v0 = _mm256_cvtepi32_pd(_mm256_castsi256_si128(a));
      __m256d v1 = _mm256_cvtepi32_pd(_mm256_extracti128_si256(a, 1));
      v0 = _mm256_round_pd(_mm256_fmadd_pd(v0, scale, addend), kMode);
      v1 = _mm256_round_pd(_mm256_fmadd_pd(v1, scale, addend), kMode);
      v0 = _mm256_min_pd(_mm256_max_pd(v0, vlo), vhi);
      v1 = _mm256_min_pd(_mm256_max_pd(v1, vlo), vhi);
      return _mm256_set_m128(_mm256_cvtpd_ps(v1), _mm256_cvtpd_ps(v0));
    };
    int64_t i = 0;
    for (; i + 8 <= pixels; i += 8)
      _mm256_storeu_ps(to + i, convert(row + i));
    if (i < pixels)
      _mm256_storeu_ps(to + pixels - 8, convert(row + pixels - 8));
  }
}

template <RoundMode R>
TPUC_AVX2 int64_t addLoop(llvm::ArrayRef<AddInt8Input> inputs, bool shared,
                          double sharedScale, const double *scales,
                          int64_t zeroPoint, int64_t lo, int64_t hi,
                          int64_t count, float *out) {
  const __m256d zp = _mm256_set1_pd(zeroPoint);
  const __m256d vlo = _mm256_set1_pd(lo), vhi = _mm256_set1_pd(hi);
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m256d sum[2] = {_mm256_setzero_pd(), _mm256_setzero_pd()};
    for (size_t j = 0; j < inputs.size(); ++j) {
      const AddInt8Input &in = inputs[j];
      __m256 codes = readCodes(in.data + i, _mm256_set1_ps(in.qmin),
                               _mm256_set1_ps(in.qmax));
      __m256d d[2] = {_mm256_cvtps_pd(_mm256_castps256_ps128(codes)),
                      _mm256_cvtps_pd(_mm256_extractf128_ps(codes, 1))};
      const __m256d inZp = _mm256_set1_pd(in.zeroPoint);
      const __m256d m = _mm256_set1_pd(in.multiplier);
      const __m256d s = _mm256_set1_pd(scales[j]);
      for (int h = 0; h < 2; ++h) {
        __m256d term = _mm256_mul_pd(_mm256_sub_pd(d[h], inZp), m);
        if (!shared)
          term = roundNear<R>(_mm256_mul_pd(term, s));
        sum[h] = _mm256_add_pd(sum[h], term);
      }
    }
    for (__m256d &s : sum) {
      if (shared)
        s = roundNear<R>(_mm256_mul_pd(s, _mm256_set1_pd(sharedScale)));
      s = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(s, zp), vlo), vhi);
    }
    store8(out + i, sum[0], sum[1]);
  }
  return i;
}

template <RoundMode R>
TPUC_AVX2 int64_t quantizeLoop(const float *src, int64_t count, double scale,
                               int64_t zeroPoint, int64_t qmin, int64_t qmax,
                               float *dst) {
  const __m256d vscale = _mm256_set1_pd(scale);
  const __m256d bound = _mm256_set1_pd(0x1p41);
  const __m256d zp = _mm256_set1_pd(zeroPoint);
  const __m256d lo = _mm256_set1_pd(qmin), hi = _mm256_set1_pd(qmax);
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m256 x = _mm256_loadu_ps(src + i);
    __m256d v[2] = {_mm256_cvtps_pd(_mm256_castps256_ps128(x)),
                    _mm256_cvtps_pd(_mm256_extractf128_ps(x, 1))};
    for (__m256d &d : v) {
      d = _mm256_div_pd(d, vscale);
      d = _mm256_andnot_pd(_mm256_cmp_pd(d, d, _CMP_UNORD_Q), d); // NaN: 0
      d = _mm256_min_pd(_mm256_max_pd(d, _mm256_sub_pd(_mm256_setzero_pd(),
                                                       bound)),
                        bound);
      d = roundAny<R>(d);
      d = _mm256_min_pd(_mm256_max_pd(_mm256_add_pd(d, zp), lo), hi);
    }
    store8(dst + i, v[0], v[1]);
  }
  return i;
}

/// rightShiftRound(t, r, R) in int32 lanes, for |t| + 2^r within int32;
/// `count` holds r, `half` 2^(r-1), `mask` 2^r - 1 (r >= 1).
template <RoundMode R>
TPUC_AVX2 inline __m256i shiftRound32(__m256i t, __m128i count, __m256i half,
                                      __m256i mask) {
  const __m256i one = _mm256_set1_epi32(1);
  if constexpr (R == RoundMode::HalfUp)
    return _mm256_sra_epi32(_mm256_add_epi32(t, half), count);
  else if constexpr (R == RoundMode::HalfDown)
    return _mm256_sra_epi32(
        _mm256_add_epi32(t, _mm256_sub_epi32(half, one)), count);
  else if constexpr (R == RoundMode::Down)
    return _mm256_sra_epi32(t, count);
  else if constexpr (R == RoundMode::Up)
    return _mm256_sra_epi32(_mm256_add_epi32(t, mask), count);
  else if constexpr (R == RoundMode::HalfAwayFromZero)
    return _mm256_sign_epi32(
        _mm256_srl_epi32(_mm256_add_epi32(_mm256_abs_epi32(t), half), count),
        t);
  else if constexpr (R == RoundMode::TowardsZero)
    return _mm256_sign_epi32(_mm256_srl_epi32(_mm256_abs_epi32(t), count), t);
  else { // HalfToEven
    __m256i floorQ = _mm256_sra_epi32(t, count);
    __m256i rem = _mm256_and_si256(t, mask);
    __m256i up = _mm256_or_si256(
        _mm256_cmpgt_epi32(rem, half),
        _mm256_and_si256(_mm256_cmpeq_epi32(rem, half),
                         _mm256_cmpeq_epi32(_mm256_and_si256(floorQ, one),
                                            one)));
    return _mm256_sub_epi32(floorQ, up);
  }
}

/// addLoop in int32 lanes (the caller checked that every term, shifted or
/// not, and every sum fits int32).
template <RoundMode R>
TPUC_AVX2 int64_t addLoop32(llvm::ArrayRef<AddInt8Input> inputs, bool shared,
                            int64_t sharedRshift, int64_t zeroPoint, int64_t lo,
                            int64_t hi, int64_t count, float *out) {
  struct Constants {
    __m256 lo, hi;
    __m256i zp, m, half, mask;
    __m128i count;
    bool shift;
  };
  auto constants = [](int64_t r) TPUC_AVX2 {
    Constants c;
    c.count = _mm_cvtsi64_si128(r);
    c.half = _mm256_set1_epi32(r ? int32_t(1) << (r - 1) : 0);
    c.mask = _mm256_set1_epi32(static_cast<int32_t>((int64_t(1) << r) - 1));
    c.shift = r > 0;
    return c;
  };
  constexpr size_t kMax = 16;
  Constants in[kMax];
  for (size_t j = 0; j < inputs.size(); ++j) {
    in[j] = constants(inputs[j].rshift);
    in[j].lo = _mm256_set1_ps(static_cast<float>(inputs[j].qmin));
    in[j].hi = _mm256_set1_ps(static_cast<float>(inputs[j].qmax));
    in[j].zp = _mm256_set1_epi32(static_cast<int32_t>(inputs[j].zeroPoint));
    in[j].m = _mm256_set1_epi32(static_cast<int32_t>(inputs[j].multiplier));
  }
  Constants all = constants(shared ? sharedRshift : 0);
  const __m256i zp = _mm256_set1_epi32(static_cast<int32_t>(zeroPoint));
  const __m256i vlo = _mm256_set1_epi32(static_cast<int32_t>(lo));
  const __m256i vhi = _mm256_set1_epi32(static_cast<int32_t>(hi));
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    __m256i sum = _mm256_setzero_si256();
    for (size_t j = 0; j < inputs.size(); ++j) {
      const Constants &c = in[j];
      __m256 x = _mm256_loadu_ps(inputs[j].data + i);
      x = _mm256_andnot_ps(_mm256_cmp_ps(x, x, _CMP_UNORD_Q), x);
      x = _mm256_min_ps(_mm256_max_ps(x, c.lo), c.hi);
      // Half to even (the default rounding mode), as tpu::toInteger.
      __m256i q = _mm256_cvtps_epi32(x);
      __m256i t = _mm256_mullo_epi32(_mm256_sub_epi32(q, c.zp), c.m);
      if (!shared && c.shift)
        t = shiftRound32<R>(t, c.count, c.half, c.mask);
      sum = _mm256_add_epi32(sum, t);
    }
    if (shared && all.shift)
      sum = shiftRound32<R>(sum, all.count, all.half, all.mask);
    sum = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(sum, zp), vlo),
                           vhi);
    _mm256_storeu_ps(out + i, _mm256_cvtepi32_ps(sum));
  }
  return i;
}

/// Calls f(std::integral_constant-like tag of rmode).
template <RoundMode R> struct Mode {
  static constexpr RoundMode value = R;
};
template <typename F> auto byMode(RoundMode rmode, F &&f) {
  switch (rmode) {
  case RoundMode::HalfAwayFromZero:
    return f(Mode<RoundMode::HalfAwayFromZero>());
  case RoundMode::HalfUp:
    return f(Mode<RoundMode::HalfUp>());
  case RoundMode::HalfDown:
    return f(Mode<RoundMode::HalfDown>());
  case RoundMode::HalfToEven:
    return f(Mode<RoundMode::HalfToEven>());
  case RoundMode::TowardsZero:
    return f(Mode<RoundMode::TowardsZero>());
  case RoundMode::Down:
    return f(Mode<RoundMode::Down>());
  case RoundMode::Up:
    break;
  }
  return f(Mode<RoundMode::Up>());
}
#endif

constexpr int64_t kMaxShift = 40;
constexpr int64_t kTwo31 = int64_t(1) << 31;

bool within(int64_t v, int64_t bound) { return v >= -bound && v <= bound; }

} // namespace

RequantRow::RequantRow(int64_t multiplier, int64_t rshift, QuantMode qmode,
                       RoundMode rmode)
    : scalar(multiplier, rshift, qmode, rmode), rmode(rmode) {
  bool modeOk = qmode == QuantMode::MultiplierShift ||
                qmode == QuantMode::OnlyShift;
  int64_t m = qmode == QuantMode::OnlyShift ? 1 : multiplier;
  eligible = cpuHasAvx2Fma() && modeOk && rshift >= 0 &&
             rshift <= kMaxShift && within(m, kTwo31);
  if (eligible)
    scale = std::ldexp(static_cast<double>(m), -static_cast<int>(rshift));
}

bool RequantRow::vectorizes(int64_t bias, int64_t zeroPoint, int64_t lo,
                            int64_t hi) const {
  return eligible && within(bias, kTwo31) && within(lo - zeroPoint, 4096) &&
         within(hi - zeroPoint, 4096) && lo <= hi;
}

void RequantRow::apply(const int32_t *acc, int64_t count, int64_t bias,
                       int64_t zeroPoint, int64_t lo, int64_t hi, float *out,
                       int64_t accBound) const {
  int64_t done = 0;
#if TPUC_VEC_AVX2
  if (vectorizes(bias, zeroPoint, lo, hi)) {
    RequantConstants k{static_cast<double>(bias), scale,
                       static_cast<double>(zeroPoint), static_cast<double>(lo),
                       static_cast<double>(hi)};
    bool fits = accBound >= 0 && accBound <= INT32_MAX &&
                accBound + (bias < 0 ? -bias : bias) <= INT32_MAX;
    auto bias32 = static_cast<int32_t>(bias);
    if (fits && rmode == RoundMode::HalfUp)
      done = requantLoopFolded<RoundMode::HalfUp>(acc, count, bias32, k, out);
    else if (fits && rmode == RoundMode::HalfDown)
      done =
          requantLoopFolded<RoundMode::HalfDown>(acc, count, bias32, k, out);
    else if (fits && rmode == RoundMode::Down)
      done = requantLoopFolded<RoundMode::Down>(acc, count, bias32, k, out);
    else if (fits && rmode == RoundMode::Up)
      done = requantLoopFolded<RoundMode::Up>(acc, count, bias32, k, out);
    else
      done = byMode(rmode, [&](auto r) {
        return requantLoop<decltype(r)::value>(acc, count, k, out);
      });
  }
#endif
  if (done < count)
    scalar.apply(acc + done, 1, count - done, bias, zeroPoint, lo, hi,
                 out + done);
}

bool RequantRow::foldedConstants(int64_t bias, int64_t zeroPoint, int64_t lo,
                                 int64_t hi, int64_t accBound, double &scale,
                                 double &addend, int32_t &bias32) const {
  if (!vectorizes(bias, zeroPoint, lo, hi) || accBound < 0 ||
      accBound > INT32_MAX ||
      accBound + (bias < 0 ? -bias : bias) > INT32_MAX)
    return false;
  double c;
  switch (rmode) {
  case RoundMode::HalfUp:
    c = 0.5;
    break;
  case RoundMode::HalfDown:
    c = -0.5;
    break;
  case RoundMode::Down:
  case RoundMode::Up:
    c = 0.0;
    break;
  default:
    return false;
  }
  scale = this->scale;
  addend = c + static_cast<double>(zeroPoint);
  bias32 = static_cast<int32_t>(bias);
  return true;
}

RequantChannels::RequantChannels(llvm::ArrayRef<int64_t> multipliers,
                                 llvm::ArrayRef<int64_t> shifts,
                                 QuantMode qmode, RoundMode rmode,
                                 llvm::ArrayRef<int64_t> bias, int64_t channels,
                                 int64_t zeroPoint, int64_t lo, int64_t hi,
                                 int64_t accBound)
    : bias(bias.begin(), bias.end()), zeroPoint(zeroPoint), lo(lo), hi(hi),
      accBound(accBound), rmode(rmode) {
  for (size_t i = 0; i < multipliers.size(); ++i)
    rows.emplace_back(multipliers[i], shifts[i], qmode, rmode);
  folded = !rows.empty();
  for (int64_t c = 0; c < channels && folded; ++c) {
    double s = 0, a = 0;
    int32_t b = 0;
    folded = rows[rows.size() == 1 ? 0 : c].foldedConstants(
        this->bias.empty() ? 0 : this->bias[c], zeroPoint, lo, hi, accBound, s,
        a, b);
    scale.push_back(s);
    addend.push_back(a);
    bias32.push_back(b);
  }
}

void RequantChannels::apply(const int32_t *acc, int64_t accStride,
                            int64_t pixelStride, int64_t firstChannel,
                            int64_t channels, int64_t pixels, float *out,
                            int64_t outStride) const {
  if (pixelStride != 1) {
    for (int64_t c = 0; c < channels; ++c) {
      int64_t channel = firstChannel + c;
      rows[rows.size() == 1 ? 0 : channel].applyStrided(
          acc + c * accStride, pixelStride, pixels,
          bias.empty() ? 0 : bias[channel], zeroPoint, lo, hi,
          out + c * outStride);
    }
    return;
  }
#if TPUC_VEC_AVX2
  if (folded && pixels >= 8) {
    const double *s = scale.data() + firstChannel;
    const double *a = addend.data() + firstChannel;
    const int32_t *b = bias32.data() + firstChannel;
    double l = static_cast<double>(lo), h = static_cast<double>(hi);
    switch (rmode) {
    case RoundMode::HalfUp:
      return requantBlockFolded<RoundMode::HalfUp>(
          acc, accStride, channels, pixels, s, a, b, l, h, out, outStride);
    case RoundMode::HalfDown:
      return requantBlockFolded<RoundMode::HalfDown>(
          acc, accStride, channels, pixels, s, a, b, l, h, out, outStride);
    case RoundMode::Down:
      return requantBlockFolded<RoundMode::Down>(
          acc, accStride, channels, pixels, s, a, b, l, h, out, outStride);
    case RoundMode::Up:
      return requantBlockFolded<RoundMode::Up>(
          acc, accStride, channels, pixels, s, a, b, l, h, out, outStride);
    default:
      break;
    }
  }
#endif
  for (int64_t c = 0; c < channels; ++c) {
    int64_t channel = firstChannel + c;
    rows[rows.size() == 1 ? 0 : channel].apply(
        acc + c * accStride, pixels, bias.empty() ? 0 : bias[channel],
        zeroPoint, lo, hi, out + c * outStride, accBound);
  }
}

bool addInt8(llvm::ArrayRef<AddInt8Input> inputs, bool sharedShift,
             int64_t sharedRshift, RoundMode rmode, int64_t zeroPoint,
             int64_t lo, int64_t hi, int64_t count, float *out) {
#if TPUC_VEC_AVX2
  constexpr size_t kMaxInputs = 16;
  if (!cpuHasAvx2Fma() || inputs.empty() || inputs.size() > kMaxInputs ||
      !within(zeroPoint, kTwo31) || !within(lo, kTwo31) ||
      !within(hi, kTwo31) || lo > hi)
    return false;
  if (sharedShift && (sharedRshift < 0 || sharedRshift > kMaxShift))
    return false;
  double scales[kMaxInputs];
  for (size_t j = 0; j < inputs.size(); ++j) {
    const AddInt8Input &in = inputs[j];
    if (in.qmin > in.qmax || !within(in.qmin, 1 << 16) ||
        !within(in.qmax, 1 << 16) || in.zeroPoint < in.qmin ||
        in.zeroPoint > in.qmax || !within(in.multiplier, kTwo31))
      return false;
    if (!sharedShift && (in.rshift < 0 || in.rshift > kMaxShift))
      return false;
    scales[j] = std::ldexp(1.0, -static_cast<int>(in.rshift));
  }
  double sharedScale =
      std::ldexp(1.0, -static_cast<int>(sharedShift ? sharedRshift : 0));
  // int32 lanes when every |(q - zp) * M| + 2^r and every sum stays below
  // 2^31 (small multipliers, as the chips' adds have).
  bool fits32 = !sharedShift || sharedRshift <= 30;
  int64_t total = (int64_t(1) << 30) / 4; // sums bounded by total, below
  int64_t sum = 0;
  for (const AddInt8Input &in : inputs) {
    int64_t d = std::max(in.qmax - in.zeroPoint, in.zeroPoint - in.qmin);
    int64_t term = d * std::abs(in.multiplier);
    fits32 &= term + (int64_t(1) << std::min<int64_t>(in.rshift, 40)) <= total;
    fits32 &= sharedShift || in.rshift <= 30;
    sum += term + 1;
  }
  int64_t lastShift = sharedShift ? std::min<int64_t>(sharedRshift, 40) : 0;
  fits32 &= sum + std::abs(zeroPoint) + (int64_t(1) << lastShift) <= total;
  int64_t done = byMode(rmode, [&](auto r) {
    if (fits32)
      return addLoop32<decltype(r)::value>(inputs, sharedShift, sharedRshift,
                                           zeroPoint, lo, hi, count, out);
    return addLoop<decltype(r)::value>(inputs, sharedShift, sharedScale,
                                       scales, zeroPoint, lo, hi, count, out);
  });
  // The tail, one value at a time in the same f64 arithmetic.
  for (int64_t e = done; e < count; ++e) {
    double sum = 0;
    for (size_t j = 0; j < inputs.size(); ++j) {
      const AddInt8Input &in = inputs[j];
      float v = in.data[e];
      v = v != v ? 0.0f : std::min(std::max(v, float(in.qmin)), float(in.qmax));
      double term = (static_cast<double>(std::nearbyint(v)) - in.zeroPoint) *
                    static_cast<double>(in.multiplier);
      if (!sharedShift)
        term = Requant::rightShiftRound(static_cast<int64_t>(term), in.rshift,
                                        rmode);
      sum += term;
    }
    int64_t y = static_cast<int64_t>(sum);
    if (sharedShift)
      y = Requant::rightShiftRound(y, sharedRshift, rmode);
    out[e] = static_cast<float>(std::min(std::max(y + zeroPoint, lo), hi));
  }
  return true;
#else
  return false;
#endif
}

bool quantizeFloats(const float *src, int64_t count, double scale,
                    RoundMode rmode, int64_t zeroPoint, int64_t qmin,
                    int64_t qmax, float *dst) {
#if TPUC_VEC_AVX2
  if (!cpuHasAvx2Fma() || !within(qmin, kTwo31) || !within(qmax, kTwo31) ||
      !within(zeroPoint, kTwo31) || qmin > qmax)
    return false;
  int64_t done = byMode(rmode, [&](auto r) {
    return quantizeLoop<decltype(r)::value>(src, count, scale, zeroPoint, qmin,
                                            qmax, dst);
  });
  for (int64_t e = done; e < count; ++e) {
    int64_t q = roundToInt(static_cast<double>(src[e]) / scale, rmode);
    const int64_t bound = int64_t(1) << 40;
    q = std::min(std::max(q, -bound), bound) + zeroPoint;
    dst[e] = static_cast<float>(std::min(std::max(q, qmin), qmax));
  }
  return true;
#else
  return false;
#endif
}

} // namespace tpuc::kernels
