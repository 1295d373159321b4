//===- ProgressTest.cpp - tests for progress reporting --------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The output goes to a string with an explicit style. Rates and times depend
// on the machine, so lines are matched by regular expressions that pin
// everything but the numbers of seconds.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Support/Progress.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

using namespace llvm;
using namespace tpuc;

namespace {

/// A non-negative decimal number as printed for rates and times.
const char *const kNumber = R"(\d+\.\d)";

std::vector<std::string> linesOf(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, '\n');
  EXPECT_TRUE(parts.back().empty()) << "the output ends without a newline";
  parts.pop_back();
  return std::vector<std::string>(parts.begin(), parts.end());
}

/// "calibration: 5 samples in 0.0s (123.4 samples/s)".
std::string summary(StringRef what, int64_t done, StringRef unit) {
  return what.str() + ": " + std::to_string(done) + " " + unit.str() + " in " +
         kNumber + "s \\(" + kNumber + " " + unit.str() + "/s\\)";
}

/// "calibration: 30/100 samples (30%), 1.2 samples/s, elapsed 0.4s".
std::string decileLine(StringRef what, int64_t done, int64_t total,
                       StringRef unit, int64_t percent) {
  return what.str() + ": " + std::to_string(done) + "/" +
         std::to_string(total) + " " + unit.str() + " \\(" +
         std::to_string(percent) + "%\\), " + kNumber + " " + unit.str() +
         "/s, elapsed " + kNumber + "s";
}

void expectMatches(const std::string &line, const std::string &pattern) {
  EXPECT_TRUE(std::regex_match(line, std::regex(pattern)))
      << "'" << line << "' does not match '" << pattern << "'";
}

TEST(ProgressTest, LinesOnePerDecile) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("calibration", "samples", 100, os,
                      Progress::Style::Lines);
    for (int i = 0; i < 100; ++i)
      progress.advance();
    progress.finish();
  }
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 11u) << out;
  for (int d = 1; d <= 10; ++d)
    expectMatches(lines[d - 1],
                  decileLine("calibration", d * 10, 100, "samples", d * 10));
  expectMatches(lines[10], summary("calibration", 100, "samples"));
}

TEST(ProgressTest, LinesJumpOverDeciles) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("search", "layers", 100, os, Progress::Style::Lines);
    progress.advance(5);  // below 10 %: nothing
    progress.advance(32); // 37 %: one line for 30 %, none for 10 and 20
    progress.advance(1);  // 38 %: still the 30 % decile
    progress.advance(62); // 100 %
  }                       // the destructor finishes
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  expectMatches(lines[0], decileLine("search", 37, 100, "layers", 37));
  expectMatches(lines[1], decileLine("search", 100, 100, "layers", 100));
  expectMatches(lines[2], summary("search", 100, "layers"));
}

TEST(ProgressTest, LinesFewItems) {
  // Three items: 33 %, 66 %, 100 % - every advance crosses a decile.
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("calibration", "samples", 3, os, Progress::Style::Lines);
    for (int i = 0; i < 3; ++i)
      progress.advance();
  }
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 4u) << out;
  expectMatches(lines[0], decileLine("calibration", 1, 3, "samples", 33));
  expectMatches(lines[1], decileLine("calibration", 2, 3, "samples", 66));
  expectMatches(lines[2], decileLine("calibration", 3, 3, "samples", 100));
  expectMatches(lines[3], summary("calibration", 3, "samples"));
}

TEST(ProgressTest, UnfinishedWorkStillSummarized) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("calibration", "samples", 10, os, Progress::Style::Lines);
    progress.advance(2);
    progress.advance(2);
  }
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 3u) << out;
  expectMatches(lines[0], decileLine("calibration", 2, 10, "samples", 20));
  expectMatches(lines[1], decileLine("calibration", 4, 10, "samples", 40));
  expectMatches(lines[2], summary("calibration", 4, "samples"));
}

TEST(ProgressTest, ZeroTotalPrintsOnlyTheSummary) {
  for (Progress::Style style :
       {Progress::Style::Lines, Progress::Style::Terminal}) {
    std::string out;
    raw_string_ostream os(out);
    {
      Progress progress("calibration", "samples", 0, os, style);
      progress.advance(2);
    }
    EXPECT_EQ(out.find('\r'), std::string::npos) << out;
    std::vector<std::string> lines = linesOf(out);
    ASSERT_EQ(lines.size(), 1u) << out;
    expectMatches(lines[0], summary("calibration", 2, "samples"));
  }
}

TEST(ProgressTest, FinishOnce) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("work", "items", 0, os, Progress::Style::Lines);
    progress.finish();
    progress.finish();
    progress.advance(); // after finish: ignored
  }
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  expectMatches(lines[0], summary("work", 0, "items"));
}

TEST(ProgressTest, Quiet) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("calibration", "samples", 10, os, Progress::Style::Quiet);
    progress.advance(10);
  }
  EXPECT_EQ(out, "");
}

TEST(ProgressTest, AutoOnAStringIsLines) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("calibration", "samples", 2, os);
    progress.advance(2);
  }
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 2u) << out;
  expectMatches(lines[0], decileLine("calibration", 2, 2, "samples", 100));
}

TEST(ProgressTest, TerminalRedrawsInPlaceAndThrottles) {
  std::string out;
  raw_string_ostream os(out);
  const int64_t total = 2000;
  auto start = std::chrono::steady_clock::now();
  {
    Progress progress("calibration", "samples", total, os,
                      Progress::Style::Terminal);
    for (int64_t i = 0; i < total; ++i)
      progress.advance();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // One line in all, redrawn with '\r'.
  std::vector<std::string> lines = linesOf(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  SmallVector<StringRef> draws;
  StringRef(lines[0]).split(draws, '\r');
  ASSERT_TRUE(draws.front().empty()) << "the first draw starts with '\\r'";
  draws.erase(draws.begin());
  // The empty bar, the timed redraws (at most 10 a second), the full bar
  // and the summary.
  ASSERT_GE(draws.size(), 3u);
  EXPECT_LE(draws.size(), 3 + static_cast<size_t>(seconds * 10) + 1) << out;

  std::string bar = R"(calibration \[[# ]{20}\]  )";
  expectMatches(draws.front().str(),
                bar + "   0/2000  " + kNumber + " samples/s");
  expectMatches(draws[draws.size() - 2].rtrim(' ').str(),
                R"(calibration \[#{20}\]  2000/2000  )" + std::string(kNumber) +
                    " samples/s");
  for (size_t i = 1; i + 2 < draws.size(); ++i)
    expectMatches(draws[i].rtrim(' ').str(), bar + R"( *\d+/2000  )" + kNumber +
                                                 " samples/s  ETA " +
                                                 R"(\d+(s|m\d\ds|h\d\dm))");
  expectMatches(draws.back().rtrim(' ').str(),
                summary("calibration", total, "samples"));
  // Each draw covers the previous one.
  for (size_t i = 1; i < draws.size(); ++i)
    EXPECT_GE(draws[i].size(), draws[i - 1].size()) << i;
}

TEST(ProgressTest, TerminalRedrawsAfterTheInterval) {
  std::string out;
  raw_string_ostream os(out);
  {
    Progress progress("search", "layers", 4, os, Progress::Style::Terminal);
    progress.advance();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    progress.advance(); // 150 ms after the first draw: drawn
    progress.advance(); // at once: throttled
    progress.advance(); // the end: drawn
  }
  SmallVector<StringRef> draws;
  StringRef(out).split(draws, '\r');
  draws.erase(draws.begin());
  ASSERT_EQ(draws.size(), 4u) << out;
  expectMatches(draws[0].str(), R"(search \[ {20}\]  0/4  )" +
                                    std::string(kNumber) + " layers/s");
  expectMatches(draws[1].rtrim(' ').str(), R"(search \[#{10} {10}\]  2/4  )" +
                                               std::string(kNumber) +
                                               R"( layers/s  ETA \d+s)");
  expectMatches(draws[2].rtrim(' ').str(), R"(search \[#{20}\]  4/4  )" +
                                               std::string(kNumber) +
                                               " layers/s");
  expectMatches(StringRef(draws[3]).rtrim('\n').rtrim(' ').str(),
                summary("search", 4, "layers"));
}

} // namespace
