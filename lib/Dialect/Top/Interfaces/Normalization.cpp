//===- Normalization.cpp - top.LayerNorm, InstanceNorm, LRN, LpNorm -------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Kernels/LayerNorm.h"
#include "tpuc/Kernels/Normalization.h"

#include "tpuc/Support/Parallel.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <vector>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// Checks that `axis` (negative counts from the end) indexes a dimension of
/// `value` when its rank is known.
static LogicalResult verifyAxis(Operation *op, Value value, int64_t axis) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return success();
  int64_t rank = type.getRank();
  if (axis < -rank || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range for rank " << rank;
  return success();
}

/// Splits `shape` at `axis` into the products of the dimensions before it
/// and of the dimensions from it on.
static std::pair<int64_t, int64_t> splitAt(ArrayRef<int64_t> shape,
                                           int64_t axis) {
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < static_cast<int64_t>(shape.size()); ++i)
    (i < axis ? outer : inner) *= shape[i];
  return {outer, inner};
}

/// Checks that a per-channel operand (or none) has `channels` elements.
static LogicalResult verifyPerChannel(Operation *op, StringRef name,
                                      Value value, int64_t channels) {
  auto type = staticType(value);
  if (type && !ShapedType::isDynamic(channels) &&
      type.getNumElements() != channels)
    return op->emitOpError()
           << name << " has " << type.getNumElements()
           << " elements but the input has " << channels << " channels";
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

/// Checks that `value` (scale or bias) broadcasts to the normalized shape.
static LogicalResult verifyNormalizedOperand(LayerNormOp op, StringRef name,
                                             Value value,
                                             ArrayRef<int64_t> normalized) {
  auto type = staticType(value);
  if (!type)
    return success();
  auto merged = broadcastShapes(normalized, type.getShape());
  if (type.getRank() > static_cast<int64_t>(normalized.size()) ||
      failed(merged) || ArrayRef<int64_t>(*merged) != normalized)
    return op.emitOpError() << name << " shape " << formatShape(type.getShape())
                            << " does not broadcast to the normalized shape "
                            << formatShape(normalized);
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (failed(verifyAxis(*this, getInput(), static_cast<int64_t>(getAxis()))))
    return failure();
  if (!(getEps().convertToDouble() >= 0.0))
    return emitOpError("eps must not be negative");
  auto type = staticType(getInput());
  if (!type)
    return success();
  int64_t rank = type.getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  if (failed(verifyNormalizedOperand(*this, "scale", getScale(), normalized)) ||
      failed(verifyNormalizedOperand(*this, "bias", getBias(), normalized)))
    return failure();
  return success();
}

LogicalResult LayerNormOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  if (failed(verify()))
    return failure();
  int64_t rank = shape->size();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> stats(*shape);
  for (int64_t i = axis; i < rank; ++i)
    stats[i] = 1;
  if (failed(setResultShape(*this, 0, *shape)) ||
      failed(setResultShape(*this, 1, stats)) ||
      failed(setResultShape(*this, 2, stats)))
    return failure();
  return success();
}

int64_t LayerNormOp::getFlops() {
  // mean, subtract, square, variance, scale, bias.
  return 8 * numElements(getOutput());
}

LogicalResult LayerNormOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t rank = shape.size();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += rank;
  auto [outer, inner] = splitAt(shape, axis);
  ArrayRef<int64_t> normalized = shape.drop_front(axis);
  std::vector<float> scale =
      kernels::expandTo(p.inputs[1], shapeOf(getScale()), normalized, 1.0f);
  std::vector<float> bias =
      kernels::expandTo(p.inputs[2], shapeOf(getBias()), normalized, 0.0f);
  kernels::layerNorm(p.inputs[0], scale.data(), bias.data(), p.outputs[0],
                     p.outputs[1], p.outputs[2], outer, inner,
                     getEps().convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// InstanceNormOp
//===----------------------------------------------------------------------===//

LogicalResult InstanceNormOp::verify() {
  if (!(getEps().convertToDouble() >= 0.0))
    return emitOpError("eps must not be negative");
  auto type = dyn_cast<RankedTensorType>(getInput().getType());
  if (!type)
    return success();
  if (type.getRank() < 3)
    return emitOpError("input must have rank 3 or more, got rank ")
           << type.getRank();
  int64_t channels = type.getDimSize(1);
  if (failed(verifyPerChannel(*this, "scale", getScale(), channels)) ||
      failed(verifyPerChannel(*this, "bias", getBias(), channels)))
    return failure();
  return success();
}

LogicalResult InstanceNormOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t InstanceNormOp::getFlops() { return 8 * numElements(getOutput()); }

LogicalResult InstanceNormOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  auto [planes, inner] = splitAt(shape, 2);
  kernels::instanceNorm(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0],
                        planes, shape[1], inner, getEps().convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// LRNOp
//===----------------------------------------------------------------------===//

LogicalResult LRNOp::verify() {
  int64_t size = static_cast<int64_t>(getSize());
  if (size < 1)
    return emitOpError("size must be at least 1, got ") << size;
  auto type = dyn_cast<RankedTensorType>(getInput().getType());
  if (type && type.getRank() < 2)
    return emitOpError("input must have rank 2 or more, got rank ")
           << type.getRank();
  return success();
}

LogicalResult LRNOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t LRNOp::getFlops() {
  return numElements(getOutput()) * (2 * static_cast<int64_t>(getSize()) + 4);
}

LogicalResult LRNOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  kernels::lrn(p.inputs[0], p.outputs[0], shape[0], shape[1],
               splitAt(shape, 2).second, getSize(),
               getAlpha().convertToDouble(), getBeta().convertToDouble(),
               getBias().convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// LpNormOp
//===----------------------------------------------------------------------===//

LogicalResult LpNormOp::verify() {
  int64_t p = static_cast<int64_t>(getP());
  if (p != 1 && p != 2)
    return emitOpError("p must be 1 or 2, got ") << p;
  return verifyAxis(*this, getInput(), static_cast<int64_t>(getAxis()));
}

LogicalResult LpNormOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> shape = getStaticShape(*this, getInput());
  if (failed(shape))
    return failure();
  return setResultShape(*this, 0, *shape);
}

int64_t LpNormOp::getFlops() { return 3 * numElements(getOutput()); }

LogicalResult LpNormOp::inference(InferenceParameter &p) {
  ArrayRef<int64_t> shape = shapeOf(getInput());
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += shape.size();
  kernels::lpNorm(p.inputs[0], p.outputs[0], splitAt(shape, axis).first,
                  shape[axis], splitAt(shape, axis + 1).second, getP());
  return success();
}

//===----------------------------------------------------------------------===//
// Canonicalization
//===----------------------------------------------------------------------===//

namespace {

/// The first axis of a ReduceMean with keepdims over the trailing axes
/// `axis .. rank-1` of its input, or nullopt.
std::optional<int64_t> trailingMeanAxis(ReduceOp reduce) {
  if (!reduce || reduce.getMode() != "ReduceMean" || !reduce.getKeepdims())
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(reduce.getInput().getType());
  if (!type)
    return std::nullopt;
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes = getIntegers(reduce.getAxes());
  for (int64_t &a : axes)
    if (a < 0)
      a += rank;
  llvm::sort(axes);
  if (axes.empty() || axes.back() != rank - 1)
    return std::nullopt;
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return std::nullopt;
  return axes.front();
}

/// A `top.None` of the function that holds `op`, created at the start of
/// its block when there is none.
Value getNone(PatternRewriter &rewriter, Operation *op) {
  Block *block = op->getBlock();
  for (Operation &candidate : *block)
    if (auto none = dyn_cast<NoneOp>(candidate))
      return none.getOutput();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(block);
  return rewriter.create<NoneOp>(NameLoc::get(rewriter.getStringAttr("none")),
                                 rewriter.getNoneType());
}

/// The location of a layer normalization whose output takes the name of
/// `root`: a FusedLoc of one NameLoc per result (output, mean, rstd). The
/// statistics keep the names in `previous` (the location of the
/// normalization being replaced) when it has them, else they are named
/// `<root>_mean` and `<root>_rstd`.
Location layerNormLoc(Operation *root, std::optional<Location> previous = {}) {
  MLIRContext *context = root->getContext();
  if (auto fused = previous ? dyn_cast<FusedLoc>(*previous) : FusedLoc())
    if (fused.getLocations().size() == 3)
      return FusedLoc::get(context, {root->getLoc(), fused.getLocations()[1],
                                     fused.getLocations()[2]});
  std::string name = getName(root);
  if (name.empty())
    return root->getLoc();
  auto named = [&](StringRef suffix) -> Location {
    return NameLoc::get(StringAttr::get(context, name + suffix.str()));
  };
  return FusedLoc::get(context,
                       {root->getLoc(), named("_mean"), named("_rstd")});
}

/// The layer normalization that exporters emit before ONNX opset 17,
/// rooted at the division (scale and bias are absorbed afterwards):
///
///   mean = ReduceMean(x, axes = [a .. rank-1], keepdims)
///   d    = x - mean
///   var  = ReduceMean(d * d, same axes, keepdims)    (Pow 2 is imported as d *
///   d) out  = d / sqrt(var + eps)                       (+ eps is a
///   top.AddConst)
///
/// becomes `top.LayerNorm(x) {axis = a, eps}` named by the division.
struct FuseDecomposedLayerNorm : OpRewritePattern<DivOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DivOp div,
                                PatternRewriter &rewriter) const override {
    if (div.getInteger())
      return rewriter.notifyMatchFailure(div, "integer division");
    auto sub = div.getLhs().getDefiningOp<SubOp>();
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!sub || sub.getDoRelu() || !sqrt)
      return rewriter.notifyMatchFailure(div, "not (x - mean) / sqrt(...)");
    Value x = sub.getLhs();
    auto mean = sub.getRhs().getDefiningOp<ReduceOp>();
    std::optional<int64_t> axis = trailingMeanAxis(mean);
    if (!axis || mean.getInput() != x)
      return rewriter.notifyMatchFailure(div, "no trailing mean of x");
    auto addEps = sqrt.getInput().getDefiningOp<AddConstOp>();
    if (!addEps || addEps.getDoRelu() ||
        !(addEps.getConstVal().convertToDouble() >= 0.0))
      return rewriter.notifyMatchFailure(div, "no var + eps");
    auto var = addEps.getInput().getDefiningOp<ReduceOp>();
    if (trailingMeanAxis(var) != axis)
      return rewriter.notifyMatchFailure(div, "no variance on the same axes");
    auto square = var.getInput().getDefiningOp<MulOp>();
    Value d = sub.getOutput();
    if (!square || square.getDoRelu() || square.getLhs() != d ||
        square.getRhs() != d)
      return rewriter.notifyMatchFailure(div,
                                         "variance is not of (x - mean)^2");

    Value none = getNone(rewriter, div);
    Type statsType = mean.getOutput().getType();
    auto layerNorm = rewriter.create<LayerNormOp>(
        layerNormLoc(div),
        TypeRange{div.getOutput().getType(), statsType, statsType}, x, none,
        none, rewriter.getI64IntegerAttr(*axis), addEps.getConstValAttr());
    rewriter.replaceOp(div, layerNorm.getOutput());
    return success();
  }
};

/// Whether `scale` (a Mul or Add operand) broadcasts to the axes a layer
/// normalization normalizes, without adding outer axes.
bool fitsNormalizedShape(LayerNormOp op, Value operand) {
  auto in = staticType(op.getInput());
  auto type = staticType(operand);
  if (!in || !type)
    return false;
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += in.getRank();
  ArrayRef<int64_t> normalized = in.getShape().drop_front(axis);
  if (type.getRank() > static_cast<int64_t>(normalized.size()))
    return false;
  auto merged = broadcastShapes(normalized, type.getShape());
  return succeeded(merged) && ArrayRef<int64_t>(*merged) == normalized;
}

/// The layer normalization whose output is `value`, when the normalized
/// output has no other user.
LayerNormOp singleUseLayerNorm(Value value) {
  auto op = value.getDefiningOp<LayerNormOp>();
  if (!op || value != op.getOutput() || !value.hasOneUse())
    return nullptr;
  return op;
}

/// Replaces `root` and `old` by a layer normalization like `old` with
/// `scale` and `bias`, named by `root`.
void replaceLayerNorm(PatternRewriter &rewriter, Operation *root,
                      LayerNormOp old, Value scale, Value bias) {
  auto op = rewriter.create<LayerNormOp>(
      layerNormLoc(root, old.getLoc()),
      TypeRange{root->getResult(0).getType(), old.getMean().getType(),
                old.getRstd().getType()},
      old.getInput(), scale, bias, old.getAxisAttr(), old.getEpsAttr());
  rewriter.replaceAllUsesWith(old.getMean(), op.getMean());
  rewriter.replaceAllUsesWith(old.getRstd(), op.getRstd());
  rewriter.replaceOp(root, op.getOutput());
  rewriter.eraseOp(old);
}

/// layer_norm(x) * gamma -> layer_norm(x, gamma), named by the Mul, when
/// the normalization has neither scale nor bias yet.
struct AbsorbLayerNormScale : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    if (mul.getDoRelu())
      return rewriter.notifyMatchFailure(mul, "has a fused ReLU");
    for (auto [lhs, rhs] : {std::pair(mul.getLhs(), mul.getRhs()),
                            std::pair(mul.getRhs(), mul.getLhs())}) {
      LayerNormOp ln = singleUseLayerNorm(lhs);
      if (ln && isa<NoneType>(ln.getScale().getType()) &&
          isa<NoneType>(ln.getBias().getType()) &&
          fitsNormalizedShape(ln, rhs)) {
        replaceLayerNorm(rewriter, mul, ln, rhs, ln.getBias());
        return success();
      }
    }
    return rewriter.notifyMatchFailure(mul, "not layer_norm(x) * gamma");
  }
};

/// layer_norm(x, gamma?) + beta -> layer_norm(x, gamma?, beta), named by
/// the Add, when the normalization has no bias yet.
struct AbsorbLayerNormBias : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    if (add.getDoRelu() || add.getCoeff() || add.getInputs().size() != 2)
      return rewriter.notifyMatchFailure(add, "not a plain sum of two");
    Value a = add.getInputs()[0], b = add.getInputs()[1];
    for (auto [lhs, rhs] : {std::pair(a, b), std::pair(b, a)}) {
      LayerNormOp ln = singleUseLayerNorm(lhs);
      if (ln && isa<NoneType>(ln.getBias().getType()) &&
          fitsNormalizedShape(ln, rhs)) {
        replaceLayerNorm(rewriter, add, ln, ln.getScale(), rhs);
        return success();
      }
    }
    return rewriter.notifyMatchFailure(add, "not layer_norm(x) + beta");
  }
};

} // namespace

void LayerNormOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results
      .add<FuseDecomposedLayerNorm, AbsorbLayerNormScale, AbsorbLayerNormBias>(
          context);
}
