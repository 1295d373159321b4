//===- Compare.h - tensor comparison with npz_tool's rules ------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The numeric check between two stages of the flow: a tensor is compared with
// its reference and gets one verdict, the first of these rules that holds:
//
//   MISMATCH     the element counts differ, or the shapes differ by more than
//                unit dimensions;
//   EQUAL        every element equals its reference (values compared in
//                double, so dtypes may differ; 0 == -0; NaN is never equal);
//   CLOSE        numpy.allclose(value, reference, rtol = 1e-3, atol = 1e-8)
//                holds and no element is NaN;
//   NOT_SIMILAR  some element of either tensor is NaN;
//   SIMILAR      cosine > cosine tolerance and
//                euclidean similarity > euclidean tolerance;
//   NOT_SIMILAR  otherwise.
//
// with, over the flattened tensors a (value) and b (reference):
//   cosine     = a.b / (|a| |b|)           (1 if both are zero, 0 if one is)
//   euclidean  = 1 - |a - b| / |(a + b)/2| (1 if a == b, -inf if a == -b != 0)
//   SQNR (dB)  = 10 log10(|b|^2 / |a - b|^2)  (+inf when a == b)
// For these three, NaN counts as 0 and +-inf as +-1e4. Everything is computed
// in double, sequentially, so results do not depend on the machine's threads.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_SUPPORT_COMPARE_H
#define TPUC_SUPPORT_COMPARE_H

#include "tpuc/Support/Npz.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>
#include <string>
#include <vector>

namespace tpuc {

/// The CLOSE rule: |a - b| <= kCloseAbsTolerance + kCloseRelTolerance * |b|
/// for every element (numpy.allclose with rtol = 1e-3 and numpy's own
/// atol = 1e-8, the values TPU-MLIR's npz_tool uses).
inline constexpr double kCloseRelTolerance = 1e-3;
inline constexpr double kCloseAbsTolerance = 1e-8;

/// How one tensor compares with its reference.
enum class CompareVerdict { Equal, Close, Similar, NotSimilar, Mismatch };

/// "EQUAL", "CLOSE", "SIMILAR", "NOT_SIMILAR" or "MISMATCH".
llvm::StringRef verdictName(CompareVerdict verdict);

/// True for EQUAL, CLOSE and SIMILAR.
inline bool verdictPassed(CompareVerdict verdict) {
  return verdict == CompareVerdict::Equal || verdict == CompareVerdict::Close ||
         verdict == CompareVerdict::Similar;
}

struct TensorComparison {
  std::string name;
  CompareVerdict verdict = CompareVerdict::NotSimilar;
  double cosine = 0, euclidean = 0, sqnr = 0; // similarities (see above)
  double maxAbsDiff = 0; // max |a - b| over the raw values (NaN if any NaN)
  std::string detail;    // why, for MISMATCH and NaN: "NaN in the value"
  /// Shapes and dtypes of the value and of the reference.
  llvm::SmallVector<int64_t, 4> shape, referenceShape;
  DType dtype = DType::F32, referenceDType = DType::F32;

  bool passed() const { return verdictPassed(verdict); }
};

struct CompareOptions {
  double cosineTolerance = 0.99;    // SIMILAR needs cosine > this
  double euclideanTolerance = 0.99; // ... and euclidean similarity > this
  std::vector<std::string> excepts; // names not compared
};

struct CompareReport {
  std::vector<TensorComparison> tensors; // in the reference's order
  /// Minima over the compared tensors other than MISMATCH ones (1, 1, +inf
  /// when there is none).
  double minCosine = 1, minEuclidean = 1;
  double minSqnr = std::numeric_limits<double>::infinity();
  /// Reference tensors that were not compared: absent from the values, or
  /// named in CompareOptions::excepts.
  std::vector<std::string> missing, excepted;

  /// True when at least one tensor was compared and every compared tensor
  /// is EQUAL, CLOSE or SIMILAR. Comparing nothing fails: it almost always
  /// means the wrong pair of files.
  bool passed() const;

  /// Prints one line per compared tensor (names padded to one column),
  ///   [name] VERDICT [PASSED|FAILED] cosine=c euclidean=e (detail)
  /// with c and e as %.6f, only for SIMILAR and NOT_SIMILAR at verbosity 0.
  /// Verbosity 1 adds " sqnr=<%.2f>dB max_abs_diff=<%.6g>" (sqnr=inf when
  /// equal) to every line and a line "compared N of M reference tensors (K
  /// not in the compared file, E excepted)"; verbosity 2 adds
  /// " value=[shape]:dtype reference=[shape]:dtype" and a line
  /// "[name] SKIPPED (why)" per reference tensor not compared. Then
  ///   min_similarity = (cosine c, euclidean e[, sqnr s dB])
  /// (sqnr from verbosity 1), then `npz compare PASSED` or
  /// `npz compare FAILED`. With nothing compared, a line "no tensor
  /// compared: ..." comes before the minima.
  void print(llvm::raw_ostream &os, int verbosity = 0) const;
};

/// Compares one tensor with its reference (same element count required;
/// shapes may differ only by unit dimensions).
TensorComparison compareTensors(llvm::StringRef name, const Array &value,
                                const Array &reference,
                                const CompareOptions &options);

/// Compares every tensor present in both files, skipping `excepts`.
CompareReport compareNpz(const NpzFile &values, const NpzFile &reference,
                         const CompareOptions &options);

/// Parses a "--tolerance" value "c,e": two numbers in [0, 1], the minimum
/// cosine and euclidean similarities, stored into `options`. On failure
/// returns makeError("invalid --tolerance '<text>': ...", where) and leaves
/// `options` unchanged.
llvm::Error parseTolerance(llvm::StringRef text, CompareOptions &options,
                           llvm::StringRef where = "command line");

/// Converts the elements [offset, offset + out.size()) of `array` (C order)
/// to double. Every dtype converts exactly (F16 included) except 64-bit
/// integers beyond 2^53, which round to nearest. Use it in chunks to stream
/// over a large array without a double copy of the whole of it.
void convertToDouble(const Array &array, size_t offset,
                     llvm::MutableArrayRef<double> out);

/// All the elements of `array` as doubles (see convertToDouble).
std::vector<double> arrayToDouble(const Array &array);

/// Splits a comma-separated name list ("a,b" as given to --excepts),
/// dropping surrounding blanks and empty items.
std::vector<std::string> splitNameList(llvm::StringRef text);

} // namespace tpuc

#endif // TPUC_SUPPORT_COMPARE_H
