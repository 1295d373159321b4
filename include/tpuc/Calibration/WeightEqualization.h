//===- WeightEqualization.h - cross-layer weight equalization ----*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Cross-layer equalization (run_calibration --we): for each pair
// Conv1 -> (Relu | PRelu | LeakyRelu)? -> Conv2 where each op has a single
// user, channel c of Conv1's output is scaled by 1/s and Conv2's matching
// input channel by s, with s = √(r1 / r2), r1 = max|W1[c]|, r2 = max|W2[:, c]|
// (the per-channel weight ranges become equal; the network function is
// unchanged since these activations are positively homogeneous). Passes
// over all pairs repeat until the weights change by less than the
// tolerance.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CALIBRATION_WEIGHTEQUALIZATION_H
#define TPUC_CALIBRATION_WEIGHTEQUALIZATION_H

#include "tpuc/Support/Npz.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace tpuc::calibration {

struct EqualizationResult {
  /// Conv pairs equalized.
  int64_t pairs = 0;
  /// Passes over the pairs, and the largest weight change of the last one.
  int64_t iterations = 0;
  double lastChange = 0;
};

/// Equalizes the weights of `module` held in `weights` (its weight npz,
/// changed in place; the module itself is not changed). Weights shared by
/// several ops and convolutions with a clipped ReLU are left alone.
llvm::Expected<EqualizationResult> equalizeWeights(mlir::ModuleOp module,
                                                   NpzFile &weights,
                                                   double tolerance = 1e-4,
                                                   int64_t maxIterations = 100);

} // namespace tpuc::calibration

#endif // TPUC_CALIBRATION_WEIGHTEQUALIZATION_H
