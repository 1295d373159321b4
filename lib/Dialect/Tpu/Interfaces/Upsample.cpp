//===- Upsample.cpp - tpu.Upsample inference ------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// output[n, c, y, x] = input[n, c, y / scale_h, x / scale_w]: each input row
// is expanded once (every element repeated scale_w times) and copied to its
// scale_h output rows. Work is split over (batch, channel) planes.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <algorithm>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult UpsampleOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  const int64_t planes = in[0] * in[1], ih = in[2], iw = in[3];
  const int64_t sh = getScaleH(), sw = getScaleW();
  const int64_t ow = iw * sw;
  const float *input = p.inputs[0];
  float *output = p.outputs[0];
  parallelFor(
      0, planes,
      chooseGrain(planes, 1 + 16384 / std::max<int64_t>(1, ih * iw * sh * sw)),
      [&](int64_t lo, int64_t hi) {
        for (int64_t plane = lo; plane < hi; ++plane) {
          const float *src = input + plane * ih * iw;
          float *dst = output + plane * ih * sh * ow;
          for (int64_t y = 0; y < ih; ++y) {
            float *row = dst + y * sh * ow;
            for (int64_t x = 0; x < iw; ++x)
              std::fill(row + x * sw, row + (x + 1) * sw, src[y * iw + x]);
            for (int64_t k = 1; k < sh; ++k)
              std::copy(row, row + ow, row + k * ow);
          }
        }
      });
  return success();
}
