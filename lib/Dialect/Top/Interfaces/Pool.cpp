//===- Pool.cpp - top.MaxPool, top.AvgPool --------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "Window.h"

#include "tpuc/Kernels/PoolWindow.h"
#include "tpuc/Support/Parallel.h"

#include <limits>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

namespace {

/// The attributes shared by the pooling ops, spatial axes first to last.
struct PoolParams : WindowParams {
  bool ceilMode = false;
};

template <typename OpTy> PoolParams getParams(OpTy op) {
  PoolParams p;
  static_cast<WindowParams &>(p) = getWindowParams(op);
  p.ceilMode = op.getCeilMode();
  return p;
}

template <typename OpTy> SmallVector<int64_t> dilationValues(OpTy op) {
  return getIntegersOr(op.getDilations(), op.getKernelShape().size(), 1);
}

/// Checks the window attributes against each other and the input rank.
LogicalResult verifyPool(Operation *op, const PoolParams &p, Value input,
                         bool hasDilations, double reluLimit) {
  size_t k = p.kernel.size();
  if (failed(verifyWindowAttrs(op, p.kernel, p.strides, p.pads, p.dilations,
                               hasDilations)))
    return failure();
  // A pad as large as the window would make windows of padding only.
  for (size_t i = 0; i < k; ++i) {
    int64_t extent = p.dilations[i] * (p.kernel[i] - 1) + 1;
    if (p.pads[i] >= extent || p.pads[k + i] >= extent)
      return op->emitOpError("pads must be smaller than the window extent ")
             << extent << " on spatial axis " << i;
  }
  if (failed(verifyReluLimit(op, reluLimit)))
    return failure();
  ArrayRef<int64_t> in = shapeOf(input);
  if (!in.empty() && in.size() != k + 2)
    return op->emitOpError("input must have rank ")
           << k + 2 << " for " << k << "-D pooling, got rank " << in.size();
  return success();
}

/// The output size of one spatial axis; failure when the window does not
/// fit in the padded input.
FailureOr<int64_t> outputSize(Operation *op, const PoolParams &p, size_t axis,
                              int64_t in) {
  size_t k = p.kernel.size();
  int64_t extent = kernels::poolExtent(p.kernel[axis], p.dilations[axis]);
  int64_t padded = in + p.pads[axis] + p.pads[k + axis];
  if (padded < extent) {
    op->emitOpError("window extent ")
        << extent << " exceeds the padded input size " << padded
        << " on spatial axis " << axis;
    return failure();
  }
  return kernels::poolOutputSize(in, p.kernel[axis], p.strides[axis],
                                 p.dilations[axis], p.pads[axis],
                                 p.pads[k + axis], p.ceilMode);
}

LogicalResult inferPoolShapes(Operation *op, const PoolParams &p, Value input) {
  FailureOr<SmallVector<int64_t>> in = getStaticShape(op, input);
  if (failed(in))
    return failure();
  size_t k = p.kernel.size();
  if (in->size() != k + 2)
    return op->emitOpError("input must have rank ")
           << k + 2 << " for " << k << "-D pooling, got rank " << in->size();
  SmallVector<int64_t> out = {(*in)[0], (*in)[1]};
  for (size_t i = 0; i < k; ++i) {
    FailureOr<int64_t> size = outputSize(op, p, i, (*in)[2 + i]);
    if (failed(size))
      return failure();
    out.push_back(*size);
  }
  return setResultShape(op, 0, out);
}

using kernels::PoolWindow;

/// The windows of every output position along one axis.
SmallVector<PoolWindow> windows(int64_t in, int64_t out, int64_t kernel,
                                int64_t stride, int64_t dilation,
                                int64_t padBegin, int64_t padEnd) {
  std::vector<PoolWindow> w =
      kernels::poolWindows(in, out, kernel, stride, dilation, padBegin, padEnd);
  return SmallVector<PoolWindow>(w.begin(), w.end());
}

/// The geometry of a pooling op seen as 2-D (a 1-D op has height 1).
struct Geometry {
  int64_t planes, ih, iw, oh, ow, kw, sw, dh, dw, padLeft;
  /// The window of every output row and column.
  SmallVector<PoolWindow> rows, cols;
  /// For every kernel column kx, the output columns [colFirst, colLast)
  /// whose tap kx falls inside the input.
  SmallVector<int64_t> colFirst, colLast;
  /// Whether the window is the whole input (global pooling).
  bool global;
};

Geometry geometry(const PoolParams &p, ArrayRef<int64_t> inShape,
                  ArrayRef<int64_t> outShape) {
  bool is1d = p.kernel.size() == 1;
  size_t k = p.kernel.size();
  Geometry g;
  g.planes = inShape[0] * inShape[1];
  g.ih = is1d ? 1 : inShape[2];
  g.iw = inShape.back();
  g.oh = is1d ? 1 : outShape[2];
  g.ow = outShape.back();
  g.kw = p.kernel.back();
  g.sw = p.strides.back();
  g.dh = is1d ? 1 : p.dilations[0];
  g.dw = p.dilations.back();
  g.padLeft = p.pads[k - 1];
  if (is1d)
    g.rows = windows(1, 1, 1, 1, 1, 0, 0);
  else
    g.rows = windows(g.ih, g.oh, p.kernel[0], p.strides[0], g.dh, p.pads[0],
                     p.pads[k]);
  g.cols = windows(g.iw, g.ow, g.kw, g.sw, g.dw, g.padLeft, p.pads[2 * k - 1]);
  for (int64_t kx = 0; kx < g.kw; ++kx) {
    // 0 <= x * sw + offset < iw.
    int64_t offset = kx * g.dw - g.padLeft;
    int64_t first = offset >= 0 ? 0 : (-offset + g.sw - 1) / g.sw;
    int64_t last = std::min(g.ow, (g.iw - offset + g.sw - 1) / g.sw);
    g.colFirst.push_back(first);
    g.colLast.push_back(std::max(first, last));
  }
  g.global = g.oh == 1 && g.ow == 1 &&
             llvm::all_of(p.pads, [](int64_t v) { return v == 0; }) &&
             (is1d || p.kernel[0] == g.ih) && g.kw == g.iw;
  return g;
}

/// Pools one (n, c) plane. Each output row accumulates kernel row by kernel
/// row and column by column, every step a contiguous (stride 1) or strided
/// sweep over the whole output row, so the inner loops are long and
/// vectorisable; the order of the terms of each output is fixed by the
/// geometry alone.
template <bool IsMax>
void poolPlane(const Geometry &g, const float *in, float *out,
               bool includePad) {
  const float init = IsMax ? -std::numeric_limits<float>::infinity() : 0.0f;
  auto combine = [](float a, float b) {
    return IsMax ? std::max(a, b) : a + b;
  };
  if (g.global) {
    float acc = init;
    for (int64_t i = 0, n = g.ih * g.iw; i < n; ++i)
      acc = combine(acc, in[i]);
    out[0] = IsMax ? acc : acc / static_cast<float>(g.ih * g.iw);
    return;
  }
  for (int64_t y = 0; y < g.oh; ++y) {
    const PoolWindow &r = g.rows[y];
    float *acc = out + y * g.ow;
    std::fill(acc, acc + g.ow, init);
    for (int64_t ky = r.first; ky < r.last; ++ky) {
      const float *row = in + (r.start + ky * g.dh) * g.iw;
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        int64_t offset = kx * g.dw - g.padLeft;
        int64_t first = g.colFirst[kx], last = g.colLast[kx];
        if (g.sw == 1) {
          const float *src = row + offset;
          for (int64_t x = first; x < last; ++x)
            acc[x] = combine(acc[x], src[x]);
        } else {
          for (int64_t x = first; x < last; ++x)
            acc[x] = combine(acc[x], row[x * g.sw + offset]);
        }
      }
    }
    if (IsMax) {
      // A window without input taps (only with dilations) yields 0.
      for (int64_t x = 0; x < g.ow; ++x)
        if (r.first == r.last || g.cols[x].first == g.cols[x].last)
          acc[x] = 0.0f;
      continue;
    }
    for (int64_t x = 0; x < g.ow; ++x) {
      const PoolWindow &c = g.cols[x];
      int64_t count = includePad ? r.padded * c.padded
                                 : (r.last - r.first) * (c.last - c.first);
      acc[x] = count > 0 ? acc[x] / static_cast<float>(count) : 0.0f;
    }
  }
}

/// Runs poolPlane on every (n, c) plane in parallel, then the fused ReLU.
template <bool IsMax>
void pool(const Geometry &g, const float *in, float *out, bool includePad,
          bool doRelu, double reluLimit) {
  int64_t inPlane = g.ih * g.iw, outPlane = g.oh * g.ow;
  int64_t grain = chooseGrain(
      g.planes, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, inPlane)));
  parallelFor(0, g.planes, grain, [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      poolPlane<IsMax>(g, in + c * inPlane, out + c * outPlane, includePad);
      applyRelu(out + c * outPlane, outPlane, doRelu, reluLimit);
    }
  });
}

} // namespace

//===----------------------------------------------------------------------===//
// MaxPoolOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t> MaxPoolOp::getDilationValues() {
  return dilationValues(*this);
}

LogicalResult MaxPoolOp::verify() {
  return verifyPool(*this, getParams(*this), getInput(),
                    getDilations().has_value(),
                    getReluLimit().convertToDouble());
}

LogicalResult MaxPoolOp::inferShapes() {
  return inferPoolShapes(*this, getParams(*this), getInput());
}

int64_t MaxPoolOp::getFlops() {
  int64_t window = 1;
  for (int64_t k : getIntegers(getKernelShape()))
    window *= k;
  return numElements(getOutput()) * (window + (getDoRelu() ? 1 : 0));
}

LogicalResult MaxPoolOp::inference(InferenceParameter &p) {
  Geometry g =
      geometry(getParams(*this), shapeOf(getInput()), shapeOf(getOutput()));
  pool<true>(g, p.inputs[0], p.outputs[0], false, getDoRelu(),
             getReluLimit().convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// AvgPoolOp
//===----------------------------------------------------------------------===//

SmallVector<int64_t> AvgPoolOp::getDilationValues() {
  return dilationValues(*this);
}

LogicalResult AvgPoolOp::verify() {
  return verifyPool(*this, getParams(*this), getInput(),
                    getDilations().has_value(),
                    getReluLimit().convertToDouble());
}

LogicalResult AvgPoolOp::inferShapes() {
  return inferPoolShapes(*this, getParams(*this), getInput());
}

int64_t AvgPoolOp::getFlops() {
  int64_t window = 1;
  for (int64_t k : getIntegers(getKernelShape()))
    window *= k;
  return numElements(getOutput()) * (window + 1 + (getDoRelu() ? 1 : 0));
}

LogicalResult AvgPoolOp::inference(InferenceParameter &p) {
  Geometry g =
      geometry(getParams(*this), shapeOf(getInput()), shapeOf(getOutput()));
  pool<false>(g, p.inputs[0], p.outputs[0], getCountIncludePad(), getDoRelu(),
              getReluLimit().convertToDouble());
  return success();
}
