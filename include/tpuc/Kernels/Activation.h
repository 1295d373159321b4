//===- Activation.h - elementwise float functions ---------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 formulas of the elementwise activations, shared by the Top ops
// (lib/Dialect/Top/Interfaces/Activation.cpp) and the float tpu.Active, so
// that a float Tpu op can never compute another function than the Top op it
// comes from (the F32 lowering reproduces the Top model's bits). Each
// computes in float what onnxruntime computes. Plain C++ (no MLIR).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_ACTIVATION_H
#define TPUC_KERNELS_ACTIVATION_H

#include <algorithm>
#include <cmath>

namespace tpuc::kernels {

/// ReLU capped at `limit` when it is positive (NaN passes through).
inline float relu(float x, double limit) {
  float v = std::max(x, 0.0f);
  return limit > 0.0 ? std::min(v, static_cast<float>(limit)) : v;
}

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

inline float silu(float x) { return x * sigmoid(x); }

/// log(1 + exp(x)) without overflow for large x.
inline float softplus(float x) {
  return x > 0.0f ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

inline float softsign(float x) { return x / (1.0f + std::abs(x)); }

inline float mish(float x) { return x * std::tanh(softplus(x)); }

/// 1, -1, or x itself for 0 and NaN.
inline float sign(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); }

inline float hardSwish(float x) {
  return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f));
}

inline float hardSigmoid(float x, float alpha, float beta) {
  return std::max(0.0f, std::min(1.0f, alpha * x + beta));
}

inline float leakyRelu(float x, float alpha) {
  return x >= 0.0f ? x : alpha * x;
}

inline float elu(float x, float alpha) {
  return x > 0.0f ? x : alpha * (std::exp(x) - 1.0f);
}

inline float selu(float x, float alpha, float gamma) {
  return gamma * (x > 0.0f ? x : alpha * (std::exp(x) - 1.0f));
}

inline float celu(float x, float alpha) {
  return std::max(0.0f, x) +
         std::min(0.0f, alpha * (std::exp(x / alpha) - 1.0f));
}

/// min(max(x, lo), hi); NaN compares false both ways and passes through.
inline float clip(float x, float lo, float hi) {
  float v = x < lo ? lo : x;
  return v > hi ? hi : v;
}

/// 0.5·x·(1 + erf(x/sqrt(2))).
inline float gelu(float x) {
  return 0.5f * x * (1.0f + std::erf(x * static_cast<float>(M_SQRT1_2)));
}

/// 0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x^3))).
inline float geluTanh(float x) {
  const float k = 0.7978845608028654f; // sqrt(2 / pi)
  return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
}

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_ACTIVATION_H
