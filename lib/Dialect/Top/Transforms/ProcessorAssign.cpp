//===- ProcessorAssign.cpp - record the target chip and mode --------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Target/ChipSpec.h"

#include "mlir/Dialect/Quant/QuantTypes.h"

namespace tpuc::top {
#define GEN_PASS_DEF_PROCESSORASSIGN
#include "tpuc/Dialect/Top/Transforms/Passes.h.inc"
} // namespace tpuc::top

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;
using tpuc::target::ChipSpec;
using tpuc::target::Mode;

/// "INT8, F32": the modes `spec` runs, in a fixed order.
static std::string listModes(const ChipSpec &spec) {
  std::string modes;
  for (Mode mode : {Mode::INT8, Mode::F16, Mode::BF16, Mode::F32}) {
    if (!spec.supports(mode))
      continue;
    if (!modes.empty())
      modes += ", ";
    modes += target::stringifyMode(mode).str();
  }
  return modes;
}

/// On a calibrated module, checks that its ranges can serve `spec`.
static LogicalResult checkCalibration(ModuleOp module, const ChipSpec &spec) {
  auto asymmetric = module->getAttrOfType<BoolAttr>(attr::kAsymmetric);
  if (asymmetric && asymmetric.getValue() && !spec.int8Asymmetric)
    return module.emitError("the module was calibrated with asymmetric "
                            "ranges, but ")
           << spec.name << " runs symmetric INT8 only";
  if (!spec.forcesSymmetricRanges())
    return success();
  // CV18xx needs min = -max, which import-calibration-table forces only when
  // it knows the chip.
  WalkResult result = module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes()) {
      auto tensor = dyn_cast<TensorType>(type);
      auto calibrated = tensor ? dyn_cast<quant::CalibratedQuantizedType>(
                                     tensor.getElementType())
                               : nullptr;
      if (calibrated && calibrated.getMin() != -calibrated.getMax())
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return module.emitError("the module's calibrated ranges are not "
                            "symmetric, as ")
           << spec.name
           << " needs; run processor-assign before import-calibration-table "
              "so that the import makes them symmetric";
  return success();
}

namespace {
struct ProcessorAssignPass
    : top::impl::ProcessorAssignBase<ProcessorAssignPass> {
  using ProcessorAssignBase::ProcessorAssignBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(requireState(module, getArgument(),
                            {ModuleState::TopF32, ModuleState::TopCalibrated})))
      return signalPassFailure();

    if (chip.empty()) {
      module.emitError("processor-assign needs the option 'chip' (one of ")
          << target::listChipNames() << ")";
      return signalPassFailure();
    }
    if (mode.empty()) {
      module.emitError("processor-assign needs the option 'mode' (INT8, F16, "
                       "BF16 or F32)");
      return signalPassFailure();
    }
    const ChipSpec *spec = target::lookupChip(StringRef(chip).lower());
    if (!spec) {
      module.emitError("unknown chip '")
          << chip << "' (known chips: " << target::listChipNames() << ")";
      return signalPassFailure();
    }
    std::optional<Mode> parsed = target::symbolizeMode(mode);
    if (!parsed) {
      module.emitError("unknown mode '")
          << mode << "' (expected INT8, F16, BF16 or F32)";
      return signalPassFailure();
    }
    if (!spec->supports(*parsed)) {
      module.emitError() << target::stringifyMode(*parsed)
                         << " is not supported by " << spec->name
                         << " (it runs " << listModes(*spec) << ")";
      return signalPassFailure();
    }
    FailureOr<ModuleState> state = getState(module);
    if (*state == ModuleState::TopCalibrated &&
        failed(checkCalibration(module, *spec)))
      return signalPassFailure();

    MLIRContext *context = &getContext();
    module->setAttr(attr::kChip, StringAttr::get(context, spec->name));
    module->setAttr(attr::kMode,
                    StringAttr::get(context, target::stringifyMode(*parsed)));
  }
};
} // namespace
