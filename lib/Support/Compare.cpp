//===- Compare.cpp - tensor comparison with npz_tool's rules --------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Compare.h"

#include "tpuc/Support/Error.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace llvm;
using namespace tpuc;

namespace {

template <typename T>
void convert(const Array &array, size_t offset, MutableArrayRef<double> out) {
  ArrayRef<T> values = array.values<T>().slice(offset, out.size());
  for (size_t i = 0, e = out.size(); i < e; ++i)
    out[i] = static_cast<double>(values[i]);
}

} // namespace

void tpuc::convertToDouble(const Array &array, size_t offset,
                           MutableArrayRef<double> out) {
  assert(offset + out.size() <= static_cast<size_t>(array.numElements()) &&
         "range out of the array");
  switch (array.dtype()) {
  case DType::F32:
    return convert<float>(array, offset, out);
  case DType::F64:
    return convert<double>(array, offset, out);
  case DType::F16: {
    ArrayRef<uint16_t> bits = array.values<uint16_t>().slice(offset);
    for (size_t i = 0, e = out.size(); i < e; ++i)
      out[i] = halfToFloat(bits[i]);
    return;
  }
  case DType::I8:
    return convert<int8_t>(array, offset, out);
  case DType::U8:
  case DType::Bool:
    return convert<uint8_t>(array, offset, out);
  case DType::I16:
    return convert<int16_t>(array, offset, out);
  case DType::U16:
    return convert<uint16_t>(array, offset, out);
  case DType::I32:
    return convert<int32_t>(array, offset, out);
  case DType::U32:
    return convert<uint32_t>(array, offset, out);
  case DType::I64:
    return convert<int64_t>(array, offset, out);
  case DType::U64:
    return convert<uint64_t>(array, offset, out);
  }
}

std::vector<double> tpuc::arrayToDouble(const Array &array) {
  std::vector<double> result(array.numElements());
  convertToDouble(array, 0, result);
  return result;
}

namespace {

/// Elements converted per step when streaming over two arrays.
constexpr size_t kChunk = 4096;

/// The shape without its unit dimensions.
SmallVector<int64_t, 4> squeezed(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> result;
  for (int64_t dim : shape)
    if (dim != 1)
      result.push_back(dim);
  return result;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string result = "[";
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (i)
      result += ",";
    result += std::to_string(dim);
  }
  return result + "]";
}

/// The value used for the similarities: NaN as 0, +-inf as +-1e4.
double sanitized(double x) {
  if (std::isnan(x))
    return 0;
  if (std::isinf(x))
    return std::copysign(1e4, x);
  return x;
}

/// Calls `body(a, b)` with consecutive equal-length chunks of `value` and
/// `reference` (same element count) converted to double.
void forEachChunkPair(
    const Array &value, const Array &reference,
    function_ref<void(ArrayRef<double>, ArrayRef<double>)> body) {
  double a[kChunk], b[kChunk];
  size_t size = value.numElements();
  for (size_t offset = 0; offset < size; offset += kChunk) {
    size_t count = std::min(kChunk, size - offset);
    convertToDouble(value, offset, MutableArrayRef<double>(a, count));
    convertToDouble(reference, offset, MutableArrayRef<double>(b, count));
    body(ArrayRef<double>(a, count), ArrayRef<double>(b, count));
  }
}

/// Sums over the sanitized values x (value) and y (reference), each
/// multiplied by `scale`.
struct Sums {
  double dot = 0, normA2 = 0, normB2 = 0, diff2 = 0, mean2 = 0;

  void add(double x, double y) {
    dot += x * y;
    normA2 += x * x;
    normB2 += y * y;
    diff2 += (x - y) * (x - y);
    double mean = (x + y) / 2;
    mean2 += mean * mean;
  }
};

/// Fills the cosine, euclidean and SQNR of `result` from `sums`.
void computeSimilarities(const Sums &sums, TensorComparison &result) {
  const double inf = std::numeric_limits<double>::infinity();
  if (sums.normA2 == 0 && sums.normB2 == 0)
    result.cosine = 1;
  else if (sums.normA2 == 0 || sums.normB2 == 0)
    result.cosine = 0;
  else
    result.cosine =
        std::clamp(sums.dot / std::sqrt(sums.normA2 * sums.normB2), -1.0, 1.0);

  if (sums.diff2 == 0)
    result.euclidean = 1;
  else if (sums.mean2 == 0)
    result.euclidean = -inf;
  else
    result.euclidean = 1 - std::sqrt(sums.diff2) / std::sqrt(sums.mean2);

  if (sums.diff2 == 0)
    result.sqnr = inf;
  else if (sums.normB2 == 0)
    result.sqnr = -inf;
  else
    result.sqnr = 10 * std::log10(sums.normB2 / sums.diff2);
}

/// "12.34<unit>" for a finite SQNR, "inf" or "-inf" otherwise.
std::string sqnrString(double sqnr, StringRef unit) {
  if (std::isinf(sqnr))
    return sqnr > 0 ? "inf" : "-inf";
  std::string result;
  raw_string_ostream(result) << format("%.2f", sqnr) << unit;
  return result;
}

} // namespace

StringRef tpuc::verdictName(CompareVerdict verdict) {
  switch (verdict) {
  case CompareVerdict::Equal:
    return "EQUAL";
  case CompareVerdict::Close:
    return "CLOSE";
  case CompareVerdict::Similar:
    return "SIMILAR";
  case CompareVerdict::NotSimilar:
    return "NOT_SIMILAR";
  case CompareVerdict::Mismatch:
    return "MISMATCH";
  }
  return "UNKNOWN";
}

TensorComparison tpuc::compareTensors(StringRef name, const Array &value,
                                      const Array &reference,
                                      const CompareOptions &options) {
  TensorComparison result;
  result.name = name.str();
  result.shape.assign(value.shape().begin(), value.shape().end());
  result.referenceShape.assign(reference.shape().begin(),
                               reference.shape().end());
  result.dtype = value.dtype();
  result.referenceDType = reference.dtype();

  if (value.numElements() != reference.numElements()) {
    result.verdict = CompareVerdict::Mismatch;
    result.detail = std::to_string(value.numElements()) + " elements vs " +
                    std::to_string(reference.numElements()) +
                    " in the reference";
    return result;
  }
  if (squeezed(value.shape()) != squeezed(reference.shape())) {
    result.verdict = CompareVerdict::Mismatch;
    result.detail = "shape " + shapeString(value.shape()) + " vs " +
                    shapeString(reference.shape()) + " in the reference";
    return result;
  }

  // One pass decides EQUAL and CLOSE, finds NaN and sums the similarities.
  bool nanInA = false, nanInB = false, equal = true, close = true;
  double maxAbsDiff = 0, maxAbs = 0;
  Sums sums;
  forEachChunkPair(
      value, reference, [&](ArrayRef<double> a, ArrayRef<double> b) {
        for (size_t i = 0, e = a.size(); i < e; ++i) {
          double x = a[i], y = b[i];
          double sx = sanitized(x), sy = sanitized(y);
          sums.add(sx, sy);
          maxAbs = std::max(maxAbs, std::max(std::fabs(sx), std::fabs(sy)));
          if (x == y)
            continue;
          equal = false;
          nanInA |= std::isnan(x);
          nanInB |= std::isnan(y);
          double diff = std::fabs(x - y);
          if (std::isnan(diff))
            maxAbsDiff = diff; // NaN stays the maximum once seen
          else if (!std::isnan(maxAbsDiff))
            maxAbsDiff = std::max(maxAbsDiff, diff);
          // numpy.isclose: infinities are close only to themselves, NaN to
          // nothing.
          if (!std::isfinite(x) || !std::isfinite(y) ||
              !(diff <= kCloseAbsTolerance + kCloseRelTolerance * std::fabs(y)))
            close = false;
        }
      });
  result.maxAbsDiff = maxAbsDiff;

  if (equal) {
    result.verdict = CompareVerdict::Equal;
    result.cosine = result.euclidean = 1;
    result.sqnr = std::numeric_limits<double>::infinity();
    return result;
  }

  // Squares of doubles beyond ~1e154 overflow, below ~1e-162 underflow.
  // For tensors of such magnitudes the sums are redone on both tensors
  // scaled by the same power of two, which is exact and leaves the three
  // ratios unchanged; every scaled value is then in [1, 2) or smaller.
  if (maxAbs > 0x1p256 || (maxAbs > 0 && maxAbs < 0x1p-256)) {
    // ldexp rather than a multiplication by 2^-exponent, which itself
    // overflows when maxAbs is subnormal.
    int exponent = -std::ilogb(maxAbs);
    sums = Sums();
    forEachChunkPair(value, reference,
                     [&](ArrayRef<double> a, ArrayRef<double> b) {
                       for (size_t i = 0, e = a.size(); i < e; ++i)
                         sums.add(std::ldexp(sanitized(a[i]), exponent),
                                  std::ldexp(sanitized(b[i]), exponent));
                     });
  }
  computeSimilarities(sums, result);
  if (nanInA || nanInB) {
    result.verdict = CompareVerdict::NotSimilar;
    result.detail = nanInA && nanInB ? "NaN in the value and the reference"
                    : nanInA         ? "NaN in the value"
                                     : "NaN in the reference";
  } else if (close) {
    result.verdict = CompareVerdict::Close;
  } else if (result.cosine > options.cosineTolerance &&
             result.euclidean > options.euclideanTolerance) {
    result.verdict = CompareVerdict::Similar;
  } else {
    result.verdict = CompareVerdict::NotSimilar;
  }
  return result;
}

CompareReport tpuc::compareNpz(const NpzFile &values, const NpzFile &reference,
                               const CompareOptions &options) {
  StringSet<> excepts;
  for (const std::string &name : options.excepts)
    excepts.insert(name);

  CompareReport report;
  for (const NpzFile::Entry &entry : reference) {
    if (excepts.contains(entry.name)) {
      report.excepted.push_back(entry.name);
      continue;
    }
    const Array *value = values.lookup(entry.name);
    if (!value) {
      report.missing.push_back(entry.name);
      continue;
    }
    TensorComparison tensor =
        compareTensors(entry.name, *value, entry.array, options);
    if (tensor.verdict != CompareVerdict::Mismatch) {
      report.minCosine = std::min(report.minCosine, tensor.cosine);
      report.minEuclidean = std::min(report.minEuclidean, tensor.euclidean);
      report.minSqnr = std::min(report.minSqnr, tensor.sqnr);
    }
    report.tensors.push_back(std::move(tensor));
  }
  return report;
}

bool CompareReport::passed() const {
  return !tensors.empty() &&
         llvm::all_of(tensors, [](const TensorComparison &tensor) {
           return tensor.passed();
         });
}

void CompareReport::print(raw_ostream &os, int verbosity) const {
  // Names are padded to a common column (up to a limit) so verdicts line up.
  size_t width = 0;
  for (const TensorComparison &tensor : tensors)
    width = std::max(width, tensor.name.size() + 2);
  if (verbosity >= 2)
    for (const auto *names : {&missing, &excepted})
      for (const std::string &name : *names)
        width = std::max(width, name.size() + 2);
  width = std::min<size_t>(width, 40);

  auto printName = [&](StringRef name) {
    std::string bracketed = ("[" + name + "]").str();
    os << bracketed;
    if (bracketed.size() < width)
      os.indent(width - bracketed.size());
  };

  for (const TensorComparison &tensor : tensors) {
    printName(tensor.name);
    os << " " << verdictName(tensor.verdict)
       << (tensor.passed() ? " [PASSED]" : " [FAILED]");
    bool mismatch = tensor.verdict == CompareVerdict::Mismatch;
    bool similarity = tensor.verdict == CompareVerdict::Similar ||
                      tensor.verdict == CompareVerdict::NotSimilar;
    if (!mismatch && (similarity || verbosity >= 1))
      os << format(" cosine=%.6f euclidean=%.6f", tensor.cosine,
                   tensor.euclidean);
    if (!mismatch && verbosity >= 1)
      os << " sqnr=" << sqnrString(tensor.sqnr, "dB")
         << format(" max_abs_diff=%.6g", tensor.maxAbsDiff);
    if (verbosity >= 2)
      os << " value=" << shapeString(tensor.shape) << ":"
         << dtypeName(tensor.dtype)
         << " reference=" << shapeString(tensor.referenceShape) << ":"
         << dtypeName(tensor.referenceDType);
    if (!tensor.detail.empty())
      os << " (" << tensor.detail << ")";
    os << "\n";
  }
  if (verbosity >= 2) {
    for (const std::string &name : missing) {
      printName(name);
      os << " SKIPPED (not in the compared file)\n";
    }
    for (const std::string &name : excepted) {
      printName(name);
      os << " SKIPPED (excepted)\n";
    }
  }

  if (tensors.empty())
    os << "no tensor compared: the reference has " << excepted.size()
       << " excepted tensor(s) and " << missing.size()
       << " tensor(s) not in the compared file\n";
  else if (verbosity >= 1)
    os << "compared " << tensors.size() << " of "
       << tensors.size() + missing.size() + excepted.size()
       << " reference tensors (" << missing.size()
       << " not in the compared file, " << excepted.size() << " excepted)\n";

  os << format("min_similarity = (cosine %.6f, euclidean %.6f", minCosine,
               minEuclidean);
  if (verbosity >= 1)
    os << ", sqnr " << sqnrString(minSqnr, " dB");
  os << ")\n";
  os << "npz compare " << (passed() ? "PASSED" : "FAILED") << "\n";
}

Error tpuc::parseTolerance(StringRef text, CompareOptions &options,
                           StringRef where) {
  auto fail = [&](const Twine &why) {
    return makeError("invalid --tolerance '" + text + "': " + why, where);
  };
  SmallVector<StringRef, 2> parts;
  text.split(parts, ',');
  if (parts.size() != 2)
    return fail("expected two numbers 'cosine,euclidean'");
  double parsed[2];
  for (auto [i, part] : llvm::enumerate(parts)) {
    StringRef item = part.trim();
    if (item.getAsDouble(parsed[i]) || !std::isfinite(parsed[i]))
      return fail("'" + item + "' is not a number");
    if (parsed[i] < 0 || parsed[i] > 1)
      return fail(item + " is outside [0, 1]");
  }
  options.cosineTolerance = parsed[0];
  options.euclideanTolerance = parsed[1];
  return Error::success();
}

std::vector<std::string> tpuc::splitNameList(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  std::vector<std::string> names;
  for (StringRef part : parts)
    if (!part.trim().empty())
      names.push_back(part.trim().str());
  return names;
}
