//===- Eltwise.cpp - tpu.PRelu, Div, Pow, Compare, Where inference --------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Float only: the formula of the Top op (tpuc/Kernels/Elementwise.h, the
// same functions) on every element of the broadcast result (Indexing.h),
// in f32 on inputs already of the op's float type, then each result
// rounded to that type (f16 / bf16; f32 as is).
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

#include "tpuc/Kernels/Elementwise.h"

#include <array>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

/// out = fn(inputs...) over the broadcast result, rounded to its type.
template <size_t N, typename Fn>
static LogicalResult evalBroadcast(Operation *op, InferenceParameter &p,
                                   Fn fn) {
  Value output = op->getResult(0);
  ArrayRef<int64_t> outShape = shapeOf(output);
  SmallVector<SmallVector<int64_t>> strides;
  for (unsigned k = 0; k < N; ++k)
    strides.push_back(broadcastStrides(shapeOf(op->getOperand(k)), outShape));
  float *out = p.outputs[0];
  Type type = elementOf(output);
  std::array<const float *, N> in;
  for (unsigned k = 0; k < N; ++k)
    in[k] = p.inputs[k];
  forEachElement(outShape, strides, [&](int64_t e, ArrayRef<int64_t> at) {
    if constexpr (N == 2)
      out[e] = roundToType(fn(in[0][at[0]], in[1][at[1]]), type);
    else
      out[e] = roundToType(fn(in[0][at[0]], in[1][at[1]], in[2][at[2]]), type);
  });
  return success();
}

LogicalResult PReluOp::inference(InferenceParameter &p) {
  return evalBroadcast<2>(
      *this, p, [](float x, float s) { return kernels::prelu(x, s); });
}

LogicalResult DivOp::inference(InferenceParameter &p) {
  if (getInteger())
    return evalBroadcast<2>(*this, p, [](float a, float b) {
      return kernels::divideIntegers(a, b);
    });
  return evalBroadcast<2>(
      *this, p, [](float a, float b) { return kernels::divide(a, b); });
}

LogicalResult ModOp::inference(InferenceParameter &p) {
  bool fmod = getFmod();
  return evalBroadcast<2>(*this, p, [fmod](float a, float b) {
    return kernels::remainder(a, b, fmod);
  });
}

LogicalResult PowOp::inference(InferenceParameter &p) {
  return evalBroadcast<2>(
      *this, p, [](float a, float b) { return kernels::power(a, b); });
}

static kernels::CompareMode toKernel(CompareMode mode) {
  switch (mode) {
  case CompareMode::Equal:
    return kernels::CompareMode::Equal;
  case CompareMode::Greater:
    return kernels::CompareMode::Greater;
  case CompareMode::GreaterOrEqual:
    return kernels::CompareMode::GreaterOrEqual;
  case CompareMode::Less:
    return kernels::CompareMode::Less;
  case CompareMode::LessOrEqual:
    return kernels::CompareMode::LessOrEqual;
  case CompareMode::And:
    return kernels::CompareMode::And;
  case CompareMode::Or:
    return kernels::CompareMode::Or;
  case CompareMode::Xor:
    return kernels::CompareMode::Xor;
  }
  return kernels::CompareMode::Equal;
}

LogicalResult CompareOp::inference(InferenceParameter &p) {
  kernels::CompareMode mode = toKernel(getMode());
  return evalBroadcast<2>(*this, p, [mode](float a, float b) {
    return kernels::compare(mode, a, b);
  });
}

LogicalResult WhereOp::inference(InferenceParameter &p) {
  return evalBroadcast<3>(*this, p, [](float c, float x, float y) {
    return kernels::select(c, x, y);
  });
}
