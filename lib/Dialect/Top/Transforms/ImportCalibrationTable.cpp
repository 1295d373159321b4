//===- ImportCalibrationTable.cpp - attach calibrated ranges --------------===//
//
// Part of tpuc. Reads a calibration table and turns each tensor's row into
// the element type `!quant.calibrated<f32<min:max>>`; the `#weight_scale`
// rows of a QAT table become `weight_scale` attributes of the weights.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/CalibrationTable.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Target/ChipSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <cstdio>

namespace tpuc::top {
#define GEN_PASS_DEF_IMPORTCALIBRATIONTABLE
#include "tpuc/Dialect/Top/Transforms/Passes.h.inc"
} // namespace tpuc::top

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;
using calibration::CalibrationTable;
using calibration::TableEntry;
using calibration::WeightScaleEntry;

namespace {

/// The options of one import, and the chip's rule.
struct RangeRules {
  bool asymmetric = false;
  /// min = -max (CV18xx).
  bool forceSymmetric = false;
};

/// A result and the element type it gets.
struct Retype {
  OpResult result;
  Type elementType;
};

/// The weight_scale a `#weight_scale` row gives to a weight.
struct WeightScale {
  WeightOp weight;
  const WeightScaleEntry *row;
};

} // namespace

/// The calibrated range of the result of `op` whose table row is `row`.
static std::pair<double, double>
computeRange(Operation *op, const TableEntry &row, const RangeRules &rules) {
  double th = row.threshold;
  double min = rules.asymmetric ? row.min : (row.min < 0 ? -th : 0.0);
  double max = rules.asymmetric ? row.max : th;
  if (isa<AbsOp>(op)) {
    min = -th;
    max = th;
  }
  auto softmax = dyn_cast<SoftmaxOp>(op);
  if (isa<SigmoidOp>(op) || (softmax && !softmax.getLog())) {
    min = 0.0;
    max = 1.0;
  }
  if (auto doRelu = op->getAttrOfType<BoolAttr>("do_relu");
      doRelu && doRelu.getValue())
    min = 0.0;
  if (rules.forceSymmetric)
    min = -max;
  return {min, max};
}

/// Emits one warning at `module`: "<n> tensor(s) <what>: a, b, ... and <k>
/// more".
static void warnAboutTensors(ModuleOp module, ArrayRef<std::string> names,
                             StringRef singular, StringRef plural) {
  if (names.empty())
    return;
  constexpr size_t kShown = 10;
  InFlightDiagnostic diag = module.emitWarning();
  diag << names.size() << (names.size() == 1 ? " tensor " : " tensors ")
       << (names.size() == 1 ? singular : plural) << ": ";
  llvm::interleave(
      names.take_front(kShown), [&](const std::string &n) { diag << n; },
      [&] { diag << ", "; });
  if (names.size() > kShown)
    diag << " and " << (names.size() - kShown) << " more";
}

/// "%g" spelling of a range bound for messages.
static std::string formatBound(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

namespace {
struct ImportCalibrationTablePass
    : top::impl::ImportCalibrationTableBase<ImportCalibrationTablePass> {
  using ImportCalibrationTableBase::ImportCalibrationTableBase;

  void runOnOperation() override;

private:
  /// The chip's range rule and the asymmetric check; failure with a
  /// diagnostic.
  FailureOr<RangeRules> getRules(ModuleOp module);
  /// The weights the `#weight_scale` rows name, checked.
  FailureOr<SmallVector<WeightScale>>
  matchWeightScales(ModuleOp module, func::FuncOp main,
                    const CalibrationTable &table);
};
} // namespace

FailureOr<RangeRules> ImportCalibrationTablePass::getRules(ModuleOp module) {
  RangeRules rules;
  rules.asymmetric = asymmetric;
  Attribute chipAttr = module->getAttr(attr::kChip);
  if (!chipAttr)
    return rules;
  auto chipName = dyn_cast<StringAttr>(chipAttr);
  const target::ChipSpec *spec =
      chipName ? target::lookupChip(chipName.getValue()) : nullptr;
  if (!spec) {
    InFlightDiagnostic diag = module.emitError("unknown chip ");
    if (chipName)
      diag << "'" << chipName.getValue() << "'";
    else
      diag << chipAttr;
    diag << " in " << attr::kChip
         << " (known chips: " << target::listChipNames() << ")";
    return diag;
  }
  if (asymmetric && !spec->int8Asymmetric)
    return module.emitError("asymmetric quantization is not supported by ")
           << spec->name;
  rules.forceSymmetric = spec->forcesSymmetricRanges();
  return rules;
}

FailureOr<SmallVector<WeightScale>>
ImportCalibrationTablePass::matchWeightScales(ModuleOp module,
                                              func::FuncOp main,
                                              const CalibrationTable &table) {
  SmallVector<WeightScale> matched;
  if (table.weightScales.empty())
    return matched;
  llvm::StringMap<Operation *> opByName;
  main.walk([&](Operation *op) {
    std::string name = tpuc::getName(op);
    if (!name.empty() && !isa<WeightOp>(op))
      opByName.try_emplace(name, op);
  });
  // A weight shared by several consumers gets its scales from one row.
  DenseMap<Operation *, const WeightScaleEntry *> rowOfWeight;
  for (const WeightScaleEntry &row : table.weightScales) {
    StringRef name = row.name;
    if (!name.consume_back("_weight") || name.empty())
      return module.emitError("weight-scale row '")
             << row.name << "' must be named '<op>_weight'";
    Operation *consumer = opByName.lookup(name);
    if (!consumer)
      return module.emitError("weight-scale row '")
             << row.name << "' names the op '" << name
             << "', which is not in @main";
    WeightOp weight;
    if (consumer->getNumOperands() > 1)
      weight = consumer->getOperand(1).getDefiningOp<WeightOp>();
    if (!weight)
      return module.emitError("weight-scale row '")
             << row.name << "': operand 1 of '" << name << "' ("
             << consumer->getName() << ") is not a top.Weight";
    auto type = cast<RankedTensorType>(weight.getType());
    // Output channels: a Conv filter's first dimension; a MatMul right
    // operand's last (its first with right_transpose: ONNX Gemm's [N, K]).
    int64_t channels = type.getRank() == 0 ? 1 : type.getDimSize(0);
    if (auto matmul = dyn_cast<MatMulOp>(consumer))
      if (type.getRank() > 0 && !matmul.getRightTranspose())
        channels = type.getDimSize(type.getRank() - 1);
    if (static_cast<int64_t>(row.scales.size()) != channels)
      return module.emitError("weight-scale row '")
             << row.name << "' has " << row.scales.size()
             << " scales but the weight '"
             << tpuc::getName(weight.getOperation()) << "' of '" << name
             << "' has " << channels << " output channels";
    for (auto [i, scale] : llvm::enumerate(row.scales))
      if (!(scale > 0.0))
        return module.emitError("weight-scale row '")
               << row.name << "' has the scale " << formatBound(scale)
               << " at index " << i << " (scales must be positive)";
    auto [it, inserted] = rowOfWeight.try_emplace(weight, &row);
    if (!inserted && it->second->scales != row.scales)
      return module.emitError("weight-scale rows '")
             << it->second->name << "' and '" << row.name
             << "' give different scales to the shared weight '"
             << tpuc::getName(weight.getOperation()) << "'";
    if (llvm::any_of(row.zeroPoints, [](double zp) { return zp != 0.0; }))
      module.emitWarning("weight-scale row '")
          << row.name
          << "' has non-zero zero-points; they are ignored (weights are "
             "quantized symmetrically)";
    if (inserted)
      matched.push_back({weight, &row});
  }
  return matched;
}

void ImportCalibrationTablePass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *context = &getContext();
  if (failed(requireState(module, getArgument(), {ModuleState::TopF32})))
    return signalPassFailure();
  if (file.empty()) {
    module.emitError("import-calibration-table needs the option 'file' (the "
                     "calibration table)");
    return signalPassFailure();
  }
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.isExternal()) {
    module.emitError("import-calibration-table needs a func.func @main with a "
                     "body");
    return signalPassFailure();
  }
  FailureOr<RangeRules> rules = getRules(module);
  if (failed(rules))
    return signalPassFailure();

  // The parser reports "<file>:<line>: warning: <what>"; the diagnostic says
  // "warning:" already.
  std::vector<std::string> tableWarnings;
  llvm::Expected<CalibrationTable> table =
      calibration::readCalibrationTable(file, [&](StringRef message) {
        std::string text = message.str();
        size_t at = text.find(": warning: ");
        if (at != std::string::npos)
          text.replace(at, 11, ": ");
        tableWarnings.push_back(std::move(text));
      });
  for (const std::string &warning : tableWarnings)
    module.emitWarning(warning);
  if (!table) {
    module.emitError(llvm::toString(table.takeError()));
    return signalPassFailure();
  }
  llvm::StringMap<const TableEntry *> rowByName;
  for (const TableEntry &entry : table->entries)
    rowByName.try_emplace(entry.name, &entry);

  // Plan every change first, so that a failure leaves the module as it was.
  FloatType f32 = Float32Type::get(context);
  SmallVector<Retype> retypes;
  std::vector<std::string> missing, empty;
  bool invalid = false;
  main.walk([&](Operation *op) {
    if (op == main || isa<WeightOp, NoneOp>(op))
      return;
    for (OpResult result : op->getResults()) {
      auto type = dyn_cast<TensorType>(result.getType());
      if (!type || !type.getElementType().isF32())
        continue;
      std::string name = tpuc::getName(result);
      const TableEntry *row = name.empty() ? nullptr : rowByName.lookup(name);
      if (!row) {
        missing.push_back(name.empty()
                              ? "<unnamed " +
                                    op->getName().getStringRef().str() + ">"
                              : name);
        continue;
      }
      auto [min, max] = computeRange(op, *row, *rules);
      if (!(min < max)) {
        empty.push_back(name + " [" + formatBound(min) + ", " +
                        formatBound(max) + "]");
        continue;
      }
      auto calibrated = quant::CalibratedQuantizedType::getChecked(
          [&] {
            return module.emitError("cannot calibrate '") << name << "': ";
          },
          f32, min, max);
      if (!calibrated) {
        invalid = true;
        continue;
      }
      retypes.push_back({result, calibrated});
    }
  });
  if (invalid)
    return signalPassFailure();
  FailureOr<SmallVector<WeightScale>> scales =
      matchWeightScales(module, main, *table);
  if (failed(scales))
    return signalPassFailure();

  warnAboutTensors(module, missing,
                   "is not in the calibration table and stays f32",
                   "are not in the calibration table and stay f32");
  warnAboutTensors(module, empty, "has an empty calibrated range and stays f32",
                   "have an empty calibrated range and stay f32");

  for (Retype r : retypes)
    r.result.setType(cast<TensorType>(r.result.getType()).clone(r.elementType));
  Builder builder(context);
  for (WeightScale s : *scales)
    s.weight.setWeightScaleAttr(builder.getF64ArrayAttr(s.row->scales));
  Operation *terminator = main.getBody().back().getTerminator();
  main.setType(FunctionType::get(context, main.getArgumentTypes(),
                                 terminator->getOperandTypes()));
  module->setAttr(attr::kAsymmetric, builder.getBoolAttr(asymmetric));
  setState(module, ModuleState::TopCalibrated);
}
