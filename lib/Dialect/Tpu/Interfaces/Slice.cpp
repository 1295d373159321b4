//===- Slice.cpp - tpu.Slice inference ------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// output[i_0, .., i_k] = input[offset[0] + i_0·steps[0], ..]: a strided copy
// starting at Σ offset[d]·stride[d] with the stride steps[d]·stride[d] along
// axis d (negative for a negative step). The verifier keeps every index
// inside the input; the element types are equal, so no value changes.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult SliceOp::inference(InferenceParameter &p) {
  SmallVector<int64_t> inStrides = rowMajorStrides(shapeOf(getInput()));
  SmallVector<int64_t> offset = getIntegers(getOffset());
  SmallVector<int64_t> steps = getIntegers(getSteps());
  int64_t start = 0;
  SmallVector<int64_t> view;
  for (size_t d = 0; d < inStrides.size(); ++d) {
    start += offset[d] * inStrides[d];
    view.push_back(steps[d] * inStrides[d]);
  }
  stridedCopy(p.inputs[0], start, shapeOf(getOutput()), view, p.outputs[0]);
  return success();
}
