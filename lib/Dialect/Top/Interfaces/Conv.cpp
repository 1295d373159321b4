//===- Conv.cpp - top.Conv ------------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

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

LogicalResult ConvOp::inference(InferenceParameter &p) {
  // A 1-D convolution is computed as a 2-D one with height 1.
  ArrayRef<int64_t> inShape = shapeOf(getInput());
  ArrayRef<int64_t> wShape = shapeOf(getFilter());
  ArrayRef<int64_t> outShape = shapeOf(getOutput());
  bool is1d = inShape.size() == 3;
  int64_t n = inShape[0], ic = inShape[1];
  int64_t ih = is1d ? 1 : inShape[2], iw = inShape.back();
  int64_t oc = outShape[1];
  int64_t oh = is1d ? 1 : outShape[2], ow = outShape.back();
  int64_t kh = is1d ? 1 : wShape[2], kw = wShape.back();
  SmallVector<int64_t> strides = getIntegers(getStrides());
  SmallVector<int64_t> pads = getIntegers(getPads());
  SmallVector<int64_t> dil = getDilationValues();
  int64_t sh = is1d ? 1 : strides[0], sw = strides.back();
  int64_t dh = is1d ? 1 : dil[0], dw = dil.back();
  int64_t pt = is1d ? 0 : pads[0], pl = is1d ? pads[0] : pads[1];
  int64_t group = getGroup();
  int64_t icg = ic / group, ocg = oc / group;

  const float *in = p.inputs[0];
  const float *w = p.inputs[1];
  const float *bias = p.inputs[2];
  float *out = p.outputs[0];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < oc; ++o) {
      int64_t g = o / ocg;
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double acc = bias ? bias[o] : 0.0;
          for (int64_t c = 0; c < icg; ++c) {
            const float *plane = in + ((b * ic) + g * icg + c) * ih * iw;
            const float *kern = w + ((o * icg) + c) * kh * kw;
            for (int64_t ky = 0; ky < kh; ++ky) {
              int64_t iy = y * sh - pt + ky * dh;
              if (iy < 0 || iy >= ih)
                continue;
              for (int64_t kx = 0; kx < kw; ++kx) {
                int64_t ix = x * sw - pl + kx * dw;
                if (ix < 0 || ix >= iw)
                  continue;
                acc += static_cast<double>(plane[iy * iw + ix]) *
                       kern[ky * kw + kx];
              }
            }
          }
          out[((b * oc + o) * oh + y) * ow + x] = static_cast<float>(acc);
        }
    }
  applyRelu(out, numElements(getOutput()), getDoRelu(),
            getReluLimit().convertToDouble());
  return success();
}
