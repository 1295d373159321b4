//===- ConvertTopToTpu.cpp - the convert-top-to-tpu pass ------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "tpuc/Conversion/TopToTpu/Passes.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Support/File.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace tpuc {
#define GEN_PASS_DEF_CONVERTTOPTOTPU
#include "tpuc/Conversion/TopToTpu/Passes.h.inc"
} // namespace tpuc

using namespace mlir;
using namespace tpuc;
using namespace tpuc::lowering;
namespace mq = mlir::quant;

namespace {

/// Reads a qtable: `<tensor name> <mode>` lines, `#` comments and blank
/// lines skipped. Fails with file:line on a malformed line.
FailureOr<llvm::StringMap<Mode>> readQtable(ModuleOp module, StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    module.emitError("cannot read the quantize table '")
        << path << "': " << buffer.getError().message();
    return failure();
  }
  llvm::StringMap<Mode> table;
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (auto [index, raw] : llvm::enumerate(lines)) {
    StringRef line = raw.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    SmallVector<StringRef> fields;
    line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    if (fields.size() == 1)
      line.split(fields, '\t', -1, false);
    std::optional<Mode> mode = fields.size() >= 2
                                   ? target::symbolizeMode(fields[1].trim())
                                   : std::nullopt;
    if (fields.size() < 2 || fields.size() > 3 || !mode) {
      module.emitError("malformed quantize table line, ")
          << path << ":" << index + 1
          << " (expected '<op_name> <INT8|F16|BF16|F32>', got '" << line
          << "')";
      return failure();
    }
    table[fields[0]] = *mode;
  }
  return table;
}

/// Ops whose INT8 result takes their input's type (max pooling, reshape):
/// their own range is not what their users see, so backward propagation
/// skips them.
bool isRangePreserving(Operation *op) {
  return isa<top::MaxPoolOp, top::ReshapeOp>(op);
}

/// Backward propagation for Concat: an input produced by a single-use
/// computing op takes the Concat's range, so the Concat copies instead of
/// requantizing.
void propagateConcatRanges(func::FuncOp main) {
  main.walk([&](top::ConcatOp concat) {
    Type out = cast<ShapedType>(concat.getOutput().getType()).getElementType();
    if (!isa<mq::CalibratedQuantizedType>(out))
      return;
    for (Value input : concat.getInputs()) {
      Operation *producer = input.getDefiningOp();
      if (!producer || !input.hasOneUse() ||
          isa<top::InputOp, top::WeightOp>(producer) ||
          isRangePreserving(producer) || producer->getNumResults() != 1)
        continue;
      input.setType(Lowering::withElement(input.getType(), out));
    }
  });
}

/// A Top op that has no Tpu form: kept, computing in f32 on f32 operands;
/// in an F16/BF16 mode its result is then rounded by a tpu.Cast that takes
/// the tensor's name (the Top op becomes `<name>_top_f32`).
void keepTopOp(Lowering &l, Operation *op, Mode mode) {
  std::string name = nameOf(op);
  Type f32 = l.getBuilder().getF32Type();
  IRMapping mapping;
  for (Value operand : op->getOperands()) {
    Value v = operand.getDefiningOp<top::WeightOp>() ||
                      isa<NoneType>(operand.getType())
                  ? l.lookup(operand)
                  : l.castTo(operand, f32, name);
    mapping.map(operand, v);
  }
  Operation *clone = l.getBuilder().clone(*op, mapping);
  for (OpResult result : clone->getResults())
    if (auto shaped = dyn_cast<ShapedType>(result.getType()))
      result.setType(Lowering::withElement(shaped, f32));
  Type element = l.floatType(mode);
  if (element.isF32() || clone->getNumResults() != 1) {
    for (auto [old, now] : llvm::zip(op->getResults(), clone->getResults()))
      l.map(old, now);
    return;
  }
  clone->setLoc(nameLoc(l.getContext(), name + "_top_f32"));
  Value result = clone->getResult(0);
  auto cast = l.getBuilder().create<tpu::CastOp>(
      nameLoc(l.getContext(), name),
      Lowering::withElement(result.getType(), element), result,
      tpu::RoundMode::HalfToEven);
  l.map(op->getResult(0), cast.getOutput());
}

/// Whether some user of the input runs in INT8 (then a quantized input
/// saves the first cast).
bool feedsInt8(Lowering &l, top::InputOp input) {
  return llvm::any_of(input.getOutput().getUsers(), [&](Operation *user) {
    return l.modeOf(user) == Mode::INT8;
  });
}

struct ConvertTopToTpuPass
    : tpuc::impl::ConvertTopToTpuBase<ConvertTopToTpuPass> {
  using ConvertTopToTpuBase::ConvertTopToTpuBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(runOn(module)))
      signalPassFailure();
  }

  LogicalResult runOn(ModuleOp module) {
    if (failed(requireState(module, getArgument(),
                            {ModuleState::TopF32, ModuleState::TopCalibrated})))
      return failure();
    auto chipAttr = module->getAttrOfType<StringAttr>(attr::kChip);
    auto modeAttr = module->getAttrOfType<StringAttr>(attr::kMode);
    if (!chipAttr || !modeAttr)
      return module.emitError("convert-top-to-tpu needs the chip and mode "
                              "recorded by processor-assign");
    const target::ChipSpec *spec = target::lookupChip(chipAttr.getValue());
    std::optional<Mode> mode = target::symbolizeMode(modeAttr.getValue());
    if (!spec || !mode)
      return module.emitError("unknown chip or mode on the module: ")
             << chipAttr << ", " << modeAttr;

    llvm::StringMap<Mode> qtableModes;
    if (!qtable.empty()) {
      FailureOr<llvm::StringMap<Mode>> parsed = readQtable(module, qtable);
      if (failed(parsed))
        return failure();
      qtableModes = std::move(*parsed);
    }
    FailureOr<ModuleState> state = getState(module);
    bool needsInt8 =
        *mode == Mode::INT8 || llvm::any_of(qtableModes, [](const auto &entry) {
          return entry.second == Mode::INT8;
        });
    if (needsInt8 && *state != ModuleState::TopCalibrated)
      return module.emitError("INT8 needs a calibrated module (run "
                              "import-calibration-table first)");

    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main)
      return module.emitError("the module has no @main function");

    // Every qtable name must be an op of the module: one error lists all.
    if (!qtableModes.empty()) {
      llvm::StringSet<> names;
      main.walk([&](Operation *op) { names.insert(nameOf(op)); });
      SmallVector<std::string> unknown;
      for (const auto &entry : qtableModes)
        if (!names.contains(entry.first()))
          unknown.push_back(entry.first().str());
      if (!unknown.empty()) {
        llvm::sort(unknown);
        return module.emitError("the quantize table names ops the model does "
                                "not have: ")
               << llvm::join(unknown, ", ");
      }
    }

    std::optional<std::string> weightFile = getWeightFile(module);
    NpzFile inWeights;
    if (weightFile) {
      auto loaded = NpzFile::load(resolveWeightFile(module, *weightFile));
      if (!loaded)
        return module.emitError() << llvm::toString(loaded.takeError());
      inWeights = std::move(*loaded);
    }
    std::string outPath = weightFileOut;
    if (outPath.empty()) {
      StringRef base = weightFile ? StringRef(*weightFile) : "weights.npz";
      SmallString<128> path(base);
      llvm::sys::path::replace_extension(path, "");
      outPath = (path + "_tpu.npz").str();
    }

    if (*state == ModuleState::TopCalibrated)
      propagateConcatRanges(main);

    NpzFile outWeights;
    Lowering l(module, *spec, *mode, inWeights, outWeights,
               std::move(qtableModes));
    l.matmulPerChannel = matmulPerChannel;
    OpBuilder &b = l.getBuilder();
    SmallVector<Operation *> oldOps;
    Operation *terminator = main.getBody().front().getTerminator();
    for (Operation &op : main.getBody().front().without_terminator())
      oldOps.push_back(&op);

    for (Operation *op : oldOps) {
      b.setInsertionPoint(op);
      if (isa<top::WeightOp, top::NoneOp>(op)) {
        l.map(op->getResult(0), op->getResult(0));
        continue;
      }
      if (auto input = dyn_cast<top::InputOp>(op)) {
        // The input stays f32; its users cast it to what they run in.
        Operation *clone = b.clone(*op);
        Type type = input.getInput().getType();
        if (quantInput && feedsInt8(l, input))
          if (std::optional<mq::UniformQuantizedType> q =
                  l.int8TypeOf(input.getOutput())) {
            type = Lowering::withElement(type, *q);
            if (auto arg = dyn_cast<BlockArgument>(input.getInput()))
              arg.setType(type);
          }
        clone->getResult(0).setType(type);
        l.map(input.getOutput(), clone->getResult(0));
        continue;
      }
      FailureOr<bool> lowered = lowerOp(l, op);
      if (failed(lowered))
        return failure();
      if (*lowered)
        continue;
      Mode opMode = l.modeOf(op);
      if (opMode == Mode::INT8) {
        opMode = l.floatFallback();
        l.floatFallbacks.push_back(nameOf(op));
      }
      keepTopOp(l, op, opMode);
    }

    // Results: back to f32 unless quant_output.
    b.setInsertionPoint(terminator);
    SmallVector<Value> results;
    for (Value old : terminator->getOperands()) {
      Value v = quantOutput ? l.lookup(old) : l.castTo(old, b.getF32Type(), "");
      results.push_back(v);
    }
    terminator->setOperands(results);
    for (Operation *op : llvm::reverse(oldOps)) {
      if (isa<top::WeightOp, top::NoneOp>(op) && !op->use_empty())
        continue;
      op->dropAllUses();
      op->erase();
    }
    main.setType(FunctionType::get(module.getContext(),
                                   main.getBody().front().getArgumentTypes(),
                                   ValueRange(results).getTypes()));

    // The lowered weights and the f32 weights still used, as they are.
    if (failed(writeModuleWeights(
            module,
            [&](StringRef name) {
              const Array *array = outWeights.lookup(name);
              return array ? array : inWeights.lookup(name);
            },
            weightFile.value_or(""), outPath, "")))
      return failure();
    setState(module, ModuleState::TpuLowered);

    if (!l.floatFallbacks.empty()) {
      // One remark listing the ops that run in float although the mode
      // asked for INT8 (no range, no INT8 form yet, or a shift that does
      // not fit).
      module.emitRemark("ops in float instead of INT8: ")
          << llvm::join(l.floatFallbacks, ", ");
    }
    return success();
  }
};

} // namespace
