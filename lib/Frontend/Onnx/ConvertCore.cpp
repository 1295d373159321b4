//===- ConvertCore.cpp - ONNX converters: graph plumbing, conv, matmul ----===//
//
// Part of tpuc. Constant, Identity, Dropout, Shape, Conv, Gemm, MatMul, Add,
// Sum, Relu, Reshape, Flatten.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporter.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace tpuc;
using namespace tpuc::onnx_import;
using llvm::Error;
using llvm::Expected;

namespace {

using Node = onnx::NodeProto;

LogicalResult convertConstant(OnnxImporter &im, const Node &node) {
  std::string where = node.output(0);
  if (const auto *attr = findAttr(node, "value")) {
    Expected<Array> array = tensorToArray(attr->t(), where);
    if (!array)
      return im.fail(node, llvm::toString(array.takeError()));
    im.setConstant(node.output(0), std::move(*array));
    return success();
  }
  if (const auto *attr = findAttr(node, "value_float")) {
    im.setConstant(node.output(0), Array::fromFloat({}, {attr->f()}));
    return success();
  }
  if (const auto *attr = findAttr(node, "value_floats")) {
    SmallVector<float> data(attr->floats().begin(), attr->floats().end());
    im.setConstant(node.output(0),
                   Array::fromFloat({static_cast<int64_t>(data.size())}, data));
    return success();
  }
  if (const auto *attr = findAttr(node, "value_int")) {
    int64_t v = attr->i();
    im.setConstant(node.output(0), Array::fromData<int64_t>({}, {v}));
    return success();
  }
  if (const auto *attr = findAttr(node, "value_ints")) {
    SmallVector<int64_t> data(attr->ints().begin(), attr->ints().end());
    im.setConstant(node.output(0),
                   Array::fromData<int64_t>(
                       {static_cast<int64_t>(data.size())}, data));
    return success();
  }
  return im.fail(node, "only tensor, float(s) and int(s) values are supported");
}

/// Identity and inference-mode Dropout forward their input.
LogicalResult convertIdentity(OnnxImporter &im, const Node &node) {
  // Dropout (opset 12+) takes training_mode as an input: only a constant
  // false is inference.
  if (node.op_type() == "Dropout" && OnnxImporter::hasInput(node, 2)) {
    const Array *mode = im.getConstant(node.input(2));
    if (!mode || llvm::any_of(mode->toFloat(), [](float v) { return v != 0; }))
      return im.fail(node, "training_mode=1 is not supported (inference "
                           "only; training_mode must be a constant false)");
  }
  if (im.isConstant(node.input(0))) {
    im.setConstant(node.output(0), *im.getConstant(node.input(0)));
  } else {
    Value input = im.getValue(node, node.input(0));
    if (!input)
      return failure();
    im.mapValue(node.output(0), input);
  }
  // Dropout's optional mask output: all true in inference.
  if (node.op_type() == "Dropout" && node.output_size() > 1 &&
      !node.output(1).empty()) {
    SmallVector<int64_t> shape;
    if (const Array *c = im.getConstant(node.input(0)))
      shape.assign(c->shape().begin(), c->shape().end());
    else
      shape.assign(OnnxImporter::shapeOf(im.getValue(node, node.input(0))).begin(),
                   OnnxImporter::shapeOf(im.getValue(node, node.input(0))).end());
    Array mask = Array::make(DType::Bool, shape);
    for (bool &b : mask.mutableValues<bool>())
      b = true;
    im.setConstant(node.output(1), std::move(mask));
  }
  return success();
}

/// Shape: a constant computed from the static input shape.
LogicalResult convertShape(OnnxImporter &im, const Node &node) {
  SmallVector<int64_t> shape;
  if (const Array *c = im.getConstant(node.input(0))) {
    shape.assign(c->shape().begin(), c->shape().end());
  } else {
    Value input = im.getValue(node, node.input(0));
    if (!input)
      return failure();
    shape.assign(OnnxImporter::shapeOf(input).begin(),
                 OnnxImporter::shapeOf(input).end());
  }
  int64_t rank = shape.size();
  int64_t start = getAttrInt(node, "start", 0);
  int64_t end = getAttrInt(node, "end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  SmallVector<int64_t> slice(shape.begin() + start, shape.begin() + end);
  im.setConstant(node.output(0),
                 Array::fromData<int64_t>(
                     {static_cast<int64_t>(slice.size())}, slice));
  return success();
}

LogicalResult convertConv(OnnxImporter &im, const Node &node) {
  Value input = im.getInput(node, 0);
  Value filter = im.getInput(node, 1);
  Value bias = im.getInput(node, 2);
  if (!input || !filter || !bias)
    return failure();
  ArrayRef<int64_t> inShape = OnnxImporter::shapeOf(input);
  ArrayRef<int64_t> wShape = OnnxImporter::shapeOf(filter);
  FailureOr<size_t> rank =
      convSpatialRank(im, node, inShape, wShape, "convolution");
  if (failed(rank))
    return failure();
  size_t k = *rank;
  WindowAttrs window =
      getWindowAttrs(node, k, wShape.drop_front(2));
  auto &[kernel, strides, dilations, pads] = window;
  if (kernel.size() != k || strides.size() != k || dilations.size() != k ||
      pads.size() != 2 * k)
    return im.fail(node, "kernel_shape, strides, dilations and pads must "
                         "match the filter rank");
  if (failed(resolveAutoPad(im, node, inShape.drop_front(2), window)))
    return failure();
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("kernel_shape", b.getI64ArrayAttr(kernel)),
      b.getNamedAttr("strides", b.getI64ArrayAttr(strides)),
      b.getNamedAttr("pads", b.getI64ArrayAttr(pads)),
      b.getNamedAttr("dilations", b.getI64ArrayAttr(dilations)),
      b.getNamedAttr("group", b.getI64IntegerAttr(getAttrInt(node, "group", 1)))};
  return failure(failed(
      im.create<top::ConvOp>(node, {input, filter, bias}, attrs)));
}

/// Gemm: Y = alpha * A' x B' + beta * C. Constant operands are transposed
/// and scaled at import time; the others go through Permute / MulConst.
LogicalResult convertGemm(OnnxImporter &im, const Node &node) {
  float alpha = getAttrFloat(node, "alpha", 1.0f);
  float beta = getAttrFloat(node, "beta", 1.0f);
  bool transA = getAttrInt(node, "transA", 0);
  bool transB = getAttrInt(node, "transB", 0);
  OpBuilder &b = im.builder();

  /// A constant 2-D input, transposed and scaled, as a new weight.
  auto constant2D = [&](unsigned index, bool transpose,
                        float factor) -> Value {
    const Array *c = im.getConstant(node.input(index));
    int64_t r = c->shape()[0], cols = c->shape()[1];
    std::vector<float> data = c->toFloat();
    std::vector<float> out(data.size());
    for (int64_t i = 0; i < r; ++i)
      for (int64_t j = 0; j < cols; ++j)
        out[transpose ? j * r + i : i * cols + j] = data[i * cols + j] * factor;
    SmallVector<int64_t> shape = transpose ? SmallVector<int64_t>{cols, r}
                                           : SmallVector<int64_t>{r, cols};
    return im.createWeight(node, index == 0 ? "A" : "B",
                           Array::fromFloat(shape, out));
  };
  auto isConstant2D = [&](unsigned index) {
    const Array *c = im.getConstant(node.input(index));
    return c && c->rank() == 2;
  };
  auto scaled = [&](Value v, float factor,
                    StringRef suffix) -> FailureOr<Value> {
    if (factor == 1.0f)
      return v;
    return im.createHelper<top::MulConstOp>(
        node, suffix, {v},
        {b.getNamedAttr("const_val", b.getF64FloatAttr(factor))});
  };

  Value a;
  if (transA && isConstant2D(0)) {
    a = constant2D(0, true, 1.0f);
  } else if (transA) {
    Value input = im.getInput(node, 0);
    if (!input)
      return failure();
    FailureOr<Value> t = im.createHelper<top::PermuteOp>(
        node, "A_T", {input},
        {b.getNamedAttr("order", b.getI64ArrayAttr({1, 0}))});
    if (failed(t))
      return failure();
    a = *t;
  } else {
    a = im.getInput(node, 0);
  }
  Value bMat;
  bool rightTranspose = false;
  float pendingAlpha = 1.0f; // applied to the product when B is not constant
  if (isConstant2D(1) && (alpha != 1.0f || transB)) {
    bMat = constant2D(1, transB, alpha);
  } else {
    bMat = im.getInput(node, 1);
    rightTranspose = transB;
    pendingAlpha = alpha;
  }
  if (!a || !bMat)
    return failure();

  // C becomes the MatMul's per-column bias when it is a constant with N (or
  // 1) elements, else it is added after the product.
  Value bias = im.none();
  Value addC;
  if (OnnxImporter::hasInput(node, 2) && beta != 0.0f) {
    int64_t n = OnnxImporter::shapeOf(bMat)[rightTranspose ? 0 : 1];
    const Array *c = im.getConstant(node.input(2));
    bool perColumn =
        c && (c->numElements() == n || c->numElements() == 1);
    if (perColumn && pendingAlpha == 1.0f && beta == 1.0f && c->rank() == 1) {
      bias = im.getInput(node, 2); // keeps the initializer's name
    } else if (perColumn && pendingAlpha == 1.0f) {
      std::vector<float> data = c->toFloat();
      for (float &v : data)
        v *= beta;
      bias = im.createWeight(node, "bias",
                             Array::fromFloat({c->numElements()}, data));
    } else if (c) {
      std::vector<float> data = c->toFloat();
      for (float &v : data)
        v *= beta;
      addC = im.createWeight(node, "C", Array::fromFloat(c->shape(), data));
    } else {
      Value input = im.getInput(node, 2);
      if (!input)
        return failure();
      FailureOr<Value> v = scaled(input, beta, "C_scaled");
      if (failed(v))
        return failure();
      addC = *v;
    }
  }
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("right_transpose", b.getBoolAttr(rightTranspose))};
  if (!addC && pendingAlpha == 1.0f)
    return failure(
        failed(im.create<top::MatMulOp>(node, {a, bMat, bias}, attrs)));
  FailureOr<Value> product =
      im.createHelper<top::MatMulOp>(node, "matmul", {a, bMat, bias}, attrs);
  if (failed(product))
    return failure();
  if (!addC)
    return failure(failed(im.create<top::MulConstOp>(
        node, {*product},
        {b.getNamedAttr("const_val", b.getF64FloatAttr(pendingAlpha))})));
  FailureOr<Value> alphaProduct = scaled(*product, pendingAlpha, "alpha");
  if (failed(alphaProduct))
    return failure();
  return failure(failed(im.create<top::AddOp>(node, {*alphaProduct, addC})));
}

LogicalResult convertMatMul(OnnxImporter &im, const Node &node) {
  Value a = im.getInput(node, 0), bMat = im.getInput(node, 1);
  if (!a || !bMat)
    return failure();
  return failure(
      failed(im.create<top::MatMulOp>(node, {a, bMat, im.none()})));
}

/// Add (two inputs) and Sum (one or more). An Add of a one-element constant
/// becomes top.AddConst, whose constant patterns (LayerNorm, GELU) can read.
LogicalResult convertAdd(OnnxImporter &im, const Node &node) {
  if (node.op_type() == "Add") {
    FailureOr<bool> scalar = tryConvertScalarAdd(im, node);
    if (failed(scalar))
      return failure();
    if (*scalar)
      return success();
  }
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    Value v = im.getInput(node, i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  if (inputs.size() == 1) {
    im.mapValue(node.output(0), inputs[0]);
    return success();
  }
  return failure(failed(im.create<top::AddOp>(node, inputs)));
}

LogicalResult convertRelu(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  return failure(failed(im.create<top::ReluOp>(node, {x})));
}

/// Reshape with ONNX's 0 (copy the input dimension) resolved here.
LogicalResult convertReshape(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  SmallVector<int64_t> shape;
  if (im.opset() < 5) {
    shape = getAttrInts(node, "shape");
  } else {
    FailureOr<SmallVector<int64_t>> s = im.getConstantInts(node, 1);
    if (failed(s))
      return failure();
    shape = *s;
  }
  ArrayRef<int64_t> in = OnnxImporter::shapeOf(x);
  bool allowZero = getAttrInt(node, "allowzero", 0);
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (i >= in.size())
        return im.fail(node, "shape copies dimension " + Twine(i) +
                                 " that the input does not have");
      d = in[i];
    } else if (d == 0) {
      return im.fail(node, "zero-sized tensors are not supported");
    }
  }
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ReshapeOp>(
      node, {x}, {b.getNamedAttr("shape", b.getI64ArrayAttr(shape))})));
}

LogicalResult convertFlatten(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  ArrayRef<int64_t> in = OnnxImporter::shapeOf(x);
  int64_t rank = in.size();
  int64_t axis = getAttrInt(node, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return im.fail(node, "axis " + Twine(axis) + " out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= in[i];
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ReshapeOp>(
      node, {x},
      {b.getNamedAttr("shape", b.getI64ArrayAttr({outer, inner}))})));
}

} // namespace

WindowAttrs tpuc::onnx_import::getWindowAttrs(const Node &node, size_t k,
                                              ArrayRef<int64_t> defaultKernel) {
  WindowAttrs w;
  w.kernel = getAttrInts(node, "kernel_shape");
  if (w.kernel.empty())
    w.kernel.assign(defaultKernel.begin(), defaultKernel.end());
  w.strides = getAttrIntsOr(node, "strides", k, 1);
  w.dilations = getAttrIntsOr(node, "dilations", k, 1);
  w.pads = getAttrIntsOr(node, "pads", 2 * k, 0);
  return w;
}

FailureOr<size_t> tpuc::onnx_import::convSpatialRank(OnnxImporter &im,
                                                     const Node &node,
                                                     ArrayRef<int64_t> in,
                                                     ArrayRef<int64_t> w,
                                                     StringRef what) {
  if (w.size() < 3 || in.size() != w.size())
    return im.fail(node, "input and filter ranks must agree and be 3 or 4");
  size_t k = w.size() - 2;
  if (k > 2)
    return im.fail(node, Twine(k) + "-D " + what + " is not supported");
  return k;
}

FailureOr<bool> tpuc::onnx_import::resolveAutoPad(OnnxImporter &im,
                                                  const Node &node,
                                                  ArrayRef<int64_t> spatialIn,
                                                  WindowAttrs &window) {
  size_t k = window.kernel.size();
  SmallVector<int64_t> &pads = window.pads;
  std::string autoPad = getAttrString(node, "auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < k; ++i) {
      int64_t in = spatialIn[i];
      int64_t stride = window.strides[i];
      int64_t out = (in + stride - 1) / stride;
      int64_t extent = window.dilations[i] * (window.kernel[i] - 1) + 1;
      int64_t total = std::max<int64_t>(0, (out - 1) * stride + extent - in);
      int64_t small = total / 2, big = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : big;
      pads[k + i] = autoPad == "SAME_UPPER" ? big : small;
    }
    return true;
  }
  if (autoPad == "VALID")
    pads.assign(2 * k, 0);
  else if (autoPad != "NOTSET")
    return im.fail(node, "unknown auto_pad '" + autoPad + "'");
  return false;
}

void tpuc::onnx_import::registerCoreConverters(ConverterMap &map) {
  map["Constant"] = convertConstant;
  map["Identity"] = convertIdentity;
  map["Dropout"] = convertIdentity;
  map["Shape"] = convertShape;
  map["Conv"] = convertConv;
  map["Gemm"] = convertGemm;
  map["MatMul"] = convertMatMul;
  map["Add"] = convertAdd;
  map["Sum"] = convertAdd;
  map["Relu"] = convertRelu;
  map["Reshape"] = convertReshape;
  map["Flatten"] = convertFlatten;
}
