//===- Reduce.cpp - tpu.Reduce inference ----------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The f32 reduction of top.Reduce (tpuc/Kernels/Reduce.h, the same kernel)
// on an input already of the op's float type, then each result rounded to
// that type (f16 / bf16; f32 as is).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Reduce.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

static kernels::ReduceMode toKernel(ReduceMode mode) {
  switch (mode) {
  case ReduceMode::Mean:
    return kernels::ReduceMode::Mean;
  case ReduceMode::Sum:
    return kernels::ReduceMode::Sum;
  case ReduceMode::Max:
    return kernels::ReduceMode::Max;
  case ReduceMode::Min:
    return kernels::ReduceMode::Min;
  case ReduceMode::Prod:
    return kernels::ReduceMode::Prod;
  case ReduceMode::L1:
    return kernels::ReduceMode::L1;
  case ReduceMode::L2:
    return kernels::ReduceMode::L2;
  case ReduceMode::SumSquare:
    return kernels::ReduceMode::SumSquare;
  case ReduceMode::LogSum:
    return kernels::ReduceMode::LogSum;
  case ReduceMode::LogSumExp:
    return kernels::ReduceMode::LogSumExp;
  }
  return kernels::ReduceMode::Sum;
}

LogicalResult ReduceOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t rank = shape.size();
  SmallVector<bool> reduced(rank, false);
  for (int64_t axis : getIntegers(getAxes()))
    reduced[axis < 0 ? axis + rank : axis] = true;
  kernels::reduce(p.inputs[0], shape, reduced, toKernel(getMode()),
                  p.outputs[0]);
  roundResultToType(getOutput(), p.outputs[0]);
  return success();
}
