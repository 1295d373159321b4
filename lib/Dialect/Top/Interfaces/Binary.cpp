//===- Binary.cpp - top.Sub, Mul, Div, Pow, Mod, Max, Min, *Const ---------===//
//
// Part of tpuc. The binary arithmetic ops with numpy broadcasting, the ops
// with a scalar constant, and the canonicalization patterns rooted at a
// product (SiLU and GELU recognition).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Elementwise.h"

#include "mlir/IR/PatternMatch.h"
#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

//===----------------------------------------------------------------------===//
// Shared by the broadcasting binary ops
//===----------------------------------------------------------------------===//

/// Evaluates a broadcasting binary op: `out = fn(lhs, rhs)`, then its fused
/// ReLU when it has one.
template <typename Fn>
static LogicalResult evalBinary(Operation *op, InferenceParameter &p, Fn fn) {
  Value output = op->getResult(0);
  broadcastElements<2>({p.inputs[0], p.inputs[1]},
                       {shapeOf(op->getOperand(0)), shapeOf(op->getOperand(1))},
                       shapeOf(output), p.outputs[0], fn);
  if (auto doRelu = op->getAttrOfType<BoolAttr>("do_relu"))
    applyRelu(p.outputs[0], numElements(output), doRelu.getValue(),
              op->getAttrOfType<FloatAttr>("relu_limit").getValueAsDouble());
  return success();
}

/// Evaluates a variadic op as a left fold of `fn` over its inputs.
template <typename Fn>
static LogicalResult evalVariadic(Operation *op, InferenceParameter &p, Fn fn) {
  Value output = op->getResult(0);
  ArrayRef<int64_t> outShape = shapeOf(output);
  float *out = p.outputs[0];
  broadcastElements<2>({p.inputs[0], p.inputs[1]},
                       {shapeOf(op->getOperand(0)), shapeOf(op->getOperand(1))},
                       outShape, out, fn);
  for (unsigned i = 2; i < op->getNumOperands(); ++i)
    broadcastElements<2>({out, p.inputs[i]},
                         {outShape, shapeOf(op->getOperand(i))}, outShape, out,
                         fn);
  return success();
}

/// The flops of an op doing `perElement` operations per output element, plus
/// one more for a fused ReLU.
static int64_t elementwiseFlops(Operation *op, int64_t perElement) {
  auto doRelu = op->getAttrOfType<BoolAttr>("do_relu");
  return numElements(op->getResult(0)) *
         (perElement + (doRelu && doRelu.getValue() ? 1 : 0));
}

//===----------------------------------------------------------------------===//
// SubOp
//===----------------------------------------------------------------------===//

LogicalResult SubOp::verify() {
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult SubOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t SubOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult SubOp::inference(InferenceParameter &p) {
  return evalBinary(*this, p, [](float a, float b) { return a - b; });
}

//===----------------------------------------------------------------------===//
// MulOp
//===----------------------------------------------------------------------===//

LogicalResult MulOp::verify() {
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult MulOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t MulOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult MulOp::inference(InferenceParameter &p) {
  return evalBinary(*this, p, [](float a, float b) { return a * b; });
}

//===----------------------------------------------------------------------===//
// DivOp
//===----------------------------------------------------------------------===//

LogicalResult DivOp::verify() {
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult DivOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t DivOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult DivOp::inference(InferenceParameter &p) {
  if (getInteger())
    return evalBinary(*this, p, [](float a, float b) {
      return kernels::divideIntegers(a, b);
    });
  return evalBinary(*this, p,
                    [](float a, float b) { return kernels::divide(a, b); });
}

//===----------------------------------------------------------------------===//
// PowOp
//===----------------------------------------------------------------------===//

LogicalResult PowOp::verify() {
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult PowOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t PowOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult PowOp::inference(InferenceParameter &p) {
  return evalBinary(*this, p,
                    [](float a, float b) { return kernels::power(a, b); });
}

//===----------------------------------------------------------------------===//
// ModOp
//===----------------------------------------------------------------------===//

LogicalResult ModOp::verify() {
  return verifyBroadcastable(*this, getOperands());
}

LogicalResult ModOp::inferShapes() {
  return inferBroadcastResult(*this, getOperands());
}

int64_t ModOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult ModOp::inference(InferenceParameter &p) {
  bool fmod = getFmod();
  return evalBinary(*this, p, [fmod](float a, float b) {
    return kernels::remainder(a, b, fmod);
  });
}

//===----------------------------------------------------------------------===//
// MaxOp, MinOp
//===----------------------------------------------------------------------===//

/// Checks the input count and that the inputs broadcast.
static LogicalResult verifyVariadic(Operation *op) {
  if (op->getNumOperands() < 2)
    return op->emitOpError("needs at least 2 inputs, got ")
           << op->getNumOperands();
  return verifyBroadcastable(op, op->getOperands());
}

/// max / min that propagate NaN, as numpy's maximum / minimum do.
static float nanMax(float a, float b) {
  return (a != a || b != b) ? NAN : std::max(a, b);
}
static float nanMin(float a, float b) {
  return (a != a || b != b) ? NAN : std::min(a, b);
}

LogicalResult MaxOp::verify() { return verifyVariadic(*this); }

LogicalResult MaxOp::inferShapes() {
  return inferBroadcastResult(*this, getInputs());
}

int64_t MaxOp::getFlops() {
  return numElements(getOutput()) * (getInputs().size() - 1);
}

LogicalResult MaxOp::inference(InferenceParameter &p) {
  return evalVariadic(*this, p, nanMax);
}

LogicalResult MinOp::verify() { return verifyVariadic(*this); }

LogicalResult MinOp::inferShapes() {
  return inferBroadcastResult(*this, getInputs());
}

int64_t MinOp::getFlops() {
  return numElements(getOutput()) * (getInputs().size() - 1);
}

LogicalResult MinOp::inference(InferenceParameter &p) {
  return evalVariadic(*this, p, nanMin);
}

//===----------------------------------------------------------------------===//
// AddConstOp, MulConstOp
//===----------------------------------------------------------------------===//

/// Evaluates `out = fn(in, c)` and the fused ReLU of a *Const op.
template <typename OpTy, typename Fn>
static LogicalResult evalConst(OpTy op, InferenceParameter &p, Fn fn) {
  float c = static_cast<float>(op.getConstVal().convertToDouble());
  int64_t n = numElements(op.getOutput());
  mapElements(p.inputs[0], p.outputs[0], n, [&](float x) { return fn(x, c); });
  applyRelu(p.outputs[0], n, op.getDoRelu(),
            op.getReluLimit().convertToDouble());
  return success();
}

LogicalResult AddConstOp::verify() {
  return verifyReluLimit(*this, getReluLimit().convertToDouble());
}

LogicalResult AddConstOp::inferShapes() {
  return inferSameShape(*this, getInput());
}

int64_t AddConstOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult AddConstOp::inference(InferenceParameter &p) {
  return evalConst(*this, p, [](float x, float c) { return x + c; });
}

LogicalResult MulConstOp::verify() {
  return verifyReluLimit(*this, getReluLimit().convertToDouble());
}

LogicalResult MulConstOp::inferShapes() {
  return inferSameShape(*this, getInput());
}

int64_t MulConstOp::getFlops() { return elementwiseFlops(*this, 1); }

LogicalResult MulConstOp::inference(InferenceParameter &p) {
  return evalConst(*this, p, [](float x, float c) { return x * c; });
}

//===----------------------------------------------------------------------===//
// Canonicalization: activations exported decomposed
//===----------------------------------------------------------------------===//

namespace {

/// Whether `a` is `b` up to float rounding of the constants frameworks write
/// (1/sqrt(2) as 0.70710677 or 0.7071067811865476, sqrt(2) as 1.4142135).
bool near(double a, double b) { return std::abs(a - b) <= 1e-6 * std::abs(b); }

/// Whether `op` is a Mul or MulConst without a fused ReLU.
bool isPlainProduct(Operation *op) {
  return op && isa<MulOp, MulConstOp>(op) &&
         !op->getAttrOfType<BoolAttr>("do_relu").getValue();
}

/// The factors of a product: the tensors multiplied together and the
/// product of the constants.
struct Product {
  SmallVector<Value> factors;
  double scale = 1.0;
};

/// Flattens the product computed by `value`: its defining op when that is a
/// plain product, and below it every plain product with a single use (an
/// intermediate result that the rewrite absorbs). A value used more than
/// once, like the `x` of an activation, stays a factor.
void collectFactors(Value value, Product &product, bool isRoot) {
  Operation *op = value.getDefiningOp();
  if (!isPlainProduct(op) || (!isRoot && !op->hasOneUse())) {
    product.factors.push_back(value);
    return;
  }
  if (auto mul = dyn_cast<MulOp>(op)) {
    collectFactors(mul.getLhs(), product, false);
    collectFactors(mul.getRhs(), product, false);
    return;
  }
  auto mulConst = cast<MulConstOp>(op);
  product.scale *= mulConst.getConstVal().convertToDouble();
  collectFactors(mulConst.getInput(), product, false);
}

Product factorize(Value value) {
  Product product;
  collectFactors(value, product, /*isRoot=*/true);
  return product;
}

/// Whether `value` is `x * c`, with c within rounding of `expected`;
/// returns x.
Value matchScaled(Value value, double expected) {
  Product p = factorize(value);
  if (p.factors.size() != 1 || !near(p.scale, expected))
    return nullptr;
  return p.factors[0];
}

/// The input of `value` when it is `1 + UnaryOp(input)`.
template <typename UnaryOp> Value matchOnePlus(Value value) {
  auto add = value.getDefiningOp<AddConstOp>();
  if (!add || add.getDoRelu() || add.getConstVal().convertToDouble() != 1.0)
    return nullptr;
  auto unary = add.getInput().getDefiningOp<UnaryOp>();
  return unary ? unary.getInput() : nullptr;
}

/// Whether `value` is `1 + erf(x / sqrt(2))` (the division imported as a
/// product with 1/sqrt(2)); returns x.
Value matchErfForm(Value value) {
  Value arg = matchOnePlus<ErfOp>(value);
  return arg ? matchScaled(arg, M_SQRT1_2) : nullptr;
}

/// Whether `value` is `1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))`, the cube
/// a product of x three times; returns x.
Value matchTanhForm(Value value) {
  Value arg = matchOnePlus<TanhOp>(value);
  Value sum = arg ? matchScaled(arg, 0.7978845608028654) : nullptr;
  auto add = sum ? sum.getDefiningOp<AddOp>() : nullptr;
  if (!add || add.getInputs().size() != 2 || add.getCoeff() || add.getDoRelu())
    return nullptr;
  for (auto [x, cube] : {std::pair(add.getInputs()[0], add.getInputs()[1]),
                         std::pair(add.getInputs()[1], add.getInputs()[0])}) {
    Product p = factorize(cube);
    if (near(p.scale, 0.044715) && p.factors.size() == 3 &&
        llvm::all_of(p.factors, [&](Value f) { return f == x; }))
      return x;
  }
  return nullptr;
}

/// Replaces `root` by `NewOp(x, args...)` with the root's name and type.
template <typename NewOp, typename... Args>
void replaceByActivation(PatternRewriter &rewriter, Operation *root, Value x,
                         Args... args) {
  auto op = rewriter.create<NewOp>(root->getLoc(), root->getResult(0).getType(),
                                   x, args...);
  rewriter.replaceOp(root, op.getOperation()->getResults());
}

/// x * sigmoid(x) -> silu(x), either operand order; the Mul's name is kept.
struct FuseSiLU : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    if (mul.getDoRelu())
      return rewriter.notifyMatchFailure(mul, "has a fused ReLU");
    for (auto [x, s] : {std::pair(mul.getLhs(), mul.getRhs()),
                        std::pair(mul.getRhs(), mul.getLhs())}) {
      auto sigmoid = s.getDefiningOp<SigmoidOp>();
      if (sigmoid && sigmoid.getInput() == x) {
        replaceByActivation<SiLUOp>(rewriter, mul, x);
        return success();
      }
    }
    return rewriter.notifyMatchFailure(mul, "not x * sigmoid(x)");
  }
};

/// 0.5 * x * (1 + erf(x / sqrt(2))) -> gelu(x), and the tanh approximation
/// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) -> gelu(x) {tanh},
/// rooted at the last product (a Mul or a MulConst), the factors in any
/// order and grouping; the root's name is kept.
template <typename RootOp> struct FuseGELU : OpRewritePattern<RootOp> {
  using OpRewritePattern<RootOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(RootOp root,
                                PatternRewriter &rewriter) const override {
    if (root.getDoRelu())
      return rewriter.notifyMatchFailure(root, "has a fused ReLU");
    Product product = factorize(root.getOutput());
    if (product.factors.size() != 2 || !near(product.scale, 0.5))
      return rewriter.notifyMatchFailure(root, "not 0.5 * a * b");
    for (auto [x, other] :
         {std::pair(product.factors[0], product.factors[1]),
          std::pair(product.factors[1], product.factors[0])}) {
      if (matchErfForm(other) == x) {
        replaceByActivation<GELUOp>(rewriter, root, x);
        return success();
      }
      if (matchTanhForm(other) == x) {
        replaceByActivation<GELUOp>(rewriter, root, x,
                                    rewriter.getStringAttr("tanh"));
        return success();
      }
    }
    return rewriter.notifyMatchFailure(root, "not a decomposed GELU");
  }
};

} // namespace

void MulOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                        MLIRContext *context) {
  results.add<FuseSiLU, FuseGELU<MulOp>>(context);
}

void MulConstOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<FuseGELU<MulConstOp>>(context);
}
