//===- Statistics.cpp - activation statistics and threshold methods -------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The arithmetic of calibration: streaming statistics of activation tensors
// and the threshold methods (KLD, OCTAV, ACIQ, percentile). All sums are
// accumulated in double, serially or as integer counts, so the results never
// depend on the thread count.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/Statistics.h"

#include "tpuc/Support/Parallel.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::calibration;

namespace {

constexpr float kFloatMax = std::numeric_limits<float>::max();

/// Samples at least this large are scanned and binned in parallel chunks
/// (each chunk with its own integer counts, so the result is the same for
/// any thread count).
constexpr int64_t kParallelMinSize = int64_t(1) << 15;
constexpr int64_t kParallelMinChunk = int64_t(1) << 14;
constexpr int64_t kParallelMaxChunks = 16;

/// The largest finite |v| of `data` (0 if none) and whether it holds ±inf.
struct AbsScan {
  float absMax = 0;
  bool hasInf = false;
};

AbsScan scanAbs(ArrayRef<float> data) {
  AbsScan scan;
  for (float v : data) {
    float a = std::fabs(v);
    if (a <= kFloatMax) // NaN and ±inf fail this test
      scan.absMax = std::max(scan.absMax, a);
    else if (a > kFloatMax)
      scan.hasInf = true;
  }
  return scan;
}

AbsScan scanAbsParallel(ArrayRef<float> data) {
  int64_t size = static_cast<int64_t>(data.size());
  if (size < kParallelMinSize || getThreadCount() <= 1)
    return scanAbs(data);
  int64_t grain = chooseGrain(size, kParallelMinChunk, kParallelMaxChunks);
  std::vector<AbsScan> partial((size + grain - 1) / grain);
  parallelFor(0, size, grain, [&](int64_t lo, int64_t hi) {
    partial[lo / grain] = scanAbs(data.slice(lo, hi - lo));
  });
  AbsScan scan;
  for (const AbsScan &p : partial) {
    scan.absMax = std::max(scan.absMax, p.absMax);
    scan.hasInf |= p.hasInf;
  }
  return scan;
}

/// Bins |v| of `data` into `counts`: bin floor(|v| / width + 0.5) in
/// double, ±inf in the last bin, zeros and NaN nowhere. The quotient is
/// computed as |v| * (1 / width); where that product lies so close to a bin
/// boundary that its rounding could differ from the true division's, the
/// division decides, so the result is exactly the division's. The operand
/// of the floor is at least 0.5, so truncation computes it.
/// Adds the bins of |v| of `data` (fewer than 2^32 values) to `counts`
/// (numCounts entries): bin floor(|v| / width + 0.5) in double, ±inf in the
/// last bin, zeros and NaN nowhere. The quotient is computed as
/// |v| * (1 / width); where that product lies so close to a bin boundary
/// that its rounding could differ from the true division's, the division
/// decides, so the result is exactly the division's.
///
/// Speed: the loop has no data-dependent branch (zeros and NaN are counted
/// in a scratch slot that is dropped; ReLU outputs are half zeros, which a
/// branch would mispredict), and four interleaved sub-histograms break the
/// chains of increments to one counter (the zeros' slot, the low bins).
template <typename Count>
void binValues(ArrayRef<float> data, double width, Count *counts,
               int64_t numCounts, float &minValue, float &maxValue) {
  // Large histograms (grown far past 2048 bins) are sparse enough not to
  // need the interleaving, and zeroing four copies would cost more.
  const int kWays = numCounts <= 16384 ? 4 : 1;
  const int64_t stride = numCounts + 1, discard = numCounts;
  std::vector<uint32_t> local(kWays * stride, 0);
  const int64_t last = numCounts - 1;
  // Blocks of values are binned in two steps: a branch-free (vectorizable)
  // loop computes each bin in float and flags the values whose quotient
  // lies within float rounding of a bin boundary; the flagged ones are then
  // redone exactly (double division), and the block is counted.
  const float inverse = static_cast<float>(1.0 / width);
  const float lastBin = static_cast<float>(last);
  // The float quotient (with the rounding of 1/width and of the + 0.5) is
  // off by less than 2e-7 * numCounts; the band is 2.5 times that.
  const float tolerance = 5e-7f * float(numCounts + 1);
  constexpr int kBlock = 256;
  int32_t bins[kBlock], near[kBlock];
  // The sample's range comes with the same pass (NaN fails both tests).
  float lo[kBlock], hi[kBlock];
  std::fill(lo, lo + kBlock, std::numeric_limits<float>::infinity());
  std::fill(hi, hi + kBlock, -std::numeric_limits<float>::infinity());
  const float *p = data.data();
  const size_t n = data.size();
  uint32_t *h = local.data();
  for (size_t start = 0; start < n; start += kBlock) {
    const int count = static_cast<int>(std::min<size_t>(kBlock, n - start));
    const float *block = p + start;
    int anyNear = 0;
    for (int k = 0; k < count; ++k) {
      float v = block[k];
      lo[k] = v < lo[k] ? v : lo[k];
      hi[k] = v > hi[k] ? v : hi[k];
      float a = std::fabs(v);
      float t = std::min(a * inverse, lastBin) + 0.5f;
      int32_t b = static_cast<int32_t>(t);
      float fraction = t - static_cast<float>(b);
      int32_t isNear = (fraction < tolerance) | (fraction > 1.0f - tolerance);
      near[k] = isNear;
      anyNear |= isNear;
      // Zero or NaN: the scratch slot; ±inf: min() put it in the last bin.
      bins[k] = a > 0 ? b : static_cast<int32_t>(discard);
    }
    if (anyNear)
      for (int k = 0; k < count; ++k) {
        if (!near[k])
          continue;
        double a = std::fabs(static_cast<double>(block[k]));
        if (a > 0 && a <= kFloatMax)
          bins[k] = static_cast<int32_t>(
              std::min(static_cast<int64_t>(a / width + 0.5), last));
      }
    int k = 0;
    if (kWays == 4)
      for (; k + 4 <= count; k += 4) {
        ++h[bins[k]];
        ++h[stride + bins[k + 1]];
        ++h[2 * stride + bins[k + 2]];
        ++h[3 * stride + bins[k + 3]];
      }
    for (; k < count; ++k)
      ++h[bins[k]];
  }
  for (int w = 0; w < kWays; ++w)
    for (int64_t j = 0; j < numCounts; ++j)
      counts[j] += h[w * stride + j];
  for (int k = 0; k < kBlock; ++k) {
    minValue = std::min(minValue, lo[k]);
    maxValue = std::max(maxValue, hi[k]);
  }
}

/// The bins of `data` at `width` (values beyond the last bin clamped into
/// it) and its min / max (lo > hi when it holds nothing but NaN), in
/// parallel chunks for large samples.
struct Binned {
  std::vector<int64_t> counts;
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
};

Binned binAll(ArrayRef<float> data, double width, int64_t numCounts) {
  Binned result;
  result.counts.assign(numCounts, 0);
  int64_t size = static_cast<int64_t>(data.size());
  if (size < kParallelMinSize || getThreadCount() <= 1) {
    // binValues counts at most 2^32 - 1 values per call.
    const int64_t kMaxCall = int64_t(1) << 31;
    for (int64_t lo = 0; lo < size; lo += kMaxCall)
      binValues(data.slice(lo, std::min(kMaxCall, size - lo)), width,
                result.counts.data(), numCounts, result.lo, result.hi);
    return result;
  }
  // Each chunk holds fewer than 2^32 values, so 32-bit counts suffice.
  int64_t grain = chooseGrain(size, kParallelMinChunk, kParallelMaxChunks);
  int64_t numChunks = (size + grain - 1) / grain;
  std::vector<std::vector<uint32_t>> partial(numChunks);
  std::vector<std::pair<float, float>> ranges(numChunks,
                                              {result.lo, result.hi});
  parallelFor(0, size, grain, [&](int64_t lo, int64_t hi) {
    int64_t chunk = lo / grain;
    std::vector<uint32_t> &local = partial[chunk];
    local.assign(numCounts, 0);
    binValues(data.slice(lo, hi - lo), width, local.data(), numCounts,
              ranges[chunk].first, ranges[chunk].second);
  });
  for (int64_t chunk = 0; chunk < numChunks; ++chunk) {
    for (int64_t j = 0; j < numCounts; ++j)
      result.counts[j] += partial[chunk][j];
    result.lo = std::min(result.lo, ranges[chunk].first);
    result.hi = std::max(result.hi, ranges[chunk].second);
  }
  return result;
}

/// Sums adjacent pairs of `counts` in place (bin j of the result holds the
/// old bins 2j and 2j + 1).
void pairSum(std::vector<int64_t> &counts) {
  size_t half = (counts.size() + 1) / 2;
  for (size_t j = 0; j < half; ++j) {
    int64_t sum = counts[2 * j];
    if (2 * j + 1 < counts.size())
      sum += counts[2 * j + 1];
    counts[j] = sum;
  }
  counts.resize(half);
}

} // namespace

//===----------------------------------------------------------------------===//
// AbsHistogram
//===----------------------------------------------------------------------===//

AbsHistogram::AbsHistogram(int64_t numBins, int64_t maxBins)
    : numBins(std::max<int64_t>(numBins, 2)),
      maxBins(std::max<int64_t>(maxBins, std::max<int64_t>(numBins, 2))) {}

void AbsHistogram::add(ArrayRef<float> data) {
  AbsScan scan = scanAbsParallel(data);
  addScanned(data, scan.absMax);
}

void AbsHistogram::addScanned(ArrayRef<float> data, float sampleAbsMax) {
  AbsScan scan;
  scan.absMax = sampleAbsMax;
  if (width == 0) {
    // Zeros, NaN and infinities alone cannot fix the width: such a sample
    // is dropped.
    if (scan.absMax == 0)
      return;
    width = double(scan.absMax) / double(numBins - 1);
    counts.assign(numBins, 0);
  }
  if (scan.absMax > 0) {
    auto needed = [&] { return std::floor(scan.absMax / width + 0.5) + 1; };
    // Growing past maxBins: sum adjacent pairs and double the width until
    // the new abs-max fits. This is an approximation: at width w, old bins
    // 2j and 2j + 1 cover [(2j - 0.5)w, (2j + 1.5)w), while bin j at width
    // 2w covers [(2j - 1)w, (2j + 1)w); counts move by up to half an old
    // bin, and the samples added afterwards are binned exactly.
    while (needed() > double(maxBins)) {
      pairSum(counts);
      width *= 2;
    }
    int64_t size = static_cast<int64_t>(needed());
    if (size > static_cast<int64_t>(counts.size()))
      counts.resize(size, 0);
  }

  Binned binned = binAll(data, width, static_cast<int64_t>(counts.size()));
  for (size_t j = 0; j < counts.size(); ++j)
    counts[j] += binned.counts[j];
}

RangeStats AbsHistogram::addMeasured(ArrayRef<float> data) {
  RangeStats range;
  if (width == 0) {
    range.add(data);
    if (range.seen && std::isfinite(range.absMax))
      addScanned(data, static_cast<float>(range.absMax));
    else
      add(data);
    return range;
  }
  // One pass: bin at the current width (values beyond the last bin are
  // clamped into it) and measure the range. Only when the sample needs
  // more bins (or holds an infinity) are its counts dropped and the sample
  // binned again after growing.
  Binned binned = binAll(data, width, static_cast<int64_t>(counts.size()));
  if (!(binned.lo <= binned.hi)) // nothing but NaN
    return range;
  range.seen = true;
  range.min = binned.lo;
  range.max = binned.hi;
  range.absMax = std::max(std::fabs(range.min), std::fabs(range.max));
  if (!std::isfinite(range.absMax)) {
    add(data);
    return range;
  }
  double needed = std::floor(range.absMax / width + 0.5) + 1;
  if (needed > double(counts.size())) {
    addScanned(data, static_cast<float>(range.absMax));
    return range;
  }
  for (size_t j = 0; j < counts.size(); ++j)
    counts[j] += binned.counts[j];
  return range;
}

//===----------------------------------------------------------------------===//
// RangeStats
//===----------------------------------------------------------------------===//

namespace {
/// Min and max of the non-NaN values of `data` (lo > hi when none), in 8
/// independent lanes so that the compiler vectorizes the loop; NaN fails
/// both comparisons and is skipped.
std::pair<float, float> minMax(ArrayRef<float> data) {
  constexpr int kLanes = 8;
  float lo[kLanes], hi[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    lo[l] = std::numeric_limits<float>::infinity();
    hi[l] = -std::numeric_limits<float>::infinity();
  }
  size_t i = 0, n = data.size();
  const float *p = data.data();
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      float v = p[i + l];
      lo[l] = v < lo[l] ? v : lo[l];
      hi[l] = v > hi[l] ? v : hi[l];
    }
  for (; i < n; ++i) {
    lo[0] = p[i] < lo[0] ? p[i] : lo[0];
    hi[0] = p[i] > hi[0] ? p[i] : hi[0];
  }
  float outLo = lo[0], outHi = hi[0];
  for (int l = 1; l < kLanes; ++l) {
    outLo = std::min(outLo, lo[l]);
    outHi = std::max(outHi, hi[l]);
  }
  return {outLo, outHi};
}

std::pair<float, float> minMaxParallel(ArrayRef<float> data) {
  int64_t size = static_cast<int64_t>(data.size());
  if (size < kParallelMinSize || getThreadCount() <= 1)
    return minMax(data);
  int64_t grain = chooseGrain(size, kParallelMinChunk, kParallelMaxChunks);
  std::vector<std::pair<float, float>> partial((size + grain - 1) / grain);
  parallelFor(0, size, grain, [&](int64_t lo, int64_t hi) {
    partial[lo / grain] = minMax(data.slice(lo, hi - lo));
  });
  std::pair<float, float> result = partial.front();
  for (const auto &p : partial) {
    result.first = std::min(result.first, p.first);
    result.second = std::max(result.second, p.second);
  }
  return result;
}
} // namespace

void RangeStats::add(ArrayRef<float> data) {
  auto [lo, hi] = minMaxParallel(data);
  if (!(lo <= hi)) // no value but NaN
    return;
  RangeStats sample;
  sample.min = lo;
  sample.max = hi;
  sample.absMax = std::max(std::fabs(sample.min), std::fabs(sample.max));
  sample.seen = true;
  merge(sample);
}

void RangeStats::merge(const RangeStats &other) {
  if (!other.seen)
    return;
  if (!seen) {
    *this = other;
    return;
  }
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  absMax = std::max(std::fabs(min), std::fabs(max));
}

//===----------------------------------------------------------------------===//
// KLD
//===----------------------------------------------------------------------===//

double tpuc::calibration::kldThreshold(ArrayRef<int64_t> hist, double width,
                                       int64_t targetBins) {
  const int64_t kMaxKldBins = 131072;
  const double kEpsilon = 1e-30;
  targetBins = std::max<int64_t>(targetBins, 1);

  std::vector<int64_t> h(hist.begin(), hist.end());
  // Pair-summing before padding gives the same bins as padding first.
  while (static_cast<int64_t>(h.size()) > kMaxKldBins) {
    pairSum(h);
    width *= 2;
  }
  int64_t numBins = (static_cast<int64_t>(h.size()) + targetBins - 1) /
                    targetBins * targetBins;
  h.resize(numBins, 0);

  int64_t total = 0;
  for (int64_t c : h)
    total += c;
  if (numBins == 0 || total <= 0)
    return 0;
  const double totalCount = double(total);

  // P_j = h_j / total outside the fold, and its entropy-like term
  // f(c) = c / total * log10(c / total + eps); f(0) = 0.
  auto pTerm = [&](int64_t c) {
    double p = double(c) / totalCount;
    return p * std::log10(p + kEpsilon);
  };
  // Prefix sums: counts, nonzero bins and f over hist[0:j).
  std::vector<int64_t> countPrefix(numBins + 1, 0),
      nonzeroPrefix(numBins + 1, 0);
  std::vector<double> pTermPrefix(numBins + 1, 0);
  for (int64_t j = 0; j < numBins; ++j) {
    countPrefix[j + 1] = countPrefix[j] + h[j];
    nonzeroPrefix[j + 1] = nonzeroPrefix[j] + (h[j] != 0);
    pTermPrefix[j + 1] = pTermPrefix[j] + pTerm(h[j]);
  }

  // KL(i) = Σ_j P_j log10(P_j + eps) - Σ_j P_j log10(Q_j + eps). The first
  // sum is a prefix sum plus the folded bin i-1. In the second, Q is
  // constant over the bins of a group where P is nonzero (as in MXNet's
  // and TensorRT's entropy calibration: the folded bin i-1 counts as
  // nonzero when outliers were folded into it), and zero elsewhere, where P
  // is zero too.
  double bestKl = 0;
  int64_t bestCut = 0;
  for (int64_t cut = targetBins; cut <= numBins; cut += targetBins) {
    int64_t groupSize = cut / targetBins;
    int64_t inside = countPrefix[cut];
    int64_t outliers = total - inside;
    int64_t lastBin = h[cut - 1];
    double kl = pTermPrefix[cut - 1] + pTerm(lastBin + outliers);
    for (int64_t g = 0; g < targetBins; ++g) {
      int64_t lo = g * groupSize, hi = lo + groupSize;
      int64_t nonzero = nonzeroPrefix[hi] - nonzeroPrefix[lo];
      // The folded bin i-1 is nonzero in P when outliers landed in it.
      if (hi == cut && lastBin == 0 && outliers != 0)
        ++nonzero;
      if (nonzero == 0)
        continue;
      int64_t groupSum = countPrefix[hi] - countPrefix[lo];
      double q = inside == 0
                     ? 0.0
                     : double(groupSum) / double(nonzero) / double(inside);
      int64_t mass = groupSum + (hi == cut ? outliers : 0);
      kl -= double(mass) / totalCount * std::log10(q + kEpsilon);
    }
    if (bestCut == 0 || kl < bestKl) {
      bestKl = kl;
      bestCut = cut;
    }
  }
  return width * double(bestCut);
}

//===----------------------------------------------------------------------===//
// OCTAV and ACIQ
//===----------------------------------------------------------------------===//

double tpuc::calibration::octavThreshold(ArrayRef<float> data, bool isUnsigned,
                                         int bits) {
  double absMax = scanAbs(data).absMax;
  if (absMax == 0)
    return 0;
  const double noise =
      std::pow(4.0, -double(bits)) / 3.0 / (isUnsigned ? 4.0 : 1.0);
  int64_t finite = 0;
  for (float v : data)
    finite += std::fabs(v) <= kFloatMax;
  double s = absMax;
  for (int iteration = 0; iteration < 20; ++iteration) {
    // Branch-free; the double sum still runs in element order.
    double clippedSum = 0;
    int64_t clipped = 0;
    for (float v : data) {
      double a = std::fabs(static_cast<double>(v));
      bool above = a > s && a <= kFloatMax; // NaN and ±inf are skipped
      clippedSum += above ? a : 0.0;
      clipped += above;
    }
    double inside = double(finite - clipped);
    double next = clippedSum / (noise * inside + double(clipped));
    bool converged = std::fabs(next - s) <= 1e-6 * s;
    s = next;
    if (converged)
      break;
  }
  return std::min(s, absMax);
}

double tpuc::calibration::aciqGaussThreshold(double min, double max,
                                             int64_t count, int bits) {
  double absMax = std::max(std::fabs(min), std::fabs(max));
  if (count < 2)
    return absMax;
  const double pi = 3.14159265358979323846;
  double sigma = (max - min) * 0.5 * 0.35 *
                 (1 + std::sqrt(pi * std::log(4.0))) /
                 std::sqrt(2 * std::log(double(count)));
  double alpha = bits == 4 ? 2.55913642 : 3.92403337;
  return std::min(alpha * sigma, absMax);
}

double tpuc::calibration::aciqLaplaceThreshold(ArrayRef<float> data, int bits) {
  double sum = 0, absMax = 0;
  int64_t n = 0;
  for (float v : data) {
    if (!(std::fabs(v) <= kFloatMax))
      continue;
    sum += v;
    absMax = std::max(absMax, std::fabs(double(v)));
    ++n;
  }
  if (n == 0)
    return 0;
  double mean = sum / double(n);
  double deviation = 0;
  for (float v : data)
    if (std::fabs(v) <= kFloatMax)
      deviation += std::fabs(double(v) - mean);
  double b = deviation / double(n);
  double alpha = bits == 4 ? 5.02864014 : 9.89675982;
  return std::min(alpha * b, absMax);
}

//===----------------------------------------------------------------------===//
// Percentiles
//===----------------------------------------------------------------------===//

TailTracker::TailTracker(int64_t k) : k(std::max<int64_t>(k, 1)) {}

void TailTracker::add(ArrayRef<float> data) {
  // `largest` is a min-heap (its front is the smallest value kept), and
  // `smallest` a max-heap.
  std::greater<float> minHeap;
  std::less<float> maxHeap;
  size_t limit = static_cast<size_t>(k);
  for (float v : data) {
    if (std::isnan(v))
      continue;
    ++count;
    if (largest.size() < limit) {
      largest.push_back(v);
      std::push_heap(largest.begin(), largest.end(), minHeap);
    } else if (v > largest.front()) {
      std::pop_heap(largest.begin(), largest.end(), minHeap);
      largest.back() = v;
      std::push_heap(largest.begin(), largest.end(), minHeap);
    }
    if (smallest.size() < limit) {
      smallest.push_back(v);
      std::push_heap(smallest.begin(), smallest.end(), maxHeap);
    } else if (v < smallest.front()) {
      std::pop_heap(smallest.begin(), smallest.end(), maxHeap);
      smallest.back() = v;
      std::push_heap(smallest.begin(), smallest.end(), maxHeap);
    }
  }
}

double TailTracker::percentile(double percent) const {
  if (count == 0)
    return 0;
  if (!(percent >= 0)) // also NaN
    percent = 0;
  percent = std::min(percent, 100.0);
  std::vector<float> high(largest), low(smallest);
  llvm::sort(high);
  llvm::sort(low);
  const int64_t n = count;
  const int64_t numHigh = static_cast<int64_t>(high.size());
  const int64_t numLow = static_cast<int64_t>(low.size());
  const int64_t firstHigh = n - numHigh; // sorted index of high[0]
  // The value at sorted index j, or the nearest kept one.
  auto at = [&](int64_t j) -> double {
    if (j >= firstHigh)
      return high[j - firstHigh];
    if (j < numLow)
      return low[j];
    int64_t toHigh = firstHigh - j, toLow = j - (numLow - 1);
    if (toHigh < toLow || (toHigh == toLow && percent >= 50))
      return high.front();
    return low.back();
  };
  double position = percent / 100.0 * double(n - 1);
  int64_t lo = std::min(static_cast<int64_t>(std::floor(position)), n - 1);
  int64_t hi = std::min(lo + 1, n - 1);
  double t = position - double(lo);
  double a = at(lo), b = at(hi);
  // numpy's lerp: exact at both ends.
  double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

int64_t tpuc::calibration::tailSizeFor(int64_t count, double percent) {
  if (count <= 1)
    return 1;
  if (!(percent >= 0))
    percent = 0;
  percent = std::min(percent, 100.0);
  double tail = std::floor(double(count) * (1 - percent / 100.0));
  int64_t k = static_cast<int64_t>(std::min(tail, double(count))) + 2;
  return std::min(k, count);
}
