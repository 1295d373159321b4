//===- InputSpec.cpp - model inputs of a Top module as InputSpecs ---------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/InputSpec.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <limits>

using namespace mlir;

namespace tpuc {

namespace {

/// The values of an optional F64 array attribute.
std::vector<double> toDoubles(std::optional<ArrayAttr> attr) {
  std::vector<double> out;
  if (attr)
    for (Attribute a : *attr)
      out.push_back(cast<FloatAttr>(a).getValueAsDouble());
  return out;
}

/// The position of the function argument `op` marks; inputs that mark no
/// argument go last, in program order.
unsigned argumentIndex(top::InputOp op) {
  if (auto arg = dyn_cast<BlockArgument>(op.getInput()))
    return arg.getArgNumber();
  return std::numeric_limits<unsigned>::max();
}

InputSpec toSpec(top::InputOp op) {
  InputSpec spec;
  spec.name = getName(op.getOperation());
  if (auto type = dyn_cast<ShapedType>(op.getType()); type && type.hasRank())
    spec.shape.assign(type.getShape().begin(), type.getShape().end());
  PreprocessConfig &config = spec.preprocess;
  if (std::optional<ArrayAttr> dims = op.getResizeDims())
    for (Attribute d : *dims)
      config.resizeDims.push_back(cast<IntegerAttr>(d).getInt());
  config.keepAspectRatio = op.getKeepAspectRatio().value_or(false);
  if (std::optional<llvm::APFloat> pad = op.getPadValue())
    config.padValue = pad->convertToDouble();
  if (std::optional<StringRef> format = op.getPixelFormat())
    config.pixelFormat = format->str();
  if (std::optional<StringRef> format = op.getChannelFormat())
    config.channelFormat = format->str();
  config.mean = toDoubles(op.getMean());
  config.scale = toDoubles(op.getScale());
  return spec;
}

} // namespace

std::vector<InputSpec> getInputSpecs(func::FuncOp main) {
  SmallVector<top::InputOp> ops;
  main.walk([&](top::InputOp op) { ops.push_back(op); });
  llvm::stable_sort(ops, [](top::InputOp a, top::InputOp b) {
    return argumentIndex(a) < argumentIndex(b);
  });
  std::vector<InputSpec> specs;
  specs.reserve(ops.size());
  for (top::InputOp op : ops)
    specs.push_back(toSpec(op));
  return specs;
}

} // namespace tpuc
