//===- Reduce.cpp - top.Reduce and top.Arg --------------------------------===//
//
// Part of tpuc. Both reduce along axes: Reduce folds the values, Arg finds
// the position of the extreme one.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Reduce.h"

#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// Marks the reduced axes of a rank-`rank` tensor, or fails with a
/// diagnostic for an axis out of range or repeated.
static FailureOr<SmallVector<bool>>
reducedAxes(Operation *op, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(op, a, rank);
    if (failed(axis))
      return failure();
    if (reduced[*axis])
      return op->emitOpError("axis ") << *axis << " is reduced twice";
    reduced[*axis] = true;
  }
  return reduced;
}

/// The shape after reducing `reduced` axes of `in`.
static SmallVector<int64_t>
reducedShape(ArrayRef<int64_t> in, ArrayRef<bool> reduced, bool keepdims) {
  SmallVector<int64_t> out;
  for (auto [d, r] : llvm::zip(in, reduced))
    if (!r)
      out.push_back(d);
    else if (keepdims)
      out.push_back(1);
  return out;
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  if (getAxes().empty())
    return emitOpError("needs at least one axis");
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(failed(
      reducedAxes(*this, getIntegers(getAxes()), shapeOf(getInput()).size())));
}

LogicalResult ReduceOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  FailureOr<SmallVector<bool>> reduced =
      reducedAxes(*this, getIntegers(getAxes()), in->size());
  if (failed(reduced))
    return failure();
  return setResultShape(*this, 0, reducedShape(*in, *reduced, getKeepdims()));
}

int64_t ReduceOp::getFlops() { return numElements(getInput()); }

/// The kernel's mode of a top.Reduce `mode` string (checked by the op's
/// attribute constraint).
static kernels::ReduceMode reduceMode(StringRef mode) {
  return llvm::StringSwitch<kernels::ReduceMode>(mode)
      .Case("ReduceMean", kernels::ReduceMode::Mean)
      .Case("ReduceMax", kernels::ReduceMode::Max)
      .Case("ReduceMin", kernels::ReduceMode::Min)
      .Case("ReduceProd", kernels::ReduceMode::Prod)
      .Case("ReduceL1", kernels::ReduceMode::L1)
      .Case("ReduceL2", kernels::ReduceMode::L2)
      .Case("ReduceSumSquare", kernels::ReduceMode::SumSquare)
      .Case("ReduceLogSum", kernels::ReduceMode::LogSum)
      .Case("ReduceLogSumExp", kernels::ReduceMode::LogSumExp)
      .Default(kernels::ReduceMode::Sum);
}

LogicalResult ReduceOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  FailureOr<SmallVector<bool>> reduced =
      reducedAxes(*this, getIntegers(getAxes()), in.size());
  if (failed(reduced))
    return failure();
  kernels::reduce(p.inputs[0], in, *reduced, reduceMode(getMode()),
                  p.outputs[0]);
  return success();
}

//===----------------------------------------------------------------------===//
// ArgOp
//===----------------------------------------------------------------------===//

LogicalResult ArgOp::verify() {
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(
      failed(normalizeAxis(*this, getAxis(), shapeOf(getInput()).size())));
}

LogicalResult ArgOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  FailureOr<SmallVector<bool>> reduced =
      reducedAxes(*this, {static_cast<int64_t>(getAxis())}, in->size());
  if (failed(reduced))
    return failure();
  return setResultShape(*this, 0, reducedShape(*in, *reduced, getKeepdims()));
}

int64_t ArgOp::getFlops() { return numElements(getInput()); }

LogicalResult ArgOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  AxisExtents extents = axisExtents(in, static_cast<int64_t>(getAxis()));
  kernels::argExtreme(p.inputs[0], p.outputs[0], extents.outer,
                      in[extents.axis], extents.inner, getMode() == "ArgMax",
                      getSelectLastIndex());
  return success();
}
