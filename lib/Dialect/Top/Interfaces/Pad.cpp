//===- Pad.cpp - top.Pad --------------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// The padded shape, or failure with a diagnostic; dynamic dimensions stay
/// dynamic.
static FailureOr<SmallVector<int64_t>> padShape(PadOp op,
                                                ArrayRef<int64_t> in) {
  SmallVector<int64_t> pads = getIntegers(op.getPaddings());
  int64_t rank = in.size();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return op.emitOpError("paddings must have ")
           << 2 * rank << " entries (begins, then ends) for rank " << rank
           << ", got " << pads.size();
  bool reflect = op.getMode() == "reflect";
  SmallVector<int64_t> out(in);
  for (int64_t d = 0; d < rank; ++d) {
    if (ShapedType::isDynamic(in[d]))
      continue;
    int64_t begin = pads[d], end = pads[rank + d];
    if (reflect && (begin >= in[d] || end >= in[d]))
      return op.emitOpError("reflect paddings must be smaller than the "
                            "dimension; axis ")
             << d << " has " << in[d] << " elements and paddings " << begin
             << ", " << end;
    out[d] = in[d] + begin + end;
    if (out[d] <= 0)
      return op.emitOpError("paddings ")
             << begin << ", " << end << " leave no element along axis " << d
             << " of size " << in[d];
  }
  return out;
}

LogicalResult PadOp::verify() {
  if (getPaddings().size() % 2 != 0)
    return emitOpError("paddings must have an even number of entries, got ")
           << getPaddings().size();
  if (getMode() != "constant" &&
      llvm::any_of(getIntegers(getPaddings()), [](int64_t v) { return v < 0; }))
    return emitOpError("negative paddings need constant mode");
  if (!isa<RankedTensorType>(getInput().getType()))
    return success();
  return failure(failed(padShape(*this, shapeOf(getInput()))));
}

LogicalResult PadOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  FailureOr<SmallVector<int64_t>> out = padShape(*this, *in);
  if (failed(out))
    return failure();
  return setResultShape(*this, 0, *out);
}

int64_t PadOp::getFlops() { return 0; }

LogicalResult PadOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> out = shapeOf(getOutput());
  SmallVector<int64_t> pads = getIntegers(getPaddings());
  int64_t rank = in.size();
  StringRef mode = getMode();
  float value = static_cast<float>(getVal().convertToDouble());
  if (rank == 0) {
    p.outputs[0][0] = p.inputs[0][0];
    return success();
  }
  // Per axis, the input index each output index reads (-1: the pad value),
  // already multiplied by the input stride.
  SmallVector<int64_t> strides = stridesOf(in);
  SmallVector<SmallVector<int64_t>> source(rank);
  for (int64_t d = 0; d < rank; ++d) {
    for (int64_t o = 0; o < out[d]; ++o) {
      int64_t i = o - pads[d];
      if (i < 0 || i >= in[d]) {
        if (mode == "constant")
          i = -1;
        else if (mode == "edge")
          i = std::clamp<int64_t>(i, 0, in[d] - 1);
        else // reflect: paddings are below the dimension
          i = i < 0 ? -i : 2 * (in[d] - 1) - i;
      }
      source[d].push_back(i < 0 ? -1 : i * strides[d]);
    }
  }
  // Walk the output rows (all axes but the last).
  int64_t inner = out[rank - 1];
  int64_t rows = numElements(getOutput()) / inner;
  const SmallVector<int64_t> &last = source[rank - 1];
  int64_t grain =
      chooseGrain(rows, std::max<int64_t>(1, kElementwiseGrain /
                                                 std::max<int64_t>(inner, 1)));
  parallelFor(0, rows, grain, [&](int64_t lo, int64_t hi) {
    SmallVector<int64_t> index(rank - 1, 0);
    for (int64_t d = rank - 2, r = lo; d >= 0; --d) {
      index[d] = r % out[d];
      r /= out[d];
    }
    for (int64_t r = lo; r < hi; ++r) {
      float *dst = p.outputs[0] + r * inner;
      int64_t base = 0;
      bool padded = false;
      for (int64_t d = 0; d + 1 < rank; ++d) {
        int64_t s = source[d][index[d]];
        padded |= s < 0;
        base += s;
      }
      if (padded) {
        std::fill(dst, dst + inner, value);
      } else {
        const float *src = p.inputs[0] + base;
        for (int64_t j = 0; j < inner; ++j)
          dst[j] = last[j] < 0 ? value : src[last[j]];
      }
      for (int64_t d = rank - 2; d >= 0; --d) {
        if (++index[d] < out[d])
          break;
        index[d] = 0;
      }
    }
  });
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (isReturned(getOutput())) // keep the name of a model output
    return {};
  if (llvm::all_of(getIntegers(getPaddings()),
                   [](int64_t v) { return v == 0; }) &&
      getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}
