//===- Relu.cpp - top.Relu ------------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

LogicalResult ReluOp::verify() {
  return verifyReluLimit(*this, getReluLimit().convertToDouble());
}

LogicalResult ReluOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t ReluOp::getFlops() { return numElements(getOutput()); }

LogicalResult ReluOp::inference(InferenceParameter &p) {
  int64_t n = numElements(getOutput());
  std::copy(p.inputs[0], p.inputs[0] + n, p.outputs[0]);
  applyRelu(p.outputs[0], n, true, getReluLimit().convertToDouble());
  return success();
}

namespace {
/// relu(producer(x)) -> producer(x) {do_relu = true}, when the producer
/// supports a fused ReLU and the Relu is its only user. The producer takes
/// the Relu's location, hence its name, and its result type.
struct FuseReluIntoProducer : OpRewritePattern<ReluOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReluOp relu,
                                PatternRewriter &rewriter) const override {
    Value input = relu.getInput();
    Operation *producer = input.getDefiningOp();
    if (!producer || !producer->hasTrait<trait::SupportFuseRelu>() ||
        producer->getNumResults() != 1 || !input.hasOneUse())
      return rewriter.notifyMatchFailure(relu, "no single-use fusable producer");
    auto doRelu = producer->getAttrOfType<BoolAttr>("do_relu");
    auto limitAttr = producer->getAttrOfType<FloatAttr>("relu_limit");
    double limit = relu.getReluLimit().convertToDouble();
    // When the producer already caps its output, the tighter cap wins.
    if (doRelu && doRelu.getValue() && limitAttr) {
      double old = limitAttr.getValueAsDouble();
      if (old > 0.0)
        limit = limit > 0.0 ? std::min(limit, old) : old;
    }
    rewriter.modifyOpInPlace(producer, [&] {
      producer->setAttr("do_relu", rewriter.getBoolAttr(true));
      producer->setAttr("relu_limit", rewriter.getF64FloatAttr(limit));
      producer->setLoc(relu.getLoc());
      producer->getResult(0).setType(relu.getType());
    });
    rewriter.replaceOp(relu, producer->getResults());
    return success();
  }
};
} // namespace

void ReluOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<FuseReluIntoProducer>(context);
}
