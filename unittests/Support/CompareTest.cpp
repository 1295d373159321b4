//===- CompareTest.cpp - tests for the npz comparison rules ---------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Every expected similarity below is worked out by hand from the textbook
// formulas (the sums are written out in the test), not by calling the code
// under test.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Compare.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace llvm;
using namespace tpuc;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInfF = std::numeric_limits<float>::infinity();

Array f32(ArrayRef<float> data) {
  return Array::fromFloat({static_cast<int64_t>(data.size())}, data);
}

TensorComparison compare(const Array &value, const Array &reference,
                         double cosine = 0.99, double euclidean = 0.99) {
  CompareOptions options;
  options.cosineTolerance = cosine;
  options.euclideanTolerance = euclidean;
  return compareTensors("t", value, reference, options);
}

std::string printed(const CompareReport &report, int verbosity) {
  std::string text;
  raw_string_ostream os(text);
  report.print(os, verbosity);
  return text;
}

TEST(CompareTest, SimilaritiesOfAWorkedExample) {
  // a = [1, 2, 3], b = [1, 2, 3.5]:
  //   a.b = 1 + 4 + 10.5 = 15.5, |a|^2 = 14, |b|^2 = 17.25,
  //   a - b = [0, 0, -0.5], (a + b)/2 = [1, 2, 3.25] with |.|^2 = 15.5625.
  TensorComparison result = compare(f32({1, 2, 3}), f32({1, 2, 3.5}));
  double cosine = 15.5 / std::sqrt(14.0 * 17.25);
  double euclidean = 1 - 0.5 / std::sqrt(15.5625);
  double sqnr = 10 * std::log10(17.25 / 0.25);
  EXPECT_NEAR(result.cosine, cosine, 1e-12);
  EXPECT_NEAR(result.cosine, 0.997409, 1e-6);
  EXPECT_NEAR(result.euclidean, euclidean, 1e-12);
  EXPECT_NEAR(result.euclidean, 0.873255, 1e-6);
  EXPECT_NEAR(result.sqnr, sqnr, 1e-9);
  EXPECT_NEAR(result.sqnr, 18.388, 1e-3);
  EXPECT_EQ(result.maxAbsDiff, 0.5);
  // cosine passes 0.99 but euclidean does not.
  EXPECT_EQ(result.verdict, CompareVerdict::NotSimilar);
  EXPECT_FALSE(result.passed());
  EXPECT_EQ(compare(f32({1, 2, 3}), f32({1, 2, 3.5}), 0.99, 0.87).verdict,
            CompareVerdict::Similar);
}

TEST(CompareTest, SimilarIsStrictlyAboveTheTolerances) {
  // a = [3, 4], b = [4, 3]: cosine = 24 / 25 = 0.96 exactly as computed,
  // euclidean = 1 - sqrt(2) / (3.5 sqrt(2)) = 1 - 1/3.5 = 0.714285...
  Array a = f32({3, 4}), b = f32({4, 3});
  TensorComparison result = compare(a, b, 0, 0);
  EXPECT_DOUBLE_EQ(result.cosine, 0.96);
  EXPECT_NEAR(result.euclidean, 1 - 1 / 3.5, 1e-12);
  EXPECT_NEAR(result.sqnr, 10 * std::log10(25.0 / 2.0), 1e-9);
  EXPECT_EQ(result.verdict, CompareVerdict::Similar);

  EXPECT_EQ(compare(a, b, result.cosine, 0.7).verdict,
            CompareVerdict::NotSimilar);
  EXPECT_EQ(compare(a, b, std::nextafter(result.cosine, 0.0), 0.7).verdict,
            CompareVerdict::Similar);
  EXPECT_EQ(compare(a, b, 0.9, result.euclidean).verdict,
            CompareVerdict::NotSimilar);
  EXPECT_EQ(compare(a, b, 0.9, std::nextafter(result.euclidean, 0.0)).verdict,
            CompareVerdict::Similar);
  // Tolerance 1 can only be met by EQUAL or CLOSE tensors.
  EXPECT_EQ(compare(a, b, 1, 1).verdict, CompareVerdict::NotSimilar);
  EXPECT_EQ(compare(a, a, 1, 1).verdict, CompareVerdict::Equal);
}

TEST(CompareTest, EqualComparesValuesAcrossDTypes) {
  TensorComparison result =
      compare(Array::fromData<int32_t>({3}, ArrayRef<int32_t>({1, 2, 3})),
              f32({1, 2, 3}));
  EXPECT_EQ(result.verdict, CompareVerdict::Equal);
  EXPECT_EQ(result.cosine, 1);
  EXPECT_EQ(result.euclidean, 1);
  EXPECT_EQ(result.sqnr, kInf);
  EXPECT_EQ(result.maxAbsDiff, 0);
  EXPECT_EQ(compare(f32({-0.0f, 1}), f32({0.0f, 1})).verdict,
            CompareVerdict::Equal);
  // f16 0x3C00 is 1.0, 0xC000 is -2.0.
  Array half = Array::fromBytes(DType::F16, {2}, {0x00, 0x3C, 0x00, 0xC0});
  EXPECT_EQ(compare(half, f32({1, -2})).verdict, CompareVerdict::Equal);
  // Infinities equal themselves.
  EXPECT_EQ(compare(f32({kInfF, 1}), f32({kInfF, 1})).verdict,
            CompareVerdict::Equal);
}

TEST(CompareTest, ZeroTensors) {
  EXPECT_EQ(compare(f32({0, 0, 0}), f32({0, 0, 0})).verdict,
            CompareVerdict::Equal);
  // One zero tensor against a non-zero one: no direction in common.
  TensorComparison result = compare(f32({0, 0}), f32({1, 2}));
  EXPECT_EQ(result.cosine, 0);
  EXPECT_EQ(result.verdict, CompareVerdict::NotSimilar);
  // a = -b: cosine -1, the mean (a + b)/2 is zero.
  result = compare(f32({1, -1}), f32({-1, 1}), 0, 0);
  EXPECT_DOUBLE_EQ(result.cosine, -1);
  EXPECT_EQ(result.euclidean, -kInf);
  EXPECT_EQ(result.verdict, CompareVerdict::NotSimilar);
}

TEST(CompareTest, CloseIsNumpyAllcloseAtRtol1e3) {
  // |1000 - 1000.9| = 0.9 <= 1e-8 + 1e-3 * 1000.9 = 1.0009...
  EXPECT_EQ(compare(f32({1, 1000}), f32({1, 1000.9f}), 1, 1).verdict,
            CompareVerdict::Close);
  // ... but 1.1 > 1e-8 + 1e-3 * 1001.1 = 1.0011...
  EXPECT_EQ(compare(f32({1, 1000}), f32({1, 1001.1f}), 1, 1).verdict,
            CompareVerdict::NotSimilar);
  // rtol is relative to the reference: |1000 - 1001.0003| = 1.0003 is within
  // 1e-8 + 1e-3 * 1001.0003 but not within 1e-8 + 1e-3 * 1000.
  Array x = Array::fromData<double>({1}, ArrayRef<double>({1000})),
        y = Array::fromData<double>({1}, ArrayRef<double>({1001.0003}));
  EXPECT_EQ(compare(x, y, 1, 1).verdict, CompareVerdict::Close);
  EXPECT_EQ(compare(y, x, 1, 1).verdict, CompareVerdict::NotSimilar);
  // atol = 1e-8 near zero.
  EXPECT_EQ(compare(f32({0}), f32({5e-9f}), 1, 1).verdict,
            CompareVerdict::Close);
  EXPECT_EQ(compare(f32({0}), f32({2e-8f}), 1, 1).verdict,
            CompareVerdict::NotSimilar);
  // Equal infinities do not prevent CLOSE; an infinity against a finite
  // value does.
  EXPECT_EQ(compare(f32({kInfF, 1}), f32({kInfF, 1.0005f}), 1, 1).verdict,
            CompareVerdict::Close);
  EXPECT_EQ(compare(f32({kInfF, 1}), f32({1e30f, 1}), 1, 1).verdict,
            CompareVerdict::NotSimilar);
}

TEST(CompareTest, NaNIsNeverSimilar) {
  TensorComparison result = compare(f32({kNaN, 1, 2}), f32({0, 1, 2}), 0, 0);
  EXPECT_EQ(result.verdict, CompareVerdict::NotSimilar);
  EXPECT_EQ(result.detail, "NaN in the value");
  EXPECT_TRUE(std::isnan(result.maxAbsDiff));
  // The similarities treat NaN as 0, so here they are perfect.
  EXPECT_DOUBLE_EQ(result.cosine, 1);
  EXPECT_EQ(compare(f32({1, 2}), f32({1, kNaN}), 0, 0).detail,
            "NaN in the reference");
  // NaN never equals NaN.
  result = compare(f32({kNaN}), f32({kNaN}), 0, 0);
  EXPECT_EQ(result.verdict, CompareVerdict::NotSimilar);
  EXPECT_EQ(result.detail, "NaN in the value and the reference");
}

TEST(CompareTest, ShapesMayDifferOnlyByUnitDimensions) {
  Array flat = f32({1, 2, 3, 4, 5, 6});
  Array row = Array::fromFloat({1, 6, 1}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(compare(row, flat).verdict, CompareVerdict::Equal);

  Array matrix = Array::fromFloat({2, 3}, {1, 2, 3, 4, 5, 6});
  TensorComparison result = compare(matrix, flat);
  EXPECT_EQ(result.verdict, CompareVerdict::Mismatch);
  EXPECT_EQ(result.detail, "shape [2,3] vs [6] in the reference");

  result = compare(f32({1, 2, 3}), f32({1, 2, 3, 4}));
  EXPECT_EQ(result.verdict, CompareVerdict::Mismatch);
  EXPECT_EQ(result.detail, "3 elements vs 4 in the reference");
  EXPECT_FALSE(result.passed());
}

TEST(CompareTest, ExtremeMagnitudes) {
  // Squares of 1e200 overflow a double and those of 1e-200 underflow; the
  // similarities are scale-free, so [3, 4] vs [4, 3] gives 0.96 throughout.
  for (double scale : {1e200, 1e-200, 1e-320}) {
    Array a =
        Array::fromData<double>({2}, ArrayRef<double>({3 * scale, 4 * scale}));
    Array b =
        Array::fromData<double>({2}, ArrayRef<double>({4 * scale, 3 * scale}));
    TensorComparison result = compare(a, b, 0, 0);
    // 1e-320 is subnormal: 3e-320 and 4e-320 carry only a few bits.
    double precision = scale < 1e-300 ? 1e-3 : 1e-15;
    EXPECT_NEAR(result.cosine, 0.96, precision) << scale;
    EXPECT_NEAR(result.euclidean, 1 - 1 / 3.5, precision * 10) << scale;
    // Tiny values are within atol of each other.
    EXPECT_EQ(result.verdict,
              scale > 1 ? CompareVerdict::Similar : CompareVerdict::Close)
        << scale;
  }
}

TEST(CompareTest, CompareNpzFollowsTheReference) {
  NpzFile values, reference;
  values.set("a", f32({1, 2, 3}));
  values.set("b", f32({3, 4}));
  values.set("only_in_values", f32({1}));
  values.set("skip", f32({9}));
  reference.set("b", f32({4, 3}));
  reference.set("missing", f32({1}));
  reference.set("a", f32({1, 2, 3}));
  reference.set("skip", f32({1}));

  CompareOptions options;
  options.cosineTolerance = 0.9;
  options.euclideanTolerance = 0.7;
  options.excepts = {"skip"};
  CompareReport report = compareNpz(values, reference, options);
  ASSERT_EQ(report.tensors.size(), 2u);
  EXPECT_EQ(report.tensors[0].name, "b"); // the reference's order
  EXPECT_EQ(report.tensors[0].verdict, CompareVerdict::Similar);
  EXPECT_EQ(report.tensors[1].name, "a");
  EXPECT_EQ(report.tensors[1].verdict, CompareVerdict::Equal);
  EXPECT_EQ(report.missing, std::vector<std::string>{"missing"});
  EXPECT_EQ(report.excepted, std::vector<std::string>{"skip"});
  EXPECT_DOUBLE_EQ(report.minCosine, 0.96);
  EXPECT_NEAR(report.minEuclidean, 1 - 1 / 3.5, 1e-12);
  EXPECT_TRUE(report.passed());

  // Without the except, "skip" (9 vs 1) fails the whole comparison.
  options.excepts.clear();
  report = compareNpz(values, reference, options);
  EXPECT_EQ(report.tensors.size(), 3u);
  EXPECT_FALSE(report.passed());
}

TEST(CompareTest, MismatchFailsAndStaysOutOfTheMinima) {
  NpzFile values, reference;
  values.set("x", f32({1, 2, 3}));
  reference.set("x", f32({1, 2}));
  values.set("y", f32({1, 2}));
  reference.set("y", f32({1, 2}));
  CompareReport report = compareNpz(values, reference, CompareOptions());
  EXPECT_EQ(report.tensors[0].verdict, CompareVerdict::Mismatch);
  EXPECT_EQ(report.minCosine, 1);
  EXPECT_FALSE(report.passed());
}

TEST(CompareTest, NothingComparedFails) {
  NpzFile values, reference;
  values.set("x", f32({1}));
  reference.set("y", f32({1}));
  CompareReport report = compareNpz(values, reference, CompareOptions());
  EXPECT_TRUE(report.tensors.empty());
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(printed(report, 0),
            "no tensor compared: the reference has 0 excepted tensor(s) and "
            "1 tensor(s) not in the compared file\n"
            "min_similarity = (cosine 1.000000, euclidean 1.000000)\n"
            "npz compare FAILED\n");
}

TEST(CompareTest, PrintedReport) {
  NpzFile values, reference;
  values.set("a", f32({1, 2}));
  values.set("bb", f32({3, 4}));
  values.set("c", f32({1, 2, 3}));
  reference.set("a", f32({1, 2}));
  reference.set("bb", f32({4, 3}));
  reference.set("gone", f32({1}));
  CompareOptions options;
  options.cosineTolerance = 0.95;
  options.euclideanTolerance = 0.7;
  CompareReport report = compareNpz(values, reference, options);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(printed(report, 0),
            "[a]  EQUAL [PASSED]\n"
            "[bb] SIMILAR [PASSED] cosine=0.960000 euclidean=0.714286\n"
            "min_similarity = (cosine 0.960000, euclidean 0.714286)\n"
            "npz compare PASSED\n");
  EXPECT_EQ(printed(report, 1),
            "[a]  EQUAL [PASSED] cosine=1.000000 euclidean=1.000000 "
            "sqnr=inf max_abs_diff=0\n"
            "[bb] SIMILAR [PASSED] cosine=0.960000 euclidean=0.714286 "
            "sqnr=10.97dB max_abs_diff=1\n"
            "compared 2 of 3 reference tensors (1 not in the compared file, "
            "0 excepted)\n"
            "min_similarity = (cosine 0.960000, euclidean 0.714286, "
            "sqnr 10.97 dB)\n"
            "npz compare PASSED\n");
  EXPECT_EQ(printed(report, 2),
            "[a]    EQUAL [PASSED] cosine=1.000000 euclidean=1.000000 "
            "sqnr=inf max_abs_diff=0 value=[2]:f32 reference=[2]:f32\n"
            "[bb]   SIMILAR [PASSED] cosine=0.960000 euclidean=0.714286 "
            "sqnr=10.97dB max_abs_diff=1 value=[2]:f32 reference=[2]:f32\n"
            "[gone] SKIPPED (not in the compared file)\n"
            "compared 2 of 3 reference tensors (1 not in the compared file, "
            "0 excepted)\n"
            "min_similarity = (cosine 0.960000, euclidean 0.714286, "
            "sqnr 10.97 dB)\n"
            "npz compare PASSED\n");

  // "n": [NaN, 2] with NaN as 0 against [1, 2]: cosine = 4 / (2 sqrt(5)),
  // euclidean = 1 - |[-1, 0]| / |[0.5, 2]| = 1 - 1 / sqrt(4.25).
  reference.set("c", f32({1, 2}));
  reference.set("n", f32({1, 2}));
  values.set("n", f32({kNaN, 2}));
  report = compareNpz(values, reference, options);
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(printed(report, 0),
            "[a]  EQUAL [PASSED]\n"
            "[bb] SIMILAR [PASSED] cosine=0.960000 euclidean=0.714286\n"
            "[c]  MISMATCH [FAILED] (3 elements vs 2 in the reference)\n"
            "[n]  NOT_SIMILAR [FAILED] cosine=0.894427 euclidean=0.514929 "
            "(NaN in the value)\n"
            "min_similarity = (cosine 0.894427, euclidean 0.514929)\n"
            "npz compare FAILED\n");
}

TEST(CompareTest, ParseTolerance) {
  CompareOptions options;
  EXPECT_FALSE(errorToBool(parseTolerance("0.9,0.8", options)));
  EXPECT_EQ(options.cosineTolerance, 0.9);
  EXPECT_EQ(options.euclideanTolerance, 0.8);
  EXPECT_FALSE(errorToBool(parseTolerance(" 1 , 0 ", options)));
  EXPECT_EQ(options.cosineTolerance, 1);
  EXPECT_EQ(options.euclideanTolerance, 0);

  auto message = [&](StringRef text) {
    CompareOptions unchanged;
    std::string result = toString(parseTolerance(text, unchanged));
    EXPECT_EQ(unchanged.cosineTolerance, 0.99) << text.str();
    return result;
  };
  EXPECT_EQ(message("0.9"), "invalid --tolerance '0.9': expected two numbers "
                            "'cosine,euclidean', command line");
  EXPECT_EQ(message("0.9,0.8,0.7"),
            "invalid --tolerance '0.9,0.8,0.7': expected two numbers "
            "'cosine,euclidean', command line");
  EXPECT_EQ(message("a,b"),
            "invalid --tolerance 'a,b': 'a' is not a number, command line");
  EXPECT_EQ(message("0.9,"),
            "invalid --tolerance '0.9,': '' is not a number, command line");
  EXPECT_EQ(message("1.5,0.9"),
            "invalid --tolerance '1.5,0.9': 1.5 is outside [0, 1], command "
            "line");
  EXPECT_EQ(message("0.9,-0.1"),
            "invalid --tolerance '0.9,-0.1': -0.1 is outside [0, 1], command "
            "line");
  EXPECT_EQ(message("nan,0.5"),
            "invalid --tolerance 'nan,0.5': 'nan' is not a number, command "
            "line");
}

TEST(CompareTest, SplitNameList) {
  EXPECT_EQ(splitNameList(" a, b,,c "),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(splitNameList("").empty());
}

TEST(CompareTest, ArrayToDouble) {
  Array big = Array::fromData<int64_t>(
      {2}, ArrayRef<int64_t>({(int64_t(1) << 40) + 1, -7}));
  EXPECT_EQ(arrayToDouble(big), (std::vector<double>{1099511627777.0, -7.0}));
  Array flags = Array::fromData<bool>({2}, ArrayRef<bool>({true, false}));
  EXPECT_EQ(arrayToDouble(flags), (std::vector<double>{1, 0}));
}

} // namespace
