//===- Module.h - module-level attributes of a tpuc module ------*- C++ -*-===//
//
// Part of tpuc. A tpuc module records its compilation state and the facts
// every pass needs (chip, mode, weight file) as attributes of the
// `builtin.module`. These helpers are the only place that spells their names.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_MODULE_H
#define TPUC_DIALECT_TOP_IR_MODULE_H

#include "tpuc/Support/Npz.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <optional>
#include <string>

namespace tpuc {

/// The stages a module goes through, in order.
enum class ModuleState {
  TopF32,
  TopCalibrated,
  TpuLowered,
  TpuReordered,
  TpuAddressed,
};

/// Attribute names on `builtin.module`.
namespace attr {
inline constexpr llvm::StringLiteral kState = "tpuc.state";
inline constexpr llvm::StringLiteral kChip = "tpuc.chip";
inline constexpr llvm::StringLiteral kMode = "tpuc.mode";
inline constexpr llvm::StringLiteral kWeightFile = "tpuc.weight_file";
inline constexpr llvm::StringLiteral kPlatform = "tpuc.platform";
inline constexpr llvm::StringLiteral kAsymmetric = "tpuc.asymmetric";
} // namespace attr

/// The spelling used in the IR, e.g. "TOP_F32".
llvm::StringRef stringifyState(ModuleState state);
std::optional<ModuleState> symbolizeState(llvm::StringRef text);

/// The module's state: TOP_F32 when the attribute is absent; failure (with a
/// diagnostic at the module) when it holds an unknown value.
mlir::FailureOr<ModuleState> getState(mlir::ModuleOp module);
void setState(mlir::ModuleOp module, ModuleState state);

/// Fails with a diagnostic naming `passName` unless the module is in one of
/// `allowed`.
mlir::LogicalResult requireState(mlir::ModuleOp module,
                                 llvm::StringRef passName,
                                 llvm::ArrayRef<ModuleState> allowed);

/// The weight file named by `tpuc.weight_file`, if any.
std::optional<std::string> getWeightFile(mlir::ModuleOp module);
void setWeightFile(mlir::ModuleOp module, llvm::StringRef path);

/// Resolves the weight file path: as written when it exists relative to the
/// working directory, else relative to the directory of the file the module
/// was parsed from.
std::string resolveWeightFile(mlir::ModuleOp module, llvm::StringRef path);

/// Passes that create weights end with this: writes every top.Weight the
/// module still uses, in the module's order, to a new npz and records it as
/// the module's weight file. Each array comes from `lookup` (the pass's new
/// arrays, then the old file's); the file is `outPath`, or `<inPath
/// stem><suffix>` when that is empty. Fails at a weight `lookup` does not
/// know, or when the file cannot be written.
mlir::LogicalResult
writeModuleWeights(mlir::ModuleOp module,
                   llvm::function_ref<const Array *(llvm::StringRef)> lookup,
                   llvm::StringRef inPath, llvm::StringRef outPath,
                   llvm::StringRef suffix);

/// Tools that read a module from `mlirPath` call this once: a relative
/// weight file that does not exist relative to the working directory is
/// rewritten as a path next to `mlirPath`, where the tools write it.
void anchorWeightFile(mlir::ModuleOp module, llvm::StringRef mlirPath);

/// Whether a weight file array of dtype `dtype` may hold a top.Weight whose
/// element type is `elementType`: f32 data for any float element type (f16
/// also for f16); the integer dtype of the same width and signedness for an
/// integer element type (i8 and si8 -> int8, ui8 -> uint8, i16 -> int16,
/// i32 -> int32, i64 -> int64; the storage type of a quantized element).
/// On a mismatch, returns a description of what is expected ("int32 data").
std::optional<std::string> checkWeightDType(mlir::Type elementType,
                                            DType dtype);

/// The name of a value: the `NameLoc` of its defining op (or of the block
/// argument), "" when it has none.
std::string getName(mlir::Value value);
std::string getName(mlir::Operation *op);

/// Writes `module` to `path` atomically, with its locations (the tensor
/// names) printed, as the tools write every .mlir.
llvm::Error writeModuleFile(mlir::ModuleOp module, llvm::StringRef path);

} // namespace tpuc

#endif // TPUC_DIALECT_TOP_IR_MODULE_H
