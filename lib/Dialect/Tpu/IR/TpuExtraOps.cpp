//===- TpuExtraOps.cpp - verifiers of the ops in TpuExtraOps.td -----------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Gather, Split, Tile, Expand, Depth2Space (data movements: every result has
// the input's element type), Reduce and Deconv (float only: one float type
// for every operand and result), Interp (nearest as a data movement, linear
// float only). Each verifier checks the attributes and that the result
// shapes are the ones the op computes, so the interpreter can rely on them.
// The op classes themselves are generated into TpuOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

#include "Verify.h"

#include "tpuc/Interfaces/ShapeInterface.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::tpu;
using namespace tpuc::tpu::detail;

namespace {

/// `axis` (negative counts from the end) within `rank` dimensions.
FailureOr<int64_t> checkAxis(Operation *op, int64_t axis, int64_t rank,
                             StringRef what = "axis") {
  if (axis < -rank || axis >= rank)
    return op->emitOpError()
           << what << " " << axis << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

/// The result must have `expected` as its shape.
LogicalResult verifyShape(Operation *op, Value result,
                          ArrayRef<int64_t> expected) {
  if (cast<ShapedType>(result.getType()).getShape() != expected)
    return op->emitOpError("result must have shape ")
           << formatShape(expected) << ", got " << result.getType();
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Operand types (TypeInterface): a data movement reads its input in the
// result's exact type; Gather's indices are prepared by the lowering.
//===----------------------------------------------------------------------===//

OperandRequirement GatherOp::getOperandRequirement(unsigned index) {
  return index == 0 ? OperandRequirement::SameAsResult
                    : OperandRequirement::Any;
}
OperandRequirement SplitOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement TileOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement ExpandOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
OperandRequirement Depth2SpaceOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}
/// Nearest moves values (any type, the result's); linear computes in the
/// result's float type. Both read the input in the result's type.
OperandRequirement InterpOp::getOperandRequirement(unsigned) {
  return OperandRequirement::SameAsResult;
}

//===----------------------------------------------------------------------===//
// Gather, Split, Tile, Expand, Depth2Space
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> indices =
      staticTensor(*this, getIndices(), "indices");
  if (failed(indices))
    return failure();
  if (failed(staticTensor(*this, getOutput(), "result")))
    return failure();
  Type indexType = indices->getElementType();
  if (!indexType.isF32() && !isa<IntegerType>(indexType))
    return emitOpError("indices must hold exact integers, in f32 or an "
                       "integer type, got ")
           << getIndices().getType();
  FailureOr<int64_t> axis = checkAxis(*this, getAxis(), in->getRank());
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> shape = in->getShape();
  SmallVector<int64_t> expected(shape.take_front(*axis));
  llvm::append_range(expected, indices->getShape());
  llvm::append_range(expected, shape.drop_front(*axis + 1));
  if (failed(verifyShape(*this, getOutput(), expected)))
    return failure();
  return verifySameElementType(*this);
}

LogicalResult SplitOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  if (getOutputs().empty())
    return emitOpError("needs at least one result");
  FailureOr<int64_t> axis = checkAxis(*this, getAxis(), in->getRank());
  if (failed(axis))
    return failure();
  int64_t total = 0;
  for (Value result : getOutputs()) {
    FailureOr<RankedTensorType> type = staticTensor(*this, result, "result");
    if (failed(type))
      return failure();
    SmallVector<int64_t> expected(in->getShape());
    int64_t size =
        type->getRank() == in->getRank() ? type->getDimSize(*axis) : 0;
    expected[*axis] = size;
    if (size < 1 || type->getShape() != ArrayRef(expected))
      return emitOpError("result ")
             << result.getType() << " must have the input's shape "
             << formatShape(in->getShape())
             << " but for a positive size along axis " << *axis;
    total += size;
    if (elementOf(result) != elementOf(getInput()))
      return emitOpError("result ")
             << result.getType() << " must have the input's element type "
             << elementOf(getInput()) << " (a data movement keeps the type)";
  }
  if (total != in->getDimSize(*axis))
    return emitOpError("result sizes along axis ")
           << *axis << " add up to " << total << " but the input has "
           << in->getDimSize(*axis);
  return success();
}

LogicalResult TileOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  SmallVector<int64_t> tile = toInts(getTile());
  if (static_cast<int64_t>(tile.size()) != in->getRank())
    return emitOpError("tile has ")
           << tile.size() << " entries but the input has rank "
           << in->getRank();
  if (llvm::any_of(tile, [](int64_t t) { return t < 1; }))
    return emitOpError("tile entries must be positive, got ")
           << formatShape(tile);
  SmallVector<int64_t> expected;
  for (auto [d, t] : llvm::zip(in->getShape(), tile))
    expected.push_back(d * t);
  if (failed(verifyShape(*this, getOutput(), expected)))
    return failure();
  return verifySameElementType(*this);
}

LogicalResult ExpandOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> out = staticTensor(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  FailureOr<SmallVector<int64_t>> merged =
      broadcastShapes(in->getShape(), out->getShape());
  if (in->getRank() > out->getRank() || failed(merged) ||
      ArrayRef<int64_t>(*merged) != out->getShape())
    return emitOpError("input shape ")
           << formatShape(in->getShape())
           << " does not broadcast to the result shape "
           << formatShape(out->getShape());
  return verifySameElementType(*this);
}

LogicalResult Depth2SpaceOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  if (in->getRank() != 4)
    return emitOpError("input must have rank 4 (NCHW), got ") << *in;
  int64_t b = getBlock();
  if (b < 1)
    return emitOpError("block must be positive, got ") << b;
  ArrayRef<int64_t> s = in->getShape();
  SmallVector<int64_t> expected;
  if (!getIsInverse()) {
    if (s[1] % (b * b) != 0)
      return emitOpError("channels (")
             << s[1] << ") are not divisible by block * block (" << b * b
             << ")";
    expected = {s[0], s[1] / (b * b), s[2] * b, s[3] * b};
  } else {
    if (s[2] % b != 0 || s[3] % b != 0)
      return emitOpError("spatial dimensions ")
             << s[2] << " and " << s[3] << " must be divisible by the block ("
             << b << ")";
    expected = {s[0], s[1] * b * b, s[2] / b, s[3] / b};
  }
  if (failed(verifyShape(*this, getOutput(), expected)))
    return failure();
  return verifySameElementType(*this);
}

//===----------------------------------------------------------------------===//
// Reduce, Interp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  SmallVector<int64_t> axes = toInts(getAxes());
  if (axes.empty())
    return emitOpError("needs at least one axis");
  int64_t rank = in->getRank();
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = checkAxis(*this, a, rank);
    if (failed(axis))
      return failure();
    if (reduced[*axis])
      return emitOpError("axis ") << *axis << " is reduced twice";
    reduced[*axis] = true;
  }
  SmallVector<int64_t> expected;
  for (auto [d, r] : llvm::zip(in->getShape(), reduced))
    if (!r)
      expected.push_back(d);
    else if (getKeepdims())
      expected.push_back(1);
  if (failed(verifyShape(*this, getOutput(), expected)))
    return failure();
  return verifyFloatOnly(*this, "an INT8 reduction runs in the chip's float "
                                "mode");
}

LogicalResult InterpOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> out = staticTensor(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  int64_t rank = in->getRank();
  if (rank < 3 || out->getRank() != rank)
    return emitOpError("input and result must have one rank of 3 or more "
                       "(N x C x spatial), got ")
           << *in << " and " << *out;
  if (in->getDimSize(0) != out->getDimSize(0) ||
      in->getDimSize(1) != out->getDimSize(1))
    return emitOpError("the result must keep the input's first two "
                       "dimensions");
  SmallVector<double> scales;
  for (Attribute a : getScales())
    scales.push_back(cast<FloatAttr>(a).getValueAsDouble());
  if (static_cast<int64_t>(scales.size()) != rank - 2)
    return emitOpError("scales must have one entry per spatial axis (")
           << rank - 2 << "), got " << scales.size();
  if (llvm::any_of(scales,
                   [](double s) { return !(s > 0) || !std::isfinite(s); }))
    return emitOpError("scales must be positive and finite");
  if (getMode() == InterpMode::Nearest)
    return verifySameElementType(*this);
  return verifyFloatOnly(*this, "an INT8 linear resize runs in the chip's "
                                "float mode");
}

//===----------------------------------------------------------------------===//
// Deconv
//===----------------------------------------------------------------------===//

LogicalResult DeconvOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> w = staticTensor(*this, getFilter(), "filter");
  if (failed(w))
    return failure();
  SmallVector<int64_t> kernel = toInts(getKernelShape());
  SmallVector<int64_t> strides = toInts(getStrides());
  SmallVector<int64_t> pads = toInts(getPads());
  size_t k = kernel.size();
  if (k != 1 && k != 2)
    return emitOpError("kernel_shape must have 1 or 2 entries, got ") << k;
  SmallVector<int64_t> dilations =
      getDilations() ? toInts(*getDilations()) : SmallVector<int64_t>(k, 1);
  SmallVector<int64_t> outPad = getOutputPadding() ? toInts(*getOutputPadding())
                                                   : SmallVector<int64_t>(k, 0);
  if (strides.size() != k || dilations.size() != k || outPad.size() != k ||
      pads.size() != 2 * k)
    return emitOpError("strides, dilations and output_padding need ")
           << k << " entries and pads " << 2 * k << ", got " << strides.size()
           << ", " << dilations.size() << ", " << outPad.size() << " and "
           << pads.size();
  if (llvm::any_of(llvm::concat<int64_t>(kernel, strides, dilations),
                   [](int64_t v) { return v < 1; }))
    return emitOpError("kernel_shape, strides and dilations must be positive");
  if (llvm::any_of(llvm::concat<int64_t>(pads, outPad),
                   [](int64_t v) { return v < 0; }))
    return emitOpError("pads and output_padding must not be negative");
  double limit = getReluLimit().convertToDouble();
  if (limit != -1.0 && !(limit > 0.0))
    return emitOpError("relu_limit must be positive or -1 (no limit), got ")
           << limit;
  int64_t group = static_cast<int64_t>(getGroup());
  if (group < 1)
    return emitOpError("group must be at least 1, got ") << group;
  if (in->getRank() != static_cast<int64_t>(k) + 2 ||
      w->getRank() != static_cast<int64_t>(k) + 2)
    return emitOpError("input and filter must have rank ")
           << k + 2 << " for a " << k << "-D deconvolution, got " << *in
           << " and " << *w;
  ArrayRef<int64_t> ws = w->getShape();
  if (ws.drop_front(2) != ArrayRef(kernel))
    return emitOpError("filter shape ")
           << formatShape(ws) << " does not match kernel_shape "
           << formatShape(kernel);
  if (ws[0] != in->getDimSize(1) || ws[0] % group != 0)
    return emitOpError("the filter's first dimension (")
           << ws[0] << ") must be the input channels (" << in->getDimSize(1)
           << "), a multiple of group (" << group << ")";
  int64_t oc = ws[1] * group;
  if (!isa<NoneType>(getBias().getType())) {
    auto bias = dyn_cast<RankedTensorType>(getBias().getType());
    if (!bias || !bias.hasStaticShape() || bias.getNumElements() != oc)
      return emitOpError("bias must hold ")
             << oc << " values (one per output channel), got "
             << getBias().getType();
  }
  SmallVector<int64_t> expected = {in->getDimSize(0), oc};
  for (size_t i = 0; i < k; ++i) {
    int64_t size = strides[i] * (in->getDimSize(2 + i) - 1) + outPad[i] +
                   dilations[i] * (kernel[i] - 1) + 1 - pads[i] - pads[k + i];
    expected.push_back(size);
  }
  if (llvm::any_of(expected, [](int64_t d) { return d < 1; }))
    return emitOpError("pads leave no output: the result shape would be ")
           << formatShape(expected);
  if (failed(verifyShape(*this, getOutput(), expected)))
    return failure();
  auto quantized =
      dyn_cast<mlir::quant::UniformQuantizedType>(elementOf(getOutput()));
  if (!quantized) {
    if (getQuantModeAttr() || getMultiplierAttr() || getRshiftAttr())
      return emitOpError("a float result takes no requant attributes "
                         "(quant_mode, multiplier, rshift)");
    return verifyFloatOnly(*this, "or !quant.uniform for INT8");
  }
  if (quantized.getStorageTypeIntegralWidth() != 8 ||
      !is8BitQuantized(elementOf(getInput())))
    return emitOpError("an INT8 result needs 8-bit quantized input and "
                       "result, got ")
           << getInput().getType() << " and " << getOutput().getType();
  auto filterElement = dyn_cast<IntegerType>(w->getElementType());
  if (!filterElement || filterElement.getWidth() != 8)
    return emitOpError("an INT8 result needs an i8 filter, got ") << *w;
  if (auto bias = dyn_cast<RankedTensorType>(getBias().getType());
      bias && !bias.getElementType().isInteger(32))
    return emitOpError("an INT8 result needs an i32 bias, got ") << bias;
  return verifyRequant(*this, getQuantMode(), getMultiplierAttr(),
                       getRshiftAttr(), oc);
}

OperandRequirement DeconvOp::getOperandRequirement(unsigned index) {
  // INT8: the input any 8-bit quantized type, the integer filter and bias
  // made by the lowering; float: everything in the result's type.
  if (!isa<mlir::quant::UniformQuantizedType>(elementOf(getOutput())))
    return OperandRequirement::SameAsResult;
  return index == 0 ? OperandRequirement::Quantized8 : OperandRequirement::Any;
}

//===----------------------------------------------------------------------===//
// PRelu, Div, Pow, Compare, Where
//===----------------------------------------------------------------------===//

namespace {
bool isFloat(Type element) {
  return isa<Float32Type, Float16Type, BFloat16Type>(element);
}
} // namespace

LogicalResult PReluOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> slope = staticTensor(*this, getSlope(), "slope");
  if (failed(slope))
    return failure();
  FailureOr<SmallVector<int64_t>> merged =
      broadcastShapes(in->getShape(), slope->getShape());
  if (slope->getRank() > in->getRank() || failed(merged) ||
      ArrayRef<int64_t>(*merged) != in->getShape())
    return emitOpError("slope shape ")
           << formatShape(slope->getShape())
           << " does not broadcast to the input shape "
           << formatShape(in->getShape());
  if (failed(verifyShape(*this, getOutput(), in->getShape())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 PRelu runs in the chip's float mode");
}

LogicalResult DivOp::verify() {
  if (failed(verifyBroadcast(*this, {getLhs(), getRhs()}, getOutput())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 division runs in the chip's float "
                                "mode");
}

LogicalResult ModOp::verify() {
  if (failed(verifyBroadcast(*this, {getLhs(), getRhs()}, getOutput())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 remainder runs in the chip's float "
                                "mode");
}

LogicalResult PowOp::verify() {
  if (failed(verifyBroadcast(*this, {getLhs(), getRhs()}, getOutput())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 power runs in the chip's float mode");
}

LogicalResult CompareOp::verify() {
  if (failed(verifyBroadcast(*this, {getLhs(), getRhs()}, getOutput())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 comparison runs in the chip's float "
                                "mode");
}

OperandRequirement WhereOp::getOperandRequirement(unsigned index) {
  return index == 0 ? OperandRequirement::Any
                    : OperandRequirement::SameAsResult;
}

LogicalResult WhereOp::verify() {
  if (failed(verifyBroadcast(*this, {getCondition(), getX(), getY()},
                             getOutput())))
    return failure();
  Type element = elementOf(getOutput());
  if (!isFloat(element))
    return emitOpError("result must be f32, f16 or bf16, got ")
           << getOutput().getType()
           << " (an INT8 selection runs in the chip's float mode)";
  for (Value v : {getX(), getY()})
    if (elementOf(v) != element)
      return emitOpError("x and y must have the result's element type ")
             << element << ", got " << v.getType() << " (insert a tpu.Cast)";
  if (!isFloat(elementOf(getCondition())))
    return emitOpError("condition must be f32, f16 or bf16, got ")
           << getCondition().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Arg
//===----------------------------------------------------------------------===//

OperandRequirement ArgOp::getOperandRequirement(unsigned) {
  return OperandRequirement::Any;
}

LogicalResult ArgOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<int64_t> axis = checkAxis(*this, getAxis(), in->getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> expected;
  for (auto [d, dim] : llvm::enumerate(in->getShape()))
    if (static_cast<int64_t>(d) != *axis)
      expected.push_back(dim);
    else if (getKeepdims())
      expected.push_back(1);
  if (failed(verifyShape(*this, getOutput(), expected)))
    return failure();
  Type input = in->getElementType();
  auto q = dyn_cast<mlir::quant::UniformQuantizedType>(input);
  if (!isFloat(input) &&
      !(q && q.getStorageTypeIntegralWidth() == 8 && q.getScale() > 0))
    return emitOpError("input must be f32, f16, bf16 or 8-bit quantized, got ")
           << getInput().getType();
  Type output = elementOf(getOutput());
  if (!output.isF32() && !isa<IntegerType>(output))
    return emitOpError("result must hold the indices in f32 or an integer "
                       "type, got ")
           << getOutput().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// InstanceNorm, LRN, LpNorm
//===----------------------------------------------------------------------===//

LogicalResult InstanceNormOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  if (in->getRank() < 3)
    return emitOpError("input must have rank 3 or more, got ") << *in;
  if (!(getEps().convertToDouble() >= 0.0))
    return emitOpError("eps must not be negative");
  int64_t channels = in->getDimSize(1);
  for (auto [name, value] : {std::pair<StringRef, Value>{"scale", getScale()},
                             {"bias", getBias()}}) {
    if (isa<NoneType>(value.getType()))
      continue;
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() != channels)
      return emitOpError() << name << " must hold " << channels
                           << " values (one per channel), got "
                           << value.getType();
  }
  if (failed(verifyShape(*this, getOutput(), in->getShape())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 instance norm runs in the chip's "
                                "float mode");
}

LogicalResult LRNOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  if (in->getRank() < 2)
    return emitOpError("input must have rank 2 or more, got ") << *in;
  if (getSize() < 1)
    return emitOpError("size must be at least 1, got ") << getSize();
  if (failed(verifyShape(*this, getOutput(), in->getShape())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 LRN runs in the chip's float mode");
}

LogicalResult LpNormOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  if (getP() != 1 && getP() != 2)
    return emitOpError("p must be 1 or 2, got ") << getP();
  if (failed(checkAxis(*this, getAxis(), in->getRank())))
    return failure();
  if (failed(verifyShape(*this, getOutput(), in->getShape())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 Lp norm runs in the chip's float "
                                "mode");
}
