//===- Deconv.cpp - top.Deconv --------------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "Window.h"

#include "tpuc/Kernels/Deconv.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

SmallVector<int64_t> DeconvOp::getDilationValues() {
  return getIntegersOr(getDilations(), getKernelShape().size(), 1);
}

SmallVector<int64_t> DeconvOp::getOutputPaddingValues() {
  return getIntegersOr(getOutputPadding(), getKernelShape().size(), 0);
}

LogicalResult DeconvOp::verify() {
  SmallVector<int64_t> kernel = getIntegers(getKernelShape());
  size_t k = kernel.size();
  if (failed(verifyWindowAttrs(*this, kernel, getIntegers(getStrides()),
                               getIntegers(getPads()), getDilationValues(),
                               getDilations().has_value())))
    return failure();
  if (auto padding = getOutputPadding()) {
    if (padding->size() != k)
      return emitOpError("output_padding must have ")
             << k << " entries, got " << padding->size();
    if (llvm::any_of(getIntegers(*padding), [](int64_t v) { return v < 0; }))
      return emitOpError("output_padding must not be negative");
  }
  int64_t group = static_cast<int64_t>(getGroup());
  if (group < 1)
    return emitOpError("group must be at least 1, got ") << group;
  if (failed(verifyReluLimit(*this, getReluLimit().convertToDouble())))
    return failure();

  ArrayRef<int64_t> in = shapeOf(getInput());
  ArrayRef<int64_t> w = shapeOf(getFilter());
  if (failed(verifyConvOperandRanks(*this, in, w, kernel, "deconvolution")))
    return failure();
  if (w.empty())
    return success();
  if (!ShapedType::isDynamic(w[0]) && w[0] % group != 0)
    return emitOpError("input channels (")
           << w[0] << ") are not divisible by group (" << group << ")";
  if (!in.empty() && !ShapedType::isDynamic(in[1]) &&
      !ShapedType::isDynamic(w[0]) && in[1] != w[0])
    return emitOpError("input has ")
           << in[1] << " channels but the filter expects " << w[0];
  if (!ShapedType::isDynamic(w[1]) &&
      failed(verifyBiasSize(*this, getBias(), w[1] * group)))
    return failure();
  return success();
}

LogicalResult DeconvOp::inferShapes() {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(*this, getInput());
  FailureOr<SmallVector<int64_t>> w = getStaticShape(*this, getFilter());
  if (failed(in) || failed(w))
    return failure();
  auto [kernel, strides, pads, dilations] = getWindowParams(*this);
  SmallVector<int64_t> outPad = getOutputPaddingValues();
  size_t k = kernel.size();
  SmallVector<int64_t> out = {(*in)[0],
                              (*w)[1] * static_cast<int64_t>(getGroup())};
  for (size_t i = 0; i < k; ++i) {
    int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
    int64_t size = strides[i] * ((*in)[2 + i] - 1) + outPad[i] + extent -
                   pads[i] - pads[k + i];
    if (size <= 0)
      return emitOpError("pads leave no output on spatial axis ") << i;
    out.push_back(size);
  }
  return setResultShape(*this, 0, out);
}

int64_t DeconvOp::getFlops() {
  // Every input element meets OC/group x kernel filter taps.
  return convFlops(*this, numElements(getInput()));
}

LogicalResult DeconvOp::inference(InferenceParameter &p) {
  // A 1-D deconvolution is computed as a 2-D one with height 1.
  auto [kernel, strides, pads, dil] = getWindowParams(*this);
  kernels::DeconvShape s = kernels::makeDeconvShape(
      shapeOf(getInput()).vec(), shapeOf(getOutput()).vec(),
      {kernel.begin(), kernel.end()}, {strides.begin(), strides.end()},
      {pads.begin(), pads.end()}, {dil.begin(), dil.end()},
      static_cast<int64_t>(getGroup()), getDoRelu(),
      getReluLimit().convertToDouble());
  kernels::deconv(p.inputs[0], p.inputs[1], p.inputs[2], p.outputs[0], s);
  return success();
}
