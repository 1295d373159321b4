//===- ConvertData.cpp - ONNX converters: data movement and reductions ----===//
//
// Part of tpuc. Concat, Split, Slice, Gather, Transpose, Squeeze, Unsqueeze,
// Pad, Resize, Upsample, Reduce*, ArgMax, ArgMin, DepthToSpace,
// SpaceToDepth, Tile, Expand, ConstantOfShape, Range.
//
// Inputs that ONNX turned from attributes into tensors over the opsets
// (split sizes, slice bounds, squeeze axes, pads, scales, reduce axes) must
// be constants here; a shape subgraph computed from static shapes is one,
// because the importer folds every op whose operands are all constants.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include <cmath>
#include <limits>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::onnx_import;
using llvm::Expected;

namespace {

using Node = onnx::NodeProto;

/// The integers of constant input `index`. Unlike getConstantInts, values
/// of a float constant beyond the int64 range saturate (a folded Slice end
/// of INT64_MAX).
FailureOr<SmallVector<int64_t>> constantInts(OnnxImporter &im, const Node &node,
                                             unsigned index) {
  const Array *array = OnnxImporter::hasInput(node, index)
                           ? im.getConstant(node.input(index))
                           : nullptr;
  if (!array || (array->dtype() != DType::F32 && array->dtype() != DType::F64))
    return im.getConstantInts(node, index);
  SmallVector<int64_t> values;
  for (float v : array->toFloat()) {
    if (std::isnan(v))
      return im.fail(node, "input #" + Twine(index) + " holds NaN");
    if (v >= 9.2e18f)
      values.push_back(std::numeric_limits<int64_t>::max());
    else if (v <= -9.2e18f)
      values.push_back(std::numeric_limits<int64_t>::min());
    else
      values.push_back(static_cast<int64_t>(v));
  }
  return values;
}

/// The shape of input `index`, whether it is a constant or a value.
FailureOr<SmallVector<int64_t>> inputShape(OnnxImporter &im, const Node &node,
                                           unsigned index) {
  if (!OnnxImporter::hasInput(node, index))
    return im.fail(node, "input #" + Twine(index) + " is missing");
  if (const Array *c = im.getConstant(node.input(index)))
    return SmallVector<int64_t>(c->shape().begin(), c->shape().end());
  Value v = im.getValue(node, node.input(index));
  if (!v)
    return failure();
  ArrayRef<int64_t> shape = OnnxImporter::shapeOf(v);
  return SmallVector<int64_t>(shape.begin(), shape.end());
}

/// Normalizes `axis` against `rank`, failing the node when out of range.
FailureOr<int64_t> onnxAxis(OnnxImporter &im, const Node &node, int64_t axis,
                            int64_t rank) {
  if (axis < -rank || axis >= rank)
    return im.fail(node, "axis " + Twine(axis) + " is out of range for rank " +
                             Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

/// Forwards input 0 unchanged to output 0 (constant or value).
LogicalResult forwardInput(OnnxImporter &im, const Node &node) {
  if (const Array *c = im.getConstant(node.input(0))) {
    im.setConstant(node.output(0), *c);
    return success();
  }
  Value v = im.getValue(node, node.input(0));
  if (!v)
    return failure();
  im.mapValue(node.output(0), v);
  return success();
}

LogicalResult createReshape(OnnxImporter &im, const Node &node,
                            ArrayRef<int64_t> shape) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ReshapeOp>(
      node, {x}, {b.getNamedAttr("shape", b.getI64ArrayAttr(shape))})));
}

//===----------------------------------------------------------------------===//
// Concat, Split
//===----------------------------------------------------------------------===//

LogicalResult convertConcat(OnnxImporter &im, const Node &node) {
  SmallVector<Value> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    // Exporters concatenate empty shape constants; they add nothing.
    if (const Array *c = im.getConstant(node.input(i)))
      if (c->numElements() == 0)
        continue;
    Value v = im.getInput(node, i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  if (inputs.empty())
    return im.fail(node, "every input is empty");
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ConcatOp>(
      node, inputs,
      {b.getNamedAttr("axis",
                      b.getI64IntegerAttr(getAttrInt(node, "axis", 0)))})));
}

LogicalResult convertSplit(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  if (failed(shape))
    return failure();
  FailureOr<int64_t> axis =
      onnxAxis(im, node, getAttrInt(node, "axis", 0), shape->size());
  if (failed(axis))
    return failure();
  int64_t dim = (*shape)[*axis];
  int64_t parts = node.output_size();
  SmallVector<int64_t> sizes;
  if (im.opset() >= 13 && OnnxImporter::hasInput(node, 1)) {
    FailureOr<SmallVector<int64_t>> s = constantInts(im, node, 1);
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (im.opset() < 13) {
    sizes = getAttrInts(node, "split");
  }
  if (sizes.empty()) {
    // Equal parts; since opset 18 the last one may be smaller.
    parts = getAttrInt(node, "num_outputs", parts);
    if (parts <= 0)
      return im.fail(node, "needs at least one output");
    int64_t part = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::min(part, dim - i * part));
  }
  if (static_cast<int64_t>(sizes.size()) != node.output_size())
    return im.fail(node, "has " + Twine(node.output_size()) + " outputs but " +
                             Twine(sizes.size()) + " split sizes");
  if (llvm::any_of(sizes, [](int64_t s) { return s <= 0; }))
    return im.fail(node, "zero-sized split outputs are not supported");
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  SmallVector<std::string> names;
  for (int i = 0; i < node.output_size(); ++i)
    names.push_back(node.output(i).empty()
                        ? node.output(0) + "_unused_" + std::to_string(i)
                        : node.output(i));
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::SplitOp>(
      node, {x},
      {b.getNamedAttr("axis", b.getI64IntegerAttr(*axis)),
       b.getNamedAttr("split_size", b.getI64ArrayAttr(sizes))},
      names)));
}

//===----------------------------------------------------------------------===//
// Slice, Gather
//===----------------------------------------------------------------------===//

LogicalResult convertSlice(OnnxImporter &im, const Node &node) {
  SmallVector<int64_t> starts, ends, axes, steps;
  bool hasAxes = false, hasSteps = false;
  if (im.opset() < 10) {
    starts = getAttrInts(node, "starts");
    ends = getAttrInts(node, "ends");
    axes = getAttrInts(node, "axes");
    hasAxes = findAttr(node, "axes") != nullptr;
  } else {
    FailureOr<SmallVector<int64_t>> s = constantInts(im, node, 1);
    if (failed(s))
      return failure();
    starts = *s;
    FailureOr<SmallVector<int64_t>> e = constantInts(im, node, 2);
    if (failed(e))
      return failure();
    ends = *e;
    if ((hasAxes = OnnxImporter::hasInput(node, 3))) {
      FailureOr<SmallVector<int64_t>> a = constantInts(im, node, 3);
      if (failed(a))
        return failure();
      axes = *a;
    }
    if ((hasSteps = OnnxImporter::hasInput(node, 4))) {
      FailureOr<SmallVector<int64_t>> st = constantInts(im, node, 4);
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("starts", b.getI64ArrayAttr(starts)),
      b.getNamedAttr("ends", b.getI64ArrayAttr(ends))};
  if (hasAxes)
    attrs.push_back(b.getNamedAttr("axes", b.getI64ArrayAttr(axes)));
  if (hasSteps)
    attrs.push_back(b.getNamedAttr("steps", b.getI64ArrayAttr(steps)));
  return failure(failed(im.create<top::SliceOp>(node, {x}, attrs)));
}

LogicalResult convertGather(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0), indices = im.getInput(node, 1);
  if (!x || !indices)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::GatherOp>(
      node, {x, indices},
      {b.getNamedAttr("axis",
                      b.getI64IntegerAttr(getAttrInt(node, "axis", 0)))})));
}

//===----------------------------------------------------------------------===//
// Transpose, Squeeze, Unsqueeze, DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

LogicalResult convertTranspose(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  if (failed(shape))
    return failure();
  SmallVector<int64_t> perm = getAttrInts(node, "perm");
  if (!findAttr(node, "perm"))
    for (int64_t d = shape->size() - 1; d >= 0; --d)
      perm.push_back(d);
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::PermuteOp>(
      node, {x}, {b.getNamedAttr("order", b.getI64ArrayAttr(perm))})));
}

/// The axes of Squeeze / Unsqueeze: an attribute before opset 13, an
/// optional constant input after.
FailureOr<SmallVector<int64_t>> squeezeAxes(OnnxImporter &im,
                                            const Node &node) {
  if (im.opset() < 13)
    return getAttrInts(node, "axes");
  if (!OnnxImporter::hasInput(node, 1))
    return SmallVector<int64_t>();
  return constantInts(im, node, 1);
}

LogicalResult convertSqueeze(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(im, node);
  if (failed(shape) || failed(axes))
    return failure();
  int64_t rank = shape->size();
  SmallVector<bool> drop(rank, axes->empty());
  if (axes->empty()) {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = (*shape)[d] == 1;
  } else {
    for (int64_t a : *axes) {
      FailureOr<int64_t> axis = onnxAxis(im, node, a, rank);
      if (failed(axis))
        return failure();
      if ((*shape)[*axis] != 1)
        return im.fail(node, "cannot squeeze axis " + Twine(*axis) +
                                 " of size " + Twine((*shape)[*axis]));
      drop[*axis] = true;
    }
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      out.push_back((*shape)[d]);
  return createReshape(im, node, out);
}

LogicalResult convertUnsqueeze(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  FailureOr<SmallVector<int64_t>> axes = squeezeAxes(im, node);
  if (failed(shape) || failed(axes))
    return failure();
  if (axes->empty())
    return im.fail(node, "needs axes");
  int64_t rank = shape->size() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = onnxAxis(im, node, a, rank);
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return im.fail(node, "axis " + Twine(*axis) + " appears twice");
    inserted[*axis] = true;
  }
  SmallVector<int64_t> out;
  auto next = shape->begin();
  for (int64_t d = 0; d < rank; ++d)
    out.push_back(inserted[d] ? 1 : *next++);
  return createReshape(im, node, out);
}

LogicalResult convertDepthToSpace(OnnxImporter &im, const Node &node) {
  bool inverse = node.op_type() == "SpaceToDepth";
  std::string mode = inverse ? "DCR" : getAttrString(node, "mode", "DCR");
  if (mode != "DCR" && mode != "CRD")
    return im.fail(node, "unknown mode '" + mode + "'");
  if (!findAttr(node, "blocksize"))
    return im.fail(node, "needs the blocksize attribute");
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::Depth2SpaceOp>(
      node, {x},
      {b.getNamedAttr("block",
                      b.getI64IntegerAttr(getAttrInt(node, "blocksize", 1))),
       b.getNamedAttr("is_inverse", b.getBoolAttr(inverse)),
       b.getNamedAttr("mode", b.getStringAttr(mode))})));
}

//===----------------------------------------------------------------------===//
// Pad, Tile, Expand
//===----------------------------------------------------------------------===//

LogicalResult convertPad(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  std::string mode = getAttrString(node, "mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return im.fail(node, "pad mode '" + mode +
                             "' is not supported "
                             "(constant, reflect, edge)");
  SmallVector<int64_t> pads;
  float value = 0.0f;
  if (im.opset() < 11) {
    pads = getAttrInts(node, findAttr(node, "pads") ? "pads" : "paddings");
    value = getAttrFloat(node, "value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> p = constantInts(im, node, 1);
    if (failed(p))
      return failure();
    pads = *p;
    if (OnnxImporter::hasInput(node, 2)) {
      FailureOr<SmallVector<float>> v = im.getConstantFloats(node, 2);
      if (failed(v))
        return failure();
      if (v->size() != 1)
        return im.fail(node, "constant_value must hold one value");
      value = (*v)[0];
    }
    if (OnnxImporter::hasInput(node, 3)) {
      // Since opset 18, pads may cover only some axes.
      FailureOr<SmallVector<int64_t>> axes = constantInts(im, node, 3);
      if (failed(axes))
        return failure();
      if (pads.size() != 2 * axes->size())
        return im.fail(node, "pads must have twice as many entries as axes");
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [i, a] : llvm::enumerate(*axes)) {
        FailureOr<int64_t> axis = onnxAxis(im, node, a, rank);
        if (failed(axis))
          return failure();
        full[*axis] = pads[i];
        full[rank + *axis] = pads[axes->size() + i];
      }
      pads = full;
    }
  }
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return im.fail(node, "pads must have " + Twine(2 * rank) +
                             " entries for rank " + Twine(rank) + ", got " +
                             Twine(pads.size()));
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::PadOp>(
      node, {x},
      {b.getNamedAttr("paddings", b.getI64ArrayAttr(pads)),
       b.getNamedAttr("val", b.getF64FloatAttr(value)),
       b.getNamedAttr("mode", b.getStringAttr(mode))})));
}

LogicalResult convertTile(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> repeats = constantInts(im, node, 1);
  if (failed(repeats))
    return failure();
  if (llvm::any_of(*repeats, [](int64_t r) { return r <= 0; }))
    return im.fail(node, "repeats must be positive (zero-sized tensors are "
                         "not supported)");
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::TileOp>(
      node, {x}, {b.getNamedAttr("tile", b.getI64ArrayAttr(*repeats))})));
}

LogicalResult convertExpand(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = constantInts(im, node, 1);
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d <= 0; }))
    return im.fail(node, "shape entries must be positive (zero-sized tensors "
                         "are not supported)");
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ExpandOp>(
      node, {x}, {b.getNamedAttr("shape", b.getI64ArrayAttr(*shape))})));
}

//===----------------------------------------------------------------------===//
// Resize, Upsample
//===----------------------------------------------------------------------===//

LogicalResult convertResize(OnnxImporter &im, const Node &node) {
  bool upsample = node.op_type() == "Upsample";
  // Upsample and Resize-10 are asymmetric, with their own nearest rounding.
  bool legacy = upsample || im.opset() < 11;
  std::string mode = getAttrString(node, "mode", "nearest");
  if (mode == "bilinear" || mode == "trilinear")
    mode = "linear";
  if (mode == "cubic")
    return im.fail(node, "cubic interpolation is not supported "
                         "(nearest, linear)");
  if (mode != "nearest" && mode != "linear")
    return im.fail(node, "unknown mode '" + mode + "'");
  std::string coord =
      legacy
          ? "asymmetric"
          : getAttrString(node, "coordinate_transformation_mode", "half_pixel");
  if (coord == "tf_half_pixel_for_nn") // the name ONNX's own tests use
    coord = "tf_half_pixel_for_nearest";
  if (coord == "tf_crop_and_resize")
    return im.fail(node, "coordinate_transformation_mode tf_crop_and_resize "
                         "is not supported");
  if (!llvm::is_contained({"half_pixel", "pytorch_half_pixel", "align_corners",
                           "asymmetric", "tf_half_pixel_for_nearest"},
                          coord))
    return im.fail(node,
                   "unknown coordinate_transformation_mode '" + coord + "'");
  std::string nearest =
      legacy ? "simple"
             : getAttrString(node, "nearest_mode", "round_prefer_floor");
  if (!llvm::is_contained({"round_prefer_floor", "round_prefer_ceil", "floor",
                           "ceil", "simple"},
                          nearest))
    return im.fail(node, "unknown nearest_mode '" + nearest + "'");
  if (getAttrInt(node, "antialias", 0) != 0)
    return im.fail(node, "antialias is not supported");
  if (findAttr(node, "axes"))
    return im.fail(node, "the axes attribute is not supported");

  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  SmallVector<float> scales;
  SmallVector<int64_t> sizes;
  if (upsample && im.opset() < 9) {
    scales = getAttrFloats(node, "scales");
  } else {
    unsigned scalesIndex = legacy ? 1 : 2;
    const Array *s = OnnxImporter::hasInput(node, scalesIndex)
                         ? im.getConstant(node.input(scalesIndex))
                         : nullptr;
    if (OnnxImporter::hasInput(node, scalesIndex) && !s)
      return im.fail(node, "scales must be a constant");
    if (s && s->numElements() > 0) {
      std::vector<float> values = s->toFloat();
      scales.assign(values.begin(), values.end());
    }
    if (!legacy && OnnxImporter::hasInput(node, 3)) {
      FailureOr<SmallVector<int64_t>> z = constantInts(im, node, 3);
      if (failed(z))
        return failure();
      sizes = *z;
    }
  }
  if (scales.empty() == sizes.empty())
    return im.fail(node, "needs exactly one of scales and sizes");
  if (!scales.empty() && static_cast<int64_t>(scales.size()) != rank)
    return im.fail(node, "scales must have " + Twine(rank) + " entries");
  if (!sizes.empty() && static_cast<int64_t>(sizes.size()) != rank)
    return im.fail(node, "sizes must have " + Twine(rank) + " entries");
  if (rank < 3)
    return im.fail(node, "resizing needs an input of rank 3 or more "
                         "(N x C x spatial)");
  for (int64_t d = 0; d < 2; ++d)
    if ((!scales.empty() && scales[d] != 1.0f) ||
        (!sizes.empty() && sizes[d] != (*shape)[d]))
      return im.fail(node, "resizing the batch or channel axis is not "
                           "supported");
  SmallVector<double> spatialScales;
  SmallVector<int64_t> target;
  for (int64_t d = 2; d < rank; ++d) {
    if (!sizes.empty()) {
      if (sizes[d] <= 0)
        return im.fail(node, "sizes must be positive");
      target.push_back(sizes[d]);
      spatialScales.push_back(double(sizes[d]) / double((*shape)[d]));
    } else {
      if (!(scales[d] > 0.0f))
        return im.fail(node, "scales must be positive");
      spatialScales.push_back(scales[d]);
    }
  }
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("scales", b.getF64ArrayAttr(spatialScales)),
      b.getNamedAttr("mode", b.getStringAttr(mode)),
      b.getNamedAttr("coord_mode", b.getStringAttr(coord)),
      b.getNamedAttr("nearest_mode", b.getStringAttr(nearest))};
  if (!target.empty())
    attrs.push_back(b.getNamedAttr("target_shape", b.getI64ArrayAttr(target)));
  return failure(failed(im.create<top::InterpOp>(node, {x}, attrs)));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult convertReduce(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = inputShape(im, node, 0);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  SmallVector<int64_t> axes;
  // Axes became an input in ReduceSum-13 (and in every Reduce in opset 18).
  if (OnnxImporter::hasInput(node, 1)) {
    FailureOr<SmallVector<int64_t>> a = constantInts(im, node, 1);
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    axes = getAttrInts(node, "axes");
  }
  if (axes.empty()) {
    if (getAttrInt(node, "noop_with_empty_axes", 0) != 0 || rank == 0)
      return forwardInput(im, node);
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ReduceOp>(
      node, {x},
      {b.getNamedAttr("axes", b.getI64ArrayAttr(axes)),
       b.getNamedAttr("keepdims",
                      b.getBoolAttr(getAttrInt(node, "keepdims", 1) != 0)),
       b.getNamedAttr("mode", b.getStringAttr(node.op_type()))})));
}

LogicalResult convertArg(OnnxImporter &im, const Node &node) {
  Value x = im.getInput(node, 0);
  if (!x)
    return failure();
  OpBuilder &b = im.builder();
  return failure(failed(im.create<top::ArgOp>(
      node, {x},
      {b.getNamedAttr("axis", b.getI64IntegerAttr(getAttrInt(node, "axis", 0))),
       b.getNamedAttr("keepdims",
                      b.getBoolAttr(getAttrInt(node, "keepdims", 1) != 0)),
       b.getNamedAttr("mode", b.getStringAttr(node.op_type())),
       b.getNamedAttr(
           "select_last_index",
           b.getBoolAttr(getAttrInt(node, "select_last_index", 0) != 0))})));
}

//===----------------------------------------------------------------------===//
// Constant generators
//===----------------------------------------------------------------------===//

/// ConstantOfShape: a constant filled with the one-element `value` tensor
/// (default float 0), of the dtype of that tensor.
LogicalResult convertConstantOfShape(OnnxImporter &im, const Node &node) {
  FailureOr<SmallVector<int64_t>> shape = constantInts(im, node, 0);
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
    return im.fail(node, "shape must not be negative");
  Array value = Array::fromFloat({1}, {0.0f});
  if (const onnx::AttributeProto *attr = findAttr(node, "value")) {
    Expected<Array> v = tensorToArray(attr->t(), node.output(0));
    if (!v)
      return im.fail(node, llvm::toString(v.takeError()));
    if (v->numElements() != 1)
      return im.fail(node, "value must hold one element");
    value = std::move(*v);
  }
  Array result = Array::make(value.dtype(), *shape);
  size_t size = value.byteSize();
  MutableArrayRef<uint8_t> bytes = result.mutableBytes();
  for (size_t offset = 0; offset < bytes.size(); offset += size)
    std::copy(value.bytes().begin(), value.bytes().end(),
              bytes.begin() + offset);
  im.setConstant(node.output(0), std::move(result));
  return success();
}

/// Range: start, limit, delta are constant scalars; the result is a
/// constant of their dtype (integers exactly).
LogicalResult convertRange(OnnxImporter &im, const Node &node) {
  const Array *inputs[3];
  for (unsigned i = 0; i < 3; ++i) {
    inputs[i] = OnnxImporter::hasInput(node, i) ? im.getConstant(node.input(i))
                                                : nullptr;
    if (!inputs[i])
      return im.fail(node, "input #" + Twine(i) +
                               " must be a constant (an initializer or "
                               "computable from static shapes)");
    if (inputs[i]->numElements() != 1)
      return im.fail(node, "input #" + Twine(i) + " must hold one value");
  }
  DType type = inputs[0]->dtype();
  bool integer = type == DType::I64 || type == DType::I32 ||
                 type == DType::I16 || type == DType::I8;
  if (integer) {
    FailureOr<SmallVector<int64_t>> start = constantInts(im, node, 0);
    FailureOr<SmallVector<int64_t>> limit = constantInts(im, node, 1);
    FailureOr<SmallVector<int64_t>> delta = constantInts(im, node, 2);
    if (failed(start) || failed(limit) || failed(delta))
      return failure();
    int64_t s = (*start)[0], l = (*limit)[0], d = (*delta)[0];
    if (d == 0)
      return im.fail(node, "delta must not be 0");
    int64_t n = std::max<int64_t>(0, d > 0 ? (l - s + d - 1) / d
                                           : (s - l - d - 1) / -d);
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(s + i * d);
    if (type == DType::I64) {
      im.setConstant(node.output(0), Array::fromData<int64_t>({n}, values));
    } else {
      SmallVector<int32_t> narrow(values.begin(), values.end());
      im.setConstant(node.output(0), Array::fromData<int32_t>({n}, narrow));
    }
    return success();
  }
  double s = inputs[0]->toFloat()[0], l = inputs[1]->toFloat()[0],
         d = inputs[2]->toFloat()[0];
  if (d == 0.0)
    return im.fail(node, "delta must not be 0");
  if (!std::isfinite((l - s) / d))
    return im.fail(node, "start, limit and delta must be finite");
  int64_t n =
      std::max<int64_t>(0, static_cast<int64_t>(std::ceil((l - s) / d)));
  SmallVector<float> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(static_cast<float>(s + double(i) * d));
  im.setConstant(node.output(0), Array::fromFloat({n}, values));
  return success();
}

} // namespace

void tpuc::onnx_import::registerDataConverters(ConverterMap &map) {
  map["Concat"] = convertConcat;
  map["Split"] = convertSplit;
  map["Slice"] = convertSlice;
  map["Gather"] = convertGather;
  map["Transpose"] = convertTranspose;
  map["Squeeze"] = convertSqueeze;
  map["Unsqueeze"] = convertUnsqueeze;
  map["DepthToSpace"] = convertDepthToSpace;
  map["SpaceToDepth"] = convertDepthToSpace;
  map["Pad"] = convertPad;
  map["Tile"] = convertTile;
  map["Expand"] = convertExpand;
  map["Resize"] = convertResize;
  map["Upsample"] = convertResize;
  for (const char *op : {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
                         "ReduceProd", "ReduceL1", "ReduceL2",
                         "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"})
    map[op] = convertReduce;
  map["ArgMax"] = convertArg;
  map["ArgMin"] = convertArg;
  map["ConstantOfShape"] = convertConstantOfShape;
  map["Range"] = convertRange;
}
