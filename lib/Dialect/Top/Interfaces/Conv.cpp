//===- Conv.cpp - top.Conv ------------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "tpuc/Kernels/Conv.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

SmallVector<int64_t> ConvOp::getDilationValues() {
  if (auto dilations = getDilations())
    return getIntegers(*dilations);
  return SmallVector<int64_t>(getKernelShape().size(), 1);
}

LogicalResult ConvOp::verify() {
  SmallVector<int64_t> kernel = getIntegers(getKernelShape());
  size_t k = kernel.size();
  if (k != 1 && k != 2)
    return emitOpError("kernel_shape must have 1 or 2 entries, got ") << k;
  if (llvm::any_of(kernel, [](int64_t v) { return v <= 0; }))
    return emitOpError("kernel_shape entries must be positive");
  SmallVector<int64_t> strides = getIntegers(getStrides());
  if (strides.size() != k)
    return emitOpError("strides must have ") << k << " entries, got "
                                             << strides.size();
  if (llvm::any_of(strides, [](int64_t v) { return v <= 0; }))
    return emitOpError("strides must be positive");
  SmallVector<int64_t> pads = getIntegers(getPads());
  if (pads.size() != 2 * k)
    return emitOpError("pads must have ")
           << 2 * k << " entries (begins, then ends), got " << pads.size();
  if (llvm::any_of(pads, [](int64_t v) { return v < 0; }))
    return emitOpError("pads must not be negative");
  if (auto dilations = getDilations()) {
    if (dilations->size() != k)
      return emitOpError("dilations must have ")
             << k << " entries, got " << dilations->size();
    if (llvm::any_of(getIntegers(*dilations), [](int64_t v) { return v <= 0; }))
      return emitOpError("dilations must be positive");
  }
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError("group must be at least 1, got ") << group;
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();

  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getFilter());
  if (!in.empty() && in.size() != k + 2)
    return emitOpError("input must have rank ")
           << k + 2 << " for a " << k << "-D convolution, got rank "
           << in.size();
  if (!w.empty()) {
    if (w.size() != k + 2)
      return emitOpError("filter must have rank ")
             << k + 2 << " for a " << k << "-D convolution, got rank "
             << w.size();
    for (size_t i = 0; i < k; ++i)
      if (!ShapedType::isDynamic(w[2 + i]) && w[2 + i] != kernel[i])
        return emitOpError("filter shape ")
               << formatShape(w) << " does not match kernel_shape "
               << formatShape(kernel);
    if (!ShapedType::isDynamic(w[0]) && w[0] % group != 0)
      return emitOpError("output channels (")
             << w[0] << ") are not divisible by group (" << group << ")";
    if (!in.empty() && !ShapedType::isDynamic(in[1]) &&
        !ShapedType::isDynamic(w[1]) && in[1] != w[1] * group)
      return emitOpError("input has ")
             << in[1] << " channels but filter expects " << w[1] << " x group "
             << group << " = " << w[1] * group;
    ArrayRef<int64_t> b = shapeOf(getBias());
    if (!b.empty() && !ShapedType::isDynamic(w[0])) {
      int64_t n = 1;
      for (int64_t d : b)
        n *= d;
      if (n != w[0])
        return emitOpError("bias has ")
               << n << " elements but there are " << w[0]
               << " output channels";
    }
  }
  return success();
}

LogicalResult ConvOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> w = getStaticShape(*this, getFilter());
  if (failed(in) || failed(w))
    return failure();
  SmallVector<int64_t> kernel = getIntegers(getKernelShape());
  SmallVector<int64_t> strides = getIntegers(getStrides());
  SmallVector<int64_t> pads = getIntegers(getPads());
  SmallVector<int64_t> dilations = getDilationValues();
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
  ArrayRef<int64_t> w = shapeOf(getFilter());
  if (w.empty())
    return 0;
  int64_t macsPerOutput = 1;
  for (size_t i = 1; i < w.size(); ++i)
    macsPerOutput *= w[i];
  int64_t outputs = numElements(getOutput());
  int64_t flops = 2 * macsPerOutput * outputs;
  if (!isa<NoneType>(getBias().getType()))
    flops += outputs;
  if (getDoRelu())
    flops += outputs;
  return flops;
}

/// The kernel geometry of the op (a 1-D convolution has height 1).
static kernels::ConvShape toKernelShape(ConvOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  ArrayRef<int64_t> out = shapeOf(op.getOutput());
  SmallVector<int64_t> kernel = getIntegers(op.getKernelShape());
  SmallVector<int64_t> strides = getIntegers(op.getStrides());
  SmallVector<int64_t> pads = getIntegers(op.getPads());
  SmallVector<int64_t> dilations = op.getDilationValues();
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
