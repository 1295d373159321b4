//===- Reshape.cpp - tpu.Reshape inference --------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The same values in the same row-major order: a copy (the element types are
// equal, so no rounding or requant is involved).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include <algorithm>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult ReshapeOp::inference(InferenceParameter &p) {
  int64_t total = numElements(getOutput());
  if (total != numElements(getInput()))
    return emitOpError("input and result element counts differ");
  std::copy(p.inputs[0], p.inputs[0] + total, p.outputs[0]);
  return success();
}
