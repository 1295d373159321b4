//===- TpuOps.cpp - Tpu op verifiers
//---------------------------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The verifiers hold the contract between the lowering and the bit-exact
// interpreter: an INT8 op has every requant attribute it needs, sized per
// channel or per tensor, with values the chips can hold; a float op has
// none, and its operands share its float type.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Tpu/IR/TpuOps.h"

#include "llvm/ADT/STLExtras.h"

#include <cstdint>

using namespace mlir;
using namespace tpuc::tpu;

#define GET_OP_CLASSES
#include "tpuc/Dialect/Tpu/IR/TpuOps.cpp.inc"

namespace {
Type elementOf(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return type;
}

bool isQuantized(Type type) {
  return isa<quant::UniformQuantizedType>(elementOf(type));
}

/// Bits of an integer or quantized element type (0 for float / none).
unsigned integerBits(Type type) {
  Type element = elementOf(type);
  if (auto q = dyn_cast<quant::UniformQuantizedType>(element))
    return q.getStorageTypeIntegralWidth();
  if (auto i = dyn_cast<IntegerType>(element))
    return i.getWidth();
  return 0;
}

bool isFloatElement(Type type) { return isa<FloatType>(elementOf(type)); }

SmallVector<int64_t> toInts(ArrayAttr array) {
  SmallVector<int64_t> values;
  if (array)
    for (Attribute a : array)
      values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// Checks an INT8 requant: present, equally long, one value or one per
/// channel, and values the chip's registers hold.
LogicalResult verifyRequant(Operation *op, std::optional<QuantMode> mode,
                            ArrayAttr multiplier, ArrayAttr rshift,
                            int64_t channels, StringRef multiplierName,
                            StringRef rshiftName) {
  if (!mode)
    return op->emitOpError("an INT8 result needs `quant_mode`");
  if (!multiplier || !rshift)
    return op->emitOpError("an INT8 result needs `")
           << multiplierName << "` and `" << rshiftName << "`";
  SmallVector<int64_t> m = toInts(multiplier), r = toInts(rshift);
  if (m.size() != r.size())
    return op->emitOpError("`")
           << multiplierName << "` has " << m.size() << " values but `"
           << rshiftName << "` has " << r.size();
  if (m.size() != 1 && static_cast<int64_t>(m.size()) != channels)
    return op->emitOpError("`")
           << multiplierName << "` must hold 1 or " << channels
           << " values (one per output channel), got " << m.size();
  for (auto [multiplierValue, shift] : llvm::zip(m, r)) {
    if (shift < -32 || shift > 63)
      return op->emitOpError("rshift ") << shift << " is outside [-32, 63]";
    if (*mode == QuantMode::OnlyShift && multiplierValue != 1)
      return op->emitOpError("OnlyShift requant has multiplier ")
             << multiplierValue << ", must be 1";
    if (*mode == QuantMode::QDM &&
        (multiplierValue < 0 || multiplierValue > INT32_MAX))
      return op->emitOpError("QDM multiplier ")
             << multiplierValue << " is outside [0, 2^31)";
    if (multiplierValue < INT32_MIN || multiplierValue > INT32_MAX)
      return op->emitOpError("multiplier ")
             << multiplierValue << " does not fit in int32";
  }
  return success();
}

/// A float op has no requant attributes and shares its float type.
LogicalResult verifyFloat(Operation *op, ArrayRef<Value> operands,
                          ArrayRef<Attribute> requantAttrs) {
  if (llvm::any_of(requantAttrs, [](Attribute a) { return bool(a); }))
    return op->emitOpError(
        "a float result takes no requant attributes (quant_mode, "
        "multiplier, rshift)");
  Type element = elementOf(op->getResult(0).getType());
  for (Value operand : operands)
    if (!isa<NoneType>(operand.getType()) &&
        elementOf(operand.getType()) != element)
      return op->emitOpError("operand type ")
             << operand.getType() << " differs from the result's element "
             << "type " << element << " (insert a tpu.Cast)";
  return success();
}

LogicalResult requireRank(Operation *op, Value value, int64_t rank,
                          StringRef what) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() != rank)
    return op->emitOpError() << what << " must be a rank-" << rank
                             << " tensor, got " << value.getType();
  return success();
}
} // namespace

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
        *this, {getInput(), getFilter(), getBias()},
        {getQuantModeAttr(), getMultiplierAttr(), getRshiftAttr()});
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
        *this, inputs,
        {getQuantModeAttr(), getMultipliersAttr(), getRshiftsAttr()});
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
