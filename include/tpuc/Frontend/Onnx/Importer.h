//===- Importer.h - ONNX to Top dialect importer ----------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_FRONTEND_ONNX_IMPORTER_H
#define TPUC_FRONTEND_ONNX_IMPORTER_H

#include "tpuc/Support/Npz.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace tpuc {

/// What model_transform tells the importer.
struct OnnxImportOptions {
  /// Static shapes of the graph inputs, in graph order (non-initializer
  /// inputs). Empty: the shapes declared by the model (unknown dims → 1).
  std::vector<std::vector<int64_t>> inputShapes;
  /// Cut the graph at these tensors; empty: the graph outputs.
  std::vector<std::string> outputNames;
  /// Recorded as `tpuc.weight_file`.
  std::string weightFile;
  /// Preprocessing recorded on every 4-D top.Input (empty = not recorded).
  std::string pixelFormat, channelFormat;
  std::vector<int64_t> resizeDims;
  bool keepAspectRatio = false;
  double padValue = 0;
  std::vector<double> mean, scale;
};

/// The result of an import: the Top module (shapes inferred) and its
/// weights, keyed by the names of the module's top.Weight ops.
struct OnnxImport {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  NpzFile weights;
};

/// Imports the ONNX model at `path`. Errors name the model file and the
/// node: a model with unsupported ops gets one error listing every
/// unsupported op type with its node names.
llvm::Expected<OnnxImport> importOnnx(mlir::MLIRContext &context,
                                      llvm::StringRef path,
                                      const OnnxImportOptions &options);

/// The ONNX op types the importer can convert, sorted.
std::vector<std::string> getSupportedOnnxOps();

} // namespace tpuc

#endif // TPUC_FRONTEND_ONNX_IMPORTER_H
