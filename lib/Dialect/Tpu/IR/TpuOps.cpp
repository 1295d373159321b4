//===- TpuOps.cpp - Tpu op verifiers --------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The verifiers of the ops in TpuOps.td; the checks they share are in
// Verify.h.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

#include "Verify.h"

#include "tpuc/Interfaces/ShapeInterface.h"
#include "tpuc/Kernels/PoolWindow.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstdint>
#include <string>

using namespace mlir;
using namespace tpuc::tpu;

#define GET_OP_CLASSES
#include "tpuc/Dialect/Tpu/IR/TpuOps.cpp.inc"

using namespace tpuc::tpu::detail;

//===----------------------------------------------------------------------===//
// Conv2D
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  if (failed(requireRank(*this, getInput(), 4, "input")) ||
      failed(requireRank(*this, getFilter(), 4, "filter")) ||
      failed(requireRank(*this, getOutput(), 4, "output")))
    return failure();
  SmallVector<int64_t> kernel = toInts(getKernelShape()),
                       strides = toInts(getStrides()), pads = toInts(getPads()),
                       dilations = toInts(getDilationsAttr());
  if (kernel.size() != 2 || strides.size() != 2 || pads.size() != 4 ||
      (!dilations.empty() && dilations.size() != 2))
    return emitOpError("kernel_shape and strides need 2 values, pads 4, "
                       "dilations 2");
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOpError("strides and dilations must be positive, pads not "
                       "negative");
  auto input = cast<RankedTensorType>(getInput().getType());
  auto filter = cast<RankedTensorType>(getFilter().getType());
  auto output = cast<RankedTensorType>(getOutput().getType());
  int64_t group = getGroup();
  int64_t outChannels = filter.getDimSize(0);
  if (group < 1 || outChannels % group != 0 ||
      input.getDimSize(1) != filter.getDimSize(1) * group)
    return emitOpError("input channels ")
           << input.getDimSize(1) << " must be filter's "
           << filter.getDimSize(1) << " x group " << group
           << ", and the filter's " << outChannels
           << " output channels a multiple of the group";
  if (output.getDimSize(1) != outChannels)
    return emitOpError("output has ")
           << output.getDimSize(1) << " channels, the filter " << outChannels;
  if (filter.getDimSize(2) != kernel[0] || filter.getDimSize(3) != kernel[1])
    return emitOpError("kernel_shape does not match the filter");

  auto bias = dyn_cast<RankedTensorType>(getBias().getType());
  if (bias && bias.getNumElements() != outChannels)
    return emitOpError("bias has ") << bias.getNumElements() << " values for "
                                    << outChannels << " output channels";

  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return emitOpError("result must be float or !quant.uniform, got ")
             << output;
    return verifyFloat(
        *this, {getQuantModeAttr(), getMultiplierAttr(), getRshiftAttr()});
  }
  if (!isQuantized(getInput().getType()) ||
      integerBits(getInput().getType()) != 8)
    return emitOpError("an INT8 result needs an 8-bit quantized input, got ")
           << getInput().getType();
  if (integerBits(filter) != 8 || isQuantized(filter))
    return emitOpError("an INT8 result needs an i8 / ui8 filter, got ")
           << filter;
  if (bias && (integerBits(bias) != 32 || isQuantized(bias)))
    return emitOpError("an INT8 result needs an i32 bias, got ") << bias;
  return verifyRequant(*this, getQuantMode(), getMultiplierAttr(),
                       getRshiftAttr(), outChannels, "multiplier", "rshift");
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

FailureOr<tpuc::kernels::MatMulShape> MatMulOp::getMatMulShape() {
  auto lhsType = dyn_cast<RankedTensorType>(getInput().getType());
  auto rhsType = dyn_cast<RankedTensorType>(getRight().getType());
  if (!lhsType || !rhsType || !lhsType.hasStaticShape() ||
      !rhsType.hasStaticShape() || lhsType.getRank() == 0 ||
      rhsType.getRank() == 0)
    return emitOpError("input and right must be statically shaped tensors of "
                       "rank 1 or more");
  SmallVector<int64_t> lhs(lhsType.getShape()), rhs(rhsType.getShape());
  bool rhsVector = rhs.size() == 1;
  if (lhs.size() == 1)
    lhs.insert(lhs.begin(), 1);
  if (rhsVector)
    rhs.push_back(1);
  else if (getRightTranspose())
    std::swap(rhs[rhs.size() - 1], rhs[rhs.size() - 2]);
  tpuc::kernels::MatMulShape s;
  s.m = lhs[lhs.size() - 2];
  s.k = lhs.back();
  s.n = rhs.back();
  if (rhs[rhs.size() - 2] != s.k)
    return emitOpError("contraction dimensions differ: input ")
           << formatShape(lhsType.getShape()) << " and right "
           << formatShape(rhsType.getShape())
           << (getRightTranspose() ? " (transposed)" : "");
  ArrayRef<int64_t> lhsBatch = ArrayRef(lhs).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef(rhs).drop_back(2);
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(lhsBatch, rhsBatch);
  if (failed(batch))
    return emitOpError("batch dimensions of ")
           << formatShape(lhsType.getShape()) << " and "
           << formatShape(rhsType.getShape()) << " do not broadcast";
  s.batch.assign(batch->begin(), batch->end());
  s.lhsBatch.assign(lhsBatch.begin(), lhsBatch.end());
  s.rhsBatch.assign(rhsBatch.begin(), rhsBatch.end());
  s.rightTranspose = getRightTranspose() && !rhsVector;
  if (auto bias = dyn_cast<RankedTensorType>(getBias().getType())) {
    if (!bias.hasStaticShape())
      return emitOpError("bias must be statically shaped");
    s.biasSize = bias.getNumElements();
  } else if (!isa<NoneType>(getBias().getType())) {
    return emitOpError("bias must be a ranked tensor or none");
  }
  s.doRelu = getDoRelu();
  s.reluLimit = getReluLimit().convertToDouble();
  return s;
}

LogicalResult MatMulOp::verify() {
  FailureOr<tpuc::kernels::MatMulShape> s = getMatMulShape();
  if (failed(s))
    return failure();
  SmallVector<int64_t> expected(s->batch.begin(), s->batch.end());
  if (cast<RankedTensorType>(getInput().getType()).getRank() > 1)
    expected.push_back(s->m);
  if (cast<RankedTensorType>(getRight().getType()).getRank() > 1)
    expected.push_back(s->n);
  auto output = dyn_cast<RankedTensorType>(getOutput().getType());
  if (!output || output.getShape() != ArrayRef(expected))
    return emitOpError("result must have shape ")
           << formatShape(expected) << ", got " << getOutput().getType();
  if (s->biasSize != 0 && s->biasSize != 1 && s->biasSize != s->n)
    return emitOpError("bias has ")
           << s->biasSize << " values for " << s->n << " output columns";

  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return emitOpError("result must be float or !quant.uniform, got ")
             << output;
    return verifyFloat(
        *this, {getQuantModeAttr(), getMultiplierAttr(), getRshiftAttr()});
  }
  Type input = getInput().getType(), right = getRight().getType();
  if (!is8BitQuantized(input))
    return emitOpError("an INT8 result needs an 8-bit quantized input, got ")
           << input;
  bool weight = !isQuantized(right) && integerBits(right) == 8;
  if (!weight && !is8BitQuantized(right))
    return emitOpError("an INT8 result needs an i8 / ui8 or 8-bit quantized "
                       "`right`, got ")
           << right;
  auto bias = dyn_cast<RankedTensorType>(getBias().getType());
  if (bias && (integerBits(bias) != 32 || isQuantized(bias)))
    return emitOpError("an INT8 result needs an i32 bias, got ") << bias;
  if (!weight && (zeroPointOf(right) != 0 || zeroPointOf(input) != 0))
    return emitOpError("a quantized `right` needs zero points 0 on both "
                       "operands (asymmetric activation products are lowered "
                       "to float)");
  if (zeroPointOf(input) != 0 &&
      llvm::any_of(s->rhsBatch, [](int64_t d) { return d != 1; }))
    return emitOpError("an input zero point needs one right matrix (batch "
                       "dimensions 1) to be folded into the bias");
  return verifyRequant(*this, getQuantMode(), getMultiplierAttr(),
                       getRshiftAttr(), s->n, "multiplier", "rshift",
                       "output column");
}

//===----------------------------------------------------------------------===//
// Pool2D
//===----------------------------------------------------------------------===//

LogicalResult Pool2DOp::verify() {
  if (failed(requireRank(*this, getInput(), 4, "input")) ||
      failed(requireRank(*this, getOutput(), 4, "output")))
    return failure();
  SmallVector<int64_t> kernel = toInts(getKernelShape()),
                       strides = toInts(getStrides()), pads = toInts(getPads()),
                       dilations = toInts(getDilationsAttr());
  if (kernel.size() != 2 || strides.size() != 2 || pads.size() != 4 ||
      (getDilationsAttr() && dilations.size() != 2))
    return emitOpError("kernel_shape and strides need 2 values, pads 4, "
                       "dilations 2");
  if (dilations.empty())
    dilations.assign(2, 1);
  if (llvm::any_of(kernel, [](int64_t k) { return k <= 0; }) ||
      llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d <= 0; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOpError("kernel_shape, strides and dilations must be positive, "
                       "pads not negative");
  auto input = cast<RankedTensorType>(getInput().getType());
  auto output = cast<RankedTensorType>(getOutput().getType());
  SmallVector<int64_t> expected = {input.getDimSize(0), input.getDimSize(1)};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t extent = tpuc::kernels::poolExtent(kernel[axis], dilations[axis]);
    // A pad as large as the window would make windows of padding only.
    if (pads[axis] >= extent || pads[2 + axis] >= extent)
      return emitOpError("pads must be smaller than the window extent ")
             << extent << " on spatial axis " << axis;
    int64_t in = input.getDimSize(2 + axis);
    if (ShapedType::isDynamic(in))
      return emitOpError("needs a static input height and width, got ")
             << input;
    int64_t size = tpuc::kernels::poolOutputSize(
        in, kernel[axis], strides[axis], dilations[axis], pads[axis],
        pads[2 + axis], getCeilMode());
    if (size < 1)
      return emitOpError("window extent ")
             << extent << " exceeds the padded input size "
             << in + pads[axis] + pads[2 + axis] << " on spatial axis " << axis;
    expected.push_back(size);
  }
  if (output.getShape() != ArrayRef(expected))
    return emitOpError("result must have shape ")
           << formatShape(expected) << ", got " << output;

  bool isMax = getPoolMode() == PoolMode::Max;
  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return emitOpError("result must be float or !quant.uniform, got ")
             << output;
    return verifyFloat(
        *this, {getQuantModeAttr(), getMultiplierAttr(), getRshiftAttr()});
  }
  if (!is8BitQuantized(input))
    return emitOpError("an INT8 result needs an 8-bit quantized input, got ")
           << input;
  if (isMax) {
    if (input.getElementType() != output.getElementType())
      return emitOpError("INT8 max pooling keeps the input type ")
             << input.getElementType() << ", got " << output.getElementType();
    if (getQuantModeAttr() || getMultiplierAttr() || getRshiftAttr())
      return emitOpError("INT8 max pooling takes no requant attributes "
                         "(quant_mode, multiplier, rshift)");
    return success();
  }
  if (!is8BitQuantized(output))
    return emitOpError("result must be 8-bit quantized, got ") << output;
  return verifyRequant(*this, getQuantMode(), getMultiplierAttr(),
                       getRshiftAttr(), 1, "multiplier", "rshift");
}

//===----------------------------------------------------------------------===//
// Add
//===----------------------------------------------------------------------===//

LogicalResult AddOp::verify() {
  if (getInputs().size() < 2)
    return emitOpError("needs at least two inputs");
  auto output = dyn_cast<RankedTensorType>(getOutput().getType());
  if (!output)
    return emitOpError("result must be a ranked tensor");
  for (Value input : getInputs()) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || type.getRank() != output.getRank())
      return emitOpError("input ")
             << input.getType() << " does not have the result's rank";
    for (auto [in, out] : llvm::zip(type.getShape(), output.getShape()))
      if (in != out && in != 1)
        return emitOpError("input shape does not broadcast to the result's");
  }
  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return emitOpError("result must be float or !quant.uniform, got ")
             << output;
    SmallVector<Value> inputs(getInputs().begin(), getInputs().end());
    return verifyFloat(
        *this, {getQuantModeAttr(), getMultipliersAttr(), getRshiftsAttr()});
  }
  for (Value input : getInputs())
    if (!isQuantized(input.getType()) || integerBits(input.getType()) != 8)
      return emitOpError("an INT8 result needs 8-bit quantized inputs, got ")
             << input.getType();
  if (!getQuantMode())
    return emitOpError("an INT8 result needs `quant_mode`");
  if (!getMultipliersAttr() || !getRshiftsAttr())
    return emitOpError("an INT8 result needs `multipliers` and `rshifts`");
  SmallVector<int64_t> m = toInts(getMultipliersAttr()),
                       r = toInts(getRshiftsAttr());
  size_t n = getInputs().size();
  if (m.size() != n)
    return emitOpError("`multipliers` needs one value per input (")
           << n << "), got " << m.size();
  if (r.size() != n && r.size() != 1)
    return emitOpError("`rshifts` needs one value per input or one shared "
                       "value, got ")
           << r.size();
  for (int64_t value : m)
    if (value < -255 || value > 255)
      return emitOpError("eltwise multiplier ")
             << value << " does not fit in 8 bits";
  for (int64_t shift : r)
    if (shift < 0 || shift > 31)
      return emitOpError("eltwise rshift ") << shift << " is outside [0, 31]";
  return success();
}

//===----------------------------------------------------------------------===//
// Concat, Reshape
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto output = dyn_cast<RankedTensorType>(getOutput().getType());
  if (!output)
    return emitOpError("result must be a ranked tensor");
  int64_t rank = output.getRank();
  int64_t given = static_cast<int64_t>(getAxis());
  int64_t axis = given < 0 ? given + rank : given;
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ")
           << given << " is outside [" << -rank << ", " << rank << ")";
  int64_t total = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type || type.getRank() != rank)
      return emitOpError("input #") << i << " " << input.getType()
                                    << " does not have the result's rank";
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && type.getDimSize(d) != output.getDimSize(d))
        return emitOpError("input #")
               << i << " has shape " << formatShape(type.getShape())
               << ", which differs from the result's "
               << formatShape(output.getShape()) << " outside axis " << axis;
    total += type.getDimSize(axis);
  }
  if (total != output.getDimSize(axis))
    return emitOpError("the inputs add up to ")
           << total << " along axis " << axis << ", the result has "
           << output.getDimSize(axis);

  SmallVector<Value> inputs(getInputs().begin(), getInputs().end());
  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return emitOpError("result must be float or !quant.uniform, got ")
             << output;
    return verifyFloat(
        *this, {getQuantModeAttr(), getMultipliersAttr(), getRshiftsAttr()});
  }
  if (!is8BitQuantized(output))
    return emitOpError("result must be 8-bit quantized, got ") << output;
  bool requantizes = false;
  for (Value input : inputs) {
    if (!is8BitQuantized(input.getType()))
      return emitOpError("an INT8 result needs 8-bit quantized inputs, got ")
             << input.getType();
    requantizes |= elementOf(input.getType()) != output.getElementType();
  }
  if (!requantizes && !getMultipliersAttr() && !getRshiftsAttr())
    return success();
  if (!getQuantMode() || !getMultipliersAttr() || !getRshiftsAttr())
    return emitOpError("an input of another type than the result needs "
                       "`quant_mode`, `multipliers` and `rshifts`");
  SmallVector<int64_t> m = toInts(getMultipliersAttr()),
                       r = toInts(getRshiftsAttr());
  if (m.size() != inputs.size() || r.size() != inputs.size())
    return emitOpError("`multipliers` and `rshifts` need one value per input (")
           << inputs.size() << "), got " << m.size() << " and " << r.size();
  return verifyRequantValues(*this, *getQuantMode(), m, r);
}

LogicalResult ReshapeOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  auto output = cast<ShapedType>(getOutput().getType());
  if (input.getElementType() != output.getElementType())
    return emitOpError("result element type ")
           << output.getElementType() << " differs from the input's "
           << input.getElementType();
  if (input.hasStaticShape() && output.hasStaticShape() &&
      input.getNumElements() != output.getNumElements())
    return emitOpError("cannot reshape ")
           << input.getNumElements() << " elements into "
           << formatShape(output.getShape());
  return success();
}

//===----------------------------------------------------------------------===//
// RequantInt, Lut, Cast
//===----------------------------------------------------------------------===//

LogicalResult RequantIntOp::verify() {
  auto input = dyn_cast<RankedTensorType>(getInput().getType());
  auto output = dyn_cast<RankedTensorType>(getOutput().getType());
  if (!input || !output || input.getShape() != output.getShape())
    return emitOpError("input and result must be ranked tensors of one shape");
  if (isQuantized(input) || integerBits(input) == 0)
    return emitOpError("input must be a plain integer tensor, got ") << input;
  if (!isQuantized(output) || integerBits(output) != 8)
    return emitOpError("result must be 8-bit quantized, got ") << output;
  int64_t channels = input.getRank() > 1 ? input.getDimSize(1) : 1;
  return verifyRequant(*this, getQuantMode(), getMultiplierAttr(),
                       getRshiftAttr(), channels, "multiplier", "rshift");
}

LogicalResult LutOp::verify() {
  Type input = getInput().getType(), output = getOutput().getType();
  if (!isQuantized(input) || integerBits(input) != 8 || !isQuantized(output) ||
      integerBits(output) != 8)
    return emitOpError("input and result must be 8-bit quantized");
  if (cast<ShapedType>(input).getShape() != cast<ShapedType>(output).getShape())
    return emitOpError("input and result shapes differ");
  auto table = dyn_cast<RankedTensorType>(getTable().getType());
  if (!table || table.getNumElements() != 256 || integerBits(table) != 8 ||
      isQuantized(table))
    return emitOpError("table must be a 256-entry i8 / ui8 tensor, got ")
           << getTable().getType();
  return success();
}

LogicalResult CastOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  auto output = cast<ShapedType>(getOutput().getType());
  if (input.hasRank() && output.hasRank() &&
      input.getShape() != output.getShape())
    return emitOpError("input and result shapes differ");
  if (input.getElementType() == output.getElementType())
    return emitOpError("casts ") << input.getElementType() << " to itself";
  return success();
}

//===----------------------------------------------------------------------===//
// Permute, Slice, Pad, Upsample
//===----------------------------------------------------------------------===//

LogicalResult PermuteOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> out = staticTensor(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  SmallVector<int64_t> order = toInts(getOrder());
  int64_t rank = in->getRank();
  SmallVector<bool> seen(rank, false);
  bool permutation = static_cast<int64_t>(order.size()) == rank;
  for (int64_t d : order) {
    if (!permutation || d < 0 || d >= rank || seen[d]) {
      permutation = false;
      break;
    }
    seen[d] = true;
  }
  if (!permutation)
    return emitOpError("order ")
           << formatShape(order) << " is not a permutation of the input's "
           << rank << " dimensions";
  SmallVector<int64_t> expected;
  for (int64_t d : order)
    expected.push_back(in->getDimSize(d));
  if (out->getShape() != ArrayRef(expected))
    return emitOpError("result must have shape ")
           << formatShape(expected) << ", got " << *out;
  return verifySameElementType(*this);
}

LogicalResult SliceOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> out = staticTensor(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  SmallVector<int64_t> offset = toInts(getOffset()), steps = toInts(getSteps());
  int64_t rank = in->getRank();
  if (static_cast<int64_t>(offset.size()) != rank ||
      static_cast<int64_t>(steps.size()) != rank || out->getRank() != rank)
    return emitOpError("offset, steps and the result need one entry per "
                       "input dimension (")
           << rank << "), got " << offset.size() << ", " << steps.size()
           << " and rank " << out->getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in->getDimSize(d), count = out->getDimSize(d);
    if (steps[d] == 0)
      return emitOpError("steps must not be 0 (axis ") << d << ")";
    int64_t last = offset[d] + (count - 1) * steps[d];
    if (count < 1 || offset[d] < 0 || offset[d] >= dim || last < 0 ||
        last >= dim)
      return emitOpError("axis ")
             << d << " reads indices " << offset[d] << " to " << last
             << " (offset " << offset[d] << ", step " << steps[d] << ", "
             << count << " elements) outside [0, " << dim << ")";
  }
  return verifySameElementType(*this);
}

LogicalResult PadOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  FailureOr<RankedTensorType> out = staticTensor(*this, getOutput(), "result");
  if (failed(out))
    return failure();
  if (failed(verifySameElementType(*this)))
    return failure();
  SmallVector<int64_t> pads = toInts(getPaddings());
  int64_t rank = in->getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank || out->getRank() != rank)
    return emitOpError("paddings must have ")
           << 2 * rank << " entries (begins, then ends) and the result rank "
           << rank << ", got " << pads.size() << " and rank " << out->getRank();
  PadMode mode = getPadMode();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = in->getDimSize(d), begin = pads[d], end = pads[rank + d];
    if (mode != PadMode::Constant && (begin < 0 || end < 0))
      return emitOpError("negative paddings need Constant mode");
    if (mode == PadMode::Reflect && (begin >= dim || end >= dim))
      return emitOpError("Reflect paddings must be smaller than the "
                         "dimension; axis ")
             << d << " has " << dim << " elements and paddings " << begin
             << ", " << end;
    expected.push_back(dim + begin + end);
  }
  if (out->getShape() != ArrayRef(expected) ||
      llvm::any_of(expected, [](int64_t d) { return d < 1; }))
    return emitOpError("result must have shape ")
           << formatShape(expected) << " (at least one element per axis), got "
           << *out;
  if (mode != PadMode::Constant)
    return success();
  double value = getVal().convertToDouble();
  Type element = out->getElementType();
  if (auto storage = dyn_cast<mlir::quant::UniformQuantizedType>(element)) {
    if (value != std::floor(value) ||
        value < static_cast<double>(storage.getStorageTypeMin()) ||
        value > static_cast<double>(storage.getStorageTypeMax()))
      return emitOpError("val ")
             << value << " must be an integer code in ["
             << storage.getStorageTypeMin() << ", "
             << storage.getStorageTypeMax()
             << "] (the pad value quantized into the input's type)";
    return success();
  }
  if (isa<IntegerType>(element)) {
    if (value != std::floor(value))
      return emitOpError("val ") << value << " must be an integer";
    return success();
  }
  if (!isExactFloat(value, element))
    return emitOpError("val ")
           << value << " is not a value of " << element
           << " (the lowering rounds it to the element type)";
  return success();
}

LogicalResult UpsampleOp::verify() {
  if (failed(requireRank(*this, getInput(), 4, "input")) ||
      failed(requireRank(*this, getOutput(), 4, "output")))
    return failure();
  int64_t sh = getScaleH(), sw = getScaleW();
  if (sh < 1 || sw < 1)
    return emitOpError("scale_h and scale_w must be at least 1, got ")
           << sh << " and " << sw;
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  SmallVector<int64_t> expected = {in.getDimSize(0), in.getDimSize(1),
                                   in.getDimSize(2) * sh,
                                   in.getDimSize(3) * sw};
  if (!in.hasStaticShape() || out.getShape() != ArrayRef(expected))
    return emitOpError("result must have shape ")
           << formatShape(expected) << ", got " << out;
  return verifySameElementType(*this);
}

//===----------------------------------------------------------------------===//
// Softmax, LayerNorm
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  int64_t rank = in->getRank(), axis = static_cast<int64_t>(getAxis());
  if (rank == 0 || axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  auto out = cast<ShapedType>(getOutput().getType());
  if (out.getShape() != in->getShape())
    return emitOpError("result shape differs from the input's");
  return verifyFloatOnly(*this, "INT8 softmax runs in the chip's float mode");
}

LogicalResult LayerNormOp::verify() {
  FailureOr<RankedTensorType> in = staticTensor(*this, getInput(), "input");
  if (failed(in))
    return failure();
  int64_t rank = in->getRank(), axis = static_cast<int64_t>(getAxis());
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  if (!(getEps().convertToDouble() >= 0.0))
    return emitOpError("eps must not be negative");
  ArrayRef<int64_t> normalized = in->getShape().drop_front(axis);
  for (auto [name, value] : {std::pair<StringRef, Value>{"scale", getScale()},
                             {"bias", getBias()}}) {
    if (isa<NoneType>(value.getType()))
      continue;
    auto type = dyn_cast<RankedTensorType>(value.getType());
    FailureOr<SmallVector<int64_t>> merged =
        type ? broadcastShapes(normalized, type.getShape())
             : FailureOr<SmallVector<int64_t>>(failure());
    if (!type || type.getRank() > static_cast<int64_t>(normalized.size()) ||
        failed(merged) || ArrayRef<int64_t>(*merged) != normalized)
      return emitOpError() << name << " " << value.getType()
                           << " does not broadcast to the normalized shape "
                           << formatShape(normalized);
  }
  SmallVector<int64_t> stats(in->getShape());
  for (int64_t d = axis; d < rank; ++d)
    stats[d] = 1;
  if (cast<ShapedType>(getOutput().getType()).getShape() != in->getShape())
    return emitOpError("output shape differs from the input's");
  for (Value result : {getMean(), getRstd()})
    if (cast<ShapedType>(result.getType()).getShape() != ArrayRef(stats))
      return emitOpError("mean and rstd must have shape ")
             << formatShape(stats) << ", got " << result.getType();
  return verifyFloatOnly(*this, "INT8 layer norm runs in the chip's float "
                                "mode");
}

//===----------------------------------------------------------------------===//
// Mul, Sub, Max, Min
//===----------------------------------------------------------------------===//

LogicalResult MulOp::verify() {
  if (failed(verifyBroadcast(*this, {getLhs(), getRhs()}, getOutput())))
    return failure();
  Type output = getOutput().getType();
  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return emitOpError("result must be float or !quant.uniform, got ")
             << output;
    return verifyFloat(
        *this, {getQuantModeAttr(), getMultiplierAttr(), getRshiftAttr()});
  }
  if (!is8BitQuantized(output))
    return emitOpError("result must be 8-bit quantized, got ") << output;
  for (Value input : {getLhs(), getRhs()})
    if (!is8BitQuantized(input.getType()))
      return emitOpError("an INT8 result needs 8-bit quantized inputs, got ")
             << input.getType();
  return verifyRequant(*this, getQuantMode(), getMultiplierAttr(),
                       getRshiftAttr(), 1, "multiplier", "rshift");
}

LogicalResult SubOp::verify() {
  if (failed(verifyBroadcast(*this, {getLhs(), getRhs()}, getOutput())))
    return failure();
  return verifyFloatOnly(*this, "an INT8 subtraction is a tpu.Add with a "
                                "negative multiplier");
}

/// Max and Min: two or more broadcast inputs; INT8 inputs of the result's
/// type (codes compare as the values do), or one float type.
static LogicalResult verifyMaxMin(Operation *op) {
  if (op->getNumOperands() < 2)
    return op->emitOpError("needs at least two inputs");
  if (failed(verifyBroadcast(op, op->getOperands(), op->getResult(0))))
    return failure();
  Type output = op->getResult(0).getType();
  if (!isQuantized(output)) {
    if (!isFloatElement(output))
      return op->emitOpError("result must be float or !quant.uniform, got ")
             << output;
    SmallVector<Value> inputs(op->getOperands());
    return verifyFloat(op, {});
  }
  if (!is8BitQuantized(output))
    return op->emitOpError("result must be 8-bit quantized, got ") << output;
  for (Value input : op->getOperands())
    if (elementOf(input.getType()) != elementOf(output))
      return op->emitOpError("INT8 inputs must have the result's type ")
             << elementOf(output) << ", got " << input.getType()
             << " (insert a tpu.Cast)";
  return success();
}

LogicalResult MaxOp::verify() { return verifyMaxMin(*this); }
LogicalResult MinOp::verify() { return verifyMaxMin(*this); }

//===----------------------------------------------------------------------===//
// Active
//===----------------------------------------------------------------------===//

LogicalResult ActiveOp::verify() {
  auto in = cast<ShapedType>(getInput().getType());
  auto out = cast<ShapedType>(getOutput().getType());
  if (in.hasRank() && out.hasRank() && in.getShape() != out.getShape())
    return emitOpError("input and result shapes differ");
  if (failed(verifyFloatOnly(*this, "an INT8 elementwise function is a "
                                    "tpu.Lut")))
    return failure();
  SmallVector<double> coeffs;
  if (ArrayAttr attr = getCoeffsAttr())
    for (Attribute a : attr)
      coeffs.push_back(cast<FloatAttr>(a).getValueAsDouble());
  size_t lo = 0, hi = 0;
  switch (getMode()) {
  case ActiveMode::Relu:
    hi = 1;
    break;
  case ActiveMode::LeakyRelu:
  case ActiveMode::Elu:
  case ActiveMode::Celu:
    lo = hi = 1;
    break;
  case ActiveMode::Selu:
  case ActiveMode::HardSigmoid:
  case ActiveMode::Clip:
    lo = hi = 2;
    break;
  default:
    break;
  }
  StringRef mode = stringifyActiveMode(getMode());
  if (coeffs.size() < lo || coeffs.size() > hi)
    return emitOpError("mode ")
           << mode << " takes "
           << (lo == hi ? std::to_string(lo)
                        : std::to_string(lo) + " or " + std::to_string(hi))
           << " coeffs, got " << coeffs.size();
  if (getMode() == ActiveMode::Relu && !coeffs.empty() && !(coeffs[0] > 0))
    return emitOpError("the Relu limit must be positive, got ") << coeffs[0];
  if (getMode() == ActiveMode::Celu && coeffs[0] == 0)
    return emitOpError("Celu's alpha must not be 0");
  if (getMode() == ActiveMode::Clip &&
      (std::isnan(coeffs[0]) || std::isnan(coeffs[1])))
    return emitOpError("Clip's min and max must not be NaN");
  return success();
}
