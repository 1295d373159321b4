//===- ChipSpec.h - one table of per-chip facts ------------------*- C++
//-*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Everything the lowering, the interpreter and (later) the cost model need
// to know about a chip is one row of this table: which quantization modes it
// runs, which float type its mixed-precision islands use, how it
// requantizes, and its nominal sizes and speeds. Code asks the table; per-chip
// source files exist only where the arithmetic really differs.
//
//   const ChipSpec *spec = lookupChip("cv183x");
//   if (!spec->supports(Mode::BF16)) ...
//   Mode island = spec->mapFloatMode(Mode::F16);   // BF16 on CV18xx
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_TARGET_CHIPSPEC_H
#define TPUC_TARGET_CHIPSPEC_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace tpuc::target {

/// A precision an op (or a whole module) runs in.
enum class Mode { INT8, F16, BF16, F32 };
llvm::StringRef stringifyMode(Mode mode);
/// Accepts INT8, F16, BF16, F32 (any case).
std::optional<Mode> symbolizeMode(llvm::StringRef text);

enum class Family { BM1684X, BM1684, CV18xx };

/// How an INT8 layer's accumulator is brought back to 8 bits.
enum class RequantStyle {
  /// Per output channel: int32 multiplier + right shift, int32 bias with
  /// the input zero point folded in (BM1684X).
  PerChannelMultiplierShift,
  /// Per layer: right shift only (multiplier 1), int16 bias (BM1684).
  PerLayerShift,
  /// Threshold-based: per-channel QDM multipliers for conv / matmul,
  /// 8-bit multipliers with one shared right shift for eltwise (CV18xx).
  ThresholdQdm,
};

struct ChipSpec {
  /// The `--processor` / `--chip` spelling: bm1684x, bm1684, cv183x, ...
  llvm::StringLiteral name;
  Family family;
  /// Modes the chip can run; INT8 is always symmetric-capable.
  bool int8 = true, int8Asymmetric = false, f16 = false, bf16 = false,
       f32 = true;
  /// The float type of mixed-precision islands and of ops that have no
  /// INT8 lowering (qtable modes are mapped through mapFloatMode).
  Mode floatMode = Mode::F32;
  RequantStyle requant = RequantStyle::PerChannelMultiplierShift;
  /// Nominal hardware figures, for the cost model (not for correctness).
  int64_t npuLanes = 0;
  int64_t localMemoryBytesPerLane = 0;
  double peakInt8OpsPerSecond = 0, peakF16OpsPerSecond = 0,
         peakF32OpsPerSecond = 0, dramBytesPerSecond = 0;

  /// Whether the chip runs `mode` (INT8 here means symmetric INT8).
  bool supports(Mode mode) const;
  /// The float mode a requested float mode becomes on this chip: BM1684
  /// runs every float op in F32; CV18xx in BF16; BM1684X as requested.
  /// INT8 stays INT8.
  Mode mapFloatMode(Mode requested) const;
  /// Asymmetric ranges are forced symmetric when importing a calibration
  /// table (CV18xx: min = -max).
  bool forcesSymmetricRanges() const { return family == Family::CV18xx; }
};

/// Every chip, in a fixed order.
llvm::ArrayRef<ChipSpec> getAllChips();
/// The chip named `name` (lowercase, as users type it), or null.
const ChipSpec *lookupChip(llvm::StringRef name);
/// "bm1684x, bm1684, cv183x, ..." for error messages.
std::string listChipNames();

} // namespace tpuc::target

#endif // TPUC_TARGET_CHIPSPEC_H
