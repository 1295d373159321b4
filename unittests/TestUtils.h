//===- TestUtils.h - helpers shared by the unit tests -----------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_UNITTESTS_TESTUTILS_H
#define TPUC_UNITTESTS_TESTUTILS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tpuc::unittest {

/// `n` floats drawn uniformly from [-1, 1) by a generator seeded with `seed`.
inline std::vector<float> randomData(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> data(n);
  for (float &v : data)
    v = dist(rng);
  return data;
}

/// |a - r| <= 1e-4 * max(1, |r|) for every element; the first five
/// mismatches are reported as "element i: a <versus> r".
inline void expectClose(llvm::ArrayRef<float> actual,
                        llvm::ArrayRef<float> expected,
                        const char *versus = "vs") {
  ASSERT_EQ(actual.size(), expected.size());
  int reported = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    float tolerance = 1e-4f * std::max(1.0f, std::abs(expected[i]));
    if (!(std::abs(actual[i] - expected[i]) <= tolerance) && reported++ < 5)
      ADD_FAILURE() << "element " << i << ": " << actual[i] << " " << versus
                    << " " << expected[i];
  }
}

/// A fixture that gives each test a fresh directory (named after `prefix`),
/// removed afterwards.
class ScratchDirTest : public ::testing::Test {
protected:
  explicit ScratchDirTest(const char *prefix) : prefix(prefix) {}

  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory(prefix, dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  /// `name` inside the test directory.
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<128> result(dir);
    llvm::sys::path::append(result, name);
    return std::string(result);
  }

  llvm::SmallString<128> dir;

private:
  const char *prefix;
};

} // namespace tpuc::unittest

#endif // TPUC_UNITTESTS_TESTUTILS_H
