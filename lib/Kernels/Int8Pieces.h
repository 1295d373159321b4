//===- Int8Pieces.h - exact int8 products on oneDNN, shared parts -*- C++
//-*-===//
//
// Part of tpuc. Private to lib/Kernels.
//
// How ConvInt8 and MatMulInt8 get exact integer sums out of oneDNN's int8
// primitives (u8 source, s8 weights, s32 destination), whatever the CPU:
//
// 1. No saturation inside the primitive. Without VNNI (AVX2, AVX-512 before
//    Cascade Lake) oneDNN multiplies with VPMADDUBSW, which adds two u8 x s8
//    products into a *saturating* int16 (oneDNN's "Nuances of int8
//    computations"): 255 * 127 * 2 does not fit. With s8 sources it shifts
//    them to u8 and, in convolutions, halves the weights (inexact). Both are
//    avoided by feeding only u8 sources in [0, 128]: then a pair is at most
//    128 * 127 * 2 = 32512 and at least 128 * -128 * 2 = -32768, exact in
//    int16, and nothing is shifted.
// 2. No rounding on the way out. oneDNN converts the int32 accumulator to
//    f32 before writing an s32 destination (scales, post-ops): exact only up
//    to 2^24 in magnitude. So every primitive run sums a range of the
//    reduction whose weights satisfy 128 * sum |w| <= 2^24 for every output
//    (the caller splits the reduction into such ranges).
//
// Each source value v = d + o (d the code minus the zero point, o an offset
// fixed by the range of the codes, chooseOffset) is split into the piece A =
// clamp(v, 0, 128), which the primitive multiplies, and the rest e = v - A in
// [-127, 127], nonzero only outside the window [-o, 128 - o] of codes: few
// values in practice (the window holds the middle of the distribution). The
// rest is added exactly by the caller, either scattered (e times the weights it
// meets, int32) or, when there are many, by more primitive runs on the pieces
// max(e, 0) and max(-e, 0), each in [0, 127]. The offset is removed at the
// end: sum (d + o) w - o sum w. Every partial sum is bounded by
// 255 * sum |w|, which the callers check to fit int32.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_KERNELS_INT8PIECES_H
#define TPUC_LIB_KERNELS_INT8PIECES_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tpuc::kernels::detail {

/// The largest value a primitive's source piece takes.
constexpr int32_t kPieceMax = 128;

/// The largest |accumulator| a primitive run may produce: its f32
/// conversion must be exact.
constexpr int64_t kExactF32 = int64_t(1) << 24;

/// The integer code of a buffer value, as the scalar kernels read it:
/// rounded half to even, NaN as 0, clamped to [lo, hi] (integers in
/// [-2^21, 2^21]). Clamping before rounding is the same as after, the
/// bounds being integers; adding and subtracting 1.5 * 2^23 rounds a float
/// of magnitude below 2^22 to an integer, ties to even (IEEE arithmetic in
/// the default rounding mode: the project is not built with -ffast-math,
/// which would fold the two operations away).
inline int32_t toCode(float value, float lo, float hi) {
  if (value != value) // NaN
    value = 0.0f;
  value = value < lo ? lo : (value > hi ? hi : value);
  constexpr float magic = 12582912.0f;
  return static_cast<int32_t>((value + magic) - magic);
}

/// The offset o for source values d in [lo, hi] (lo <= 0 <= hi): the
/// window [-o, 128 - o] covers [lo, hi] when it can, else it lies inside
/// [lo, hi] as close to [-64, 64] as it can; o is in [0, 128].
inline int32_t chooseOffset(int32_t lo, int32_t hi) {
  int32_t a = std::min(lo, hi - kPieceMax), b = std::max(lo, hi - kPieceMax);
  return -std::clamp(-kPieceMax / 2, a, b);
}

/// The piece A of a source value v = d + o.
inline uint8_t pieceOf(int32_t v) {
  return static_cast<uint8_t>(std::clamp(v, 0, kPieceMax));
}

/// For i in [0, n): v = toCode(src[i], lo, hi) + shift, piece[i] = A =
/// clamp(v, 0, 128), rest[i] = v - A (in [-127, 127] for 8-bit codes and
/// shift = o - zp). Returns whether a rest is nonzero. The SSE2 loop does
/// the same arithmetic in f32 (every value is an integer below 2^9: exact)
/// as the scalar one.
inline bool convertRow(const float *src, int64_t n, float lo, float hi,
                       int32_t shift, uint8_t *piece, int8_t *rest) {
  int64_t i = 0;
  bool any = false;
#if defined(__SSE2__)
  const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi);
  const __m128 magic = _mm_set1_ps(12582912.0f);
  const __m128 vshift = _mm_set1_ps(static_cast<float>(shift));
  const __m128 zero = _mm_setzero_ps(), top = _mm_set1_ps(kPieceMax);
  __m128i anyRest = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    __m128i a[4], e[4];
    for (int k = 0; k < 4; ++k) {
      __m128 v = _mm_loadu_ps(src + i + 4 * k);
      v = _mm_andnot_ps(_mm_cmpunord_ps(v, v), v); // NaN -> 0
      v = _mm_min_ps(_mm_max_ps(v, vlo), vhi);
      v = _mm_sub_ps(_mm_add_ps(v, magic), magic); // half to even
      v = _mm_add_ps(v, vshift);
      __m128 p = _mm_min_ps(_mm_max_ps(v, zero), top);
      a[k] = _mm_cvttps_epi32(p);
      e[k] = _mm_cvttps_epi32(_mm_sub_ps(v, p));
    }
    __m128i pieces = _mm_packus_epi16(_mm_packs_epi32(a[0], a[1]),
                                      _mm_packs_epi32(a[2], a[3]));
    __m128i rests = _mm_packs_epi16(_mm_packs_epi32(e[0], e[1]),
                                    _mm_packs_epi32(e[2], e[3]));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(piece + i), pieces);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(rest + i), rests);
    anyRest = _mm_or_si128(anyRest, rests);
  }
  any =
      _mm_movemask_epi8(_mm_cmpeq_epi8(anyRest, _mm_setzero_si128())) != 0xffff;
#endif
  for (; i < n; ++i) {
    int32_t v = toCode(src[i], lo, hi) + shift;
    int32_t a = std::clamp(v, 0, kPieceMax);
    piece[i] = static_cast<uint8_t>(a);
    rest[i] = static_cast<int8_t>(v - a);
    any |= v != a;
  }
  return any;
}

/// dst[i] = toCode(src[i], lo, hi) + shift as floats (exact integers), for
/// the f32 path of small reductions.
inline void convertCodes(const float *src, int64_t n, float lo, float hi,
                         float shift, float *dst) {
  int64_t i = 0;
#if defined(__SSE2__)
  const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi);
  const __m128 magic = _mm_set1_ps(12582912.0f);
  const __m128 vshift = _mm_set1_ps(shift);
  for (; i + 4 <= n; i += 4) {
    __m128 v = _mm_loadu_ps(src + i);
    v = _mm_andnot_ps(_mm_cmpunord_ps(v, v), v); // NaN -> 0
    v = _mm_min_ps(_mm_max_ps(v, vlo), vhi);
    v = _mm_sub_ps(_mm_add_ps(v, magic), magic); // half to even
    _mm_storeu_ps(dst + i, _mm_add_ps(v, vshift));
  }
#endif
  for (; i < n; ++i)
    dst[i] = static_cast<float>(toCode(src[i], lo, hi)) + shift;
}

/// A per-thread, grow-only, 64-byte aligned work buffer of the int8
/// kernels; its contents are rewritten before each use.
inline char *int8WorkBuffer(size_t bytes) {
  thread_local std::unique_ptr<char[]> buffer;
  thread_local size_t size = 0;
  if (size < bytes + 64) {
    buffer.reset();
    buffer.reset(new char[bytes + 64]);
    size = bytes + 64;
  }
  auto address = reinterpret_cast<uintptr_t>(buffer.get());
  return buffer.get() + ((64 - address % 64) % 64);
}

inline size_t roundUp64(size_t n) { return (n + 63) / 64 * 64; }

} // namespace tpuc::kernels::detail

#endif // TPUC_LIB_KERNELS_INT8PIECES_H
