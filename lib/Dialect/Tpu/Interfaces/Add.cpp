//===- Add.cpp - tpu.Add inference ----------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Inputs broadcast to the result (each dimension equal or 1, as verified).
//
// INT8, one rshift per input (BM1684X / BM1684), exact in int64:
//   y = sat(Σ_i rightShiftRound((q_i − zp_i)·M_i, r_i, round_mode) + zp_out)
// INT8, one shared rshift (CV18xx):
//   y = sat(rightShiftRound(Σ_i (q_i − zp_i)·M_i, r, round_mode) + zp_out)
// (`quant_mode` does not change the arithmetic of an eltwise add.) `do_relu`
// clamps below at zp_out and, with a positive `relu_limit`, above at
// sat(round(relu_limit / scale_out) + zp_out). Without broadcast (residual
// adds) the same arithmetic runs eight values at a time in exact f64 lanes
// (kernels::addInt8, RequantVec.h) where it applies.
//
// Float: the inputs summed in f32 in operand order, the fused ReLU, then the
// sum rounded to the result type.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Requant.h"
#include "tpuc/Kernels/RequantVec.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult AddOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  size_t rank = outShape.size();
  size_t numInputs = getInputs().size();
  int64_t total = numElements(getOutput());

  // Strides of each input over the result's index space (0 where the input
  // broadcasts).
  std::vector<SmallVector<int64_t, 6>> strides(numInputs);
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    ArrayRef<int64_t> shape = shapeOf(input);
    if (shape.size() != rank)
      return emitOpError("input rank differs from the result's");
    strides[i].assign(rank, 0);
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      strides[i][d] = shape[d] == 1 ? 0 : stride;
      stride *= shape[d];
    }
  }
  // Inputs of the result's own shape are read at the result's index (no
  // divisions: the common residual add).
  SmallVector<bool, 4> sameShape;
  for (Value input : getInputs())
    sameShape.push_back(shapeOf(input) == outShape);
  auto offsetOf = [&](int64_t flat, size_t input) {
    if (sameShape[input])
      return flat;
    int64_t offset = 0;
    for (size_t d = rank; d-- > 0;) {
      offset += (flat % outShape[d]) * strides[input][d];
      flat /= outShape[d];
    }
    return offset;
  };
  float *out = p.outputs[0];
  int64_t grain = chooseGrain(total, 4096);
  bool doRelu = getDoRelu();
  double limit = getReluLimit().convertToDouble();

  std::optional<IntegerStorage> outStorage =
      getIntegerStorage(elementOf(getOutput()));
  if (!outStorage) {
    Type type = elementOf(getOutput());
    parallelFor(0, total, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t e = lo; e < hi; ++e) {
        float sum = 0.0f;
        for (size_t i = 0; i < numInputs; ++i)
          sum += p.inputs[i][offsetOf(e, i)];
        out[e] = roundToType(applyFloatRelu(sum, doRelu, limit), type);
      }
    });
    return success();
  }

  SmallVector<int64_t> multipliers = getIntegers(getMultipliersAttr());
  SmallVector<int64_t> shifts = getIntegers(getRshiftsAttr());
  if (multipliers.size() != numInputs ||
      (shifts.size() != numInputs && shifts.size() != 1))
    return emitOpError("INT8 inference needs one multiplier per input and "
                       "one rshift per input or one shared");
  SmallVector<IntegerStorage> inStorage;
  for (Value input : getInputs()) {
    std::optional<IntegerStorage> s = getIntegerStorage(elementOf(input));
    if (!s)
      return emitOpError("INT8 inference needs quantized inputs");
    inStorage.push_back(*s);
  }
  bool shared = shifts.size() == 1 && numInputs > 1;
  quant::RoundMode rmode = toQuantMath(getRoundMode());
  auto [lo, hi] = getIntegerBounds(*outStorage, doRelu, limit);
  const IntegerStorage storage = *outStorage;
  if (llvm::all_of(sameShape, [](bool same) { return same; })) {
    // No broadcast (residual adds): in f64 lanes when that applies, else
    // input by input over a chunk, the same arithmetic in the same order per
    // element, without per-element index work.
    SmallVector<kernels::AddInt8Input, 4> vecInputs;
    for (size_t i = 0; i < numInputs; ++i)
      vecInputs.push_back({p.inputs[i], inStorage[i].qmin, inStorage[i].qmax,
                           inStorage[i].zeroPoint, multipliers[i],
                           shared ? 0 : shifts[i]});
    parallelFor(0, total, grain, [&](int64_t begin, int64_t end) {
      SmallVector<kernels::AddInt8Input, 4> chunk(vecInputs);
      for (kernels::AddInt8Input &in : chunk)
        in.data += begin;
      if (kernels::addInt8(chunk, shared, shifts[0], rmode, storage.zeroPoint,
                           std::max(lo, storage.qmin),
                           std::min(hi, storage.qmax), end - begin,
                           out + begin))
        return;
      std::vector<int64_t> sums(end - begin, 0);
      for (size_t i = 0; i < numInputs; ++i) {
        const float *x = p.inputs[i] + begin;
        const IntegerStorage &in = inStorage[i];
        for (int64_t e = 0; e < end - begin; ++e) {
          int64_t term =
              (clampTo(toInteger(x[e]), in) - in.zeroPoint) * multipliers[i];
          sums[e] += shared ? term
                            : kernels::Requant::rightShiftRound(term, shifts[i],
                                                                rmode);
        }
      }
      for (int64_t e = 0; e < end - begin; ++e) {
        int64_t sum =
            shared
                ? kernels::Requant::rightShiftRound(sums[e], shifts[0], rmode)
                : sums[e];
        int64_t y = clampTo(sum + storage.zeroPoint, storage);
        out[begin + e] = static_cast<float>(std::min(std::max(y, lo), hi));
      }
    });
    return success();
  }
  parallelFor(0, total, grain, [&](int64_t begin, int64_t end) {
    for (int64_t e = begin; e < end; ++e) {
      int64_t sum = 0;
      for (size_t i = 0; i < numInputs; ++i) {
        int64_t q =
            clampTo(toInteger(p.inputs[i][offsetOf(e, i)]), inStorage[i]);
        int64_t term = (q - inStorage[i].zeroPoint) * multipliers[i];
        sum += shared
                   ? term
                   : kernels::Requant::rightShiftRound(term, shifts[i], rmode);
      }
      if (shared)
        sum = kernels::Requant::rightShiftRound(sum, shifts[0], rmode);
      int64_t y = clampTo(sum + storage.zeroPoint, storage);
      out[e] = static_cast<float>(std::min(std::max(y, lo), hi));
    }
  });
  return success();
}
