//===- Reshape.cpp - top.Reshape ------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// The target shape with -1 resolved, or failure with a diagnostic.
static FailureOr<SmallVector<int64_t>> targetShape(ReshapeOp op,
                                                   int64_t elements) {
  SmallVector<int64_t> shape = getIntegers(op.getShape().value_or(ArrayAttr()));
  if (!op.getShape()) {
    auto type = staticType(op.getOutput());
    if (!type)
      return op.emitOpError("needs a shape attribute or a static result type");
    shape.assign(type.getShape().begin(), type.getShape().end());
  }
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == -1)
      inferred = i;
    else
      known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || elements % known != 0)
      return op.emitOpError("cannot reshape ")
             << elements << " elements into " << formatShape(shape);
    shape[inferred] = elements / known;
  } else if (known != elements) {
    return op.emitOpError("cannot reshape ")
           << elements << " elements into " << formatShape(shape);
  }
  return shape;
}

LogicalResult ReshapeOp::verify() {
  if (auto shape = getShape()) {
    int minusOnes = 0;
    for (int64_t d : getIntegers(*shape)) {
      if (d == -1)
        ++minusOnes;
      else if (d <= 0)
        return emitOpError("shape entries must be positive or -1, got ") << d;
    }
    if (minusOnes > 1)
      return emitOpError("shape may contain at most one -1");
  }
  if (auto type = staticType(getInput()))
    if (getShape() || staticType(getOutput()))
      return failure(failed(targetShape(*this, type.getNumElements())));
  if (!getShape() && !staticType(getOutput()))
    return emitOpError("needs a shape attribute or a static result type");
  return success();
}

LogicalResult ReshapeOp::inferShapes() {
  auto type = staticType(getInput());
  if (!type)
    return failure(failed(getStaticShape(*this, getInput())));
  FailureOr<SmallVector<int64_t>> shape =
      targetShape(*this, type.getNumElements());
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t ReshapeOp::getFlops() { return 0; }

LogicalResult ReshapeOp::inference(InferenceParameter &p) {
  if (p.outputs[0] != p.inputs[0])
    std::copy(p.inputs[0], p.inputs[0] + numElements(getOutput()),
              p.outputs[0]);
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  // A reshape to the shape the input already has is the input.
  auto in = staticType(getInput());
  if (in && in == getOutput().getType())
    return getInput();
  return {};
}

namespace {
/// reshape(reshape(x)) -> reshape(x): only the last shape matters.
struct MergeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner || !inner->hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a single-use reshape");
    rewriter.modifyOpInPlace(
        op, [&] { op.getInputMutable().assign(inner.getInput()); });
    rewriter.eraseOp(inner);
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<MergeReshapes>(context);
}
