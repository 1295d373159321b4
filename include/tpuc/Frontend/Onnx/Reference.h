//===- Reference.h - onnxruntime reference outputs --------------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The reference that model_transform validates an imported model against:
// the ONNX model run by onnxruntime (the npm package onnxruntime-node, run by
// `node` on tools/ort_reference/ort_run.js), never by tpuc itself.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_FRONTEND_ONNX_REFERENCE_H
#define TPUC_FRONTEND_ONNX_REFERENCE_H

#include "tpuc/Support/Npz.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace tpuc {

struct ReferenceOptions {
  /// Also return every intermediate tensor (every output of a top-level
  /// node whose element type ONNX shape inference knows), not only the
  /// graph outputs.
  bool allTensors = true;
  /// Where the temporary files (the model with the extra outputs, the
  /// inputs and outputs npz, node's stderr) go; they are kept there. Empty:
  /// a fresh temporary directory, removed afterwards.
  std::string workDir;
  /// onnxruntime's intra-op threads; 1 (the default) gives results that do
  /// not depend on the machine; 0 lets onnxruntime choose.
  int numThreads = 1;
};

/// Runs the ONNX model at `onnxPath` with onnxruntime (graph optimizations
/// disabled, so every tensor of the original graph exists and QDQ graphs run
/// as float simulation) on `inputs` and returns its tensors keyed by ONNX
/// name, converted to F32, in node order: every graph output and, with
/// options.allTensors, every other top-level node output that onnxruntime
/// can produce. Graph inputs are not included.
///
/// Inputs are matched to the graph inputs (initializers excluded) by name;
/// when some name does not match and the counts agree, by order. Each array
/// is converted to the element type the graph input declares (float32,
/// float64, float16, int8/16/32/64, uint8/16/32/64, bool; floats round to
/// the nearest integer) and its shape checked against the declared static
/// dimensions. Outputs of any numeric type (bool, integers, float16 ...)
/// are converted to F32.
///
/// Needs `node` and the onnxruntime-node package: their locations are fixed
/// at configure time and can be overridden with the environment variables
/// TPUC_NODE (the node executable), TPUC_ORT_NODE_MODULES (the node_modules
/// folder holding onnxruntime-node) and TPUC_ORT_SCRIPT (ort_run.js).
///
/// Limits: tensors inside subgraphs (If/Loop bodies) are not returned;
/// bfloat16, string and complex tensors are not supported as inputs and
/// skipped as outputs; the inputs and outputs must each stay under 4 GiB.
///
/// Every failure (unreadable or malformed model, missing input, missing node
/// or onnxruntime-node, a model onnxruntime rejects) is an error naming
/// `onnxPath`; onnxruntime's own message is quoted.
llvm::Expected<NpzFile> runOnnxReference(llvm::StringRef onnxPath,
                                         const NpzFile &inputs,
                                         const ReferenceOptions &options = {});

} // namespace tpuc

#endif // TPUC_FRONTEND_ONNX_REFERENCE_H
