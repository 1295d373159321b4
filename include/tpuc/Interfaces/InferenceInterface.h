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

class Array;

/// The buffers an op is evaluated on. Buffers are dense, row-major and sized
/// by the static shapes of the op's operands and results.
struct InferenceParameter {
  /// One entry per operand; null for an operand of type none.
  std::vector<const float *> inputs;
  /// Parallel to `inputs`: for an operand that is a top.Weight, the array as
  /// stored in the weight file, in its own dtype (int8, uint8, int16, int32,
  /// f16, ...; checked against the weight's element type by
  /// checkWeightDType); null for other operands, and for a weight whose array
  /// is f32 (its float buffer in `inputs` is then exact). Integer ops read
  /// integer weights here, since a float buffer is not exact beyond 2^24;
  /// ops must still accept null (ModuleInterpreter::invokeAt with a given
  /// buffer) and then read `inputs`.
  std::vector<const Array *> weights;
  /// One entry per result.
  std::vector<float *> outputs;
  /// Owned by the op between init and deinit.
  void *handle = nullptr;
};

} // namespace tpuc

#include "tpuc/Interfaces/InferenceInterface.h.inc"

#endif // TPUC_INTERFACES_INFERENCEINTERFACE_H
