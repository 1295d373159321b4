//===- Mul.cpp - tpu.Mul inference ----------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The inputs broadcast to the result as numpy does (Indexing.h).
//
// INT8, exact in int64:
//   y = sat(applyMultiplierAndRShift((q_a − zp_a)·(q_b − zp_b), M, r,
//                                    quant_mode, round_mode) + zp_out)
// with the input codes clamped to their storage ranges; `do_relu` clamps
// below at zp_out and, with a positive `relu_limit`, above at
// sat(round(relu_limit / scale_out) + zp_out).
//
// Float: the product in f32, the fused ReLU, then the result rounded to the
// result type.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult MulOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  SmallVector<SmallVector<int64_t>> strides = {
      broadcastStrides(shapeOf(getLhs()), outShape),
      broadcastStrides(shapeOf(getRhs()), outShape)};
  const float *a = p.inputs[0], *b = p.inputs[1];
  float *out = p.outputs[0];
  const bool doRelu = getDoRelu();
  const double limit = getReluLimit().convertToDouble();
  std::optional<IntegerStorage> outStorage =
      getIntegerStorage(elementOf(getOutput()));
  if (!outStorage) {
    Type type = elementOf(getOutput());
    forEachElement(outShape, strides, [&](int64_t e, ArrayRef<int64_t> at) {
      out[e] =
          roundToType(applyFloatRelu(a[at[0]] * b[at[1]], doRelu, limit), type);
    });
    return success();
  }
  std::optional<IntegerStorage> sa = getIntegerStorage(elementOf(getLhs()));
  std::optional<IntegerStorage> sb = getIntegerStorage(elementOf(getRhs()));
  SmallVector<int64_t> m = getIntegers(getMultiplierAttr());
  SmallVector<int64_t> r = getIntegers(getRshiftAttr());
  if (!sa || !sb || m.size() != 1 || r.size() != 1 || !getQuantMode())
    return emitOpError("INT8 inference needs quantized inputs, quant_mode and "
                       "one multiplier and rshift");
  const quant::QuantMode qmode = toQuantMath(*getQuantMode());
  const quant::RoundMode rmode = toQuantMath(getRoundMode());
  const IntegerStorage inA = *sa, inB = *sb, outS = *outStorage;
  auto [lo, hi] = getIntegerBounds(outS, doRelu, limit);
  forEachElement(outShape, strides, [&](int64_t e, ArrayRef<int64_t> at) {
    int64_t x = clampTo(toInteger(a[at[0]]), inA) - inA.zeroPoint;
    int64_t y = clampTo(toInteger(b[at[1]]), inB) - inB.zeroPoint;
    int64_t q = clampTo(
        quant::applyMultiplierAndRShift(x * y, m[0], r[0], qmode, rmode) +
            outS.zeroPoint,
        outS);
    out[e] = static_cast<float>(std::min(std::max(q, lo), hi));
  });
  return success();
}
