//===- Pad.cpp - tpu.Pad inference ----------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Per axis d, output index o reads input index i = o − paddings[d]; outside
// [0, dim) it is, by pad_mode, the pad value (Constant), the mirror index
// −i or 2·(dim − 1) − i (Reflect), or the clamped index (Edge). An element
// reads the input only when every axis does, else it is `val`, which holds
// what the chip stores (the integer code, or a value of the float type, as
// verified). The other elements are copied as they are.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult PadOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  SmallVector<int64_t> pads = getIntegers(getPaddings());
  const int64_t rank = in.size();
  const PadMode mode = getPadMode();
  const float value = static_cast<float>(getVal().convertToDouble());
  if (rank == 0) {
    p.outputs[0][0] = p.inputs[0][0];
    return success();
  }
  // Per axis, the input offset each output index reads (−1: the pad value).
  SmallVector<int64_t> strides = rowMajorStrides(in);
  SmallVector<SmallVector<int64_t>> source(rank);
  for (int64_t d = 0; d < rank; ++d)
    for (int64_t o = 0; o < out[d]; ++o) {
      int64_t i = o - pads[d];
      if (i < 0 || i >= in[d]) {
        if (mode == PadMode::Constant)
          i = -1;
        else if (mode == PadMode::Edge)
          i = std::clamp<int64_t>(i, 0, in[d] - 1);
        else // Reflect: the paddings are below the dimension
          i = i < 0 ? -i : 2 * (in[d] - 1) - i;
      }
      source[d].push_back(i < 0 ? -1 : i * strides[d]);
    }
  // Walk the output rows (every axis but the last).
  const int64_t inner = out[rank - 1];
  const int64_t rows = numElements(getOutput()) / inner;
  const SmallVector<int64_t> &last = source[rank - 1];
  const float *input = p.inputs[0];
  float *output = p.outputs[0];
  parallelFor(0, rows, chooseGrain(rows, 1 + 4096 / inner),
              [&](int64_t lo, int64_t hi) {
                for (int64_t r = lo; r < hi; ++r) {
                  float *dst = output + r * inner;
                  int64_t base = 0;
                  bool padded = false;
                  for (int64_t d = rank - 2, rest = r; d >= 0; --d) {
                    int64_t s = source[d][rest % out[d]];
                    rest /= out[d];
                    padded |= s < 0;
                    base += s;
                  }
                  if (padded) {
                    std::fill(dst, dst + inner, value);
                    continue;
                  }
                  for (int64_t j = 0; j < inner; ++j)
                    dst[j] = last[j] < 0 ? value : input[base + last[j]];
                }
              });
  return success();
}
