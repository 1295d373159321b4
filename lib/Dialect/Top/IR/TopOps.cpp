//===- TopOps.cpp - Top dialect ops ---------------------------------------===//
//
// Part of tpuc. Op definitions and the verifiers of the ops that do not
// compute; each computing op keeps its verifier, shape inference, flops and
// inference together in lib/Dialect/Top/Interfaces/<Op>.cpp.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/TopOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace tpuc::top;

#define GET_OP_CLASSES
#include "tpuc/Dialect/Top/IR/TopOps.cpp.inc"

//===----------------------------------------------------------------------===//
// InputOp
//===----------------------------------------------------------------------===//

LogicalResult InputOp::verify() {
  if (auto format = getPixelFormat())
    if (!llvm::is_contained({"rgb", "bgr", "gray", "rgba"}, *format))
      return emitOpError("pixel_format must be one of rgb, bgr, gray, rgba; "
                         "got '")
             << *format << "'";
  if (auto format = getChannelFormat())
    if (*format != "nchw" && *format != "nhwc")
      return emitOpError("channel_format must be nchw or nhwc; got '")
             << *format << "'";
  if (auto dims = getResizeDims()) {
    if (dims->size() != 2)
      return emitOpError("resize_dims must have 2 entries (h, w), got ")
             << dims->size();
    for (Attribute d : *dims)
      if (cast<IntegerAttr>(d).getInt() <= 0)
        return emitOpError("resize_dims must be positive");
  }
  std::optional<int64_t> channels;
  if (auto type = dyn_cast<RankedTensorType>(getInput().getType()))
    if (type.getRank() == 4) {
      int64_t c = getChannelFormat() == "nhwc" ? type.getDimSize(3)
                                               : type.getDimSize(1);
      if (!ShapedType::isDynamic(c))
        channels = c;
    }
  for (auto [name, values] :
       {std::pair{"mean", getMean()}, std::pair{"scale", getScale()}}) {
    if (!values)
      continue;
    if (channels && values->size() != 1 &&
        static_cast<int64_t>(values->size()) != *channels)
      return emitOpError() << name << " has " << values->size()
                           << " entries but the input has " << *channels
                           << " channels";
  }
  // The result is the input, or the input with a quantized element type
  // expressed in the input's (import-calibration-table attaches the range
  // there and leaves the function argument, what the user feeds, as it is).
  Type inType = getInput().getType(), outType = getOutput().getType();
  if (inType != outType) {
    auto inTensor = cast<TensorType>(inType);
    auto outTensor = cast<TensorType>(outType);
    auto quantized = dyn_cast<quant::QuantizedType>(outTensor.getElementType());
    if (!quantized ||
        quantized.getExpressedType() != inTensor.getElementType() ||
        outTensor.clone(inTensor.getElementType()) != inTensor)
      return emitOpError("result type ")
             << outType << " differs from the input type " << inType;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  auto type = dyn_cast<RankedTensorType>(getOutput().getType());
  if (!type || !type.hasStaticShape())
    return emitOpError("result must have a static shape, got ")
           << getOutput().getType();
  if (auto scales = getWeightScale()) {
    if (type.getRank() == 0)
      return emitOpError("weight_scale needs a weight of rank 1 or more");
    // One scale per output channel: the first dimension (a Conv filter, a
    // transposed MatMul operand) or the last (a MatMul right operand); the
    // importer checks which one against the consumer.
    int64_t count = static_cast<int64_t>(scales->size());
    int64_t first = type.getDimSize(0);
    int64_t last = type.getDimSize(type.getRank() - 1);
    if (count != first && count != last)
      return emitOpError("weight_scale has ")
             << count << " entries but the weight has " << first
             << " output channels (first dimension) or " << last
             << " (last dimension)";
    for (Attribute s : *scales)
      if (!(cast<FloatAttr>(s).getValueAsDouble() > 0.0))
        return emitOpError("weight_scale entries must be positive");
  }
  return success();
}
