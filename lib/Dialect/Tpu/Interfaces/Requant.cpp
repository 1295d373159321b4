//===- Requant.cpp - tpu.RequantInt and tpu.Lut inference -----------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// RequantInt: y = sat(applyMultiplierAndRShift(x, M[c], r[c], quant_mode,
// round_mode) + zp_out) with c the index on axis 1 (or one M / r for the
// whole tensor), sat the clamp to the result's storage range. The input is
// an integer tensor held in a float buffer (exact up to 2^24; a weight
// operand is read from its typed array, exact at any size).
//
// Lut: y = table[(uint8)x], x the input code (-128..127 or 0..255), the
// 256-entry int8 / uint8 table read as stored; an entry outside the
// result's storage range is saturated to it.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult RequantIntOp::inference(InferenceParameter &p) {
  std::optional<IntegerStorage> out = getIntegerStorage(elementOf(getOutput()));
  std::optional<IntegerStorage> in = getIntegerStorage(elementOf(getInput()));
  if (!out || !in)
    return emitOpError("needs an integer input and a quantized result");
  SmallVector<int64_t> multipliers = getIntegers(getMultiplier());
  SmallVector<int64_t> shifts = getIntegers(getRshift());
  if (multipliers.empty() || multipliers.size() != shifts.size())
    return emitOpError("needs as many multipliers as rshifts");
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t channels = shape.size() > 1 ? shape[1] : 1;
  int64_t inner = 1;
  for (size_t d = 2; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t total = numElements(getInput());
  std::vector<int64_t> values = readIntegers(p, 0, total);
  quant::QuantMode qmode = toQuantMath(getQuantMode());
  quant::RoundMode rmode = toQuantMath(getRoundMode());
  const IntegerStorage inS = *in, outS = *out;
  float *dst = p.outputs[0];
  parallelFor(0, total, chooseGrain(total, 4096), [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      size_t c = multipliers.size() == 1
                     ? 0
                     : static_cast<size_t>(e / inner % channels);
      int64_t y = quant::applyMultiplierAndRShift(
          clampTo(values[e], inS), multipliers[c], shifts[c], qmode, rmode);
      dst[e] = static_cast<float>(clampTo(y + outS.zeroPoint, outS));
    }
  });
  return success();
}

LogicalResult LutOp::inference(InferenceParameter &p) {
  std::optional<IntegerStorage> out = getIntegerStorage(elementOf(getOutput()));
  if (!out)
    return emitOpError("needs a quantized result");
  std::vector<int64_t> table = readIntegers(p, 1, 256);
  int64_t total = numElements(getInput());
  const float *src = p.inputs[0];
  float *dst = p.outputs[0];
  const IntegerStorage outS = *out;
  parallelFor(0, total, chooseGrain(total, 4096), [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      auto index = static_cast<uint8_t>(toInteger(src[e]) & 0xff);
      dst[e] = static_cast<float>(clampTo(table[index], outS));
    }
  });
  return success();
}
