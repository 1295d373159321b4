//===- CalibrationTable.h - TPU-MLIR-compatible calibration tables -*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The calibration table that run_calibration writes and the lowering reads,
// in the text format TPU-MLIR users know (docs/formats.md):
//
//   # mlir version: tpuc <version> cali version 1.0
//   # mlir: resnet18.mlir
//   # genetated time: 2026-11-22 10:00:00
//   # quantization threshold calculation method: kl
//   # histogram number: 2048
//   # sample number: 100
//   ###
//   # tune number: 5
//   ###
//   # op_name    threshold    min    max
//   input 2.6400001 -2.1179039 2.6400001
//   conv1 4.1234567 0.0000000 9.8765432
//
//   #weight_scale
//   conv1_weight 3 0.01 0.02 0.03
//
// Rows hold `name threshold min max`, each number with 7 decimals.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CALIBRATION_CALIBRATIONTABLE_H
#define TPUC_CALIBRATION_CALIBRATIONTABLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tpuc::calibration {

struct TableEntry {
  std::string name;
  double threshold = 0, min = 0, max = 0;
};

/// Per-channel weight scales of one consumer op (QAT import): the row
/// `<op>_weight <n> s1 … sn [zp1 … zpn]`, stored under `name` = `<op>_weight`.
struct WeightScaleEntry {
  std::string name;
  std::vector<double> scales;
  /// Zero-points when the exporter appended them (n more values).
  std::vector<double> zeroPoints;
};

struct CalibrationTable {
  /// Header values; written as the lines shown above.
  std::string mlirFile;
  std::string method;        // kl | mse | max | percentile9999 | aciq_gauss | aciq_laplace
  std::string generatedTime; // empty: the writer omits the value (deterministic output)
  int64_t histogramBins = 2048;
  int64_t sampleCount = 0;
  /// Written as `# tune number: N` (0 = the line says 0).
  int64_t tuneCount = 0;

  /// In the order they are written (the writer does not sort).
  std::vector<TableEntry> entries;
  /// The `#int4_th` block (read and written through, not used yet).
  std::vector<TableEntry> int4Entries;
  /// The `#weight_scale` section; the writer always writes the section
  /// header, possibly with no rows.
  std::vector<WeightScaleEntry> weightScales;
  /// Names from `#asym_op` / `#int4_op` blocks.
  std::vector<std::string> asymOps, int4Ops;

  /// The entry named `name` (in `entries`, resp. `weightScales`), or null.
  /// Both scan linearly: a caller looking up every tensor of a large table
  /// should index it once (e.g. an llvm::StringMap of pointers) instead.
  const TableEntry *lookup(llvm::StringRef name) const;
  const WeightScaleEntry *lookupWeightScale(llvm::StringRef name) const;
};

/// Renders the table (byte-deterministic for equal tables): thresholds, mins
/// and maxes as "%.7f", weight scales and zero-points with the fewest of 15,
/// 16 or 17 significant digits that read back exactly.
std::string printCalibrationTable(const CalibrationTable &table);

/// Writes the table to `path` through a temporary file and a rename. A table
/// the parser would reject (an empty name or one with white space or a
/// leading '#', a duplicate name, a NaN, a weight-scale row without scales or
/// with a zero-point count other than 0 or n) fails with "cannot write
/// calibration table: <why>, <path>" and leaves `path` untouched.
llvm::Error writeCalibrationTable(const CalibrationTable &table,
                                  llvm::StringRef path);

/// Called with each warning ("<file>:<line>: warning: ..."), e.g. `inf`
/// replaced by 6.5e4.
using WarningHandler = std::function<void(llvm::StringRef message)>;

/// Parses a table written by tpuc or TPU-MLIR (rules in docs/formats.md).
/// A bad line fails with "<bufferName>:<line>: <what>".
llvm::Expected<CalibrationTable>
parseCalibrationTable(llvm::StringRef text, llvm::StringRef bufferName,
                      const WarningHandler &warn = nullptr);

/// Reads and parses the file at `path` (errors name `path` as the buffer;
/// "cannot open calibration table: <reason>, <path>" if it cannot be read).
llvm::Expected<CalibrationTable>
readCalibrationTable(llvm::StringRef path,
                     const WarningHandler &warn = nullptr);

} // namespace tpuc::calibration

#endif // TPUC_CALIBRATION_CALIBRATIONTABLE_H
