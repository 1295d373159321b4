//===- Cast.cpp - tpu.Cast inference --------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Integer types are `!quant.uniform` (scale, zero point, storage range) or
// plain integers (scale 1, zero point 0, the type's range).
//
//   float -> integer:   q = sat(roundToInt(x / scale, round_mode) + zp), the
//                       division done in double on the f32 value;
//   integer -> float:   (q − zp)·scale computed in double, rounded to f32,
//                       then to f16 / bf16 when that is the result type;
//   float -> float:     the value rounded to the result type (to nearest
//                       even; f16/bf16 -> f32 is exact);
//   integer -> integer: the real value (q − zp_in)·scale_in (double), then
//                       quantized as above with the result's scale and zp.
//
// Float -> integer runs eight values at a time in f64 lanes where it can
// (kernels::quantizeFloats, RequantVec.h: the same division and an exact
// rounding).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/RequantVec.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult CastOp::inference(InferenceParameter &p) {
  Type inType = elementOf(getInput()), outType = elementOf(getOutput());
  std::optional<IntegerStorage> in = getIntegerStorage(inType);
  std::optional<IntegerStorage> out = getIntegerStorage(outType);
  if ((!in && !isa<FloatType>(inType)) || (!out && !isa<FloatType>(outType)))
    return emitOpError("casts only between float, per-tensor quantized and "
                       "integer types");
  quant::RoundMode rmode = toQuantMath(getRoundMode());
  int64_t total = numElements(getInput());
  const float *src = p.inputs[0];
  float *dst = p.outputs[0];
  parallelFor(0, total, chooseGrain(total, 4096), [&](int64_t lo, int64_t hi) {
    if (!in && out &&
        kernels::quantizeFloats(src + lo, hi - lo, out->scale, rmode,
                                out->zeroPoint, out->qmin, out->qmax,
                                dst + lo))
      return;
    for (int64_t e = lo; e < hi; ++e) {
      double real = in ? static_cast<double>(clampTo(toInteger(src[e]), *in) -
                                             in->zeroPoint) *
                             in->scale
                       : static_cast<double>(src[e]);
      if (out)
        dst[e] = static_cast<float>(
            addZeroPointAndSaturate(roundReal(real / out->scale, rmode), *out));
      else
        dst[e] = roundToType(static_cast<float>(real), outType);
    }
  });
  return success();
}
