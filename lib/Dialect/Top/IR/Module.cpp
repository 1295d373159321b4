//===- Module.cpp - module-level attributes of a tpuc module --------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Support/File.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/OperationSupport.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace tpuc {

StringRef stringifyState(ModuleState state) {
  switch (state) {
  case ModuleState::TopF32:
    return "TOP_F32";
  case ModuleState::TopCalibrated:
    return "TOP_CALIBRATED";
  case ModuleState::TpuLowered:
    return "TPU_LOWERED";
  case ModuleState::TpuReordered:
    return "TPU_REORDERED";
  case ModuleState::TpuAddressed:
    return "TPU_ADDRESSED";
  }
  return "";
}

std::optional<ModuleState> symbolizeState(StringRef text) {
  return llvm::StringSwitch<std::optional<ModuleState>>(text)
      .Case("TOP_F32", ModuleState::TopF32)
      .Case("TOP_CALIBRATED", ModuleState::TopCalibrated)
      .Case("TPU_LOWERED", ModuleState::TpuLowered)
      .Case("TPU_REORDERED", ModuleState::TpuReordered)
      .Case("TPU_ADDRESSED", ModuleState::TpuAddressed)
      .Default(std::nullopt);
}

FailureOr<ModuleState> getState(ModuleOp module) {
  Attribute attr = module->getAttr(attr::kState);
  if (!attr)
    return ModuleState::TopF32;
  auto text = dyn_cast<StringAttr>(attr);
  std::optional<ModuleState> state;
  if (text)
    state = symbolizeState(text.getValue());
  if (!state)
    return module.emitError("unknown module state ")
           << attr << " in '" << attr::kState
           << "' (expected TOP_F32, TOP_CALIBRATED, TPU_LOWERED, "
              "TPU_REORDERED or TPU_ADDRESSED)";
  return *state;
}

void setState(ModuleOp module, ModuleState state) {
  module->setAttr(attr::kState,
                  StringAttr::get(module.getContext(), stringifyState(state)));
}

LogicalResult requireState(ModuleOp module, StringRef passName,
                           ArrayRef<ModuleState> allowed) {
  FailureOr<ModuleState> state = getState(module);
  if (failed(state))
    return failure();
  if (llvm::is_contained(allowed, *state))
    return success();
  auto diag = module.emitError() << passName << " needs a module in state ";
  llvm::interleave(
      allowed, [&](ModuleState s) { diag << stringifyState(s); },
      [&] { diag << " or "; });
  diag << ", this one is in " << stringifyState(*state);
  return failure();
}

std::optional<std::string> getWeightFile(ModuleOp module) {
  if (auto path = module->getAttrOfType<StringAttr>(attr::kWeightFile))
    return path.str();
  return std::nullopt;
}

void setWeightFile(ModuleOp module, StringRef path) {
  module->setAttr(attr::kWeightFile,
                  StringAttr::get(module.getContext(), path));
}

LogicalResult
writeModuleWeights(ModuleOp module,
                   llvm::function_ref<const Array *(StringRef)> lookup,
                   StringRef inPath, StringRef outPath, StringRef suffix) {
  NpzFile weights;
  LogicalResult copied = success();
  module.walk([&](top::WeightOp weight) {
    std::string name = getName(weight.getOperation());
    const Array *array = lookup(name);
    if (!array) {
      copied = weight.emitError("weight '")
               << name << "' is not in the weight file " << inPath;
      return WalkResult::interrupt();
    }
    weights.set(name, *array);
    return WalkResult::advance();
  });
  if (failed(copied))
    return failure();
  std::string path = outPath.str();
  if (path.empty()) {
    llvm::SmallString<256> stem(inPath);
    llvm::sys::path::replace_extension(stem, "");
    path = (stem + suffix).str();
  }
  if (llvm::Error err = weights.save(path))
    return module.emitError() << llvm::toString(std::move(err));
  setWeightFile(module, path);
  return success();
}

std::string resolveWeightFile(ModuleOp module, StringRef path) {
  if (llvm::sys::path::is_absolute(path) || llvm::sys::fs::exists(path))
    return path.str();
  // The location of a parsed module is the file it came from.
  Location loc = module.getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    if (!fused.getLocations().empty())
      loc = fused.getLocations().front();
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    SmallString<256> candidate(
        llvm::sys::path::parent_path(file.getFilename()));
    llvm::sys::path::append(candidate, path);
    if (llvm::sys::fs::exists(candidate))
      return std::string(candidate);
  }
  return path.str();
}

void anchorWeightFile(ModuleOp module, StringRef mlirPath) {
  std::optional<std::string> file = getWeightFile(module);
  if (!file || llvm::sys::path::is_absolute(*file) ||
      llvm::sys::fs::exists(*file))
    return;
  SmallString<256> candidate(llvm::sys::path::parent_path(mlirPath));
  llvm::sys::path::append(candidate, *file);
  if (llvm::sys::fs::exists(candidate))
    setWeightFile(module, candidate);
}

static std::string nameOf(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  return "";
}

std::string getName(Operation *op) { return nameOf(op->getLoc()); }

std::string getName(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return nameOf(value.getLoc());
  // An op with several results (top.Split) is located at a FusedLoc holding
  // one NameLoc per result, in result order.
  if (op->getNumResults() > 1)
    if (auto fused = dyn_cast<FusedLoc>(op->getLoc())) {
      SmallVector<StringRef> names;
      for (Location inner : fused.getLocations())
        if (auto name = dyn_cast<NameLoc>(inner))
          names.push_back(name.getName().getValue());
      unsigned index = cast<OpResult>(value).getResultNumber();
      if (names.size() == op->getNumResults())
        return names[index].str();
    }
  return nameOf(op->getLoc());
}

} // namespace tpuc

llvm::Error tpuc::writeModuleFile(ModuleOp module, StringRef path) {
  std::string text;
  llvm::raw_string_ostream os(text);
  OpPrintingFlags flags;
  flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module.print(os, flags);
  os << "\n";
  return writeFileAtomically(path, {text});
}

std::optional<std::string> tpuc::checkWeightDType(Type elementType,
                                                  DType dtype) {
  if (auto q = dyn_cast<quant::QuantizedType>(elementType))
    elementType = q.getStorageType();
  if (isa<FloatType>(elementType)) {
    if (dtype == DType::F32 || (elementType.isF16() && dtype == DType::F16))
      return std::nullopt;
    return std::string(elementType.isF16() ? "f32 or f16 data" : "f32 data");
  }
  auto integer = dyn_cast<IntegerType>(elementType);
  if (!integer)
    return std::string("a float or integer element type");
  bool isUnsigned = integer.isUnsigned();
  DType expected;
  switch (integer.getWidth()) {
  case 8:
    expected = isUnsigned ? DType::U8 : DType::I8;
    break;
  case 16:
    expected = isUnsigned ? DType::U16 : DType::I16;
    break;
  case 32:
    expected = isUnsigned ? DType::U32 : DType::I32;
    break;
  case 64:
    expected = isUnsigned ? DType::U64 : DType::I64;
    break;
  default:
    return std::string("an 8, 16, 32 or 64-bit integer element type");
  }
  if (dtype == expected)
    return std::nullopt;
  return (dtypeName(expected) + " data").str();
}
