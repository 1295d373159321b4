//===- LayerNorm.cpp - tpu.LayerNorm inference ----------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 layer normalization of top.LayerNorm (tpuc/Kernels/LayerNorm.h,
// the same kernel: mean and variance accumulated in double, output, mean
// and rstd in f32) on operands already of the op's float type, scale and
// bias broadcast to the normalized axes; then every value of the three
// results rounded to that type (f16 / bf16; f32 as is).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/LayerNorm.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

/// The static shape of an operand, empty for none.
static ArrayRef<int64_t> shapeOrEmpty(Value value) {
  if (auto type = dyn_cast<RankedTensorType>(value.getType()))
    return type.getShape();
  return {};
}

LogicalResult LayerNormOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t rank = shape.size();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= shape[d];
  ArrayRef<int64_t> normalized = shape.drop_front(axis);
  std::vector<float> scale = kernels::expandTo(
      p.inputs[1], shapeOrEmpty(getScale()), normalized, 1.0f);
  std::vector<float> bias =
      kernels::expandTo(p.inputs[2], shapeOrEmpty(getBias()), normalized, 0.0f);
  kernels::layerNorm(p.inputs[0], scale.data(), bias.data(), p.outputs[0],
                     p.outputs[1], p.outputs[2], outer, inner,
                     getEps().convertToDouble());
  Type type = elementOf(getOutput());
  if (type.isF32())
    return success();
  for (auto [i, result] : llvm::enumerate(getResults())) {
    float *data = p.outputs[i];
    int64_t total = numElements(result);
    parallelFor(0, total, chooseGrain(total, 4096),
                [&](int64_t lo, int64_t hi) {
                  for (int64_t e = lo; e < hi; ++e)
                    data[e] = roundToType(data[e], type);
                });
  }
  return success();
}
