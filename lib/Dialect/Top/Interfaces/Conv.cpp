//===- Conv.cpp - top.Conv ------------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "Window.h"

#include "tpuc/Kernels/Conv.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

SmallVector<int64_t> ConvOp::getDilationValues() {
  return getIntegersOr(getDilations(), getKernelShape().size(), 1);
}

LogicalResult ConvOp::verify() {
  SmallVector<int64_t> kernel = getIntegers(getKernelShape());
  if (failed(verifyWindowAttrs(*this, kernel, getIntegers(getStrides()),
                               getIntegers(getPads()), getDilationValues(),
                               getDilations().has_value())))
    return failure();
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError("group must be at least 1, got ") << group;
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();

  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getFilter());
  if (failed(verifyConvOperandRanks(*this, in, w, kernel, "convolution")))
    return failure();
  if (!w.empty()) {
    if (!ShapedType::isDynamic(w[0]) && w[0] % group != 0)
      return emitOpError("output channels (")
             << w[0] << ") are not divisible by group (" << group << ")";
    if (!in.empty() && !ShapedType::isDynamic(in[1]) &&
        !ShapedType::isDynamic(w[1]) && in[1] != w[1] * group)
      return emitOpError("input has ")
             << in[1] << " channels but filter expects " << w[1] << " x group "
             << group << " = " << w[1] * group;
    if (!ShapedType::isDynamic(w[0]) &&
        failed(verifyBiasSize(*this, getBias(), w[0])))
      return failure();
  }
  return success();
}

LogicalResult ConvOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> w = getStaticShape(*this, getFilter());
  if (failed(in) || failed(w))
    return failure();
  auto [kernel, strides, pads, dilations] = getWindowParams(*this);
  size_t k = kernel.size();
  SmallVector<int64_t> out = {(*in)[0], (*w)[0]};
  for (size_t i = 0; i < k; ++i) {
    int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
    int64_t padded = (*in)[2 + i] + pads[i] + pads[k + i];
    if (padded < extent)
      return emitOpError("kernel extent ")
             << extent << " exceeds the padded input size " << padded
             << " on spatial axis " << i;
    out.push_back((padded - extent) / strides[i] + 1);
  }
  return setResultShape(*this, 0, out);
}

int64_t ConvOp::getFlops() {
  // Every output element meets IC/group x kernel filter taps.
  return convFlops(*this, numElements(getOutput()));
}

/// The kernel geometry of the op (a 1-D convolution has height 1).
static kernels::ConvShape toKernelShape(ConvOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  ArrayRef<int64_t> out = shapeOf(op.getOutput());
  auto [kernel, strides, pads, dilations] = getWindowParams(op);
  bool is1d = kernel.size() == 1;
  size_t k = kernel.size();
  kernels::ConvShape s;
  s.batch = in[0];
  s.inChannels = in[1];
  s.inHeight = is1d ? 1 : in[2];
  s.inWidth = in.back();
  s.outChannels = out[1];
  s.outHeight = is1d ? 1 : out[2];
  s.outWidth = out.back();
  s.kernelHeight = is1d ? 1 : kernel[0];
  s.kernelWidth = kernel.back();
  s.strideHeight = is1d ? 1 : strides[0];
  s.strideWidth = strides.back();
  s.dilationHeight = is1d ? 1 : dilations[0];
  s.dilationWidth = dilations.back();
  s.padTop = is1d ? 0 : pads[0];
  s.padLeft = pads[k - 1];
  s.padBottom = is1d ? 0 : pads[k];
  s.padRight = pads[2 * k - 1];
  s.groups = op.getGroup();
  s.hasBias = !isa<NoneType>(op.getBias().getType());
  s.doRelu = op.getDoRelu();
  s.reluLimit = op.getReluLimit().convertToDouble();
  return s;
}

LogicalResult ConvOp::init(InferenceParameter &p) {
  if (!staticType(getInput()) || !staticType(getOutput()))
    return emitOpError("needs static shapes to be evaluated");
  auto conv = kernels::Conv2D::create(toKernelShape(*this));
  if (!conv)
    return emitOpError() << llvm::toString(conv.takeError());
  (*conv)->setConstantFilter(getFilter().getDefiningOp<WeightOp>() != nullptr);
  p.handle = conv->release();
  return success();
}

LogicalResult ConvOp::inference(InferenceParameter &p) {
  auto *conv = static_cast<kernels::Conv2D *>(p.handle);
  if (!conv)
    return emitOpError("inference before init");
  if (llvm::Error err =
          conv->run(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0]))
    return emitOpError() << llvm::toString(std::move(err));
  return success();
}

void ConvOp::deinit(InferenceParameter &p) {
  delete static_cast<kernels::Conv2D *>(p.handle);
  p.handle = nullptr;
}
