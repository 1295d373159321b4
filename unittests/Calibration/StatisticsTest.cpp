//===- StatisticsTest.cpp - tests for the calibration statistics ----------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The statistics and threshold methods are checked against hand-computed
// values, against straightforward reimplementations written here (plain
// loops, no shortcuts), and against numpy / torch run at test time.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/Statistics.h"

#include "tpuc/Support/Npz.h"
#include "tpuc/Support/Parallel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include "../TestUtils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <sys/wait.h>
#include <vector>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::calibration;

#ifndef TPUC_PYTHON
#define TPUC_PYTHON "/usr/bin/python3"
#endif

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

//===----------------------------------------------------------------------===//
// References
//===----------------------------------------------------------------------===//

/// The histogram of |x| (zeros and NaN excluded, ±inf in the last bin) at
/// `width` with `size` bins, by division.
std::vector<int64_t> referenceHistogram(ArrayRef<float> data, double width,
                                        int64_t size) {
  std::vector<int64_t> counts(size, 0);
  for (float v : data) {
    if (v == 0 || std::isnan(v))
      continue;
    if (std::isinf(v)) {
      ++counts[size - 1];
      continue;
    }
    double bin = std::floor(std::fabs(double(v)) / width + 0.5);
    EXPECT_LT(bin, double(size)) << v;
    ++counts[std::min<int64_t>(int64_t(bin), size - 1)];
  }
  return counts;
}

double absMaxOf(ArrayRef<float> data) {
  double m = 0;
  for (float v : data)
    if (std::isfinite(v))
      m = std::max(m, std::fabs(double(v)));
  return m;
}

/// Adjacent pairs summed.
std::vector<int64_t> halve(const std::vector<int64_t> &counts) {
  std::vector<int64_t> result;
  for (size_t j = 0; j < counts.size(); j += 2)
    result.push_back(counts[j] + (j + 1 < counts.size() ? counts[j + 1] : 0));
  return result;
}

/// The KLD search exactly as documented, with no prefix sums: for every cut
/// the full P and Q vectors are built and the KL summed bin by bin.
double naiveKld(ArrayRef<int64_t> hist, double width, int64_t targetBins) {
  std::vector<int64_t> h(hist.begin(), hist.end());
  while (h.size() > 131072) {
    h = halve(h);
    width *= 2;
  }
  while (h.size() % targetBins != 0)
    h.push_back(0);
  int64_t total = 0;
  for (int64_t c : h)
    total += c;
  if (h.empty() || total == 0)
    return 0;
  int64_t n = static_cast<int64_t>(h.size());
  double bestKl = std::numeric_limits<double>::infinity();
  int64_t bestCut = 0;
  for (int64_t i = targetBins; i <= n; i += targetBins) {
    std::vector<double> p(i), q(i, 0.0);
    int64_t outliers = 0;
    for (int64_t j = i; j < n; ++j)
      outliers += h[j];
    for (int64_t j = 0; j < i; ++j)
      p[j] = double(h[j]);
    p[i - 1] += double(outliers);
    for (int64_t j = 0; j < i; ++j)
      p[j] /= double(total);
    int64_t inside = 0;
    for (int64_t j = 0; j < i; ++j)
      inside += h[j];
    int64_t groupSize = i / targetBins;
    for (int64_t g = 0; g < targetBins; ++g) {
      int64_t sum = 0, nonzero = 0;
      for (int64_t j = g * groupSize; j < (g + 1) * groupSize; ++j) {
        sum += h[j];
        nonzero += p[j] != 0;
      }
      for (int64_t j = g * groupSize; j < (g + 1) * groupSize; ++j)
        if (p[j] != 0 && inside != 0)
          q[j] = double(sum) / double(nonzero) / double(inside);
    }
    double kl = 0;
    for (int64_t j = 0; j < i; ++j)
      kl += p[j] * (std::log10(p[j] + 1e-30) - std::log10(q[j] + 1e-30));
    if (kl < bestKl) {
      bestKl = kl;
      bestCut = i;
    }
  }
  return width * double(bestCut);
}

/// The OCTAV iteration as documented, collecting |x| first.
double naiveOctav(ArrayRef<float> data, bool isUnsigned, int bits) {
  std::vector<double> a;
  for (float v : data)
    if (std::isfinite(v))
      a.push_back(std::fabs(double(v)));
  double absMax = 0;
  for (double x : a)
    absMax = std::max(absMax, x);
  if (absMax == 0)
    return 0;
  double c = std::pow(4.0, -bits) / 3 / (isUnsigned ? 4 : 1);
  double s = absMax;
  for (int it = 0; it < 20; ++it) {
    double sum = 0, above = 0, below = 0;
    for (double x : a) {
      if (x > s) {
        sum += x;
        above += 1;
      } else {
        below += 1;
      }
    }
    double next = sum / (c * below + above);
    bool done = std::fabs(next - s) <= 1e-6 * s;
    s = next;
    if (done)
      break;
  }
  return std::min(s, absMax);
}

std::vector<float> normalData(int64_t n, unsigned seed, float sigma = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> data(n);
  for (float &v : data)
    v = dist(rng);
  return data;
}

void expectRelNear(double actual, double expected, double rel) {
  EXPECT_NEAR(actual, expected, rel * std::max(1.0, std::fabs(expected)))
      << "actual " << actual << " expected " << expected;
}

//===----------------------------------------------------------------------===//
// Python-backed fixture
//===----------------------------------------------------------------------===//

/// Runs numpy (and torch) scripts in a fresh directory; results come back as
/// .npy files.
class StatisticsPythonTest : public unittest::ScratchDirTest {
protected:
  StatisticsPythonTest() : ScratchDirTest("tpuc-statistics-test") {}

  /// Runs `body` with numpy as np and the test directory as cwd; returns the
  /// exit status (-1 if Python did not exit normally).
  int runPython(StringRef body) {
    std::string script = path("script.py");
    {
      std::error_code ec;
      raw_fd_ostream os(script, ec);
      EXPECT_FALSE(ec) << ec.message();
      os << "import os, sys\n"
         << "import numpy as np\n"
         << "os.chdir(sys.argv[1])\n"
         << body << "\n";
    }
    std::string command = std::string(TPUC_PYTHON) + " '" + script + "' '" +
                          std::string(dir) + "'";
    int status = std::system(command.c_str());
    if (status == -1 || !WIFEXITED(status))
      return -1;
    return WEXITSTATUS(status);
  }

  template <typename T> std::vector<T> load(StringRef name) {
    Expected<Array> array = loadNpy(path(name));
    if (!array) {
      ADD_FAILURE() << toString(array.takeError());
      return {};
    }
    EXPECT_EQ(array->dtype(), DTypeOf<T>::value) << name.str();
    ArrayRef<T> values = array->values<T>();
    return std::vector<T>(values.begin(), values.end());
  }
};

//===----------------------------------------------------------------------===//
// AbsHistogram
//===----------------------------------------------------------------------===//

TEST(AbsHistogramTest, HandComputedCounts) {
  // abs-max 4 over 5 bins: width 1, bin = floor(|v| + 0.5).
  AbsHistogram histogram(5);
  EXPECT_EQ(histogram.getWidth(), 0);
  std::vector<float> data = {0.0f,  0.25f, 0.5f, -0.5f, 1.0f,  1.49f, 1.5f,
                             -2.0f, 4.0f,  3.4f, kNaN,  -0.0f, 0.0f};
  histogram.add(data);
  EXPECT_EQ(histogram.getWidth(), 1.0);
  EXPECT_EQ(histogram.getNumBins(), 5);
  EXPECT_EQ(histogram.getCounts(), ArrayRef<int64_t>({1, 4, 2, 1, 1}));

  // Infinities go to the last bin; a smaller abs-max keeps the bins.
  histogram.add({kInf, -kInf, 0.1f, -3.6f});
  EXPECT_EQ(histogram.getWidth(), 1.0);
  EXPECT_EQ(histogram.getCounts(), ArrayRef<int64_t>({2, 4, 2, 1, 4}));

  // abs-max 5.5 needs floor(5.5 + 0.5) + 1 = 7 bins at the same width.
  histogram.add({5.5f, 5.4f, 0.7f});
  EXPECT_EQ(histogram.getWidth(), 1.0);
  EXPECT_EQ(histogram.getCounts(), ArrayRef<int64_t>({2, 5, 2, 1, 4, 1, 1}));
}

TEST(AbsHistogramTest, NoWidthBeforeTheFirstNonzeroValue) {
  AbsHistogram histogram(16);
  histogram.add({});
  histogram.add({0.0f, -0.0f, kNaN});
  histogram.add({kInf, 0.0f}); // no finite nonzero value: dropped
  EXPECT_EQ(histogram.getWidth(), 0);
  EXPECT_TRUE(histogram.getCounts().empty());

  // The first nonzero sample fixes the width; earlier samples left nothing.
  histogram.add({-0.0f, 3.0f, kNaN});
  EXPECT_EQ(histogram.getWidth(), 3.0 / 15);
  std::vector<int64_t> expected(16, 0);
  expected[15] = 1;
  EXPECT_EQ(histogram.getCounts(), ArrayRef<int64_t>(expected));
}

TEST(AbsHistogramTest, BinsMatchDivisionAtBoundaries) {
  // Values on and next to every bin boundary (k + 0.5) * width, where a
  // multiplication by 1 / width may round differently from the division.
  for (int64_t numBins : {2048, 1000, 7, 3}) {
    for (float absMax : {1.0f, 0.7f, 3.3e-3f, 123.456f}) {
      double width = double(absMax) / double(numBins - 1);
      std::vector<float> data = {absMax};
      for (int64_t k = 0; k + 1 < numBins; ++k) {
        float v = static_cast<float>((double(k) + 0.5) * width);
        data.push_back(v);
        data.push_back(std::nextafter(v, 0.0f));
        data.push_back(-std::nextafter(v, kInf));
        data.push_back(static_cast<float>(double(k) * width));
      }
      std::vector<float> extra = unittest::randomData(5000, numBins);
      for (float v : extra)
        data.push_back(v * absMax);
      AbsHistogram histogram(numBins);
      histogram.add(data);
      ASSERT_EQ(histogram.getWidth(), width);
      EXPECT_EQ(histogram.getCounts(),
                ArrayRef<int64_t>(referenceHistogram(data, width, numBins)))
          << "numBins " << numBins << " absMax " << absMax;
    }
  }
}

TEST(AbsHistogramTest, AddMeasuredEqualsAddAndRange) {
  // The one-pass path (bins and range together, redone only on growth)
  // gives exactly what add() and RangeStats::add give, for samples that
  // grow the range, stay inside it, hold zeros, NaN and infinities, and are
  // large enough to be binned in parallel chunks.
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (unsigned threads : {1u, 2u}) {
    ThreadCountScope scope(threads);
    AbsHistogram measured(256), plain(256);
    std::vector<float> scales = {1.0f, 0.5f, 3.0f, 3.0f, 0.1f, 40.0f, 1.0f};
    for (size_t s = 0; s < scales.size(); ++s) {
      size_t size = s % 2 ? 300000 : 1000;
      std::vector<float> data(size);
      for (float &v : data)
        v = std::max(0.0f, normal(rng)) * scales[s] - (s == 4 ? 0.05f : 0);
      data[7] = 0;
      data[9] = std::numeric_limits<float>::quiet_NaN();
      if (s == 6)
        data[11] = -std::numeric_limits<float>::infinity();
      RangeStats expected;
      expected.add(data);
      RangeStats got = measured.addMeasured(data);
      plain.add(data);
      EXPECT_EQ(got.seen, expected.seen);
      EXPECT_EQ(got.min, expected.min) << "sample " << s;
      EXPECT_EQ(got.max, expected.max) << "sample " << s;
      EXPECT_EQ(got.absMax, expected.absMax) << "sample " << s;
      EXPECT_EQ(measured.getWidth(), plain.getWidth());
      ASSERT_EQ(measured.getCounts().vec(), plain.getCounts().vec())
          << "sample " << s << " threads " << threads;
    }
  }
}

TEST(AbsHistogramTest, GrowthMatchesDirectBinning) {
  std::vector<float> first = unittest::randomData(20000, 1);
  std::vector<float> second = unittest::randomData(30000, 2);
  std::vector<float> third = unittest::randomData(10000, 3);
  for (float &v : second)
    v *= 3.7f;
  for (float &v : third)
    v *= 0.4f;
  second.push_back(kNaN);
  third.push_back(0.0f);

  AbsHistogram histogram(2048);
  histogram.add(first);
  double width = absMaxOf(first) / 2047;
  EXPECT_EQ(histogram.getWidth(), width);
  EXPECT_EQ(histogram.getCounts().size(), 2048u);
  histogram.add(second);
  histogram.add(third);
  EXPECT_EQ(histogram.getWidth(), width);

  std::vector<float> all(first);
  all.insert(all.end(), second.begin(), second.end());
  all.insert(all.end(), third.begin(), third.end());
  int64_t size = int64_t(std::floor(absMaxOf(all) / width + 0.5)) + 1;
  EXPECT_GT(size, 2048 * 3);
  EXPECT_EQ(histogram.getCounts(),
            ArrayRef<int64_t>(referenceHistogram(all, width, size)));
}

TEST(AbsHistogramTest, PairSumsWhenPastMaxBins) {
  // 8 bins at width 1/7; abs-max 5 would need floor(35.5) + 1 = 36 bins,
  // 19 at width 2/7, 10 at width 4/7 <= 16: the old counts are pair-summed
  // twice and the new sample binned at width 4/7.
  std::vector<float> first = unittest::randomData(1000, 7);
  first.push_back(1.0f);
  std::vector<float> second = unittest::randomData(1000, 8);
  for (float &v : second)
    v *= 4.0f;
  second.push_back(-5.0f);

  AbsHistogram histogram(8, 16);
  histogram.add(first);
  double width = 1.0 / 7;
  ASSERT_EQ(histogram.getWidth(), width);
  std::vector<int64_t> expected = referenceHistogram(first, width, 8);
  EXPECT_EQ(histogram.getCounts(), ArrayRef<int64_t>(expected));

  histogram.add(second);
  EXPECT_EQ(histogram.getWidth(), 4 * width);
  EXPECT_EQ(histogram.getNumBins(), 8);
  expected = halve(halve(expected));
  ASSERT_EQ(expected.size(), 2u);
  expected.resize(10, 0);
  std::vector<int64_t> added = referenceHistogram(second, 4 * width, 10);
  for (size_t j = 0; j < expected.size(); ++j)
    expected[j] += added[j];
  EXPECT_EQ(histogram.getCounts(), ArrayRef<int64_t>(expected));

  // An odd bin count pair-sums with an implicit empty partner, and a huge
  // jump halves the counts down to one bin and on.
  AbsHistogram odd(5, 5);
  odd.add({1.0f, 0.26f, 0.74f, 0.49f}); // width 0.25, bins 4, 1, 3, 2
  EXPECT_EQ(odd.getCounts(), ArrayRef<int64_t>({0, 1, 1, 1, 1}));
  odd.add({2.0f}); // needs 9 bins: width 0.5, bins {1, 2, 1}, then 5 bins
  EXPECT_EQ(odd.getWidth(), 0.5);
  EXPECT_EQ(odd.getCounts(), ArrayRef<int64_t>({1, 2, 1, 0, 1}));
  odd.add({1e6f});
  double w = odd.getWidth();
  EXPECT_LE(std::floor(1e6 / w + 0.5) + 1, 5.0);
  EXPECT_GT(std::floor(1e6 / (w / 2) + 0.5) + 1, 5.0);
  int64_t sum = 0;
  for (int64_t c : odd.getCounts())
    sum += c;
  EXPECT_EQ(sum, 6);
  EXPECT_EQ(odd.getCounts().back(), 1);
}

TEST(AbsHistogramTest, LargeSamplesAreThreadCountIndependent) {
  // Above 2^20 values the sample is binned in parallel chunks.
  std::vector<float> data = normalData(3 << 20, 11);
  data[12345] = kInf;
  data[777] = kNaN;
  data[4242] = 0.0f;
  std::vector<float> bigger = normalData(1 << 21, 12, 2.0f);
  std::vector<int64_t> counts[3];
  double widths[3];
  unsigned threads[3] = {1, 2, 5};
  for (int t = 0; t < 3; ++t) {
    ThreadCountScope scope(threads[t]);
    AbsHistogram histogram(2048, 4096);
    histogram.add(data);
    histogram.add(bigger);
    counts[t].assign(histogram.getCounts().begin(),
                     histogram.getCounts().end());
    widths[t] = histogram.getWidth();
  }
  EXPECT_EQ(counts[0], counts[1]);
  EXPECT_EQ(counts[0], counts[2]);
  EXPECT_EQ(widths[0], widths[1]);
  EXPECT_EQ(widths[0], widths[2]);
  int64_t sum = 0;
  for (int64_t c : counts[0])
    sum += c;
  EXPECT_EQ(sum, int64_t(data.size() + bigger.size()) - 2);
}

//===----------------------------------------------------------------------===//
// RangeStats
//===----------------------------------------------------------------------===//

TEST(RangeStatsTest, RunningRange) {
  RangeStats stats;
  stats.add({});
  stats.add({kNaN});
  EXPECT_FALSE(stats.seen);
  stats.add({0.5f, kNaN, 2.0f});
  EXPECT_TRUE(stats.seen);
  EXPECT_EQ(stats.min, 0.5);
  EXPECT_EQ(stats.max, 2.0);
  EXPECT_EQ(stats.absMax, 2.0);
  stats.add({-3.0f, 1.0f});
  EXPECT_EQ(stats.min, -3.0);
  EXPECT_EQ(stats.max, 2.0);
  EXPECT_EQ(stats.absMax, 3.0);
  stats.add({kNaN});
  EXPECT_EQ(stats.absMax, 3.0);
  RangeStats negative;
  negative.add({-1.0f, -4.0f});
  EXPECT_EQ(negative.max, -1.0);
  EXPECT_EQ(negative.absMax, 4.0);
}

//===----------------------------------------------------------------------===//
// KLD
//===----------------------------------------------------------------------===//

/// A histogram shaped like activations: a decaying body with noise, random
/// empty bins and a sparse tail.
std::vector<int64_t> randomHistogram(int64_t size, unsigned seed,
                                     double zeroFraction) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  double decay = 2.0 + 10.0 * unit(rng);
  std::vector<int64_t> h(size);
  for (int64_t j = 0; j < size; ++j) {
    double x = double(j) / double(size);
    double shape = 1e5 * std::exp(-decay * x) * (0.5 + unit(rng));
    h[j] = unit(rng) < zeroFraction ? 0 : int64_t(shape);
  }
  return h;
}

TEST(KldTest, MatchesNaiveSearch) {
  struct Case {
    int64_t size;
    int64_t targetBins;
    double zeroFraction;
  };
  const Case cases[] = {{2048, 128, 0.0}, {2048, 128, 0.3}, {2100, 128, 0.1},
                        {4096, 128, 0.6}, {6000, 128, 0.9}, {128, 128, 0.2},
                        {700, 8, 0.2},    {1000, 8, 0.0},   {300, 1, 0.5},
                        {129, 128, 0.0},  {65, 128, 0.1},   {3000, 16, 0.95}};
  unsigned seed = 100;
  for (const Case &c : cases) {
    for (int repeat = 0; repeat < 4; ++repeat, ++seed) {
      std::vector<int64_t> h = randomHistogram(c.size, seed, c.zeroFraction);
      double width = 0.01 * (seed % 7 + 1);
      double expected = naiveKld(h, width, c.targetBins);
      EXPECT_EQ(kldThreshold(h, width, c.targetBins), expected)
          << "size " << c.size << " targetBins " << c.targetBins << " seed "
          << seed;
    }
  }

  // Trailing empty bins, and a histogram whose last bin is empty while
  // counts lie beyond a cut.
  std::vector<int64_t> h = randomHistogram(1024, 7, 0.0);
  h.resize(2048, 0);
  EXPECT_EQ(kldThreshold(h, 0.5), naiveKld(h, 0.5, 128));
  std::vector<int64_t> gappy(2048, 0);
  for (int64_t j = 0; j < 2048; j += 3)
    gappy[j] = 1000 - j / 3;
  EXPECT_EQ(kldThreshold(gappy, 0.25), naiveKld(gappy, 0.25, 128));
}

TEST(KldTest, HalvesHugeHistograms) {
  // 140000 bins: pair-summed once (width doubles), padded to 70016.
  std::vector<int64_t> h = randomHistogram(140000, 5, 0.4);
  double expected = naiveKld(h, 0.001, 128);
  EXPECT_EQ(kldThreshold(h, 0.001), expected);
  double cut = std::round(expected / 0.002);
  EXPECT_NEAR(expected / 0.002, cut, 1e-6);
  EXPECT_EQ(int64_t(cut) % 128, 0);
}

TEST(KldTest, HandComputedCases) {
  EXPECT_EQ(kldThreshold({}, 1.0), 0);
  EXPECT_EQ(kldThreshold(std::vector<int64_t>(2048, 0), 1.0), 0);

  // All counts in the last bin: every cut but the full one folds them into
  // an empty Q bin; the full cut has P = Q.
  std::vector<int64_t> top(2048, 0);
  top[2047] = 1000;
  EXPECT_EQ(kldThreshold(top, 0.5), 0.5 * 2048);

  // All counts in bin 0: KL is 0 everywhere, the first cut wins.
  std::vector<int64_t> bottom(2048, 0);
  bottom[0] = 1000;
  EXPECT_EQ(kldThreshold(bottom, 0.5), 0.5 * 128);

  // Uniform counts: at the full cut P = Q exactly (KL 0), every smaller cut
  // folds the rest into its last bin, so KL > 0.
  std::vector<int64_t> flat(1024, 10);
  EXPECT_EQ(kldThreshold(flat, 2.0), 2.0 * 1024);
  EXPECT_EQ(kldThreshold(flat, 2.0, 8), 2.0 * 1024);
}

TEST_F(StatisticsPythonTest, KldClipsHeavyTailLikeTorch) {
  // ReLU'd Student-t (df 3): a long sparse tail that KLD should clip. torch's
  // HistogramObserver (L2 search) gives an independent clipped range.
  int status = runPython(R"py(
rng = np.random.default_rng(2024)
x = np.maximum(rng.standard_t(3, 200000), 0).astype(np.float32)
np.save('data.npy', x)
try:
    import torch
    from torch.ao.quantization import HistogramObserver
except ImportError:
    sys.exit(3)
observer = HistogramObserver()
observer(torch.from_numpy(x))
low, high = observer._non_linear_param_search()
np.save('torch.npy', np.array([float(low), float(high)], np.float64))
)py");
  ASSERT_NE(status, -1);
  if (status == 3)
    GTEST_SKIP() << "torch is not available to " << TPUC_PYTHON;
  ASSERT_EQ(status, 0);
  std::vector<float> data = load<float>("data.npy");
  std::vector<double> torchRange = load<double>("torch.npy");
  ASSERT_EQ(data.size(), 200000u);
  ASSERT_EQ(torchRange.size(), 2u);

  AbsHistogram histogram(2048);
  ArrayRef<float> all(data);
  for (int64_t part = 0; part < 4; ++part)
    histogram.add(all.slice(part * 50000, 50000));
  double absMax = absMaxOf(data);
  double threshold = kldThreshold(histogram.getCounts(), histogram.getWidth());
  double torchMax = torchRange[1];
  std::printf("[          ] abs-max %.6g, KLD %.6g, torch HistogramObserver "
              "%.6g\n",
              absMax, threshold, torchMax);
  EXPECT_GT(threshold, 0);
  // The heavy tail is clipped well below the max (26 against 53 here) ...
  EXPECT_LT(threshold, 0.6 * absMax);
  // ... and lands near torch's independent L2 search (35 here): KLD clips
  // a little harder.
  EXPECT_LT(threshold, 1.5 * torchMax);
  EXPECT_GT(threshold, torchMax / 2);
}

//===----------------------------------------------------------------------===//
// OCTAV
//===----------------------------------------------------------------------===//

TEST_F(StatisticsPythonTest, OctavMatchesNumpy) {
  int status = runPython(R"py(
def octav(x, bits, unsigned):
    a = np.abs(x.astype(np.float64))
    absmax = a.max()
    c = 4.0 ** -bits / 3 / (4.0 if unsigned else 1.0)
    s = absmax
    for _ in range(20):
        above = a > s
        nxt = a[above].sum() / (c * (~above).sum() + above.sum())
        done = abs(nxt - s) <= 1e-6 * s
        s = nxt
        if done:
            break
    return min(s, absmax)
rng = np.random.default_rng(7)
x = (rng.standard_normal(100000) * 1.7).astype(np.float32)
r = np.maximum(x, 0)
np.save('x.npy', x)
np.save('r.npy', r)
np.save('th.npy', np.array([octav(x, 8, False), octav(x, 4, False),
                            octav(r, 8, True), octav(r, 8, False)]))
)py");
  ASSERT_EQ(status, 0);
  std::vector<float> x = load<float>("x.npy");
  std::vector<float> r = load<float>("r.npy");
  std::vector<double> th = load<double>("th.npy");
  ASSERT_EQ(th.size(), 4u);
  expectRelNear(octavThreshold(x, false), th[0], 1e-9);
  expectRelNear(octavThreshold(x, false, 4), th[1], 1e-9);
  expectRelNear(octavThreshold(r, true), th[2], 1e-9);
  expectRelNear(octavThreshold(r, false), th[3], 1e-9);
}

TEST(OctavTest, GaussianClipsNearFourSigma) {
  // For N(0, σ²) the OCTAV fixed point of the population is the MSE-optimal
  // clip, 3.9241σ at 8 bits and 2.5621σ at 4 bits (the ACIQ constants);
  // for ReLU'd data with the unsigned noise term 4.0721σ, with the signed
  // one 3.7718σ (solved with Gaussian tail integrals). 2^20 samples leave
  // about 100 values beyond 4σ, hence the bands.
  for (float sigma : {1.0f, 0.05f, 30.0f}) {
    std::vector<float> data = normalData(1 << 20, 3, sigma);
    double th = octavThreshold(data, false);
    EXPECT_EQ(th, naiveOctav(data, false, 8));
    EXPECT_NEAR(th / sigma, 3.9241, 0.12);
    double th4 = octavThreshold(data, false, 4);
    EXPECT_NEAR(th4 / sigma, 2.5621, 0.03);

    std::vector<float> relu(data);
    for (float &v : relu)
      v = std::max(v, 0.0f);
    double unsignedTh = octavThreshold(relu, true);
    double signedTh = octavThreshold(relu, false);
    EXPECT_EQ(unsignedTh, naiveOctav(relu, true, 8));
    EXPECT_NEAR(unsignedTh / sigma, 4.0721, 0.15);
    EXPECT_NEAR(signedTh / sigma, 3.7718, 0.12);
    EXPECT_GT(unsignedTh, signedTh);
    std::printf("[          ] sigma %g: 8-bit %.4f, 4-bit %.4f, ReLU unsigned "
                "%.4f, ReLU signed %.4f (in sigmas)\n",
                sigma, th / sigma, th4 / sigma, unsignedTh / sigma,
                signedTh / sigma);
  }
}

TEST(OctavTest, EdgeCases) {
  EXPECT_EQ(octavThreshold({}, false), 0);
  EXPECT_EQ(octavThreshold({0.0f, -0.0f, kNaN}, false), 0);
  // Non-finite values are ignored.
  std::vector<float> data = normalData(10000, 4);
  double th = octavThreshold(data, false);
  data.push_back(kNaN);
  data.push_back(kInf);
  data.push_back(-kInf);
  EXPECT_EQ(octavThreshold(data, false), th);
  // Never above abs-max.
  EXPECT_EQ(octavThreshold({2.0f, -2.0f, 2.0f}, false), 2.0);
  EXPECT_LE(octavThreshold({1.0f, 0.5f, -0.25f}, true), 1.0);
}

//===----------------------------------------------------------------------===//
// ACIQ
//===----------------------------------------------------------------------===//

TEST(AciqTest, GaussHandComputed) {
  // σ = (max - min)·0.5·0.35·(1 + √(π·ln 4)) / √(2·ln n) with
  // 1 + √(π·ln 4) = 3.0869049285, √(2·ln 1e6) = 5.2565217698.
  double sigma = 2.5 * 0.5 * 0.35 * 3.0869049285 / 5.2565217698;
  expectRelNear(aciqGaussThreshold(-0.5, 2.0, 1000000), 3.92403337 * sigma,
                1e-8);
  expectRelNear(aciqGaussThreshold(-0.5, 2.0, 1000000, 4), 2.55913642 * sigma,
                1e-8);
  EXPECT_NEAR(aciqGaussThreshold(-0.5, 2.0, 1000000), 1.0081741, 1e-7);
  // Clipped to max(|min|, |max|): n = 10 gives 3.95 > 3.
  EXPECT_EQ(aciqGaussThreshold(-3.0, 1.0, 10), 3.0);
  // No spread without at least two values.
  EXPECT_EQ(aciqGaussThreshold(-3.0, 1.0, 1), 3.0);
  EXPECT_EQ(aciqGaussThreshold(0.0, 0.0, 100), 0.0);
}

TEST(AciqTest, LaplaceHandComputed) {
  // 500 × -1, 500 × 1, one 100: mean = 100/1001, Σ|x - mean| = 1100 -
  // 100/1001, so b = 1101000 / 1001².
  std::vector<float> data(500, -1.0f);
  data.insert(data.end(), 500, 1.0f);
  data.push_back(100.0f);
  double b = 1101000.0 / (1001.0 * 1001.0);
  expectRelNear(aciqLaplaceThreshold(data), 9.89675982 * b, 1e-10);
  expectRelNear(aciqLaplaceThreshold(data, 4), 5.02864014 * b, 1e-10);
  // Non-finite values are ignored.
  data.push_back(kNaN);
  data.push_back(kInf);
  expectRelNear(aciqLaplaceThreshold(data), 9.89675982 * b, 1e-10);
  // mean 0, b = 3: 29.69 clipped to abs-max 3.
  EXPECT_EQ(aciqLaplaceThreshold({3.0f, -3.0f}), 3.0);
  EXPECT_EQ(aciqLaplaceThreshold({}), 0.0);
  EXPECT_EQ(aciqLaplaceThreshold({0.0f, 0.0f}), 0.0);
}

//===----------------------------------------------------------------------===//
// Percentiles
//===----------------------------------------------------------------------===//

TEST(TailTrackerTest, SmallDataIsExact) {
  // All values kept: numpy.percentile([3,1,4,1,5,9,2,6], q) by hand on the
  // sorted 1 1 2 3 4 5 6 9 with position q/100·7.
  TailTracker tracker(100);
  tracker.add({3, 1, 4, kNaN});
  tracker.add({1, 5, 9, 2, 6});
  EXPECT_EQ(tracker.getCount(), 8);
  EXPECT_DOUBLE_EQ(tracker.percentile(0), 1);
  EXPECT_DOUBLE_EQ(tracker.percentile(25), 1.75);
  EXPECT_DOUBLE_EQ(tracker.percentile(50), 3.5);
  EXPECT_DOUBLE_EQ(tracker.percentile(90), 6.9);
  EXPECT_DOUBLE_EQ(tracker.percentile(100), 9);
  EXPECT_DOUBLE_EQ(tracker.percentile(150), 9);
  EXPECT_DOUBLE_EQ(tracker.percentile(-5), 1);

  EXPECT_EQ(TailTracker(3).percentile(50), 0);
  TailTracker single(1);
  single.add({kNaN, -2.5f});
  EXPECT_EQ(single.percentile(99.99), -2.5);
  EXPECT_EQ(single.percentile(0.01), -2.5);
}

TEST_F(StatisticsPythonTest, TailTrackerMatchesNumpyPercentile) {
  // 105000 values: at 99.99 the position is 104988.5001, so numpy reads the
  // 12 largest values, floor(105000·1e-4) + 2 = 12.
  int status = runPython(R"py(
rng = np.random.default_rng(5)
x = np.concatenate([rng.standard_normal(40000), rng.laplace(size=35000) * 3,
                    rng.standard_normal(30000) * 0.5]).astype(np.float32)
np.save('x.npy', x)
d = x.astype(np.float64)
qs = [99.99, 0.01, 99.995, 0.005, 99.999999, 100.0, 0.0]
s = np.sort(d)
np.save('p.npy', np.array([np.percentile(d, q) for q in qs] +
                          [s[len(s) - 12], s[11]]))
)py");
  ASSERT_EQ(status, 0);
  std::vector<float> x = load<float>("x.npy");
  std::vector<double> expected = load<double>("p.npy");
  ASSERT_EQ(x.size(), 105000u);
  ASSERT_EQ(expected.size(), 9u);
  int64_t k = tailSizeFor(105000, 99.99);
  EXPECT_EQ(k, 12);
  TailTracker tracker(k);
  ArrayRef<float> all(x);
  tracker.add(all.slice(0, 40000));
  tracker.add(all.slice(40000, 35000));
  tracker.add(all.slice(75000));
  EXPECT_EQ(tracker.getCount(), 105000);
  const double percents[] = {99.99, 0.01, 99.995, 0.005, 99.999999, 100, 0};
  for (int i = 0; i < 7; ++i)
    EXPECT_NEAR(tracker.percentile(percents[i]), expected[i],
                1e-12 * std::max(1.0, std::fabs(expected[i])))
        << "percent " << percents[i];
  // Outside the kept tails: the nearest kept value.
  EXPECT_EQ(tracker.percentile(90), expected[7]);
  EXPECT_EQ(tracker.percentile(10), expected[8]);

  // TPU-MLIR's k = n·(1 - p) + 1 = 11 would miss the 12th largest.
  TailTracker small(11);
  small.add(x);
  EXPECT_NE(small.percentile(99.99), expected[0]);
}

TEST(TailSizeForTest, CoversLinearInterpolation) {
  EXPECT_EQ(tailSizeFor(0, 99.99), 1);
  EXPECT_EQ(tailSizeFor(1, 99.99), 1);
  EXPECT_EQ(tailSizeFor(1000000, 99.99), 102);
  EXPECT_EQ(tailSizeFor(105000, 99.99), 12);
  EXPECT_EQ(tailSizeFor(10, 0), 10);
  EXPECT_EQ(tailSizeFor(10, 100), 2);
  // Enough for numpy's position p·(n - 1): indices floor(pos) .. n - 1.
  for (int64_t n : {2, 3, 17, 9999, 10000, 10001, 104999, 105000, 1234567}) {
    for (double percent : {99.99, 99.9, 99.0, 99.999999, 90.0, 50.0}) {
      double position = percent / 100 * double(n - 1);
      int64_t needed = n - int64_t(std::floor(position));
      EXPECT_GE(tailSizeFor(n, percent), needed) << n << " " << percent;
      EXPECT_LE(tailSizeFor(n, percent), std::max<int64_t>(needed + 1, 1))
          << n << " " << percent;
    }
  }
}

//===----------------------------------------------------------------------===//
// Determinism
//===----------------------------------------------------------------------===//

struct AllResults {
  std::vector<int64_t> counts;
  double width, kld, octav, octavUnsigned, laplace, gauss, p99, p01;
  double min, max;
};

AllResults runAll(ArrayRef<std::vector<float>> samples, unsigned threads) {
  ThreadCountScope scope(threads);
  AllResults r;
  AbsHistogram histogram;
  RangeStats range;
  int64_t total = 0;
  for (const std::vector<float> &s : samples)
    total += static_cast<int64_t>(s.size());
  TailTracker tails(tailSizeFor(total, 99.99));
  r.octav = r.octavUnsigned = r.laplace = r.gauss = 0;
  for (const std::vector<float> &s : samples) {
    histogram.add(s);
    range.add(s);
    tails.add(s);
    RangeStats one;
    one.add(s);
    r.octav += octavThreshold(s, false);
    r.octavUnsigned += octavThreshold(s, true);
    r.laplace += aciqLaplaceThreshold(s);
    r.gauss += aciqGaussThreshold(one.min, one.max, int64_t(s.size()));
  }
  r.counts.assign(histogram.getCounts().begin(), histogram.getCounts().end());
  r.width = histogram.getWidth();
  r.kld = kldThreshold(r.counts, r.width);
  r.p99 = tails.percentile(99.99);
  r.p01 = tails.percentile(0.01);
  r.min = range.min;
  r.max = range.max;
  return r;
}

void expectSame(const AllResults &a, const AllResults &b) {
  EXPECT_EQ(a.counts, b.counts);
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.kld, b.kld);
  EXPECT_EQ(a.octav, b.octav);
  EXPECT_EQ(a.octavUnsigned, b.octavUnsigned);
  EXPECT_EQ(a.laplace, b.laplace);
  EXPECT_EQ(a.gauss, b.gauss);
  EXPECT_EQ(a.p99, b.p99);
  EXPECT_EQ(a.p01, b.p01);
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
}

TEST(DeterminismTest, SameSamplesSameResults) {
  std::vector<std::vector<float>> samples = {
      normalData(50000, 21), normalData(1 << 20, 22, 1.5f),
      normalData(70000, 23, 0.5f), unittest::randomData(40000, 24)};
  AllResults first = runAll(samples, 1);
  expectSame(first, runAll(samples, 1));
  expectSame(first, runAll(samples, 2));
  expectSame(first, runAll(samples, 7));
  // KLD may pick the padded end, one bin past abs-max.
  EXPECT_GT(first.kld, 0);
  EXPECT_LE(first.kld, first.width * double(first.counts.size() + 128));
}

} // namespace
