//===- Conv.h - 2-D convolution kernels -------------------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Float convolution on dense row-major NCHW buffers: a oneDNN-backed kernel
// for inference and a plain loop accumulating in double as the test oracle.
// A 1-D convolution is a 2-D one with height 1.
//
// Conv2D splits the work into chunks (one image x a range of output channels
// or groups) chosen from the shape alone, runs one single-threaded oneDNN
// primitive per chunk and spreads the chunks over tpuc::parallelFor's
// threads, so its results do not depend on the number of threads.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_KERNELS_CONV_H
#define TPUC_KERNELS_CONV_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace tpuc::kernels {

/// The geometry of a grouped 2-D convolution (cross-correlation). Input
/// `batch x inChannels x inHeight x inWidth`, filter
/// `outChannels x inChannels/groups x kernelHeight x kernelWidth`, optional
/// bias of `outChannels`, output `batch x outChannels x outHeight x outWidth`.
struct ConvShape {
  int64_t batch = 1;
  int64_t inChannels = 1, inHeight = 1, inWidth = 1;
  int64_t outChannels = 1, outHeight = 1, outWidth = 1;
  int64_t kernelHeight = 1, kernelWidth = 1;
  int64_t strideHeight = 1, strideWidth = 1;
  int64_t dilationHeight = 1, dilationWidth = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t groups = 1;
  bool hasBias = false;
  /// Apply ReLU to the result, capped at `reluLimit` when it is positive.
  bool doRelu = false;
  double reluLimit = -1.0;
};

/// Checks that the fields are positive (pads non-negative), the channels
/// divide into the groups and the output size follows from the input size,
/// kernel, stride, dilation and pads.
llvm::Error checkConvShape(const ConvShape &shape);

/// The reference: out = bias + sum in * filter, accumulated in double, then
/// the fused ReLU. `bias` is ignored unless `shape.hasBias`.
void referenceConv2D(const ConvShape &shape, const float *input,
                     const float *filter, const float *bias, float *output);

/// A convolution built once for a shape and run many times.
class Conv2D {
public:
  /// Builds the oneDNN primitives for `shape`; fails when the shape is
  /// inconsistent or oneDNN rejects it.
  static llvm::Expected<std::unique_ptr<Conv2D>> create(const ConvShape &shape);
  ~Conv2D();

  /// Computes `output` from `input`, `filter` and `bias` (read only when
  /// the shape has a bias). Buffers are dense and sized by the shape.
  llvm::Error run(const float *input, const float *filter, const float *bias,
                  float *output) const;

  /// Declares that every run passes the same, unchanging filter buffer: the
  /// filter is then reordered into oneDNN's layout on the first run only.
  /// Otherwise it is reordered on every run.
  void setConstantFilter(bool constant);

  const ConvShape &getShape() const;
  /// The number of chunks one run is split into (a function of the shape).
  int64_t getNumChunks() const;

private:
  struct Impl;
  explicit Conv2D(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace tpuc::kernels

#endif // TPUC_KERNELS_CONV_H
