//===- Permute.cpp - tpu.Permute inference --------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// output[i_0, .., i_k] = input at index i_d along axis order[d]: a strided
// copy whose stride along output axis d is the input's stride of axis
// order[d]. The element types are equal, so no value changes.
//
//===----------------------------------------------------------------------===//

#include "Indexing.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;

LogicalResult PermuteOp::inference(InferenceParameter &p) {
  SmallVector<int64_t> inStrides = rowMajorStrides(shapeOf(getInput()));
  SmallVector<int64_t> view;
  for (int64_t d : getIntegers(getOrder()))
    view.push_back(inStrides[d]);
  stridedCopy(p.inputs[0], 0, shapeOf(getOutput()), view, p.outputs[0]);
  return success();
}
