//===- CalibrationTableTest.cpp - tests for the calibration table ---------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The writer is checked against exact expected text, the parser against
// tables as TPU-MLIR writes them, and the two against each other.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/CalibrationTable.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "../TestUtils.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace llvm;
using namespace tpuc;
using namespace tpuc::calibration;

namespace {

/// A table with one of everything the format holds.
CalibrationTable makeFullTable() {
  CalibrationTable table;
  table.mlirFile = "resnet18.mlir";
  table.method = "kl";
  table.generatedTime = "2026-11-22 10:00:00";
  table.histogramBins = 2048;
  table.sampleCount = 100;
  table.tuneCount = 5;
  table.entries = {{"input", 2.6400001, -2.1179039, 2.6400001},
                   {"conv1/bn", 2.0978646, -0.0, 4.4452448},
                   {"fc", 12.5, -11.25, 12.5}};
  table.int4Entries = {{"conv1/bn", 1.5, -1.5 * 8 / 7, 1.5}};
  table.asymOps = {"conv1/bn", "fc"};
  table.int4Ops = {"conv1/bn"};
  table.weightScales = {{"conv1_weight", {0.01, 0.02, 0.03}, {}},
                        {"fc_weight", {0.5, 1.0 / 3}, {0, 128}}};
  return table;
}

void expectEqual(const TableEntry &actual, const TableEntry &expected) {
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.threshold, expected.threshold) << expected.name;
  EXPECT_EQ(actual.min, expected.min) << expected.name;
  EXPECT_EQ(actual.max, expected.max) << expected.name;
}

void expectEqual(const CalibrationTable &actual,
                 const CalibrationTable &expected) {
  EXPECT_EQ(actual.mlirFile, expected.mlirFile);
  EXPECT_EQ(actual.method, expected.method);
  EXPECT_EQ(actual.generatedTime, expected.generatedTime);
  EXPECT_EQ(actual.histogramBins, expected.histogramBins);
  EXPECT_EQ(actual.sampleCount, expected.sampleCount);
  EXPECT_EQ(actual.tuneCount, expected.tuneCount);
  ASSERT_EQ(actual.entries.size(), expected.entries.size());
  for (size_t i = 0; i < expected.entries.size(); ++i)
    expectEqual(actual.entries[i], expected.entries[i]);
  ASSERT_EQ(actual.int4Entries.size(), expected.int4Entries.size());
  for (size_t i = 0; i < expected.int4Entries.size(); ++i)
    expectEqual(actual.int4Entries[i], expected.int4Entries[i]);
  EXPECT_EQ(actual.asymOps, expected.asymOps);
  EXPECT_EQ(actual.int4Ops, expected.int4Ops);
  ASSERT_EQ(actual.weightScales.size(), expected.weightScales.size());
  for (size_t i = 0; i < expected.weightScales.size(); ++i) {
    EXPECT_EQ(actual.weightScales[i].name, expected.weightScales[i].name);
    EXPECT_EQ(actual.weightScales[i].scales, expected.weightScales[i].scales);
    EXPECT_EQ(actual.weightScales[i].zeroPoints,
              expected.weightScales[i].zeroPoints);
  }
}

/// Parses `text` as "t.cali", collecting the warnings.
Expected<CalibrationTable> parse(StringRef text,
                                 std::vector<std::string> *warnings = nullptr) {
  WarningHandler warn;
  if (warnings)
    warn = [warnings](StringRef message) {
      warnings->push_back(message.str());
    };
  return parseCalibrationTable(text, "t.cali", warn);
}

/// The message of the error `text` fails with ("" if it parses).
std::string parseError(StringRef text) {
  Expected<CalibrationTable> table = parse(text);
  if (table)
    return "";
  return toString(table.takeError());
}

const char *const kHeader = "# mlir version: tpuc 0.1 cali version 1.0\n"
                            "# mlir: net.mlir\n";

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

TEST(CalibrationTableTest, PrintsSmallTableExactly) {
  CalibrationTable table;
  table.mlirFile = "net.mlir";
  table.method = "kl";
  table.sampleCount = 10;
  table.entries = {{"input", 2.64, -2.1179039, 2.64},
                   {"conv1", 4.12345674, -0.0, 9.87654326}};
  table.weightScales = {{"conv1_weight", {0.01, 0.02, 0.03}, {}}};
  EXPECT_EQ(printCalibrationTable(table),
            "# mlir version: tpuc 0.1 cali version 1.0\n"
            "# mlir: net.mlir\n"
            "# genetated time:\n"
            "# quantization threshold calculation method: kl\n"
            "# histogram number: 2048\n"
            "# sample number: 10\n"
            "###\n"
            "# tune number: 0\n"
            "###\n"
            "# op_name    threshold    min    max\n"
            "input 2.6400000 -2.1179039 2.6400000\n"
            "conv1 4.1234567 -0.0000000 9.8765433\n"
            "\n"
            "#weight_scale\n"
            "conv1_weight 3 0.01 0.02 0.03\n");
}

TEST(CalibrationTableTest, PrintsEveryBlockExactly) {
  EXPECT_EQ(printCalibrationTable(makeFullTable()),
            "# mlir version: tpuc 0.1 cali version 1.0\n"
            "# mlir: resnet18.mlir\n"
            "# genetated time: 2026-11-22 10:00:00\n"
            "# quantization threshold calculation method: kl\n"
            "# histogram number: 2048\n"
            "# sample number: 100\n"
            "###\n"
            "# tune number: 5\n"
            "###\n"
            "# op_name    threshold    min    max\n"
            "input 2.6400001 -2.1179039 2.6400001\n"
            "conv1/bn 2.0978646 -0.0000000 4.4452448\n"
            "fc 12.5000000 -11.2500000 12.5000000\n"
            "\n"
            "#int4_th\n"
            "conv1/bn 1.5000000 -1.7142857 1.5000000\n"
            "\n"
            "#asym_op\n"
            "conv1/bn\n"
            "fc\n"
            "\n"
            "#int4_op\n"
            "conv1/bn\n"
            "\n"
            "#weight_scale\n"
            "conv1_weight 3 0.01 0.02 0.03\n"
            "fc_weight 2 0.5 0.3333333333333333 0 128\n");
}

TEST(CalibrationTableTest, PrintsEmptyTableWithWeightScaleHeader) {
  std::string text = printCalibrationTable(CalibrationTable());
  EXPECT_TRUE(StringRef(text).ends_with(
      "# op_name    threshold    min    max\n\n#weight_scale\n"))
      << text;
  EXPECT_NE(text.find("# mlir:\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# genetated time:\n"), std::string::npos) << text;
}

TEST(CalibrationTableTest, PrintsNonFiniteValuesPortably) {
  CalibrationTable table;
  table.entries = {{"x", HUGE_VAL, -HUGE_VAL, std::nan("")}};
  EXPECT_NE(printCalibrationTable(table).find("\nx inf -inf nan\n"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Round trip
//===----------------------------------------------------------------------===//

TEST(CalibrationTableTest, RoundTripsEveryBlock) {
  CalibrationTable table = makeFullTable();
  std::string text = printCalibrationTable(table);
  std::vector<std::string> warnings;
  Expected<CalibrationTable> parsed = parse(text, &warnings);
  ASSERT_TRUE(bool(parsed)) << toString(parsed.takeError());
  EXPECT_TRUE(warnings.empty());
  // The int4 min is rounded to 7 decimals, the rest is exact.
  table.int4Entries[0].min = -1.7142857;
  expectEqual(*parsed, table);
  EXPECT_EQ(printCalibrationTable(*parsed), text);
}

TEST(CalibrationTableTest, RoundTripsEmptyTable) {
  CalibrationTable table;
  table.histogramBins = 512;
  Expected<CalibrationTable> parsed = parse(printCalibrationTable(table));
  ASSERT_TRUE(bool(parsed)) << toString(parsed.takeError());
  expectEqual(*parsed, table);
}

TEST(CalibrationTableTest, RoundsThresholdsAndKeepsWeightScalesExactly) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-100, 100);
  std::lognormal_distribution<double> scaleDist(-5, 3);
  CalibrationTable table;
  for (int i = 0; i < 200; ++i)
    table.entries.push_back(
        {"t" + std::to_string(i), std::abs(dist(rng)), dist(rng), dist(rng)});
  WeightScaleEntry weights{"w_weight", {}, {}};
  for (int i = 0; i < 200; ++i) {
    weights.scales.push_back(scaleDist(rng));
    weights.zeroPoints.push_back(dist(rng));
  }
  weights.scales.push_back(-0.0);
  weights.zeroPoints.push_back(5e-324);
  table.weightScales.push_back(weights);

  std::string text = printCalibrationTable(table);
  Expected<CalibrationTable> parsed = parse(text);
  ASSERT_TRUE(bool(parsed)) << toString(parsed.takeError());
  ASSERT_EQ(parsed->entries.size(), table.entries.size());
  for (size_t i = 0; i < table.entries.size(); ++i) {
    EXPECT_NEAR(parsed->entries[i].threshold, table.entries[i].threshold,
                5.01e-8);
    EXPECT_NEAR(parsed->entries[i].min, table.entries[i].min, 5.01e-8);
    EXPECT_NEAR(parsed->entries[i].max, table.entries[i].max, 5.01e-8);
  }
  ASSERT_EQ(parsed->weightScales.size(), 1u);
  EXPECT_EQ(parsed->weightScales[0].scales, weights.scales);
  EXPECT_EQ(parsed->weightScales[0].zeroPoints, weights.zeroPoints);
  // Printing what was read gives the same bytes.
  EXPECT_EQ(printCalibrationTable(*parsed), text);
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

/// A table as TPU-MLIR's run_calibration writes it.
const char *const kTpuMlirTable =
    "# mlir version: v1.3.140-g3e0ac9d4-20231108 cali version 1.0\n"
    "# mlir: resnet18.mlir\n"
    "# genetated time: 2023-11-08 10:21:33.482913\n"
    "# quantization threshold calculation method: kl\n"
    "# histogram number: 2048\n"
    "# sample number: 100\n"
    "###\n"
    "# tune number: 5\n"
    "###\n"
    "# op_name    threshold    min    max\n"
    "data 2.5680201 -2.1025600 2.5680201\n"
    "conv1/bn 2.0978646 -0.0000000 4.4452448\n"
    "pool1 4.4452448 0.0000000 4.4452448\n"
    "fc1000 18.3470631 -9.8316097 18.3470631\n"
    "\n"
    "#weight_scale\n"
    "conv1_weight 4 0.0123 0.0456 0.0078 0.0101\n"
    "fc1000_weight 2 0.5 0.25 128 127\n";

void expectTpuMlirTable(const CalibrationTable &table) {
  EXPECT_EQ(table.mlirFile, "resnet18.mlir");
  EXPECT_EQ(table.generatedTime, "2023-11-08 10:21:33.482913");
  EXPECT_EQ(table.method, "kl");
  EXPECT_EQ(table.histogramBins, 2048);
  EXPECT_EQ(table.sampleCount, 100);
  EXPECT_EQ(table.tuneCount, 5);
  ASSERT_EQ(table.entries.size(), 4u);
  expectEqual(table.entries[0], {"data", 2.5680201, -2.10256, 2.5680201});
  expectEqual(table.entries[1], {"conv1/bn", 2.0978646, -0.0, 4.4452448});
  EXPECT_TRUE(std::signbit(table.entries[1].min));
  expectEqual(table.entries[2], {"pool1", 4.4452448, 0, 4.4452448});
  expectEqual(table.entries[3], {"fc1000", 18.3470631, -9.8316097, 18.3470631});
  EXPECT_TRUE(table.int4Entries.empty());
  EXPECT_TRUE(table.asymOps.empty());
  EXPECT_TRUE(table.int4Ops.empty());
  ASSERT_EQ(table.weightScales.size(), 2u);
  EXPECT_EQ(table.weightScales[0].name, "conv1_weight");
  EXPECT_EQ(table.weightScales[0].scales,
            (std::vector<double>{0.0123, 0.0456, 0.0078, 0.0101}));
  EXPECT_TRUE(table.weightScales[0].zeroPoints.empty());
  EXPECT_EQ(table.weightScales[1].scales, (std::vector<double>{0.5, 0.25}));
  EXPECT_EQ(table.weightScales[1].zeroPoints, (std::vector<double>{128, 127}));

  ASSERT_NE(table.lookup("conv1/bn"), nullptr);
  EXPECT_EQ(table.lookup("conv1/bn"), &table.entries[1]);
  EXPECT_EQ(table.lookup("conv1"), nullptr);
  EXPECT_EQ(table.lookup("conv1_weight"), nullptr);
  EXPECT_EQ(table.lookupWeightScale("fc1000_weight"), &table.weightScales[1]);
  EXPECT_EQ(table.lookupWeightScale("fc1000"), nullptr);
}

TEST(CalibrationTableTest, ParsesTpuMlirTable) {
  std::vector<std::string> warnings;
  Expected<CalibrationTable> table = parse(kTpuMlirTable, &warnings);
  ASSERT_TRUE(bool(table)) << toString(table.takeError());
  EXPECT_TRUE(warnings.empty());
  expectTpuMlirTable(*table);
}

TEST(CalibrationTableTest, ParsesCrlfInput) {
  std::string crlf;
  for (char c : StringRef(kTpuMlirTable)) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  Expected<CalibrationTable> table = parse(crlf);
  ASSERT_TRUE(bool(table)) << toString(table.takeError());
  expectTpuMlirTable(*table);
}

TEST(CalibrationTableTest, ParsesWithoutTrailingNewlineAndExtraBlanks) {
  Expected<CalibrationTable> table =
      parse("\n\n  a\t1.5   -1e-1  2E+0  \n\t\n#weight_scale\nw_weight 1 .5");
  ASSERT_TRUE(bool(table)) << toString(table.takeError());
  ASSERT_EQ(table->entries.size(), 1u);
  expectEqual(table->entries[0], {"a", 1.5, -0.1, 2});
  ASSERT_EQ(table->weightScales.size(), 1u);
  EXPECT_EQ(table->weightScales[0].scales, std::vector<double>{0.5});
  // Nothing in the header: the defaults stay.
  EXPECT_EQ(table->histogramBins, 2048);
  EXPECT_EQ(table->sampleCount, 0);
  EXPECT_EQ(table->method, "");
}

TEST(CalibrationTableTest, OtherCommentsReturnToTheInt8Block) {
  Expected<CalibrationTable> table =
      parse("#Automatically generated, work_mode choice:[QAT_all_int8]\n"
            "a 1 -1 1\n"
            "#weight_scale\n"
            "a_weight 1 0.5\n"
            "# back to thresholds\n"
            "b 2 -2 2\n"
            "#int4_th\n"
            "b 0.5 -0.5714286 0.5\n"
            "#asym_op\n"
            "b\n"
            "#int4_op\n"
            "a\n"
            "###\n"
            "c 3 0 3\n"
            "#weight_scale_fp8\n"
            "c_weight 2 0.1 0.2\n");
  ASSERT_TRUE(bool(table)) << toString(table.takeError());
  ASSERT_EQ(table->entries.size(), 3u);
  EXPECT_EQ(table->entries[0].name, "a");
  EXPECT_EQ(table->entries[1].name, "b");
  EXPECT_EQ(table->entries[2].name, "c");
  ASSERT_EQ(table->int4Entries.size(), 1u);
  expectEqual(table->int4Entries[0], {"b", 0.5, -0.5714286, 0.5});
  EXPECT_EQ(table->asymOps, std::vector<std::string>{"b"});
  EXPECT_EQ(table->int4Ops, std::vector<std::string>{"a"});
  ASSERT_EQ(table->weightScales.size(), 2u);
  EXPECT_EQ(table->weightScales[1].name, "c_weight");
}

TEST(CalibrationTableTest, ReplacesInfWithWarning) {
  std::vector<std::string> warnings;
  Expected<CalibrationTable> table =
      parse(std::string(kHeader) + "a 1 -1 1\nb inf -INF +inf\nc 1e400 0 1\n",
            &warnings);
  ASSERT_TRUE(bool(table)) << toString(table.takeError());
  ASSERT_EQ(table->entries.size(), 3u);
  expectEqual(table->entries[1], {"b", 6.5e4, -6.5e4, 6.5e4});
  EXPECT_EQ(table->entries[2].threshold, 6.5e4);
  ASSERT_EQ(warnings.size(), 4u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(StringRef(warnings[i]).starts_with("t.cali:4: warning: "))
        << warnings[i];
  EXPECT_NE(warnings[0].find("threshold of 'b' is inf"), std::string::npos)
      << warnings[0];
  EXPECT_NE(warnings[0].find("6.5e4"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("-6.5e4"), std::string::npos) << warnings[1];
  EXPECT_TRUE(StringRef(warnings[3]).starts_with("t.cali:5: warning: "))
      << warnings[3];
  // Without a handler the warnings are dropped.
  EXPECT_TRUE(bool(parseCalibrationTable("b inf 0 1\n", "t.cali")));
}

TEST(CalibrationTableTest, WarnsAboutBadHeaderNumbers) {
  std::vector<std::string> warnings;
  Expected<CalibrationTable> table =
      parse("# histogram number: many\n# sample number: 12\n", &warnings);
  ASSERT_TRUE(bool(table)) << toString(table.takeError());
  EXPECT_EQ(table->histogramBins, 2048);
  EXPECT_EQ(table->sampleCount, 12);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(StringRef(warnings[0]).starts_with("t.cali:1: warning: "))
      << warnings[0];
}

//===----------------------------------------------------------------------===//
// Parser errors
//===----------------------------------------------------------------------===//

TEST(CalibrationTableTest, RejectsWrongFieldCount) {
  std::string message = parseError(std::string(kHeader) + "conv1 1.0 0.0\n");
  EXPECT_EQ(message, "t.cali:3: expected 'name threshold min max', found 3 "
                     "fields (got 'conv1 1.0 0.0')");
  message = parseError("a 1 2 3 4\n");
  EXPECT_TRUE(StringRef(message).starts_with("t.cali:1: ")) << message;
  message = parseError("#int4_th\na 1 2\n");
  EXPECT_TRUE(StringRef(message).starts_with("t.cali:2: ")) << message;
}

TEST(CalibrationTableTest, RejectsNonNumbers) {
  for (const char *bad : {"abc", "1.0x", "0x10", "1e", "--1", ".", "1.2.3",
                          "1,5", "e5", "infinite", "1e+"}) {
    std::string line = std::string("conv1 ") + bad + " 0 1";
    std::string message = parseError(std::string(kHeader) + line + "\r\n");
    EXPECT_TRUE(StringRef(message).starts_with(
        "t.cali:3: threshold '" + std::string(bad) + "' is not a number"))
        << message;
    EXPECT_TRUE(StringRef(message).ends_with("(got '" + line + "')"))
        << message;
  }
  std::string message = parseError("a 1 0 abc\n");
  EXPECT_TRUE(StringRef(message).starts_with("t.cali:1: max 'abc'")) << message;
}

TEST(CalibrationTableTest, RejectsNaN) {
  for (const char *bad : {"nan", "NaN", "-nan"}) {
    std::string message =
        parseError(std::string(kHeader) + "a 1 0 1\nconv1 " + bad + " 0 1\n");
    EXPECT_TRUE(StringRef(message).starts_with("t.cali:4: threshold of "
                                               "'conv1' is NaN"))
        << message;
  }
  std::string message = parseError("#int4_th\na 1 nan 1\n");
  EXPECT_TRUE(StringRef(message).starts_with("t.cali:2: min of 'a' is NaN"))
      << message;
}

TEST(CalibrationTableTest, RejectsDuplicates) {
  std::string message = parseError(std::string(kHeader) + "a 1 0 1\n"
                                                          "b 1 0 1\n"
                                                          "#weight_scale\n"
                                                          "a_weight 1 0.5\n"
                                                          "#\n"
                                                          "a 2 0 2\n");
  EXPECT_EQ(message, "t.cali:8: duplicate threshold entry 'a', first given "
                     "at t.cali:3 (got 'a 2 0 2')");
  // The same name may appear once in each block.
  EXPECT_EQ(parseError("a 1 0 1\n#int4_th\na 1 0 1\n"), "");
  message = parseError("#weight_scale\nw 1 1\nw 1 2\n");
  EXPECT_TRUE(StringRef(message).starts_with("t.cali:3: duplicate "))
      << message;
  EXPECT_NE(message.find("t.cali:2"), std::string::npos) << message;
}

TEST(CalibrationTableTest, RejectsBadWeightScaleRows) {
  for (const char *row :
       {"w 3 0.1 0.2", "w 0", "w 0 0.1", "w -1 0.1", "w two 0.1", "w 1.0 0.1",
        "w 2 0.1 0.2 0.3", "w 1 abc", "w 1 nan", "w 1 inf", "w 1 0.5 x", "w",
        "w 2", "w 9223372036854775807 1"}) {
    std::string message =
        parseError(std::string(kHeader) + "\n#weight_scale\n" + row + "\n");
    EXPECT_TRUE(StringRef(message).starts_with("t.cali:5: ")) << message;
    EXPECT_TRUE(
        StringRef(message).ends_with("(got '" + std::string(row) + "')"))
        << message;
  }
}

TEST(CalibrationTableTest, RejectsOpListRowsWithSeveralNames) {
  std::string message = parseError("#asym_op\na\nb c\n");
  EXPECT_TRUE(StringRef(message).starts_with("t.cali:3: ")) << message;
}

TEST(CalibrationTableTest, ShortensLongLinesInErrors) {
  std::string message = parseError("a " + std::string(1000, '1') + " 1\n");
  EXPECT_LT(message.size(), 300u);
  EXPECT_TRUE(StringRef(message).ends_with("...')")) << message;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

class CalibrationTableFileTest : public unittest::ScratchDirTest {
protected:
  CalibrationTableFileTest() : ScratchDirTest("tpuc-cali-table-test") {}

  std::vector<std::string> listDir(StringRef path) {
    std::vector<std::string> names;
    std::error_code ec;
    for (sys::fs::directory_iterator it(path, ec), end; !ec && it != end;
         it.increment(ec))
      names.push_back(sys::path::filename(it->path()).str());
    EXPECT_FALSE(ec) << ec.message();
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string readFile(StringRef name) {
    auto buffer = MemoryBuffer::getFile(path(name));
    EXPECT_TRUE(bool(buffer)) << name.str();
    return buffer ? (*buffer)->getBuffer().str() : std::string();
  }
};

TEST_F(CalibrationTableFileTest, WritesAtomicallyAndOverwrites) {
  std::string file = path("resnet18_cali_table");
  CalibrationTable first;
  first.entries = {{"a", 1, -1, 1}};
  ASSERT_FALSE(bool(writeCalibrationTable(first, file)));
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"resnet18_cali_table"});
  EXPECT_EQ(readFile("resnet18_cali_table"), printCalibrationTable(first));

  CalibrationTable second = makeFullTable();
  ASSERT_FALSE(bool(writeCalibrationTable(second, file)));
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"resnet18_cali_table"});
  EXPECT_EQ(readFile("resnet18_cali_table"), printCalibrationTable(second));

  std::vector<std::string> warnings;
  Expected<CalibrationTable> read = readCalibrationTable(
      file, [&](StringRef message) { warnings.push_back(message.str()); });
  ASSERT_TRUE(bool(read)) << toString(read.takeError());
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(printCalibrationTable(*read), printCalibrationTable(second));
}

TEST_F(CalibrationTableFileTest, FailsCleanlyForMissingDirectory) {
  std::string file = path("missing/table");
  Error err = writeCalibrationTable(makeFullTable(), file);
  ASSERT_TRUE(bool(err));
  std::string message = toString(std::move(err));
  EXPECT_TRUE(StringRef(message).starts_with("cannot write calibration table"))
      << message;
  EXPECT_TRUE(StringRef(message).ends_with(", " + file)) << message;
  EXPECT_TRUE(listDir(dir).empty());
}

TEST_F(CalibrationTableFileTest, RefusesTablesItsParserWouldReject) {
  std::string file = path("table");
  CalibrationTable table;
  table.weightScales = {{"w_weight", {0.1, 0.2}, {0}}};
  Error err = writeCalibrationTable(table, file);
  ASSERT_TRUE(bool(err));
  std::string message = toString(std::move(err));
  EXPECT_EQ(message, "cannot write calibration table: weight scale "
                     "'w_weight' has 2 scales but 1 zero-points, " +
                         file);

  CalibrationTable bad[5];
  bad[0].entries = {{"a b", 1, 0, 1}};
  bad[1].entries = {{"a", 1, 0, 1}, {"a", 2, 0, 2}};
  bad[2].entries = {{"a", std::nan(""), 0, 1}};
  bad[3].weightScales = {{"w_weight", {}, {}}};
  bad[4].asymOps = {"#x"};
  for (const CalibrationTable &table : bad) {
    Error err = writeCalibrationTable(table, file);
    EXPECT_TRUE(bool(err));
    consumeError(std::move(err));
  }
  EXPECT_TRUE(listDir(dir).empty());
}

TEST_F(CalibrationTableFileTest, ReadReportsMissingFileAndUsesPathInErrors) {
  std::string file = path("absent");
  Expected<CalibrationTable> table = readCalibrationTable(file);
  ASSERT_FALSE(bool(table));
  std::string message = toString(table.takeError());
  EXPECT_TRUE(StringRef(message).starts_with("cannot open calibration table: "))
      << message;
  EXPECT_TRUE(StringRef(message).ends_with(", " + file)) << message;

  std::error_code ec;
  {
    raw_fd_ostream os(path("bad"), ec);
    os << "# header\n\na 1 0\n";
  }
  ASSERT_FALSE(ec);
  table = readCalibrationTable(path("bad"));
  ASSERT_FALSE(bool(table));
  message = toString(table.takeError());
  EXPECT_TRUE(StringRef(message).starts_with(path("bad") + ":3: ")) << message;
}

} // namespace
