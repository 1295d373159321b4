//===- WeightQuantization.cpp - INT8 weights and requant per chip ---------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Conversion/TopToTpu/WeightQuantization.h"
#include "tpuc/Support/QuantMath.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

using namespace tpuc;
using namespace tpuc::lowering;
using quant::RoundMode;

namespace {
constexpr double kMinWeightScale = 1e-5;

int64_t innerSize(const ConvQuantInput &in) {
  return in.outChannels > 0
             ? static_cast<int64_t>(in.weight.size()) / in.outChannels
             : 0;
}

double channelAbsMax(const ConvQuantInput &in, int64_t c) {
  int64_t inner = innerSize(in);
  double m = 0;
  for (int64_t k = 0; k < inner; ++k)
    m = std::max(m, std::fabs(double(in.weight[c * inner + k])));
  return m;
}

int64_t clampInt(int64_t v, int64_t lo, int64_t hi) {
  return std::min(std::max(v, lo), hi);
}
} // namespace

ConvQuantResult lowering::quantizeConvBM1684X(const ConvQuantInput &in) {
  ConvQuantResult out;
  const int64_t inner = innerSize(in);
  const bool hasBias = !in.bias.empty();
  out.weight.resize(in.weight.size());
  for (int64_t c = 0; c < in.outChannels; ++c) {
    double scale = static_cast<size_t>(c) < in.weightScales.size()
                       ? in.weightScales[c]
                       : channelAbsMax(in, c) / 127.0;
    scale = std::max(scale, kMinWeightScale);
    out.weightScale.push_back(scale);
    int64_t sum = 0;
    for (int64_t k = 0; k < inner; ++k) {
      int64_t q = clampInt(quant::roundToInt(in.weight[c * inner + k] / scale,
                                             RoundMode::HalfAwayFromZero),
                           -127, 127);
      out.weight[c * inner + k] = q;
      sum += q;
    }
    quant::MultiplierShift ms =
        quant::getScaleAndShift(scale * in.inScale / in.outScale, 32);
    out.multiplier.push_back(ms.multiplier);
    out.rshift.push_back(ms.rshift);
    if (hasBias || in.inZeroPoint != 0) {
      int64_t b = hasBias ? quant::roundToInt(in.bias[c] / (scale * in.inScale),
                                              RoundMode::HalfAwayFromZero)
                          : 0;
      out.bias.push_back(quant::saturate(b - in.inZeroPoint * sum, 32, true));
    }
  }
  return out;
}

ConvQuantResult lowering::quantizeConvBM1684(const ConvQuantInput &in,
                                             bool &ok) {
  ConvQuantResult out;
  double maxWeight = 0;
  for (float w : in.weight)
    maxWeight = std::max(maxWeight, std::fabs(double(w)));
  int64_t rshift =
      quant::calRightShiftNum(maxWeight, in.inScale, in.outScale, 8);
  ok = rshift >= 0 && in.inZeroPoint == 0;
  if (!ok)
    return out;
  auto biasAt = [&](int64_t shift, size_t c) {
    return quant::roundToInt(in.bias[c] * std::ldexp(1.0, shift) / in.outScale,
                             RoundMode::HalfAwayFromZero);
  };
  // Lower the shift while more than 3 % of the bias overflows int16.
  if (!in.bias.empty())
    while (rshift > 0) {
      size_t overflow = 0;
      for (size_t c = 0; c < in.bias.size(); ++c) {
        int64_t b = biasAt(rshift, c);
        overflow += b > INT16_MAX || b < INT16_MIN;
      }
      if (overflow * 100 <= in.bias.size() * 3)
        break;
      --rshift;
    }
  const double factor = std::ldexp(1.0, rshift) * in.inScale / in.outScale;
  out.weight.reserve(in.weight.size());
  for (float w : in.weight)
    out.weight.push_back(clampInt(
        quant::roundToInt(w * factor, RoundMode::HalfAwayFromZero), -128, 127));
  for (size_t c = 0; c < in.bias.size(); ++c)
    out.bias.push_back(quant::saturate(biasAt(rshift, c), 16, true));
  out.multiplier.push_back(1);
  out.rshift.push_back(rshift);
  out.weightScale.push_back(1.0 / factor * in.inScale);
  return out;
}

ConvQuantResult lowering::quantizeConvCV18xx(const ConvQuantInput &in) {
  ConvQuantResult out;
  const int64_t inner = innerSize(in);
  const double thX = 127.0 * in.inScale, thY = 127.0 * in.outScale;
  out.weight.resize(in.weight.size());
  for (int64_t c = 0; c < in.outChannels; ++c) {
    double maxW = static_cast<size_t>(c) < in.weightScales.size()
                      ? in.weightScales[c] * 127.0
                      : channelAbsMax(in, c);
    double qscale = maxW * thX / (127.0 * thY);
    if (!in.bias.empty()) {
      double biasNeed = std::fabs(double(in.bias[c])) * 127.0 /
                        (double(INT32_MAX) * 0.998 * thY);
      if (biasNeed > qscale && biasNeed < 1.0)
        qscale = biasNeed;
    }
    qscale = std::min(std::max(qscale, 1e-12), 0.999999);
    quant::MultiplierShift ms = quant::quantizeMultiplier(qscale);
    out.multiplier.push_back(ms.multiplier);
    out.rshift.push_back(ms.rshift);
    // The exact factor the chip applies: multiplier / 2^(rshift + 31).
    const double applied =
        double(ms.multiplier) / std::ldexp(1.0, int(ms.rshift) + 31);
    out.weightScale.push_back(applied * thY / thX);
    for (int64_t k = 0; k < inner; ++k)
      out.weight[c * inner + k] = clampInt(
          quant::roundToInt(in.weight[c * inner + k] * (thX / thY) / applied,
                            RoundMode::HalfToEven),
          -128, 127);
    if (!in.bias.empty())
      out.bias.push_back(
          quant::saturate(quant::roundToInt(in.bias[c] * 127.0 / thY / applied,
                                            RoundMode::HalfToEven),
                          32, true));
  }
  return out;
}
