//===- MatMul.cpp - top.MatMul --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/MatMul.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

namespace {
/// The operand shapes of a matmul brought to the batched form
/// [batch..., M, K] x [batch..., K, N], as numpy's matmul defines it.
struct MatMulShapes {
  SmallVector<int64_t> lhs, rhs; // rank >= 2, right_transpose applied
  SmallVector<int64_t> batch;    // broadcast batch dims
  int64_t m, k, n;
  bool lhsVector, rhsVector;     // 1-D operands, whose unit dim is dropped
  SmallVector<int64_t> output;
};
} // namespace

/// Computes the batched view; fails with a diagnostic at `op` when the
/// shapes do not agree.
static FailureOr<MatMulShapes> getShapes(MatMulOp op, ArrayRef<int64_t> lhs,
                                         ArrayRef<int64_t> rhs) {
  MatMulShapes s;
  s.lhsVector = lhs.size() == 1;
  s.rhsVector = rhs.size() == 1;
  s.lhs.assign(lhs.begin(), lhs.end());
  s.rhs.assign(rhs.begin(), rhs.end());
  if (s.lhsVector)
    s.lhs.insert(s.lhs.begin(), 1);
  if (s.rhsVector)
    s.rhs.push_back(1);
  else if (op.getRightTranspose())
    std::swap(s.rhs[s.rhs.size() - 1], s.rhs[s.rhs.size() - 2]);
  s.m = s.lhs[s.lhs.size() - 2];
  s.k = s.lhs.back();
  s.n = s.rhs.back();
  int64_t rk = s.rhs[s.rhs.size() - 2];
  if (!ShapedType::isDynamic(s.k) && !ShapedType::isDynamic(rk) && s.k != rk)
    return op.emitOpError("contraction dimensions differ: input ")
           << formatShape(lhs) << " and right " << formatShape(rhs)
           << (op.getRightTranspose() ? " (transposed)" : "");
  auto batch = broadcastShapes(ArrayRef(s.lhs).drop_back(2),
                               ArrayRef(s.rhs).drop_back(2));
  if (failed(batch))
    return op.emitOpError("batch dimensions of ")
           << formatShape(lhs) << " and " << formatShape(rhs)
           << " do not broadcast";
  s.batch = *batch;
  s.output = s.batch;
  if (!s.lhsVector)
    s.output.push_back(s.m);
  if (!s.rhsVector)
    s.output.push_back(s.n);
  return s;
}

LogicalResult MatMulOp::verify() {
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();
  auto lhs = dyn_cast<RankedTensorType>(getInput().getType());
  auto rhs = dyn_cast<RankedTensorType>(getRight().getType());
  if ((lhs && lhs.getRank() == 0) || (rhs && rhs.getRank() == 0))
    return emitOpError("operands must have rank 1 or more");
  if (!lhs || !rhs)
    return success();
  FailureOr<MatMulShapes> s = getShapes(*this, lhs.getShape(), rhs.getShape());
  if (failed(s))
    return failure();
  ArrayRef<int64_t> bias = shapeOf(getBias());
  if (!bias.empty() && !ShapedType::isDynamic(s->n)) {
    int64_t n = 1;
    for (int64_t d : bias)
      n *= d;
    if (!ShapedType::isDynamic(n) && n != s->n && n != 1)
      return emitOpError("bias has ")
             << n << " elements but the output has " << s->n << " columns";
  }
  return success();
}

LogicalResult MatMulOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> lhs = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> rhs = getStaticShape(*this, getRight());
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<MatMulShapes> s = getShapes(*this, *lhs, *rhs);
  if (failed(s))
    return failure();
  return setResultShape(*this, 0, s->output);
}

int64_t MatMulOp::getFlops() {
  auto s = getShapes(*this, shapeOf(getInput()), shapeOf(getRight()));
  if (failed(s))
    return 0;
  int64_t batch = 1;
  for (int64_t d : s->batch)
    batch *= d;
  int64_t outputs = batch * s->m * s->n;
  int64_t flops = 2 * outputs * s->k;
  if (!isa<NoneType>(getBias().getType()))
    flops += outputs;
  if (getDoRelu())
    flops += outputs;
  return flops;
}

LogicalResult MatMulOp::init(InferenceParameter &p) {
  if (!staticType(getInput()) || !staticType(getRight()) ||
      !staticType(getOutput()))
    return emitOpError("needs static shapes to be evaluated");
  FailureOr<MatMulShapes> s =
      getShapes(*this, shapeOf(getInput()), shapeOf(getRight()));
  if (failed(s))
    return failure();
  kernels::MatMulShape shape;
  shape.batch.assign(s->batch.begin(), s->batch.end());
  shape.lhsBatch.assign(s->lhs.begin(), s->lhs.end() - 2);
  shape.rhsBatch.assign(s->rhs.begin(), s->rhs.end() - 2);
  shape.m = s->m;
  shape.k = s->k;
  shape.n = s->n;
  shape.rightTranspose = getRightTranspose() && !s->rhsVector;
  shape.biasSize =
      isa<NoneType>(getBias().getType()) ? 0 : numElements(getBias());
  shape.doRelu = getDoRelu();
  shape.reluLimit = getReluLimit().convertToDouble();
  auto matmul = kernels::MatMul::create(shape);
  if (!matmul)
    return emitOpError() << llvm::toString(matmul.takeError());
  p.handle = matmul->release();
  return success();
}

LogicalResult MatMulOp::inference(InferenceParameter &p) {
  auto *matmul = static_cast<kernels::MatMul *>(p.handle);
  if (!matmul)
    return emitOpError("inference before init");
  if (llvm::Error err =
          matmul->run(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0]))
    return emitOpError() << llvm::toString(std::move(err));
  return success();
}

void MatMulOp::deinit(InferenceParameter &p) {
  delete static_cast<kernels::MatMul *>(p.handle);
  p.handle = nullptr;
}
