//===- Logic.cpp - top.Compare, Not, Where, Cast, IsNaN, IsInf ------------===//
//
// Part of tpuc. Comparisons, logic, selection and type conversion. Logical
// values travel as f32 1.0 (true) and 0.0 (false).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Elementwise.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

static float truth(bool b) { return b ? 1.0f : 0.0f; }

//===----------------------------------------------------------------------===//
// CompareOp
//===----------------------------------------------------------------------===//

LogicalResult CompareOp::verify() {
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult CompareOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t CompareOp::getFlops() { return numElements(getOutput()); }

LogicalResult CompareOp::inference(InferenceParameter &p) {
  std::optional<kernels::CompareMode> mode =
      kernels::compareModeNamed(getMode());
  if (!mode)
    return emitOpError("unknown mode '") << getMode() << "'";
  kernels::CompareMode m = *mode;
  broadcastElements<2>(
      {p.inputs[0], p.inputs[1]}, {shapeOf(getLhs()), shapeOf(getRhs())},
      shapeOf(getOutput()), p.outputs[0],
      [m](float a, float b) { return kernels::compare(m, a, b); });
  return success();
}

//===----------------------------------------------------------------------===//
// Unary tests: NotOp, IsNaNOp, IsInfOp
//===----------------------------------------------------------------------===//

LogicalResult NotOp::inferShapes() { return inferSameShape(*this, getInput()); }

int64_t NotOp::getFlops() { return numElements(getOutput()); }

LogicalResult NotOp::inference(InferenceParameter &p) {
  mapElements(p.inputs[0], p.outputs[0], numElements(getOutput()),
              [](float x) { return truth(x == 0.0f); });
  return success();
}

LogicalResult IsNaNOp::inferShapes() {
  return inferSameShape(*this, getInput());
}

int64_t IsNaNOp::getFlops() { return numElements(getOutput()); }

LogicalResult IsNaNOp::inference(InferenceParameter &p) {
  mapElements(p.inputs[0], p.outputs[0], numElements(getOutput()),
              [](float x) { return truth(x != x); });
  return success();
}

LogicalResult IsInfOp::inferShapes() {
  return inferSameShape(*this, getInput());
}

int64_t IsInfOp::getFlops() { return numElements(getOutput()); }

LogicalResult IsInfOp::inference(InferenceParameter &p) {
  bool negative = getDetectNegative(), positive = getDetectPositive();
  mapElements(p.inputs[0], p.outputs[0], numElements(getOutput()),
              [=](float x) {
                return truth(std::isinf(x) &&
                             (x > 0.0f ? positive : negative));
              });
  return success();
}

//===----------------------------------------------------------------------===//
// WhereOp
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::verify() {
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult WhereOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t WhereOp::getFlops() { return numElements(getOutput()); }

LogicalResult WhereOp::inference(InferenceParameter &p) {
  broadcastElements<3>(
      {p.inputs[0], p.inputs[1], p.inputs[2]},
      {shapeOf(getCondition()), shapeOf(getX()), shapeOf(getY())},
      shapeOf(getOutput()), p.outputs[0],
      [](float c, float x, float y) { return kernels::select(c, x, y); });
  return success();
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

static uint32_t bitsOf(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

static float fromBits(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

/// `x` rounded to the nearest IEEE binary16 value, ties to even.
static float roundToF16(float x) {
  if (!std::isfinite(x))
    return x;
  float a = std::abs(x);
  if (a >= 65520.0f) // halfway between the largest f16 and 2^16
    return std::copysign(INFINITY, x);
  if (a < 0x1p-14f) // subnormal f16: multiples of 2^-24
    return std::nearbyint(x * 0x1p24f) * 0x1p-24f;
  // Keep 10 of the 23 mantissa bits, rounding to nearest even; a carry
  // moves into the exponent as it should.
  uint32_t u = bitsOf(x);
  u += 0xFFFu + ((u >> 13) & 1u);
  return fromBits(u & ~0x1FFFu);
}

/// `x` rounded to the nearest bfloat16 value, ties to even.
static float roundToBF16(float x) {
  if (x != x)
    return x;
  uint32_t u = bitsOf(x);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return fromBits(u & 0xFFFF0000u);
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getTo() == "f32" && getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}

LogicalResult CastOp::inferShapes() {
  return inferSameShape(*this, getInput());
}

int64_t CastOp::getFlops() { return 0; }

LogicalResult CastOp::inference(InferenceParameter &p) {
  int64_t n = numElements(getOutput());
  auto run = [&](auto fn) {
    mapElements(p.inputs[0], p.outputs[0], n, fn);
    return success();
  };
  StringRef to = getTo();
  if (to == "f32")
    return run([](float x) { return x; });
  if (to == "f16")
    return run(roundToF16);
  if (to == "bf16")
    return run(roundToBF16);
  if (to == "bool")
    return run([](float x) { return truth(x != 0.0f); });
  return run([](float x) { return std::trunc(x); });
}
