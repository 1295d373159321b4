//===- InputSpec.h - model inputs of a Top module as InputSpecs -*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The tools that feed samples to a Top model (model_transform's test input,
// run_calibration's dataset) describe its inputs to the Dataset loader from
// the top.Input ops: name, shape and image preprocessing.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_DIALECT_TOP_IR_INPUTSPEC_H
#define TPUC_DIALECT_TOP_IR_INPUTSPEC_H

#include "tpuc/Support/Dataset.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <vector>

namespace tpuc {

/// One spec per top.Input of `main`, in the order of the function arguments
/// they mark: the name (tpuc::getName of the op), the shape of its result
/// (empty when unranked; dynamic dimensions negative) and its preprocess
/// attributes as a PreprocessConfig (absent ones keep the defaults).
/// `preprocess.usePilResize` is false: it is a tool option, not part of the
/// model, for the caller to set.
std::vector<InputSpec> getInputSpecs(mlir::func::FuncOp main);

} // namespace tpuc

#endif // TPUC_DIALECT_TOP_IR_INPUTSPEC_H
