//===- KernelsTest.cpp - oneDNN kernels against the reference loops -------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Every oneDNN-backed kernel is compared on random data with the plain loop
// accumulating in double, and run with 1 and 2 threads, whose outputs must
// be byte-identical.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Kernels/Conv.h"
#include "tpuc/Kernels/MatMul.h"
#include "tpuc/Support/Parallel.h"

#include "../TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace tpuc;
using namespace tpuc::kernels;

namespace {

using tpuc::unittest::randomData;

/// |a - r| <= 1e-4 * max(1, |r|) for every element, as in TestUtils.h.
void expectClose(const std::vector<float> &actual,
                 const std::vector<float> &expected) {
  tpuc::unittest::expectClose(actual, expected, "vs reference");
}

int64_t numOutputs(const ConvShape &s) {
  return s.batch * s.outChannels * s.outHeight * s.outWidth;
}

/// Fills in the output size from the other fields.
ConvShape withOutput(ConvShape s) {
  auto size = [](int64_t in, int64_t pb, int64_t pe, int64_t k, int64_t st,
                 int64_t d) {
    return (in + pb + pe - d * (k - 1) - 1) / st + 1;
  };
  s.outHeight = size(s.inHeight, s.padTop, s.padBottom, s.kernelHeight,
                     s.strideHeight, s.dilationHeight);
  s.outWidth = size(s.inWidth, s.padLeft, s.padRight, s.kernelWidth,
                    s.strideWidth, s.dilationWidth);
  return s;
}

struct ConvCase {
  const char *name;
  ConvShape shape;
};

ConvShape conv(int64_t n, int64_t ic, int64_t ih, int64_t iw, int64_t oc,
               int64_t kh, int64_t kw) {
  ConvShape s;
  s.batch = n;
  s.inChannels = ic;
  s.inHeight = ih;
  s.inWidth = iw;
  s.outChannels = oc;
  s.kernelHeight = kh;
  s.kernelWidth = kw;
  return s;
}

std::vector<ConvCase> convCases() {
  std::vector<ConvCase> cases;
  {
    // 1-D: height 1, stride, dilation and uneven pads along the width.
    ConvShape s = conv(2, 3, 1, 17, 5, 1, 3);
    s.strideWidth = 2;
    s.dilationWidth = 2;
    s.padLeft = 1;
    s.padRight = 2;
    s.hasBias = true;
    cases.push_back({"conv1d", s});
  }
  {
    ConvShape s = conv(1, 3, 9, 11, 8, 3, 3);
    s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
    s.hasBias = true;
    cases.push_back({"conv2d_same", s});
  }
  {
    ConvShape s = conv(2, 4, 7, 6, 6, 3, 2);
    s.groups = 2;
    s.hasBias = true;
    cases.push_back({"groups", s});
  }
  {
    ConvShape s = conv(1, 32, 10, 10, 32, 3, 3);
    s.groups = 32;
    s.strideHeight = s.strideWidth = 2;
    s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
    s.hasBias = true;
    cases.push_back({"depthwise", s});
  }
  {
    ConvShape s = conv(1, 5, 12, 13, 7, 3, 3);
    s.dilationHeight = 2;
    s.dilationWidth = 3;
    s.padTop = 0;
    s.padLeft = 1;
    s.padBottom = 2;
    s.padRight = 0;
    s.hasBias = true;
    cases.push_back({"dilation_asymmetric_pads", s});
  }
  {
    ConvShape s = conv(1, 3, 11, 14, 4, 3, 4);
    s.strideHeight = 2;
    s.strideWidth = 3;
    s.padBottom = 1;
    cases.push_back({"stride_no_bias", s});
  }
  {
    ConvShape s = conv(1, 6, 8, 8, 16, 1, 1);
    s.doRelu = true;
    cases.push_back({"pointwise_relu", s});
  }
  {
    ConvShape s = conv(1, 8, 9, 9, 12, 3, 3);
    s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
    s.hasBias = true;
    s.doRelu = true;
    s.reluLimit = 6.0;
    cases.push_back({"relu6", s});
  }
  {
    // Several channel chunks per image, the last one short.
    ConvShape s = conv(2, 32, 20, 20, 40, 3, 3);
    s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
    s.hasBias = true;
    s.doRelu = true;
    cases.push_back({"chunked_channels", s});
  }
  {
    // One chunk per group.
    ConvShape s = conv(1, 96, 12, 12, 96, 3, 3);
    s.groups = 3;
    s.padTop = s.padLeft = s.padBottom = s.padRight = 1;
    cases.push_back({"chunked_groups", s});
  }
  for (ConvCase &c : cases)
    c.shape = withOutput(c.shape);
  return cases;
}

class ConvKernelTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvKernelTest, MatchesReferenceForAnyThreadCount) {
  const ConvShape &s = GetParam().shape;
  ASSERT_FALSE(bool(checkConvShape(s)));
  int64_t icg = s.inChannels / s.groups;
  auto input = randomData(s.batch * s.inChannels * s.inHeight * s.inWidth, 1);
  auto filter =
      randomData(s.outChannels * icg * s.kernelHeight * s.kernelWidth, 2);
  auto bias = randomData(s.outChannels, 3);
  std::vector<float> expected(numOutputs(s));
  referenceConv2D(s, input.data(), filter.data(), bias.data(), expected.data());

  auto kernel = Conv2D::create(s);
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  std::vector<float> one(numOutputs(s), NAN), two(numOutputs(s), NAN);
  {
    ThreadCountScope threads(1);
    ASSERT_FALSE(
        bool((*kernel)->run(input.data(), filter.data(),
                            s.hasBias ? bias.data() : nullptr, one.data())));
  }
  {
    ThreadCountScope threads(2);
    ASSERT_FALSE(
        bool((*kernel)->run(input.data(), filter.data(),
                            s.hasBias ? bias.data() : nullptr, two.data())));
  }
  expectClose(one, expected);
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * sizeof(float)))
      << "1 and 2 threads differ";
}

INSTANTIATE_TEST_SUITE_P(Kernels, ConvKernelTest,
                         ::testing::ValuesIn(convCases()),
                         [](const auto &info) { return info.param.name; });

TEST(ConvKernel, LargeShapesAreSplitIntoChunks) {
  for (const ConvCase &c : convCases()) {
    auto kernel = Conv2D::create(c.shape);
    ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
    if (llvm::StringRef(c.name).starts_with("chunked")) {
      EXPECT_GT((*kernel)->getNumChunks(), c.shape.batch) << c.name;
    }
  }
}

TEST(ConvKernel, InconsistentShapeIsAnError) {
  ConvShape s = withOutput(conv(1, 3, 8, 8, 4, 3, 3));
  s.outWidth += 1;
  auto kernel = Conv2D::create(s);
  ASSERT_FALSE(bool(kernel));
  EXPECT_NE(llvm::toString(kernel.takeError()).find("does not follow"),
            std::string::npos);
  s = withOutput(conv(1, 3, 8, 8, 4, 3, 3));
  s.groups = 2;
  kernel = Conv2D::create(s);
  ASSERT_FALSE(bool(kernel));
  llvm::consumeError(kernel.takeError());
}

struct MatMulCase {
  const char *name;
  MatMulShape shape;
};

MatMulShape matmul(std::vector<int64_t> batch, std::vector<int64_t> lhs,
                   std::vector<int64_t> rhs, int64_t m, int64_t k, int64_t n) {
  MatMulShape s;
  s.batch = std::move(batch);
  s.lhsBatch = std::move(lhs);
  s.rhsBatch = std::move(rhs);
  s.m = m;
  s.k = k;
  s.n = n;
  return s;
}

std::vector<MatMulCase> matmulCases() {
  std::vector<MatMulCase> cases;
  {
    MatMulShape s = matmul({2, 3}, {2, 1}, {3}, 4, 5, 6);
    s.biasSize = 6;
    cases.push_back({"batch_broadcast", s});
  }
  // A 1-D left operand is one row; a 1-D right operand one column.
  cases.push_back({"vector_lhs", matmul({}, {}, {}, 1, 8, 5)});
  cases.push_back({"vector_rhs", matmul({3}, {3}, {}, 4, 8, 1)});
  {
    MatMulShape s = matmul({2}, {2}, {2}, 3, 7, 5);
    s.rightTranspose = true;
    s.biasSize = 5;
    cases.push_back({"right_transpose", s});
  }
  {
    MatMulShape s = matmul({}, {}, {}, 5, 9, 4);
    s.biasSize = 1;
    s.doRelu = true;
    s.reluLimit = 6.0;
    cases.push_back({"scalar_bias_relu6", s});
  }
  {
    MatMulShape s = matmul({}, {}, {}, 6, 4, 3);
    s.doRelu = true;
    cases.push_back({"relu", s});
  }
  {
    // Blocks of rows, the last one short.
    MatMulShape s = matmul({}, {}, {}, 300, 256, 200);
    s.biasSize = 200;
    cases.push_back({"chunked_rows", s});
  }
  {
    // Few rows, much work per row: blocks of columns.
    MatMulShape s = matmul({}, {}, {}, 2, 1024, 2040);
    s.rightTranspose = true;
    s.biasSize = 2040;
    cases.push_back({"chunked_columns", s});
  }
  return cases;
}

int64_t product(const std::vector<int64_t> &dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

class MatMulKernelTest : public ::testing::TestWithParam<MatMulCase> {};

TEST_P(MatMulKernelTest, MatchesReferenceForAnyThreadCount) {
  const MatMulShape &s = GetParam().shape;
  ASSERT_FALSE(bool(checkMatMulShape(s)));
  auto lhs = randomData(product(s.lhsBatch) * s.m * s.k, 4);
  auto rhs = randomData(product(s.rhsBatch) * s.k * s.n, 5);
  auto bias = randomData(std::max<int64_t>(s.biasSize, 1), 6);
  int64_t outputs = product(s.batch) * s.m * s.n;
  std::vector<float> expected(outputs);
  referenceMatMul(s, lhs.data(), rhs.data(), bias.data(), expected.data());

  auto kernel = MatMul::create(s);
  ASSERT_TRUE(bool(kernel)) << llvm::toString(kernel.takeError());
  std::vector<float> one(outputs, NAN), two(outputs, NAN);
  const float *b = s.biasSize ? bias.data() : nullptr;
  {
    ThreadCountScope threads(1);
    ASSERT_FALSE(bool((*kernel)->run(lhs.data(), rhs.data(), b, one.data())));
  }
  {
    ThreadCountScope threads(2);
    ASSERT_FALSE(bool((*kernel)->run(lhs.data(), rhs.data(), b, two.data())));
  }
  expectClose(one, expected);
  EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * sizeof(float)))
      << "1 and 2 threads differ";
  if (llvm::StringRef(GetParam().name).starts_with("chunked")) {
    EXPECT_GT((*kernel)->getNumChunks(), 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, MatMulKernelTest,
                         ::testing::ValuesIn(matmulCases()),
                         [](const auto &info) { return info.param.name; });

TEST(MatMulKernel, BadBroadcastIsAnError) {
  auto kernel = MatMul::create(matmul({2, 3}, {2, 2}, {3}, 1, 1, 1));
  ASSERT_FALSE(bool(kernel));
  EXPECT_NE(llvm::toString(kernel.takeError()).find("do not broadcast"),
            std::string::npos);
}

TEST(Parallel, ChunksDependOnTheGrainOnly) {
  for (unsigned threads : {1u, 2u, 3u}) {
    ThreadCountScope scope(threads);
    EXPECT_EQ(getThreadCount(), threads);
    std::vector<int64_t> seen(10, 0);
    std::vector<std::pair<int64_t, int64_t>> chunks(4);
    parallelFor(0, 10, 3, [&](int64_t lo, int64_t hi) {
      chunks[lo / 3] = {lo, hi};
      for (int64_t i = lo; i < hi; ++i)
        ++seen[i];
    });
    EXPECT_EQ(seen, std::vector<int64_t>(10, 1));
    EXPECT_EQ(chunks, (std::vector<std::pair<int64_t, int64_t>>{
                          {0, 3}, {3, 6}, {6, 9}, {9, 10}}));
  }
  EXPECT_EQ(chooseGrain(1000, 10, 64), 16);
  EXPECT_EQ(chooseGrain(1000, 100, 64), 100);
  EXPECT_EQ(chooseGrain(5, 100, 64), 5);
}

} // namespace
