//===- Window.h - window attributes of the Top conv and pool ops -*- C++ -*-===//
//
// Part of tpuc. Private to lib/Dialect/Top.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_DIALECT_TOP_INTERFACES_WINDOW_H
#define TPUC_LIB_DIALECT_TOP_INTERFACES_WINDOW_H

#include "Common.h"

namespace tpuc::top {

/// The window attributes of a convolution or pooling op, spatial axes first
/// to last; pads are the begins, then the ends.
struct WindowParams {
  llvm::SmallVector<int64_t> kernel, strides, pads, dilations;
};

/// The window attributes of `op`, dilations defaulted to 1.
template <typename OpTy> WindowParams getWindowParams(OpTy op) {
  WindowParams w;
  w.kernel = getIntegers(op.getKernelShape());
  w.strides = getIntegers(op.getStrides());
  w.pads = getIntegers(op.getPads());
  w.dilations = op.getDilationValues();
  return w;
}

/// The flops of a (de)convolution `op`: two (a multiply and an add) per
/// filter tap, the filter's dimensions but the first, for each of
/// `tapElements` elements; plus one per output for the bias and one for the
/// fused ReLU. 0 while the filter is unranked.
template <typename OpTy> int64_t convFlops(OpTy op, int64_t tapElements) {
  llvm::ArrayRef<int64_t> w = shapeOf(op.getFilter());
  if (w.empty())
    return 0;
  int64_t taps = 1;
  for (size_t i = 1; i < w.size(); ++i)
    taps *= w[i];
  int64_t outputs = numElements(op.getOutput());
  int64_t flops = 2 * taps * tapElements;
  if (!llvm::isa<mlir::NoneType>(op.getBias().getType()))
    flops += outputs;
  if (op.getDoRelu())
    flops += outputs;
  return flops;
}

} // namespace tpuc::top

#endif // TPUC_LIB_DIALECT_TOP_INTERFACES_WINDOW_H
