//===- Statistics.h - activation statistics, threshold methods --*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The arithmetic of calibration, free of MLIR: streaming per-tensor
// statistics (min / max / abs-max, a growable |x| histogram, top-k tails for
// percentiles) and the threshold methods users know from TPU-MLIR (KLD,
// OCTAV "mse", ACIQ Gauss / Laplace, percentile, max). See
// docs/quantization.md and ../shared/reference/tpu-mlir-facts.md §7.2.
//
// Everything here is deterministic: results depend on the data and the order
// of the samples only, never on the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_CALIBRATION_STATISTICS_H
#define TPUC_CALIBRATION_STATISTICS_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace tpuc::calibration {

/// The smallest threshold a table holds (all-zero tensors, NaN results).
constexpr double kMinThreshold = 1e-5;

/// Running min, max and abs-max over all samples (NaN ignored).
struct RangeStats {
  double min = 0, max = 0, absMax = 0;
  bool seen = false;
  void add(llvm::ArrayRef<float> data);
  /// Widens this range by `other`'s (a per-sample range, say).
  void merge(const RangeStats &other);
};

/// A histogram of |x| over all samples seen, zeros excluded. The first sample
/// with a finite nonzero value fixes the bin width to absMax / (numBins - 1)
/// (absMax over the sample's finite values); value v falls in bin
/// floor(|v| / width + 0.5), computed in double. A later sample with a
/// larger abs-max appends bins at the same width (earlier counts stay as
/// they are). When the bin count would pass `maxBins`, adjacent bin pairs are
/// summed and the width doubles until it fits, bounding memory (an
/// approximation: the old counts shift by up to half an old bin).
class AbsHistogram {
public:
  /// `numBins` is raised to at least 2 and `maxBins` to at least `numBins`.
  explicit AbsHistogram(int64_t numBins = 2048, int64_t maxBins = 1 << 16);

  /// Adds one sample. NaN values are ignored; ±inf counts in the last bin
  /// (after any growth for this sample). A sample with no finite nonzero
  /// value before the width is fixed is dropped, infinities included.
  void add(llvm::ArrayRef<float> data);
  /// The same, when the caller already knows the sample's largest finite
  /// |v| (`sampleAbsMax`, 0 when there is none), e.g. from a RangeStats of
  /// the sample: saves a pass over the data.
  void addScanned(llvm::ArrayRef<float> data, float sampleAbsMax);
  /// The same as add, returning the sample's range (what RangeStats::add
  /// of the sample gives), in one pass over the data whenever the current
  /// bins cover the sample (a second only when the histogram grows).
  RangeStats addMeasured(llvm::ArrayRef<float> data);

  /// 0 until a nonzero value was seen.
  double getWidth() const { return width; }
  llvm::ArrayRef<int64_t> getCounts() const { return counts; }
  int64_t getNumBins() const { return numBins; }

private:
  int64_t numBins, maxBins;
  double width = 0;
  std::vector<int64_t> counts;
};

/// KL-divergence threshold search on an |x| histogram, as TPU-MLIR's
/// calibration_math: the histogram is zero-padded to a multiple of
/// `targetBins` (and pair-summed, width doubling, while above 131072 bins);
/// for each cut i = targetBins, 2·targetBins, …, N: P = hist[0:i) with the
/// counts from i on folded into bin i-1, normalised by the total; Q spreads
/// the sum of each of `targetBins` groups of i/targetBins bins of hist[0:i)
/// evenly over the group's bins where P is nonzero (after the fold, as in
/// MXNet's / TensorRT's entropy calibration: bin i-1 shares its group's
/// mass when outliers were folded into it), and is normalised by Σhist[0:i)
/// (all 0 when that is 0); KL = Σ P·(log10(P + 1e-30) - log10(Q + 1e-30)).
/// Returns width · i* (width after any pair-summing) for the smallest KL (the
/// first on ties), or 0 for an empty or all-zero histogram. The result can
/// exceed the abs-max by the padding (e.g. 2048·width for a 2048-bin
/// histogram); callers clip. targetBins < 1 counts as 1.
double kldThreshold(llvm::ArrayRef<int64_t> hist, double width,
                    int64_t targetBins = 128);

/// OCTAV ("mse") clipping threshold of one sample: the fixed-point iteration
/// s <- Σ_{|x|>s}|x| / ((4^-bits / 3 / u)·#{|x|<=s} + #{|x|>s}), u = 4 when
/// `isUnsigned` else 1, from s = abs-max, at most 20 iterations (stops after
/// the step whose |s_new - s| <= 1e-6·s). Clipped to abs-max. NaN and ±inf
/// are ignored; 0 when no finite nonzero value.
double octavThreshold(llvm::ArrayRef<float> data, bool isUnsigned,
                      int bits = 8);

/// ACIQ for a Gaussian: std ≈ (max - min)·0.5·0.35·(1 + √(π·ln 4)) /
/// √(2·ln n), threshold = 3.92403337·std for 8 bits (2.55913642 for 4; any
/// other width uses the 8-bit constant). Clipped to max(|min|, |max|), which
/// is also the result when count < 2.
double aciqGaussThreshold(double min, double max, int64_t count, int bits = 8);

/// ACIQ for a Laplace distribution: b = mean|x - mean(x)|, threshold =
/// 9.89675982·b for 8 bits (5.02864014 for 4; any other width uses the 8-bit
/// constant). Clipped to abs-max. NaN and ±inf are ignored; 0 when no finite
/// value.
double aciqLaplaceThreshold(llvm::ArrayRef<float> data, int bits = 8);

/// Keeps the `k` largest and `k` smallest values seen over all samples, to
/// read percentiles near both ends without holding the data.
class TailTracker {
public:
  /// `k` is raised to at least 1.
  explicit TailTracker(int64_t k);
  void add(llvm::ArrayRef<float> data);
  /// Total values seen (NaN excluded).
  int64_t getCount() const { return count; }
  /// The value at `percent` (e.g. 99.99) of the sorted data, with linear
  /// interpolation between neighbours as numpy.percentile does; `percent`
  /// must address a position inside the kept tails (otherwise the nearest
  /// kept value is returned). `percent` is clamped to [0, 100]; 0 when no
  /// value was seen.
  double percentile(double percent) const;

private:
  int64_t k, count = 0;
  std::vector<float> largest, smallest; // heaps
};

/// k such that TailTracker reaches `percent` over `count` values:
/// floor(count·(1 - percent/100)) + 2, at most count, at least 1. Linear
/// interpolation at position p·(count - 1) reads the count - floor(p·(count -
/// 1)) largest values, which can be one more than TPU-MLIR's
/// count·(1 - p) + 1 (e.g. 12 for 105000 values at 99.99).
int64_t tailSizeFor(int64_t count, double percent);

} // namespace tpuc::calibration

#endif // TPUC_CALIBRATION_STATISTICS_H
