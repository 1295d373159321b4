//===- Active.cpp - tpu.Active inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// y = f(x) in f32 by the formula of the Top op the mode stands for (the
// shared tpuc/Kernels/Activation.h, or the same std function the Top op
// calls), the coefficients taken as f32 as the Top ops take their
// attributes; then y rounded to the result type (f16 / bf16; f32 as is).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Activation.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

namespace {
/// `out[i] = round(fn(in[i]))` over `n` elements, in parallel chunks.
template <typename Fn>
void mapRounded(const float *in, float *out, int64_t n, Type type, Fn fn) {
  parallelFor(0, n, chooseGrain(n, 16384), [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      out[i] = roundToType(fn(in[i]), type);
  });
}
} // namespace

LogicalResult ActiveOp::inference(InferenceParameter &p) {
  SmallVector<float> c;
  if (ArrayAttr coeffs = getCoeffsAttr())
    for (Attribute a : coeffs)
      c.push_back(static_cast<float>(cast<FloatAttr>(a).getValueAsDouble()));
  const float *in = p.inputs[0];
  float *out = p.outputs[0];
  const int64_t n = numElements(getOutput());
  Type type = elementOf(getOutput());
  auto map = [&](auto fn) {
    mapRounded(in, out, n, type, fn);
    return success();
  };
  namespace k = tpuc::kernels;
  switch (getMode()) {
  case ActiveMode::Relu: {
    // As top.Relu: the f64 limit decides whether there is a cap (> 0).
    ArrayAttr coeffs = getCoeffsAttr();
    double limit = coeffs && !coeffs.empty()
                       ? cast<FloatAttr>(coeffs[0]).getValueAsDouble()
                       : -1.0;
    return map([=](float x) { return k::relu(x, limit); });
  }
  case ActiveMode::Abs:
    return map([](float x) { return std::abs(x); });
  case ActiveMode::Ceil:
    return map([](float x) { return std::ceil(x); });
  case ActiveMode::Cos:
    return map([](float x) { return std::cos(x); });
  case ActiveMode::Erf:
    return map([](float x) { return std::erf(x); });
  case ActiveMode::Exp:
    return map([](float x) { return std::exp(x); });
  case ActiveMode::Floor:
    return map([](float x) { return std::floor(x); });
  case ActiveMode::HardSwish:
    return map([](float x) { return k::hardSwish(x); });
  case ActiveMode::Log:
    return map([](float x) { return std::log(x); });
  case ActiveMode::Mish:
    return map([](float x) { return k::mish(x); });
  case ActiveMode::Neg:
    return map([](float x) { return -x; });
  case ActiveMode::Reciprocal:
    return map([](float x) { return 1.0f / x; });
  case ActiveMode::Round:
    return map([](float x) { return std::nearbyint(x); });
  case ActiveMode::Sigmoid:
    return map([](float x) { return k::sigmoid(x); });
  case ActiveMode::Sign:
    return map([](float x) { return k::sign(x); });
  case ActiveMode::SiLU:
    return map([](float x) { return k::silu(x); });
  case ActiveMode::Sin:
    return map([](float x) { return std::sin(x); });
  case ActiveMode::Softplus:
    return map([](float x) { return k::softplus(x); });
  case ActiveMode::Softsign:
    return map([](float x) { return k::softsign(x); });
  case ActiveMode::Sqrt:
    return map([](float x) { return std::sqrt(x); });
  case ActiveMode::Tanh:
    return map([](float x) { return std::tanh(x); });
  case ActiveMode::LeakyRelu:
    return map([a = c[0]](float x) { return k::leakyRelu(x, a); });
  case ActiveMode::Elu:
    return map([a = c[0]](float x) { return k::elu(x, a); });
  case ActiveMode::Selu:
    return map([a = c[0], g = c[1]](float x) { return k::selu(x, a, g); });
  case ActiveMode::Celu:
    return map([a = c[0]](float x) { return k::celu(x, a); });
  case ActiveMode::HardSigmoid:
    return map(
        [a = c[0], b = c[1]](float x) { return k::hardSigmoid(x, a, b); });
  case ActiveMode::Clip:
    return map([lo = c[0], hi = c[1]](float x) { return k::clip(x, lo, hi); });
  case ActiveMode::GELU:
    return map([](float x) { return k::gelu(x); });
  case ActiveMode::GELUTanh:
    return map([](float x) { return k::geluTanh(x); });
  }
  return emitOpError("unknown mode");
}
