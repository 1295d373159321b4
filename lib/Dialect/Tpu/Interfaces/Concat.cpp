//===- Concat.cpp - tpu.Concat inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The inputs are copied block by block: for every index `o` of the axes
// before `axis`, input i contributes its dim(axis)·inner contiguous values
// after those of inputs 0..i-1.
//
// INT8: an input whose element type is the result's is copied code for
// code; any other input i is requantized,
//   y = sat(applyMultiplierAndRShift(q_i − zp_i, M_i, r_i, quant_mode,
//                                    round_mode) + zp_out),
// exact in int64. `do_relu` then clamps every result below at zp_out and,
// when `relu_limit` > 0, above at sat(round(relu_limit / scale_out) +
// zp_out).
//
// Float: the values copied, the fused ReLU applied, and each value rounded
// to the result type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult ConcatOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  int64_t rank = outShape.size();
  int64_t given = static_cast<int64_t>(getAxis());
  int64_t axis = given < 0 ? given + rank : given;
  if (axis < 0 || axis >= rank)
    return emitOpError("axis out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= outShape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= outShape[d];
  const int64_t outChunk = outShape[axis] * inner;
  const bool doRelu = getDoRelu();
  const double limit = getReluLimit().convertToDouble();
  Type outType = elementOf(getOutput());
  std::optional<IntegerStorage> outStorage = getIntegerStorage(outType);
  SmallVector<int64_t> multipliers = getIntegers(getMultipliersAttr());
  SmallVector<int64_t> shifts = getIntegers(getRshiftsAttr());
  quant::RoundMode rmode = toQuantMath(getRoundMode());
  std::pair<int64_t, int64_t> bounds;
  if (outStorage)
    bounds = getIntegerBounds(*outStorage, doRelu, limit);
  float *output = p.outputs[0];

  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    const int64_t chunk = shapeOf(input)[axis] * inner;
    const float *src = p.inputs[i];
    // What happens to each value of this input.
    enum class Kind { Float, Copy, Requant } kind = Kind::Float;
    IntegerStorage inS, outS;
    int64_t m = 1, r = 0;
    quant::QuantMode qmode = quant::QuantMode::MultiplierShift;
    if (outStorage) {
      std::optional<IntegerStorage> inStorage =
          getIntegerStorage(elementOf(input));
      if (!inStorage)
        return emitOpError("INT8 inference needs quantized inputs");
      inS = *inStorage;
      outS = *outStorage;
      kind = elementOf(input) == outType ? Kind::Copy : Kind::Requant;
      if (kind == Kind::Requant) {
        if (multipliers.size() != getInputs().size() ||
            shifts.size() != getInputs().size() || !getQuantMode())
          return emitOpError("INT8 inference needs quant_mode and one "
                             "multiplier and rshift per input");
        m = multipliers[i];
        r = shifts[i];
        qmode = toQuantMath(*getQuantMode());
      }
    }
    auto [lo, hi] = bounds;
    auto convert = [&](float v) -> float {
      if (kind == Kind::Float)
        return roundToType(applyFloatRelu(v, doRelu, limit), outType);
      int64_t q = clampTo(toInteger(v), inS);
      if (kind == Kind::Requant)
        q = clampTo(quant::applyMultiplierAndRShift(q - inS.zeroPoint, m, r,
                                                    qmode, rmode) +
                        outS.zeroPoint,
                    outS);
      return static_cast<float>(std::min(std::max(q, lo), hi));
    };
    parallelFor(0, outer, chooseGrain(outer, 1 + 4096 / (chunk + 1)),
                [&](int64_t begin, int64_t end) {
                  for (int64_t o = begin; o < end; ++o) {
                    const float *from = src + o * chunk;
                    float *to = output + o * outChunk + offset;
                    for (int64_t e = 0; e < chunk; ++e)
                      to[e] = convert(from[e]);
                  }
                });
    offset += chunk;
  }
  return success();
}
