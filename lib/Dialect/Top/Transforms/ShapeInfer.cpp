//===- ShapeInfer.cpp - infer static result shapes of Top ops -------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace tpuc::top {
#define GEN_PASS_DEF_SHAPEINFER
#include "tpuc/Dialect/Top/Transforms/Passes.h.inc"
} // namespace tpuc::top

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;

/// Checks every top.Weight against the module's weight file.
static LogicalResult checkWeights(ModuleOp module) {
  std::optional<std::string> file = getWeightFile(module);
  if (!file)
    return success();
  std::string path = resolveWeightFile(module, *file);
  llvm::Expected<NpzFile> npz = NpzFile::load(path);
  if (!npz)
    return module.emitError("cannot read the weight file: ")
           << llvm::toString(npz.takeError());
  WalkResult result = module.walk([&](WeightOp weight) {
    std::string name = getName(weight.getOperation());
    const Array *array = npz->lookup(name);
    if (!array) {
      weight.emitOpError("has no array '")
          << name << "' in the weight file '" << *file << "'";
      return WalkResult::interrupt();
    }
    auto type = cast<RankedTensorType>(weight.getType());
    if (array->shape() != type.getShape()) {
      weight.emitOpError("has shape ")
          << formatShape(type.getShape()) << " but '" << name
          << "' in the weight file '" << *file << "' has shape "
          << formatShape(array->shape());
      return WalkResult::interrupt();
    }
    if (std::optional<std::string> expected =
            checkWeightDType(type.getElementType(), array->dtype())) {
      weight.emitOpError("expects ")
          << *expected << " but '" << name << "' in the weight file '"
          << *file << "' is " << dtypeDescr(array->dtype());
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

namespace {
struct ShapeInferPass : top::impl::ShapeInferBase<ShapeInferPass> {
  using ShapeInferBase::ShapeInferBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(requireState(module, getArgument(),
                            {ModuleState::TopF32,
                             ModuleState::TopCalibrated})) ||
        failed(checkWeights(module)))
      return signalPassFailure();

    for (auto func : module.getOps<func::FuncOp>()) {
      WalkResult result = func.walk([](ShapeInterface op) {
        return failed(op.inferShapes()) ? WalkResult::interrupt()
                                        : WalkResult::advance();
      });
      if (result.wasInterrupted())
        return signalPassFailure();
      if (func.isExternal())
        continue;
      Operation *terminator = func.getBody().back().getTerminator();
      func.setType(FunctionType::get(&getContext(), func.getArgumentTypes(),
                                     terminator->getOperandTypes()));
    }
  }
};
} // namespace
