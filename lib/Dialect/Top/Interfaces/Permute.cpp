//===- Permute.cpp - top.Permute ------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

LogicalResult PermuteOp::verify() {
  SmallVector<int64_t> order = getIntegers(getOrder());
  int64_t rank = order.size();
  SmallVector<bool> seen(rank, false);
  for (int64_t d : order) {
    if (d < 0 || d >= rank || seen[d])
      return emitOpError("order ")
             << formatShape(order) << " is not a permutation of 0.."
             << rank - 1;
    seen[d] = true;
  }
  if (auto type = dyn_cast<RankedTensorType>(getInput().getType()))
    if (type.getRank() != rank)
      return emitOpError("order has ")
             << rank << " entries but the input has rank " << type.getRank();
  return success();
}

LogicalResult PermuteOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  if (failed(in))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d : getIntegers(getOrder()))
    shape.push_back((*in)[d]);
  return setResultShape(*this, 0, shape);
}

int64_t PermuteOp::getFlops() { return 0; }

LogicalResult PermuteOp::inference(InferenceParameter &p) {
  SmallVector<int64_t> inStrides = stridesOf(shapeOf(getInput()));
  SmallVector<int64_t> viewStrides;
  for (int64_t d : getIntegers(getOrder()))
    viewStrides.push_back(inStrides[d]);
  stridedCopy(p.inputs[0], 0, shapeOf(getOutput()), viewStrides, p.outputs[0]);
  return success();
}

OpFoldResult PermuteOp::fold(FoldAdaptor) {
  if (isReturned(getOutput())) // keep the name of a model output
    return {};
  // The identity permutation is the input.
  for (auto [i, d] : llvm::enumerate(getIntegers(getOrder())))
    if (static_cast<int64_t>(i) != d)
      return {};
  if (getInput().getType() != getOutput().getType())
    return {};
  return getInput();
}

namespace {
/// permute(permute(x, a), b) -> permute(x, a[b[i]]) when the inner permute
/// has no other user.
struct MergePermutes : OpRewritePattern<PermuteOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(PermuteOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<PermuteOp>();
    if (!inner || !inner->hasOneUse())
      return rewriter.notifyMatchFailure(op,
                                         "input is not a single-use permute");
    SmallVector<int64_t> first = getIntegers(inner.getOrder());
    SmallVector<int64_t> merged;
    for (int64_t d : getIntegers(op.getOrder()))
      merged.push_back(first[d]);
    rewriter.modifyOpInPlace(op, [&] {
      op.getInputMutable().assign(inner.getInput());
      op.setOrderAttr(rewriter.getI64ArrayAttr(merged));
    });
    rewriter.eraseOp(inner);
    return success();
  }
};
} // namespace

void PermuteOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<MergePermutes>(context);
}
