//===- ConvertNN.cpp - ONNX converters: deconv, pooling, norms, softmax ---===//
//
// Part of tpuc. ConvTranspose, BatchNormalization, MaxPool, AveragePool,
// GlobalMaxPool, GlobalAveragePool, Softmax, LogSoftmax,
// LayerNormalization, InstanceNormalization, LRN, LpNormalization.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporter.h"

#include "tpuc/Dialect/Top/IR/Module.h"

#include "mlir/IR/Builders.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::onnx_import;

namespace {

using Node = onnx::NodeProto;

/// Whether output `index` of `node` is requested (present and named).
bool hasOutput(const Node &node, int index) {
  return index < node.output_size() && !node.output(index).empty();
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

LogicalResult convertConvTranspose(OnnxImporter &im, const Node &node) {
  Value input = im.getInput(node, 0);
  Value filter = im.getInput(node, 1);
  Value bias = im.getInput(node, 2);
  if (!input || !filter || !bias)
    return failure();
  ArrayRef<int64_t> inShape = OnnxImporter::shapeOf(input);
  ArrayRef<int64_t> wShape = OnnxImporter::shapeOf(filter);
  FailureOr<size_t> rank =
      convSpatialRank(im, node, inShape, wShape, "ConvTranspose");
  if (failed(rank))
    return failure();
  size_t k = *rank;
  WindowAttrs window = getWindowAttrs(node, k, wShape.drop_front(2));
  auto &[kernel, strides, dilations, pads] = window;
  SmallVector<int64_t> outPad = getAttrIntsOr(node, "output_padding", k, 0);
  SmallVector<int64_t> outShape = getAttrInts(node, "output_shape");
  // output_shape may list the batch and channel dimensions too.
  if (outShape.size() == k + 2)
    outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (kernel.size() != k || strides.size() != k || dilations.size() != k ||
      pads.size() != 2 * k || outPad.size() != k ||
      (!outShape.empty() && outShape.size() != k))
    return im.fail(node, "kernel_shape, strides, dilations, pads, "
                         "output_padding and output_shape must match the "
                         "filter rank");
  for (size_t i = 0; i < k; ++i)
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0)
      return im.fail(node, "kernel_shape, strides and dilations must be "
                           "positive");

  std::string autoPad = getAttrString(node, "auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return im.fail(node, "unknown auto_pad '" + autoPad + "'");
  if (autoPad == "VALID")
    pads.assign(2 * k, 0);
  // With an explicit output shape, or SAME padding (output = input *
  // stride), the pads follow from the output size; a size beyond the
  // unpadded result is reached by extra output padding at the end.
  if (same && outShape.empty())
    for (size_t i = 0; i < k; ++i)
      outShape.push_back(inShape[2 + i] * strides[i]);
  if (!outShape.empty()) {
    for (size_t i = 0; i < k; ++i) {
      int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
      int64_t full =
          strides[i] * (inShape[2 + i] - 1) + outPad[i] + extent;
      int64_t total = full - outShape[i];
      if (total < 0) {
        outPad[i] -= total;
        total = 0;
      }
      int64_t half = total / 2;
      bool upper = autoPad != "SAME_LOWER" && autoPad != "NOTSET";
      // SAME_UPPER puts the odd pad at the end, the others at the begin.
      pads[i] = upper ? half : total - half;
      pads[k + i] = total - pads[i];
    }
  }

  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel_shape", b.getI64ArrayAttr(kernel)),
      b.getNamedAttr("strides", b.getI64ArrayAttr(strides)),
      b.getNamedAttr("pads", b.getI64ArrayAttr(pads)),
      b.getNamedAttr("dilations", b.getI64ArrayAttr(dilations)),
      b.getNamedAttr("output_padding", b.getI64ArrayAttr(outPad)),
      b.getNamedAttr("group",
                     b.getI64IntegerAttr(getAttrInt(node, "group", 1)))};
  return failure(
      failed(im.create<top::DeconvOp>(node, {input, filter, bias}, attrs)));
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

/// Folds `scale`/`shift` (per output channel) into the convolution that
/// produces `x` when nothing else uses its result yet and its filter and
/// bias are constants. The folded convolution is a new op named by the
/// BatchNormalization's output; the original one is left for later users
/// (none in the usual case: it is then erased with its weights as dead).
FailureOr<bool> foldIntoConv(OnnxImporter &im, const Node &node, Value x,
                             ArrayRef<float> scale, ArrayRef<float> shift) {
  auto conv = x.getDefiningOp<top::ConvOp>();
  if (!conv || !x.use_empty())
    return false;
  auto filterOp = conv.getFilter().getDefiningOp<top::WeightOp>();
  if (!filterOp)
    return false;
  const Array *filter = im.getConstant(getName(filterOp.getOperation()));
  const Array *bias = nullptr;
  if (!isa<NoneType>(conv.getBias().getType())) {
    auto biasOp = conv.getBias().getDefiningOp<top::WeightOp>();
    if (!biasOp)
      return false;
    bias = im.getConstant(getName(biasOp.getOperation()));
    if (!bias)
      return false;
  }
  int64_t channels = static_cast<int64_t>(scale.size());
  if (!filter || filter->rank() < 1 || filter->shape()[0] != channels ||
      (bias && bias->numElements() != channels))
    return false;

  std::vector<float> w = filter->toFloat();
  int64_t perChannel = filter->numElements() / channels;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = 0; i < perChannel; ++i)
      w[c * perChannel + i] *= scale[c];
  std::vector<float> b(channels, 0.0f);
  if (bias)
    b = bias->toFloat();
  for (int64_t c = 0; c < channels; ++c)
    b[c] = b[c] * scale[c] + shift[c];
  Value newFilter =
      im.createWeight(node, "filter", Array::fromFloat(filter->shape(), w));
  Value newBias = im.createWeight(node, "bias", Array::fromFloat({channels}, b));
  SmallVector<NamedAttribute> attrs(conv->getAttrs().begin(),
                                    conv->getAttrs().end());
  if (failed(im.create<top::ConvOp>(
          node, {conv.getInput(), newFilter, newBias}, attrs,
          SmallVector<std::string>{node.output(0)})))
    return failure();
  return true;
}

LogicalResult convertBatchNorm(OnnxImporter &im, const Node &node) {
  if (getAttrInt(node, "training_mode", 0) != 0)
    return im.fail(node, "training_mode=1 is not supported (inference only)");
  for (int i = 3; i < node.output_size(); ++i)
    if (hasOutput(node, i))
      return im.fail(node, "the saved mean and variance outputs of training "
                           "are not supported");
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = OnnxImporter::shapeOf(x);
  if (shape.size() < 2)
    return im.fail(node, "input must have rank 2 or more");
  int64_t channels = shape[1];
  float eps = getAttrFloat(node, "epsilon", 1e-5f);
  // In inference the running statistics pass through unchanged.
  for (int i = 1; i <= 2; ++i)
    if (hasOutput(node, i)) {
      if (im.isConstant(node.input(i + 2)))
        im.setConstant(node.output(i), *im.getConstant(node.input(i + 2)));
      else if (Value v = im.getInput(node, i + 2))
        im.mapValue(node.output(i), v);
      else
        return failure();
    }

  // Statistics that are not constants: a top.BatchNorm.
  bool constant = true;
  for (unsigned i = 1; i <= 4; ++i)
    constant &= OnnxImporter::hasInput(node, i) && im.isConstant(node.input(i));
  if (!constant) {
    Value scale = im.getInput(node, 1), bias = im.getInput(node, 2);
    Value mean = im.getInput(node, 3), var = im.getInput(node, 4);
    if (!scale || !bias || !mean || !var)
      return failure();
    OpBuilder &b = im.builder();
    return failure(failed(im.create<top::BatchNormOp>(
        node, {x, mean, var, scale, bias},
        {b.getNamedAttr("eps", b.getF64FloatAttr(eps))},
        SmallVector<std::string>{node.output(0)})));
  }

  SmallVector<SmallVector<float>> params;
  static const char *names[] = {"scale", "B", "mean", "var"};
  for (unsigned i = 1; i <= 4; ++i) {
    FailureOr<SmallVector<float>> values = im.getConstantFloats(node, i);
    if (failed(values))
      return failure();
    // Before opset 9, spatial=0 gives one value per element; only values
    // that repeat per channel are supported.
    if (static_cast<int64_t>(values->size()) != channels)
      return im.fail(node, Twine("input '") + names[i - 1] + "' has " +
                               Twine(values->size()) +
                               " values but the input has " +
                               Twine(channels) + " channels");
    params.push_back(std::move(*values));
  }
  SmallVector<float> scale(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    scale[c] = params[0][c] / std::sqrt(params[3][c] + eps);
    shift[c] = params[1][c] - params[2][c] * scale[c];
  }

  FailureOr<bool> folded = foldIntoConv(im, node, x, scale, shift);
  if (failed(folded))
    return failure();
  if (*folded)
    return success();
  Value s = im.createWeight(node, "scale", Array::fromFloat({channels}, scale));
  Value b = im.createWeight(node, "bias", Array::fromFloat({channels}, shift));
  return failure(failed(im.create<top::ScaleOp>(
      node, {x, s, b}, {}, SmallVector<std::string>{node.output(0)})));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// The spatial rank of a pooling input, or failure (reported) when it is
/// not 1 or 2.
FailureOr<size_t> poolRank(OnnxImporter &im, const Node &node, Value x) {
  int64_t rank = OnnxImporter::shapeOf(x).size();
  if (rank == 5)
    return im.fail(node, "3-D pooling is not supported");
  if (rank != 3 && rank != 4)
    return im.fail(node, "input must have rank 3 or 4, got rank " +
                             Twine(rank));
  return static_cast<size_t>(rank - 2);
}

template <typename OpTy>
LogicalResult convertPool(OnnxImporter &im, const Node &node) {
  constexpr bool isMax = std::is_same_v<OpTy, top::MaxPoolOp>;
  if (isMax && hasOutput(node, 1))
    return im.fail(node, "the Indices output is not supported");
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  FailureOr<size_t> rank = poolRank(im, node, x);
  if (failed(rank))
    return failure();
  size_t k = *rank;
  ArrayRef<int64_t> inShape = OnnxImporter::shapeOf(x);
  WindowAttrs window = getWindowAttrs(node, k);
  auto &[kernel, strides, dilations, pads] = window;
  if (kernel.size() != k || strides.size() != k || dilations.size() != k ||
      pads.size() != 2 * k)
    return im.fail(node, "kernel_shape, strides, dilations and pads must "
                         "match the input rank");
  for (size_t i = 0; i < k; ++i)
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0)
      return im.fail(node, "kernel_shape, strides and dilations must be "
                           "positive");
  bool ceilMode = getAttrInt(node, "ceil_mode", 0) != 0;
  FailureOr<bool> same = resolveAutoPad(im, node, inShape.drop_front(2), window);
  if (failed(same))
    return failure();
  // SAME padding fixes the output size, so ceil_mode does not apply.
  if (*same)
    ceilMode = false;
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel_shape", b.getI64ArrayAttr(kernel)),
      b.getNamedAttr("strides", b.getI64ArrayAttr(strides)),
      b.getNamedAttr("pads", b.getI64ArrayAttr(pads)),
      b.getNamedAttr("ceil_mode", b.getBoolAttr(ceilMode))};
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    attrs.push_back(b.getNamedAttr("dilations", b.getI64ArrayAttr(dilations)));
  if constexpr (!isMax)
    attrs.push_back(b.getNamedAttr(
        "count_include_pad",
        b.getBoolAttr(getAttrInt(node, "count_include_pad", 0) != 0)));
  return failure(failed(im.create<OpTy>(
      node, {x}, attrs, SmallVector<std::string>{node.output(0)})));
}

/// GlobalMaxPool / GlobalAveragePool: one window over the spatial extent.
template <typename OpTy>
LogicalResult convertGlobalPool(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  FailureOr<size_t> rank = poolRank(im, node, x);
  if (failed(rank))
    return failure();
  ArrayRef<int64_t> inShape = OnnxImporter::shapeOf(x);
  SmallVector<int64_t> kernel(inShape.begin() + 2, inShape.end());
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel_shape", b.getI64ArrayAttr(kernel)),
      b.getNamedAttr("strides",
                     b.getI64ArrayAttr(SmallVector<int64_t>(*rank, 1))),
      b.getNamedAttr("pads",
                     b.getI64ArrayAttr(SmallVector<int64_t>(2 * *rank, 0)))};
  return failure(failed(im.create<OpTy>(node, {x}, attrs)));
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

/// Softmax and LogSoftmax. From opset 13 they normalize along `axis`;
/// before, they flatten the input at `axis` into rows and normalize each
/// row, which is a reshape, a softmax on the last axis and a reshape back
/// (unless the axes after `axis` are all 1).
LogicalResult convertSoftmax(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  bool log = node.op_type() == "LogSoftmax";
  ArrayRef<int64_t> shape = OnnxImporter::shapeOf(x);
  int64_t rank = shape.size();
  if (rank == 0)
    return im.fail(node, "input must have rank 1 or more");
  bool perAxis = im.opset() >= 13;
  int64_t axis = getAttrInt(node, "axis", perAxis ? -1 : 1);
  if (axis < -rank || axis >= rank)
    return im.fail(node, "axis " + Twine(axis) + " is out of range for rank " +
                             Twine(rank));
  if (axis < 0)
    axis += rank;
  OpBuilder &b = im.builder();
  int64_t trailing = 1;
  for (int64_t i = axis + 1; i < rank; ++i)
    trailing *= shape[i];
  auto softmaxAttrs = [&](int64_t a) {
    return SmallVector<NamedAttribute>{
        b.getNamedAttr("axis", b.getI64IntegerAttr(a)),
        b.getNamedAttr("log", b.getBoolAttr(log))};
  };
  if (perAxis || trailing == 1)
    return failure(
        failed(im.create<top::SoftmaxOp>(node, {x}, softmaxAttrs(axis))));
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  FailureOr<Value> flat = im.createHelper<top::ReshapeOp>(
      node, "flat", {x},
      {b.getNamedAttr("shape",
                      b.getI64ArrayAttr({outer, shape[axis] * trailing}))});
  if (failed(flat))
    return failure();
  FailureOr<Value> rows = im.createHelper<top::SoftmaxOp>(node, "rows", {*flat},
                                                          softmaxAttrs(1));
  if (failed(rows))
    return failure();
  return failure(failed(im.create<top::ReshapeOp>(
      node, {*rows}, {b.getNamedAttr("shape", b.getI64ArrayAttr(shape))})));
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

LogicalResult convertLayerNorm(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  Value scale = im.getInput(node, 1);
  Value bias = im.getInput(node, 2);
  if (!x || !scale || !bias)
    return failure();
  int64_t rank = OnnxImporter::shapeOf(x).size();
  int64_t axis = getAttrInt(node, "axis", -1);
  if (axis < -rank || axis >= rank)
    return im.fail(node, "axis " + Twine(axis) + " is out of range for rank " +
                             Twine(rank));
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("axis", b.getI64IntegerAttr(axis < 0 ? axis + rank : axis)),
      b.getNamedAttr("eps", b.getF64FloatAttr(getAttrFloat(node, "epsilon",
                                                           1e-5f)))};
  // The Mean and InvStdDev results are named after the optional outputs,
  // or after the first output when the model does not ask for them.
  SmallVector<std::string> names = {node.output(0)};
  names.push_back(hasOutput(node, 1) ? node.output(1)
                                     : node.output(0) + "_mean");
  names.push_back(hasOutput(node, 2) ? node.output(2)
                                     : node.output(0) + "_rstd");
  return failure(
      failed(im.create<top::LayerNormOp>(node, {x, scale, bias}, attrs, names)));
}

LogicalResult convertInstanceNorm(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  Value scale = im.getInput(node, 1);
  Value bias = im.getInput(node, 2);
  if (!x || !scale || !bias)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::InstanceNormOp>(
      node, {x, scale, bias},
      {b.getNamedAttr("eps", b.getF64FloatAttr(
                                 getAttrFloat(node, "epsilon", 1e-5f)))})));
}

LogicalResult convertLRN(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  if (!findAttr(node, "size"))
    return im.fail(node, "the size attribute is required");
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("size", b.getI64IntegerAttr(getAttrInt(node, "size", 1))),
      b.getNamedAttr("alpha",
                     b.getF64FloatAttr(getAttrFloat(node, "alpha", 1e-4f))),
      b.getNamedAttr("beta",
                     b.getF64FloatAttr(getAttrFloat(node, "beta", 0.75f))),
      b.getNamedAttr("bias",
                     b.getF64FloatAttr(getAttrFloat(node, "bias", 1.0f)))};
  return failure(failed(im.create<top::LRNOp>(node, {x}, attrs)));
}

LogicalResult convertLpNorm(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  int64_t p = getAttrInt(node, "p", 2);
  if (p != 1 && p != 2)
    return im.fail(node, "p must be 1 or 2, got " + Twine(p));
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("axis", b.getI64IntegerAttr(getAttrInt(node, "axis", -1))),
      b.getNamedAttr("p", b.getI64IntegerAttr(p))};
  return failure(failed(im.create<top::LpNormOp>(node, {x}, attrs)));
}

} // namespace

void tpuc::onnx_import::registerNNConverters(ConverterMap &map) {
  map["ConvTranspose"] = convertConvTranspose;
  map["BatchNormalization"] = convertBatchNorm;
  map["MaxPool"] = convertPool<top::MaxPoolOp>;
  map["AveragePool"] = convertPool<top::AvgPoolOp>;
  map["GlobalMaxPool"] = convertGlobalPool<top::MaxPoolOp>;
  map["GlobalAveragePool"] = convertGlobalPool<top::AvgPoolOp>;
  map["Softmax"] = convertSoftmax;
  map["LogSoftmax"] = convertSoftmax;
  map["LayerNormalization"] = convertLayerNorm;
  map["InstanceNormalization"] = convertInstanceNorm;
  map["LRN"] = convertLRN;
  map["LpNormalization"] = convertLpNorm;
}
