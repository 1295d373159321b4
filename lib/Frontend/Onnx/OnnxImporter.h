//===- OnnxImporter.h - the state of one ONNX import ------------*- C++ -*-===//
//
// Part of tpuc. Private to lib/Frontend/Onnx: the importer core and the
// converters of each op family (Convert<Family>.cpp) share it.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_LIB_FRONTEND_ONNX_ONNXIMPORTER_H
#define TPUC_LIB_FRONTEND_ONNX_ONNXIMPORTER_H

#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Frontend/Onnx/Importer.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include <functional>
#include <onnx/onnx_pb.h>

namespace tpuc::onnx_import {

class OnnxImporter;

/// Converts one ONNX node. On failure it has reported the reason through
/// OnnxImporter::fail.
using ConvertFn =
    std::function<mlir::LogicalResult(OnnxImporter &, const onnx::NodeProto &)>;
using ConverterMap = llvm::StringMap<ConvertFn>;

/// Each op family registers its converters (one function per family file).
void registerCoreConverters(ConverterMap &map);
void registerNNConverters(ConverterMap &map);
void registerDataConverters(ConverterMap &map);
void registerElementwiseConverters(ConverterMap &map);

/// Converts an Add of two inputs, one of them a one-element constant, to
/// top.AddConst (ConvertElementwise.cpp). Returns false, having done
/// nothing, when the node is not of that form.
mlir::FailureOr<bool> tryConvertScalarAdd(OnnxImporter &im,
                                          const onnx::NodeProto &node);

//===----------------------------------------------------------------------===//
// Node attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     llvm::StringRef name);
int64_t getAttrInt(const onnx::NodeProto &node, llvm::StringRef name,
                   int64_t defaultValue);
float getAttrFloat(const onnx::NodeProto &node, llvm::StringRef name,
                   float defaultValue);
std::string getAttrString(const onnx::NodeProto &node, llvm::StringRef name,
                          llvm::StringRef defaultValue);
/// The ints of an INTS attribute; empty when absent.
llvm::SmallVector<int64_t> getAttrInts(const onnx::NodeProto &node,
                                       llvm::StringRef name);
llvm::SmallVector<float> getAttrFloats(const onnx::NodeProto &node,
                                       llvm::StringRef name);
/// The ints of an INTS attribute, or `count` copies of `fill` when absent.
llvm::SmallVector<int64_t> getAttrIntsOr(const onnx::NodeProto &node,
                                         llvm::StringRef name, size_t count,
                                         int64_t fill);

/// Converts a TensorProto (raw_data or typed fields, no external data) to
/// an Array of its dtype. `where` names it in errors.
llvm::Expected<Array> tensorToArray(const onnx::TensorProto &tensor,
                                    llvm::StringRef where);

//===----------------------------------------------------------------------===//
// Importer state
//===----------------------------------------------------------------------===//

class OnnxImporter {
public:
  OnnxImporter(mlir::MLIRContext &context, llvm::StringRef modelPath,
               const onnx::ModelProto &model, const OnnxImportOptions &options);

  /// Runs the whole import.
  llvm::Expected<OnnxImport> run();

  // -- Values ------------------------------------------------------------

  /// The value of ONNX tensor `name`; constants are materialized as
  /// top.Weight on first use. Null (after fail()) when unknown.
  mlir::Value getValue(const onnx::NodeProto &node, llvm::StringRef name);
  /// Input `index` of `node`, or a top.None when absent or empty.
  mlir::Value getInput(const onnx::NodeProto &node, unsigned index);
  /// Whether input `index` is present (non-empty name).
  static bool hasInput(const onnx::NodeProto &node, unsigned index);
  /// Maps an ONNX tensor name to an existing value (Identity, Dropout).
  void mapValue(llvm::StringRef name, mlir::Value value);
  mlir::Value none();

  /// Constants: initializers, Constant nodes and folded subgraphs.
  bool isConstant(llvm::StringRef name) const;
  const Array *getConstant(llvm::StringRef name) const;
  void setConstant(llvm::StringRef name, Array array);
  /// The integer / float values of a constant input; failure (after fail())
  /// when the input is not a constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getConstantInts(const onnx::NodeProto &node, unsigned index);
  mlir::FailureOr<llvm::SmallVector<float>>
  getConstantFloats(const onnx::NodeProto &node, unsigned index);

  /// The static shape of a value (empty for none).
  static llvm::ArrayRef<int64_t> shapeOf(mlir::Value value);

  // -- Op creation -------------------------------------------------------

  /// Creates `OpTy` with `operands` and `attrs`, one unranked f32 result per
  /// entry of `outputNames` (default: the node's outputs), named by those
  /// names, infers its shapes, maps the names to the results, and folds it
  /// into constants when every operand is a constant. Returns the results,
  /// or nothing when the op was folded (its outputs are then constants).
  template <typename OpTy>
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  create(const onnx::NodeProto &node, mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attrs = {},
         std::optional<llvm::SmallVector<std::string>> outputNames =
             std::nullopt) {
    return createOp(OpTy::getOperationName(), node, operands, attrs,
                    outputNames);
  }

  /// Creates an intermediate op (not mapped to any ONNX name) named
  /// `<node output 0>_<suffix>`; used when one ONNX node becomes several
  /// Top ops. Returns its single result.
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  createHelper(const onnx::NodeProto &node, llvm::StringRef suffix,
               mlir::ValueRange operands,
               llvm::ArrayRef<mlir::NamedAttribute> attrs = {}) {
    return createHelperOp(OpTy::getOperationName(), node, suffix, operands,
                          attrs);
  }

  /// Creates a constant tensor (a top.Weight) with a fresh name derived
  /// from `node`'s first output and `suffix`.
  mlir::Value createWeight(const onnx::NodeProto &node, llvm::StringRef suffix,
                           Array array);

  mlir::OpBuilder &builder() { return opBuilder; }
  mlir::MLIRContext *getContext() { return &context; }
  int64_t opset() const { return opsetVersion; }

  /// Records a conversion error for `node` and returns failure.
  mlir::LogicalResult fail(const onnx::NodeProto &node,
                           const llvm::Twine &message);

private:
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  createOp(llvm::StringRef opName, const onnx::NodeProto &node,
           mlir::ValueRange operands,
           llvm::ArrayRef<mlir::NamedAttribute> attrs,
           std::optional<llvm::SmallVector<std::string>> outputNames);
  mlir::FailureOr<mlir::Value>
  createHelperOp(llvm::StringRef opName, const onnx::NodeProto &node,
                 llvm::StringRef suffix, mlir::ValueRange operands,
                 llvm::ArrayRef<mlir::NamedAttribute> attrs);
  mlir::FailureOr<mlir::Operation *>
  buildOp(llvm::StringRef opName, const onnx::NodeProto &node,
          mlir::ValueRange operands, llvm::ArrayRef<mlir::NamedAttribute> attrs,
          llvm::ArrayRef<std::string> names);
  /// Evaluates `op` when all its operands are constants and replaces its
  /// results by constants; returns whether it did.
  mlir::FailureOr<bool> tryFold(mlir::Operation *op,
                                llvm::ArrayRef<std::string> names);
  mlir::Value materialize(llvm::StringRef name);
  std::string uniqueName(llvm::StringRef base);
  mlir::Location nameLoc(llvm::StringRef name);

  mlir::LogicalResult importInputs(mlir::func::FuncOp &func);
  mlir::LogicalResult checkSupported();
  void eraseDeadOps();

  mlir::MLIRContext &context;
  std::string modelPath;
  const onnx::ModelProto &model;
  const OnnxImportOptions &options;
  int64_t opsetVersion = 0;
  ConverterMap converters;

  mlir::OpBuilder opBuilder;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::Block *body = nullptr;
  /// Weights are created at the top of the body, in first-use order.
  mlir::Operation *lastWeight = nullptr;
  mlir::Value noneValue;

  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<Array> constants;
  llvm::StringMap<mlir::Value> materialized;
  llvm::StringSet<> usedNames;
  NpzFile weights;
  std::string errors;
};

/// The window attributes of a k-D Conv, ConvTranspose or pooling node, with
/// the ONNX defaults: `defaultKernel` (may be empty), unit strides and
/// dilations, zero pads (begins, then ends). Sizes are not checked here.
struct WindowAttrs {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads;
};
WindowAttrs getWindowAttrs(const onnx::NodeProto &node, size_t k,
                           llvm::ArrayRef<int64_t> defaultKernel = {});

/// The number of spatial axes (1 or 2) of a Conv or ConvTranspose node with
/// input and filter shapes `in` and `w`; fails (after im.fail()) when the
/// ranks differ, are below 3, or give more than 2 spatial axes (`what` names
/// the op in that message).
mlir::FailureOr<size_t> convSpatialRank(OnnxImporter &im,
                                        const onnx::NodeProto &node,
                                        llvm::ArrayRef<int64_t> in,
                                        llvm::ArrayRef<int64_t> w,
                                        llvm::StringRef what);

/// Resolves the `auto_pad` attribute of a Conv or pooling node into
/// `window.pads` for the spatial input sizes `spatialIn`: SAME_UPPER /
/// SAME_LOWER pad so that output = ceil(input / stride) (the odd pad at the
/// end for SAME_UPPER, at the begin for SAME_LOWER), VALID pads nothing,
/// NOTSET keeps the pads. Returns whether the padding is SAME; fails (after
/// im.fail()) on an unknown value.
mlir::FailureOr<bool> resolveAutoPad(OnnxImporter &im,
                                     const onnx::NodeProto &node,
                                     llvm::ArrayRef<int64_t> spatialIn,
                                     WindowAttrs &window);

} // namespace tpuc::onnx_import

#endif // TPUC_LIB_FRONTEND_ONNX_ONNXIMPORTER_H
