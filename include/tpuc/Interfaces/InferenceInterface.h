//===- InferenceInterface.h - float/integer op evaluation -------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_INTERFACES_INFERENCEINTERFACE_H
#define TPUC_INTERFACES_INFERENCEINTERFACE_H

#include "mlir/IR/OpDefinition.h"
#include <vector>

namespace tpuc {

/// The buffers an op is evaluated on. Buffers are dense, row-major and sized
/// by the static shapes of the op's operands and results.
struct InferenceParameter {
  /// One entry per operand; null for an operand of type none.
  std::vector<const float *> inputs;
  /// One entry per result.
  std::vector<float *> outputs;
  /// Owned by the op between init and deinit.
  void *handle = nullptr;
};

} // namespace tpuc

#include "tpuc/Interfaces/InferenceInterface.h.inc"

#endif // TPUC_INTERFACES_INFERENCEINTERFACE_H
