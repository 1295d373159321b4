//===- Reduce.cpp - top.Reduce and top.Arg --------------------------------===//
//
// Part of tpuc. Both reduce along axes: Reduce folds the values, Arg finds
// the position of the extreme one.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

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

/// The input offsets of the reduced sub-tensor at output position 0
/// (`reduced`), and for the kept axes, the input strides in output order.
static void reductionOffsets(ArrayRef<int64_t> in, ArrayRef<bool> reduced,
                             SmallVector<int64_t> &offsets,
                             SmallVector<int64_t> &keptShape,
                             SmallVector<int64_t> &keptStrides) {
  SmallVector<int64_t> strides = stridesOf(in);
  offsets.assign(1, 0);
  for (size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d]) {
      keptShape.push_back(in[d]);
      keptStrides.push_back(strides[d]);
      continue;
    }
    SmallVector<int64_t> grown;
    for (int64_t o : offsets)
      for (int64_t i = 0; i < in[d]; ++i)
        grown.push_back(o + i * strides[d]);
    offsets.swap(grown);
  }
}

/// The input offset of each output element (over the kept axes).
static SmallVector<int64_t> baseOffsets(ArrayRef<int64_t> keptShape,
                                        ArrayRef<int64_t> keptStrides) {
  int64_t n = 1;
  for (int64_t d : keptShape)
    n *= d;
  SmallVector<int64_t> bases(n);
  SmallVector<int64_t> index(keptShape.size(), 0);
  int64_t base = 0;
  for (int64_t e = 0; e < n; ++e) {
    bases[e] = base;
    for (int64_t d = static_cast<int64_t>(keptShape.size()) - 1; d >= 0; --d) {
      base += keptStrides[d];
      if (++index[d] < keptShape[d])
        break;
      base -= keptStrides[d] * keptShape[d];
      index[d] = 0;
    }
  }
  return bases;
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

LogicalResult ReduceOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  FailureOr<SmallVector<bool>> reduced =
      reducedAxes(*this, getIntegers(getAxes()), in.size());
  if (failed(reduced))
    return failure();
  SmallVector<int64_t> offsets, keptShape, keptStrides;
  reductionOffsets(in, *reduced, offsets, keptShape, keptStrides);
  SmallVector<int64_t> bases = baseOffsets(keptShape, keptStrides);
  StringRef mode = getMode();
  const float *x = p.inputs[0];
  int64_t count = offsets.size();
  int64_t outputs = bases.size();
  int64_t grain = chooseGrain(
      outputs,
      std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(count, 1)));
  // Each output is reduced in a fixed order by one chunk: deterministic.
  parallelFor(0, outputs, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      const float *src = x + bases[e];
      double r;
      if (mode == "ReduceMax" || mode == "ReduceMin") {
        bool max = mode == "ReduceMax";
        float m = src[offsets[0]];
        for (int64_t k = 1; k < count; ++k) {
          float v = src[offsets[k]];
          m = max ? std::max(m, v) : std::min(m, v);
        }
        r = m;
      } else if (mode == "ReduceProd") {
        r = 1.0;
        for (int64_t k = 0; k < count; ++k)
          r *= src[offsets[k]];
      } else if (mode == "ReduceLogSumExp") {
        float m = src[offsets[0]];
        for (int64_t k = 1; k < count; ++k)
          m = std::max(m, src[offsets[k]]);
        double sum = 0.0;
        for (int64_t k = 0; k < count; ++k)
          sum += std::exp(double(src[offsets[k]]) - double(m));
        r = std::isinf(m) ? double(m) : double(m) + std::log(sum);
      } else {
        double sum = 0.0;
        if (mode == "ReduceL1")
          for (int64_t k = 0; k < count; ++k)
            sum += std::fabs(src[offsets[k]]);
        else if (mode == "ReduceL2" || mode == "ReduceSumSquare")
          for (int64_t k = 0; k < count; ++k)
            sum += double(src[offsets[k]]) * src[offsets[k]];
        else
          for (int64_t k = 0; k < count; ++k)
            sum += src[offsets[k]];
        if (mode == "ReduceMean")
          r = sum / count;
        else if (mode == "ReduceL2")
          r = std::sqrt(sum);
        else if (mode == "ReduceLogSum")
          r = std::log(sum);
        else
          r = sum;
      }
      p.outputs[0][e] = static_cast<float>(r);
    }
  });
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
  int64_t axis = extents.axis, outer = extents.outer, inner = extents.inner;
  int64_t dim = in[axis];
  bool max = getMode() == "ArgMax";
  bool last = getSelectLastIndex();
  int64_t grain = chooseGrain(
      outer * inner,
      std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(dim, 1)));
  parallelFor(0, outer * inner, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t e = lo; e < hi; ++e) {
      int64_t o = e / inner, i = e % inner;
      const float *src = p.inputs[0] + o * dim * inner + i;
      int64_t best = 0;
      float value = src[0];
      for (int64_t k = 1; k < dim; ++k) {
        float v = src[k * inner];
        bool better = max ? (v > value || (last && v == value))
                          : (v < value || (last && v == value));
        if (better) {
          best = k;
          value = v;
        }
      }
      p.outputs[0][e] = static_cast<float>(best);
    }
  });
  return success();
}
