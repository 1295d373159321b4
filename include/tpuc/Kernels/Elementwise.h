//===- Elementwise.h - binary and ternary float formulas --------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 formulas of the broadcasting Top ops Div, Pow, Compare, Where and
// PRelu, shared with their float Tpu forms so that a Tpu op can never
// compute another function than the Top op it comes from (the F32 lowering
// reproduces the Top model's bits). Each computes in float what onnxruntime
// computes. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_ELEMENTWISE_H
#define TPUC_KERNELS_ELEMENTWISE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <optional>

namespace tpuc::kernels {

inline float divide(float a, float b) { return a / b; }

/// The quotient of two integers held in float, truncated toward zero
/// (computed in double: exact for integers below 2^24).
inline float divideIntegers(float a, float b) {
  return static_cast<float>(
      std::trunc(static_cast<double>(a) / static_cast<double>(b)));
}

/// The remainder of a / b computed in double, rounded to f32 once: with
/// `fmod` of the sign of a (C's fmod), else of the sign of b (Python's %).
inline float remainder(float a, float b, bool fmod) {
  double r = std::fmod(static_cast<double>(a), static_cast<double>(b));
  if (!fmod && r != 0.0 && ((r < 0.0) != (b < 0.0f)))
    r += b;
  return static_cast<float>(r);
}

/// a^b computed in double, rounded to f32 once.
inline float power(float a, float b) {
  return static_cast<float>(
      std::pow(static_cast<double>(a), static_cast<double>(b)));
}

/// The comparisons and logical operations of top.Compare; a logical operand
/// is true when it is not 0.
enum class CompareMode {
  Equal,
  Greater,
  GreaterOrEqual,
  Less,
  LessOrEqual,
  And,
  Or,
  Xor,
};

/// The mode by its name in top.Compare's `mode` ("Equal", ...);
/// std::nullopt for another name.
inline std::optional<CompareMode> compareModeNamed(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<CompareMode>>(name)
      .Case("Equal", CompareMode::Equal)
      .Case("Greater", CompareMode::Greater)
      .Case("GreaterOrEqual", CompareMode::GreaterOrEqual)
      .Case("Less", CompareMode::Less)
      .Case("LessOrEqual", CompareMode::LessOrEqual)
      .Case("And", CompareMode::And)
      .Case("Or", CompareMode::Or)
      .Case("Xor", CompareMode::Xor)
      .Default(std::nullopt);
}

/// 1.0 when `a <mode> b` holds, else 0.0 (a NaN compares false, as in C).
inline float compare(CompareMode mode, float a, float b) {
  bool r = false;
  switch (mode) {
  case CompareMode::Equal:
    r = a == b;
    break;
  case CompareMode::Greater:
    r = a > b;
    break;
  case CompareMode::GreaterOrEqual:
    r = a >= b;
    break;
  case CompareMode::Less:
    r = a < b;
    break;
  case CompareMode::LessOrEqual:
    r = a <= b;
    break;
  case CompareMode::And:
    r = a != 0.0f && b != 0.0f;
    break;
  case CompareMode::Or:
    r = a != 0.0f || b != 0.0f;
    break;
  case CompareMode::Xor:
    r = (a != 0.0f) != (b != 0.0f);
    break;
  }
  return r ? 1.0f : 0.0f;
}

/// Where: x where the condition is not 0, else y.
inline float select(float condition, float x, float y) {
  return condition != 0.0f ? x : y;
}

/// PRelu: x itself when it is not negative, else slope·x.
inline float prelu(float x, float slope) { return x >= 0.0f ? x : slope * x; }

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_ELEMENTWISE_H
