//===- CalibrationTable.cpp - TPU-MLIR-compatible calibration tables ------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The writer and the parser of the calibration-table text format; the format
// and the parser's rules are described in docs/formats.md.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/CalibrationTable.h"

#include "tpuc/Support/Error.h"
#include "tpuc/Support/File.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <tuple>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::calibration;

namespace {

/// The version written in the first header line.
constexpr const char *kVersionLine =
    "# mlir version: tpuc 0.1 cali version 1.0";
/// What TPU-MLIR replaces an infinite threshold, min or max by.
constexpr double kInfReplacement = 6.5e4;
/// Separators of the fields of a line.
constexpr const char *kBlanks = " \t\r\v\f";

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

/// `value` with exactly 7 decimals, as printf("%.7f") writes it (so -0.0 and
/// tiny negative values read "-0.0000000", as TPU-MLIR writes them); the
/// non-finite values read "inf", "-inf" and "nan" whatever the C library.
void printFixed7(raw_ostream &os, double value) {
  if (std::isnan(value)) {
    os << "nan";
    return;
  }
  if (std::isinf(value)) {
    os << (value < 0 ? "-inf" : "inf");
    return;
  }
  char buffer[512];
  std::snprintf(buffer, sizeof(buffer), "%.7f", value);
  os << buffer;
}

/// The shortest of "%.15g", "%.16g", "%.17g" that reads back as `value`.
void printRoundTrip(raw_ostream &os, double value) {
  if (std::isnan(value)) {
    os << "nan";
    return;
  }
  if (std::isinf(value)) {
    os << (value < 0 ? "-inf" : "inf");
    return;
  }
  char buffer[64];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    APFloat parsed(APFloat::IEEEdouble());
    auto status =
        parsed.convertFromString(buffer, APFloat::rmNearestTiesToEven);
    if (!status)
      consumeError(status.takeError());
    else if (parsed.convertToDouble() == value)
      break;
  }
  os << buffer;
}

/// "# <key>:" followed by " <value>" unless `value` is empty.
void printHeaderLine(raw_ostream &os, StringRef key, StringRef value) {
  os << "# " << key << ':';
  if (!value.empty())
    os << ' ' << value;
  os << '\n';
}

void printEntries(raw_ostream &os, ArrayRef<TableEntry> entries) {
  for (const TableEntry &entry : entries) {
    os << entry.name << ' ';
    printFixed7(os, entry.threshold);
    os << ' ';
    printFixed7(os, entry.min);
    os << ' ';
    printFixed7(os, entry.max);
    os << '\n';
  }
}

/// Why `name` cannot be written as a row name, or empty.
std::string checkName(StringRef name) {
  if (name.empty())
    return "empty name";
  if (name.find_first_of(kBlanks) != StringRef::npos || name.contains('\n'))
    return "name '" + name.str() + "' contains white space";
  if (name.starts_with("#"))
    return "name '" + name.str() + "' starts with '#'";
  return {};
}

/// Why the parser would reject the printed `table`, or empty.
std::string checkTable(const CalibrationTable &table) {
  auto checkEntries = [](ArrayRef<TableEntry> entries,
                         StringRef block) -> std::string {
    StringSet<> seen;
    for (const TableEntry &entry : entries) {
      std::string why = checkName(entry.name);
      if (!why.empty())
        return why + " in " + block.str();
      if (!seen.insert(entry.name).second)
        return "duplicate name '" + entry.name + "' in " + block.str();
      if (std::isnan(entry.threshold) || std::isnan(entry.min) ||
          std::isnan(entry.max))
        return "'" + entry.name + "' has a NaN value in " + block.str();
    }
    return {};
  };
  std::string why = checkEntries(table.entries, "the thresholds");
  if (why.empty())
    why = checkEntries(table.int4Entries, "#int4_th");
  if (!why.empty())
    return why;
  StringSet<> seen;
  for (const WeightScaleEntry &entry : table.weightScales) {
    why = checkName(entry.name);
    if (!why.empty())
      return why + " in #weight_scale";
    if (!seen.insert(entry.name).second)
      return "duplicate name '" + entry.name + "' in #weight_scale";
    if (entry.scales.empty())
      return "weight scale '" + entry.name + "' has no scales";
    if (!entry.zeroPoints.empty() &&
        entry.zeroPoints.size() != entry.scales.size())
      return "weight scale '" + entry.name + "' has " +
             std::to_string(entry.scales.size()) + " scales but " +
             std::to_string(entry.zeroPoints.size()) + " zero-points";
    for (ArrayRef<double> values :
         {ArrayRef<double>(entry.scales), ArrayRef<double>(entry.zeroPoints)})
      for (double value : values)
        if (!std::isfinite(value))
          return "weight scale '" + entry.name + "' has a non-finite value";
  }
  for (const auto *names : {&table.asymOps, &table.int4Ops})
    for (const std::string &name : *names) {
      why = checkName(name);
      if (!why.empty())
        return why +
               (names == &table.asymOps ? " in #asym_op" : " in #int4_op");
    }
  for (StringRef value : {StringRef(table.mlirFile), StringRef(table.method),
                          StringRef(table.generatedTime)})
    if (value.contains('\n') || value.contains('\r'))
      return "header value '" + value.str() + "' spans lines";
  return {};
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

enum class Block { Int8, Int4, WeightScale, AsymOps, Int4Ops };

/// Whether `text` is a decimal number: [+-]? (d+ (. d*)? | . d+)
/// ([eE] [+-]? d+)?.
bool isDecimal(StringRef text) {
  auto digits = [&text]() {
    size_t n = 0;
    while (n < text.size() && isDigit(text[n]))
      ++n;
    text = text.drop_front(n);
    return n;
  };
  if (text.starts_with("+") || text.starts_with("-"))
    text = text.drop_front();
  size_t mantissa = digits();
  if (text.consume_front("."))
    mantissa += digits();
  if (mantissa == 0)
    return false;
  if (text.starts_with("e") || text.starts_with("E")) {
    text = text.drop_front();
    if (text.starts_with("+") || text.starts_with("-"))
      text = text.drop_front();
    if (digits() == 0)
      return false;
  }
  return text.empty();
}

/// The number spelled by the whole of `field`: a decimal number, or
/// [+-]? inf | infinity | nan (any case); none if it is none of these.
std::optional<double> parseNumber(StringRef field) {
  StringRef word = field;
  bool negative = word.consume_front("-");
  if (!negative)
    word.consume_front("+");
  if (word.equals_insensitive("inf") || word.equals_insensitive("infinity"))
    return negative ? -HUGE_VAL : HUGE_VAL;
  if (word.equals_insensitive("nan"))
    return std::nan("");
  if (!isDecimal(field))
    return std::nullopt;
  APFloat value(APFloat::IEEEdouble());
  auto status = value.convertFromString(field, APFloat::rmNearestTiesToEven);
  if (!status) {
    consumeError(status.takeError());
    return std::nullopt;
  }
  // An overflow reads as +-inf, an underflow as 0 or a denormal.
  return value.convertToDouble();
}

class Parser {
public:
  Parser(StringRef bufferName, const WarningHandler &warn)
      : bufferName(bufferName), warn(warn) {}

  Expected<CalibrationTable> parse(StringRef text);

private:
  /// "<buffer>:<line>: <what> (got '<line>')".
  Error error(const Twine &what) const;
  void warning(const Twine &what) const;

  void parseHeaderComment(StringRef body);
  Error parseDataLine(Block block, SmallVectorImpl<StringRef> &fields);
  Error parseEntry(SmallVectorImpl<StringRef> &fields,
                   std::vector<TableEntry> &entries, StringMap<size_t> &lines,
                   StringRef block);
  Error parseWeightScale(SmallVectorImpl<StringRef> &fields);

  StringRef bufferName;
  const WarningHandler &warn;
  CalibrationTable table;
  size_t lineNumber = 0;
  StringRef line;
  StringMap<size_t> int8Lines, int4Lines, weightLines;
};

Error Parser::error(const Twine &what) const {
  constexpr size_t kMaxShown = 120;
  std::string shown = line.take_front(kMaxShown).str();
  if (line.size() > kMaxShown)
    shown += "...";
  return createStringError(bufferName + ":" + Twine(lineNumber) + ": " + what +
                           " (got '" + shown + "')");
}

void Parser::warning(const Twine &what) const {
  if (warn)
    warn((bufferName + ":" + Twine(lineNumber) + ": warning: " + what).str());
}

void Parser::parseHeaderComment(StringRef body) {
  auto integer = [&](StringRef key, StringRef value, int64_t &out) {
    int64_t parsed;
    if (value.getAsInteger(10, parsed))
      warning("ignoring the " + key + " '" + value + "', not an integer");
    else
      out = parsed;
  };
  if (body.consume_front("mlir:"))
    table.mlirFile = body.trim(kBlanks).str();
  else if (body.consume_front("genetated time:") ||
           body.consume_front("generated time:"))
    table.generatedTime = body.trim(kBlanks).str();
  else if (body.consume_front("quantization threshold calculation method:"))
    table.method = body.trim(kBlanks).str();
  else if (body.consume_front("histogram number:"))
    integer("histogram number", body.trim(kBlanks), table.histogramBins);
  else if (body.consume_front("sample number:"))
    integer("sample number", body.trim(kBlanks), table.sampleCount);
  else if (body.consume_front("tune number:"))
    integer("tune number", body.trim(kBlanks), table.tuneCount);
}

Error Parser::parseEntry(SmallVectorImpl<StringRef> &fields,
                         std::vector<TableEntry> &entries,
                         StringMap<size_t> &lines, StringRef block) {
  if (fields.size() != 4)
    return error("expected 'name threshold min max', found " +
                 Twine(fields.size()) + " field" +
                 (fields.size() == 1 ? "" : "s"));
  TableEntry entry;
  entry.name = fields[0].str();
  static const char *const kWhat[] = {"threshold", "min", "max"};
  double *values[] = {&entry.threshold, &entry.min, &entry.max};
  for (int i = 0; i < 3; ++i) {
    std::optional<double> value = parseNumber(fields[i + 1]);
    if (!value)
      return error(Twine(kWhat[i]) + " '" + fields[i + 1] +
                   "' is not a number");
    if (std::isnan(*value))
      return error(Twine(kWhat[i]) + " of '" + entry.name + "' is NaN");
    if (std::isinf(*value)) {
      *value = *value < 0 ? -kInfReplacement : kInfReplacement;
      warning(Twine(kWhat[i]) + " of '" + entry.name + "' is " + fields[i + 1] +
              ", replaced by " + (*value < 0 ? "-6.5e4" : "6.5e4"));
    }
    *values[i] = *value;
  }
  auto [it, inserted] = lines.try_emplace(entry.name, lineNumber);
  if (!inserted)
    return error("duplicate " + block + " entry '" + entry.name +
                 "', first given at " + bufferName + ":" + Twine(it->second));
  entries.push_back(std::move(entry));
  return Error::success();
}

Error Parser::parseWeightScale(SmallVectorImpl<StringRef> &fields) {
  if (fields.size() < 3)
    return error("expected 'name n s1 ... sn [zp1 ... zpn]'");
  StringRef name = fields[0];
  int64_t count;
  if (fields[1].getAsInteger(10, count) || count < 1)
    return error("scale count '" + fields[1] + "' of '" + name +
                 "' is not a positive integer");
  size_t rest = fields.size() - 2;
  if (static_cast<uint64_t>(count) > rest ||
      (rest != static_cast<size_t>(count) &&
       rest != 2 * static_cast<size_t>(count)))
    return error("'" + name + "' announces " + Twine(count) +
                 " scales but is followed by " + Twine(rest) +
                 " values (expected " + Twine(count) + " or " +
                 Twine(2 * static_cast<uint64_t>(count)) + ")");
  WeightScaleEntry entry;
  entry.name = name.str();
  for (size_t i = 0; i < rest; ++i) {
    bool isScale = i < static_cast<size_t>(count);
    StringRef field = fields[2 + i];
    std::optional<double> value = parseNumber(field);
    if (!value)
      return error(Twine(isScale ? "scale" : "zero-point") + " '" + field +
                   "' of '" + name + "' is not a number");
    if (!std::isfinite(*value))
      return error(Twine(isScale ? "scale" : "zero-point") + " '" + field +
                   "' of '" + name + "' is not finite");
    (isScale ? entry.scales : entry.zeroPoints).push_back(*value);
  }
  auto [it, inserted] = weightLines.try_emplace(entry.name, lineNumber);
  if (!inserted)
    return error("duplicate #weight_scale entry '" + entry.name +
                 "', first given at " + bufferName + ":" + Twine(it->second));
  table.weightScales.push_back(std::move(entry));
  return Error::success();
}

Error Parser::parseDataLine(Block block, SmallVectorImpl<StringRef> &fields) {
  switch (block) {
  case Block::Int8:
    return parseEntry(fields, table.entries, int8Lines, "threshold");
  case Block::Int4:
    return parseEntry(fields, table.int4Entries, int4Lines, "#int4_th");
  case Block::WeightScale:
    return parseWeightScale(fields);
  case Block::AsymOps:
  case Block::Int4Ops:
    if (fields.size() != 1)
      return error("expected one op name, found " + Twine(fields.size()) +
                   " fields");
    (block == Block::AsymOps ? table.asymOps : table.int4Ops)
        .push_back(fields[0].str());
    return Error::success();
  }
  llvm_unreachable("unknown block");
}

Expected<CalibrationTable> Parser::parse(StringRef text) {
  Block block = Block::Int8;
  SmallVector<StringRef, 8> fields;
  while (!text.empty()) {
    ++lineNumber;
    std::tie(line, text) = text.split('\n');
    line = line.trim(kBlanks);
    if (line.empty())
      continue;

    if (line.starts_with("#")) {
      StringRef body = line.drop_front().trim(kBlanks);
      if (body == "weight_scale" || body == "weight_scale_fp8") {
        block = Block::WeightScale;
      } else if (body == "int4_th") {
        block = Block::Int4;
      } else if (body == "asym_op") {
        block = Block::AsymOps;
      } else if (body == "int4_op") {
        block = Block::Int4Ops;
      } else {
        block = Block::Int8;
        parseHeaderComment(body);
      }
      continue;
    }

    fields.clear();
    SplitString(line, fields, kBlanks);
    if (Error err = parseDataLine(block, fields))
      return std::move(err);
  }
  return std::move(table);
}

} // namespace

//===----------------------------------------------------------------------===//
// CalibrationTable
//===----------------------------------------------------------------------===//

const TableEntry *CalibrationTable::lookup(StringRef name) const {
  for (const TableEntry &entry : entries)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

const WeightScaleEntry *
CalibrationTable::lookupWeightScale(StringRef name) const {
  for (const WeightScaleEntry &entry : weightScales)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

std::string calibration::printCalibrationTable(const CalibrationTable &table) {
  std::string result;
  raw_string_ostream os(result);
  os << kVersionLine << '\n';
  printHeaderLine(os, "mlir", table.mlirFile);
  printHeaderLine(os, "genetated time", table.generatedTime);
  printHeaderLine(os, "quantization threshold calculation method",
                  table.method);
  os << "# histogram number: " << table.histogramBins << '\n';
  os << "# sample number: " << table.sampleCount << '\n';
  os << "###\n";
  os << "# tune number: " << table.tuneCount << '\n';
  os << "###\n";
  os << "# op_name    threshold    min    max\n";
  printEntries(os, table.entries);

  if (!table.int4Entries.empty()) {
    os << "\n#int4_th\n";
    printEntries(os, table.int4Entries);
  }
  if (!table.asymOps.empty()) {
    os << "\n#asym_op\n";
    for (const std::string &name : table.asymOps)
      os << name << '\n';
  }
  if (!table.int4Ops.empty()) {
    os << "\n#int4_op\n";
    for (const std::string &name : table.int4Ops)
      os << name << '\n';
  }

  os << "\n#weight_scale\n";
  for (const WeightScaleEntry &entry : table.weightScales) {
    os << entry.name << ' ' << entry.scales.size();
    for (double scale : entry.scales) {
      os << ' ';
      printRoundTrip(os, scale);
    }
    for (double zeroPoint : entry.zeroPoints) {
      os << ' ';
      printRoundTrip(os, zeroPoint);
    }
    os << '\n';
  }
  os.flush();
  return result;
}

Error calibration::writeCalibrationTable(const CalibrationTable &table,
                                         StringRef path) {
  std::string why = checkTable(table);
  if (!why.empty())
    return makeError("cannot write calibration table: " + why, path);
  std::string text = printCalibrationTable(table);
  return writeFileAtomically(path, {StringRef(text)},
                             "write calibration table");
}

Expected<CalibrationTable>
calibration::parseCalibrationTable(StringRef text, StringRef bufferName,
                                   const WarningHandler &warn) {
  return Parser(bufferName, warn).parse(text);
}

Expected<CalibrationTable>
calibration::readCalibrationTable(StringRef path, const WarningHandler &warn) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(
        "cannot open calibration table: " + buffer.getError().message(), path);
  return parseCalibrationTable((*buffer)->getBuffer(), path, warn);
}
