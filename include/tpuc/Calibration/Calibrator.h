//===- Calibrator.h - activation calibration of a Top module -----*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Runs the Top interpreter over calibration samples and turns the statistics
// of every activation tensor into a threshold with one of the methods of
// Statistics.h; optionally tunes the KLD / ACIQ thresholds by the op-local
// output error (auto-tune). The result is a CalibrationTable:
//
//   Calibrator calibrator(module, options);
//   Expected<CalibrationRun> run = calibrator.run(samples, inputs);
//   writeCalibrationTable(run->table, "resnet18_cali_table");
//
// One streaming pass: statistics are taken in the interpreter's tensor
// callbacks, so no activation outlives its op and no sample is run twice
// (auto-tune runs its few tune samples again).
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CALIBRATION_CALIBRATOR_H
#define TPUC_CALIBRATION_CALIBRATOR_H

#include "tpuc/Calibration/CalibrationTable.h"
#include "tpuc/Support/Dataset.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tpuc {
class Progress;
} // namespace tpuc

namespace tpuc::calibration {

enum class Method { Kl, Mse, Max, Percentile9999, AciqGauss, AciqLaplace };

/// The table's name of a method: kl, mse, max, percentile9999, aciq_gauss,
/// aciq_laplace.
llvm::StringRef getMethodName(Method method);
/// Parses TPU-MLIR's `--cali_method` values: use_kl, use_mse, use_max,
/// use_percentile9999, use_aciq_gauss, use_aciq_laplace (and the bare
/// names above).
std::optional<Method> parseMethod(llvm::StringRef text);

struct CalibrationOptions {
  Method method = Method::Kl;
  int64_t histogramBins = 2048;
  /// Samples used by auto-tune (KLD and ACIQ only; 0 disables it). They are
  /// `tuneSamples` when given, else the first `tuneCount` calibration
  /// samples.
  int64_t tuneCount = 5;
  std::vector<Sample> tuneSamples;
  /// Candidates tried between the untuned threshold and abs-max.
  int64_t tuneSteps = 21;
  /// Force min = -threshold, max = threshold (CV18xx).
  bool symmetric = false;
  /// Interpreter threads (0 = all).
  unsigned threads = 0;
  /// Shown in the table header.
  std::string mlirFile;
  /// Called with each warning (all-zero tensor, …) and, with debugLog,
  /// per-tensor details.
  std::function<void(llvm::StringRef)> log;
  bool debugLog = false;
  /// Only run the samples, taking no statistics (the baseline of
  /// bench/calibration.sh); the result has an empty table.
  bool inferenceOnly = false;
  /// Creates the progress report of a phase ("calibration" over samples,
  /// "auto-tune" over ops); may be null for no report.
  std::function<std::unique_ptr<Progress>(llvm::StringRef what,
                                          llvm::StringRef unit, int64_t total)>
      makeProgress;
};

struct CalibrationRun {
  /// The final table (tuned when auto-tune ran).
  CalibrationTable table;
  /// The table before auto-tune; set only when auto-tune ran.
  std::optional<CalibrationTable> untuned;
};

/// Calibrates `module` (a shape-inferred Top f32 module whose weight file
/// is resolvable) on `samples`, each loaded for `inputs`. Errors name the
/// sample that failed to load or run.
llvm::Expected<CalibrationRun> calibrate(mlir::ModuleOp module,
                                         llvm::ArrayRef<Sample> samples,
                                         llvm::ArrayRef<InputSpec> inputs,
                                         const CalibrationOptions &options);

} // namespace tpuc::calibration

#endif // TPUC_CALIBRATION_CALIBRATOR_H
