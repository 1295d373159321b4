//===- InterpreterTest.cpp - tests for the module interpreter -------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Small hand-written modules run through ModuleInterpreter; expected values
// come from the reference kernels or from loops written here.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Interpreter/ModuleInterpreter.h"

#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Kernels/Conv.h"
#include "tpuc/Kernels/MatMul.h"
#include "tpuc/Support/Npz.h"

#include "../TestUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace llvm;
using namespace tpuc;

namespace {

using tpuc::unittest::expectClose;
using tpuc::unittest::randomData;

bool sameBytes(ArrayRef<float> a, ArrayRef<float> b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// Fails the test with the error's message.
template <typename T> T take(Expected<T> value) {
  if (!value) {
    ADD_FAILURE() << toString(value.takeError());
    return T();
  }
  return std::move(*value);
}

class InterpreterTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("tpuc-interp-test", dir));
    context.getOrLoadDialect<mlir::func::FuncDialect>();
    context.getOrLoadDialect<mlir::quant::QuantizationDialect>();
    context.getOrLoadDialect<top::TopDialect>();
  }
  void TearDown() override { sys::fs::remove_directories(dir); }

  /// Adds a weight to the npz written by parse().
  void addWeight(StringRef name, ArrayRef<int64_t> shape,
                 ArrayRef<float> data) {
    weights.set(name, Array::fromFloat(shape, data));
  }

  /// Writes the weights and parses `body` (the contents of the module,
  /// given the weight file attribute).
  mlir::OwningOpRef<mlir::ModuleOp> parse(StringRef body) {
    SmallString<128> path(dir);
    sys::path::append(path, "weights.npz");
    if (Error err = weights.save(path)) {
      ADD_FAILURE() << toString(std::move(err));
      return nullptr;
    }
    std::string text = formatv("module attributes {{tpuc.weight_file = "
                               "\"{0}\"} {{\n{1}\n}",
                               path, body)
                           .str();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &context);
    EXPECT_TRUE(module) << text;
    return module;
  }

  std::unique_ptr<ModuleInterpreter>
  interpreter(mlir::ModuleOp module, InterpreterOptions options = {}) {
    auto result = ModuleInterpreter::create(module, options);
    if (!result) {
      ADD_FAILURE() << toString(result.takeError());
      return nullptr;
    }
    return std::move(*result);
  }

  std::string createError(mlir::ModuleOp module,
                          InterpreterOptions options = {}) {
    auto result = ModuleInterpreter::create(module, options);
    if (result) {
      ADD_FAILURE() << "expected an error";
      return "";
    }
    return toString(result.takeError());
  }

  SmallString<128> dir;
  mlir::MLIRContext context;
  NpzFile weights;
};

//===----------------------------------------------------------------------===//
// Ops through oneDNN against the reference kernels
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, ConvAndMatMulMatchTheReference) {
  auto w1 = randomData(8 * 3 * 3 * 3, 1), b1 = randomData(8, 2);
  auto w2 = randomData(648 * 10, 3), b2 = randomData(10, 4);
  addWeight("w1", {8, 3, 3, 3}, w1);
  addWeight("b1", {8}, b1);
  addWeight("w2", {648, 10}, w2);
  addWeight("b2", {10}, b2);
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<2x3x9x9xf32>) -> tensor<2x10xf32> {
    %x = "top.Input"(%arg0) : (tensor<2x3x9x9xf32>) -> tensor<2x3x9x9xf32> loc("x")
    %w1 = "top.Weight"() : () -> tensor<8x3x3x3xf32> loc("w1")
    %b1 = "top.Weight"() : () -> tensor<8xf32> loc("b1")
    %c = "top.Conv"(%x, %w1, %b1) {kernel_shape = [3, 3], strides = [1, 1],
           pads = [1, 1, 1, 1], do_relu = true, relu_limit = 6.0}
         : (tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<2x8x9x9xf32> loc("conv")
    %f = "top.Reshape"(%c) {shape = [2, -1]} : (tensor<2x8x9x9xf32>) -> tensor<2x648xf32> loc("flat")
    %w2 = "top.Weight"() : () -> tensor<648x10xf32> loc("w2")
    %b2 = "top.Weight"() : () -> tensor<10xf32> loc("b2")
    %y = "top.MatMul"(%f, %w2, %b2) : (tensor<2x648xf32>, tensor<648x10xf32>, tensor<10xf32>) -> tensor<2x10xf32> loc("fc")
    return %y : tensor<2x10xf32>
  })mlir");
  ASSERT_TRUE(module);
  InterpreterOptions options;
  options.keepTensors = {"conv"};
  auto interp = interpreter(*module, options);
  ASSERT_TRUE(interp);
  EXPECT_EQ(interp->getInputNames(), ArrayRef<std::string>({"x"}));
  EXPECT_EQ(interp->getOutputNames(), ArrayRef<std::string>({"fc"}));
  auto x = randomData(2 * 3 * 9 * 9, 5);
  ASSERT_FALSE(bool(interp->setInput("x", x)));
  ASSERT_FALSE(bool(interp->invoke()));

  kernels::ConvShape cs;
  cs.batch = 2;
  cs.inChannels = 3;
  cs.inHeight = cs.inWidth = 9;
  cs.outChannels = 8;
  cs.outHeight = cs.outWidth = 9;
  cs.kernelHeight = cs.kernelWidth = 3;
  cs.padTop = cs.padLeft = cs.padBottom = cs.padRight = 1;
  cs.hasBias = true;
  cs.doRelu = true;
  cs.reluLimit = 6.0;
  std::vector<float> conv(2 * 648);
  kernels::referenceConv2D(cs, x.data(), w1.data(), b1.data(), conv.data());
  ArrayRef<float> gotConv = take(interp->getTensor("conv"));
  expectClose(gotConv, conv);

  kernels::MatMulShape ms;
  ms.m = 2;
  ms.k = 648;
  ms.n = 10;
  ms.biasSize = 10;
  std::vector<float> fc(20);
  kernels::referenceMatMul(ms, gotConv.data(), w2.data(), b2.data(), fc.data());
  expectClose(take(interp->getTensor("fc")), fc);
}

TEST_F(InterpreterTest, Conv1DAndTransposedVectorMatMul) {
  auto w = randomData(4 * 2 * 3, 1);
  auto v = randomData(5, 2);
  addWeight("w", {4, 2, 3}, w);
  addWeight("v", {5}, v);
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<1x2x10xf32>) -> tensor<1x4xf32> {
    %none = top.None : none loc("none")
    %x = "top.Input"(%arg0) : (tensor<1x2x10xf32>) -> tensor<1x2x10xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<4x2x3xf32> loc("w")
    %c = "top.Conv"(%x, %w, %none) {kernel_shape = [3], strides = [2],
           pads = [2, 1], dilations = [2]}
         : (tensor<1x2x10xf32>, tensor<4x2x3xf32>, none) -> tensor<1x4x5xf32> loc("conv")
    %v = "top.Weight"() : () -> tensor<5xf32> loc("v")
    %y = "top.MatMul"(%c, %v, %none) {right_transpose = true}
         : (tensor<1x4x5xf32>, tensor<5xf32>, none) -> tensor<1x4xf32> loc("dot")
    return %y : tensor<1x4xf32>
  })mlir");
  ASSERT_TRUE(module);
  InterpreterOptions options;
  options.keepAllTensors = true;
  auto interp = interpreter(*module, options);
  ASSERT_TRUE(interp);
  auto x = randomData(20, 3);
  ASSERT_FALSE(bool(interp->setInput("x", x)));
  ASSERT_FALSE(bool(interp->invoke()));

  kernels::ConvShape cs;
  cs.inChannels = 2;
  cs.inWidth = 10;
  cs.outChannels = 4;
  cs.outWidth = 5;
  cs.kernelWidth = 3;
  cs.strideWidth = 2;
  cs.dilationWidth = 2;
  cs.padLeft = 2;
  cs.padRight = 1;
  std::vector<float> conv(20);
  kernels::referenceConv2D(cs, x.data(), w.data(), nullptr, conv.data());
  expectClose(take(interp->getTensor("conv")), conv);
  // A 1-D right operand is a vector whatever right_transpose says.
  std::vector<float> dot(4, 0.0f);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 5; ++j)
      dot[i] += conv[i * 5 + j] * v[j];
  expectClose(take(interp->getTensor("dot")), dot);
}

TEST_F(InterpreterTest, AddBroadcastsWithCoefficients) {
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<2x3x4xf32>, %arg1: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
    %a = "top.Input"(%arg0) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("a")
    %b = "top.Input"(%arg1) : (tensor<3x1xf32>) -> tensor<3x1xf32> loc("b")
    %s = "top.Add"(%a, %b) {coeff = [1.0, -2.0], do_relu = true}
         : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32> loc("sum")
    return %s : tensor<2x3x4xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto interp = interpreter(*module);
  ASSERT_TRUE(interp);
  EXPECT_EQ(interp->getInputNames(), ArrayRef<std::string>({"a", "b"}));
  auto a = randomData(24, 1), b = randomData(3, 2);
  ASSERT_FALSE(bool(interp->setInput("a", a)));
  ASSERT_FALSE(bool(interp->setInput("b", b)));
  ASSERT_FALSE(bool(interp->invoke()));
  std::vector<float> expected(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        int e = (i * 3 + j) * 4 + k;
        expected[e] = std::max(0.0f, a[e] - 2.0f * b[j]);
      }
  expectClose(take(interp->getTensor("sum")), expected);
}

//===----------------------------------------------------------------------===//
// Buffers, threads, invokeFrom, invokeAt, callbacks
//===----------------------------------------------------------------------===//

/// t0 = x, t1 = x + x, t_k = t_(k-1) + t_(k-2), with a reshape to [8, 8]
/// and back in the middle: every t dies two ops after it is made, so
/// buffers must be reused.
std::string fibonacciModule(int n) {
  std::string text = R"mlir(
  func.func @main(%arg0: tensor<64xf32>) -> tensor<64xf32> {
    %t0 = "top.Input"(%arg0) : (tensor<64xf32>) -> tensor<64xf32> loc("t0")
    %t1 = "top.Add"(%t0, %t0) : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32> loc("t1")
)mlir";
  for (int k = 2; k <= n; ++k) {
    if (k == n / 2) {
      text += formatv("    %r{0} = \"top.Reshape\"(%t{1}) {{shape = [8, 8]} : "
                      "(tensor<64xf32>) -> tensor<8x8xf32> loc(\"r{0}\")\n"
                      "    %q{0} = \"top.Reshape\"(%r{0}) : "
                      "(tensor<8x8xf32>) -> tensor<64xf32> loc(\"q{0}\")\n",
                      k, k - 1);
      text += formatv("    %t{0} = \"top.Add\"(%q{0}, %t{1}) : "
                      "(tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32> "
                      "loc(\"t{0}\")\n",
                      k, k - 2);
      continue;
    }
    text += formatv("    %t{0} = \"top.Add\"(%t{1}, %t{2}) : "
                    "(tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32> "
                    "loc(\"t{0}\")\n",
                    k, k - 1, k - 2);
  }
  text += formatv("    return %t{0} : tensor<64xf32>\n  }", n);
  return text;
}

TEST_F(InterpreterTest, ReusedBuffersDoNotCorruptResults) {
  const int n = 12;
  auto module = parse(fibonacciModule(n));
  ASSERT_TRUE(module);
  auto lean = interpreter(*module);
  InterpreterOptions all;
  all.keepAllTensors = true;
  auto full = interpreter(*module, all);
  ASSERT_TRUE(lean && full);

  // 13 activations of 256 bytes besides the input and the output; at most
  // four are alive at once (around the reshapes).
  ModuleInterpreter::MemoryStats stats = lean->getMemoryStats();
  EXPECT_EQ(stats.activationBytes, 15 * 256);
  EXPECT_EQ(stats.sharedBuffers, 4);
  EXPECT_EQ(stats.sharedBytes, stats.sharedBuffers * 256);
  EXPECT_EQ(full->getMemoryStats().sharedBuffers, 0);

  auto x = randomData(64, 1);
  ASSERT_FALSE(bool(lean->setInput("t0", x)));
  ASSERT_FALSE(bool(full->setInput("t0", x)));
  for (int repeat = 0; repeat < 2; ++repeat) {
    ASSERT_FALSE(bool(lean->invoke()));
    ASSERT_FALSE(bool(full->invoke()));
  }
  // The same sums in the same order, in float.
  std::vector<std::vector<float>> t = {x, std::vector<float>(64)};
  for (int i = 0; i < 64; ++i)
    t[1][i] = x[i] + x[i];
  for (int k = 2; k <= n; ++k) {
    t.emplace_back(64);
    for (int i = 0; i < 64; ++i)
      t[k][i] = t[k - 1][i] + t[k - 2][i];
  }
  ArrayRef<float> out = take(lean->getTensor(formatv("t{0}", n).str()));
  EXPECT_TRUE(sameBytes(out, t[n]));
  EXPECT_TRUE(sameBytes(out, take(full->getTensor(formatv("t{0}", n).str()))));
  for (int k = 0; k <= n; ++k)
    EXPECT_TRUE(
        sameBytes(take(full->getTensor(formatv("t{0}", k).str())), t[k]))
        << "t" << k;

  auto notKept = lean->getTensor("t3");
  ASSERT_FALSE(bool(notKept));
  EXPECT_NE(toString(notKept.takeError()).find("not kept"), std::string::npos);
}

TEST_F(InterpreterTest, ThreadCountDoesNotChangeAByte) {
  auto w1 = randomData(48 * 32 * 3 * 3, 1), b1 = randomData(48, 2);
  auto w2 = randomData(48 * 12 * 12 * 300, 3);
  addWeight("w1", {48, 32, 3, 3}, w1);
  addWeight("b1", {48}, b1);
  addWeight("w2", {6912, 300}, w2);
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<2x32x12x12xf32>) -> tensor<2x300xf32> {
    %none = top.None : none loc("none")
    %x = "top.Input"(%arg0) : (tensor<2x32x12x12xf32>) -> tensor<2x32x12x12xf32> loc("x")
    %w1 = "top.Weight"() : () -> tensor<48x32x3x3xf32> loc("w1")
    %b1 = "top.Weight"() : () -> tensor<48xf32> loc("b1")
    %c = "top.Conv"(%x, %w1, %b1) {kernel_shape = [3, 3], strides = [1, 1],
           pads = [1, 1, 1, 1], do_relu = true}
         : (tensor<2x32x12x12xf32>, tensor<48x32x3x3xf32>, tensor<48xf32>) -> tensor<2x48x12x12xf32> loc("conv")
    %f = "top.Reshape"(%c) {shape = [2, -1]} : (tensor<2x48x12x12xf32>) -> tensor<2x6912xf32> loc("flat")
    %w2 = "top.Weight"() : () -> tensor<6912x300xf32> loc("w2")
    %y = "top.MatMul"(%f, %w2, %none) : (tensor<2x6912xf32>, tensor<6912x300xf32>, none) -> tensor<2x300xf32> loc("fc")
    %s = "top.Add"(%y, %y) : (tensor<2x300xf32>, tensor<2x300xf32>) -> tensor<2x300xf32> loc("sum")
    return %s : tensor<2x300xf32>
  })mlir");
  ASSERT_TRUE(module);
  NpzFile inputs;
  inputs.set("x", Array::fromFloat({2, 32, 12, 12}, randomData(9216, 4)));
  NpzFile one = take(runModule(*module, inputs, true, 1));
  NpzFile two = take(runModule(*module, inputs, true, 2));
  NpzFile three = take(runModule(*module, inputs, true, 3));
  ASSERT_EQ(one.names(),
            (SmallVector<StringRef>{"x", "conv", "flat", "fc", "sum"}));
  for (const NpzFile::Entry &e : one) {
    EXPECT_TRUE(*two.lookup(e.name) == e.array) << e.name;
    EXPECT_TRUE(*three.lookup(e.name) == e.array) << e.name;
  }
}

/// x -> a = relu(x) -> b = relu(a) ---> d = b + c (output)
///   \-> c = x + x ------------------/
const char *kDiamond = R"mlir(
  func.func @main(%arg0: tensor<16xf32>) -> tensor<16xf32> {
    %x = "top.Input"(%arg0) : (tensor<16xf32>) -> tensor<16xf32> loc("x")
    %a = "top.Relu"(%x) : (tensor<16xf32>) -> tensor<16xf32> loc("a")
    %b = "top.Relu"(%a) {relu_limit = 0.5} : (tensor<16xf32>) -> tensor<16xf32> loc("b")
    %c = "top.Add"(%x, %x) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("c")
    %d = "top.Add"(%b, %c) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("d")
    return %d : tensor<16xf32>
  })mlir";

TEST_F(InterpreterTest, CallbacksSeeEveryTensorInOrder) {
  auto module = parse(kDiamond);
  ASSERT_TRUE(module);
  auto interp = interpreter(*module);
  ASSERT_TRUE(interp);
  std::vector<std::string> seen;
  std::vector<float> lastA;
  interp->addTensorCallback(
      [&](StringRef name, ArrayRef<float> data, ArrayRef<int64_t> shape) {
        seen.push_back(name.str());
        EXPECT_EQ(shape, ArrayRef<int64_t>({16}));
        EXPECT_EQ(data.size(), 16u);
        if (name == "a")
          lastA.assign(data.begin(), data.end());
      });
  auto x = randomData(16, 1);
  ASSERT_FALSE(bool(interp->setInput("x", x)));
  ASSERT_FALSE(bool(interp->invoke()));
  EXPECT_EQ(seen, (std::vector<std::string>{"x", "a", "b", "c", "d"}));
  EXPECT_EQ(ArrayRef<std::string>(seen), interp->getTensorNames());
  // The callback sees the value of a tensor that is not kept.
  ASSERT_EQ(lastA.size(), 16u);
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(lastA[i], std::max(0.0f, x[i]));
}

TEST_F(InterpreterTest, InvokeFromRecomputesExactlyTheDownstreamCone) {
  auto module = parse(kDiamond);
  ASSERT_TRUE(module);
  InterpreterOptions options;
  options.keepAllTensors = true;
  auto interp = interpreter(*module, options);
  ASSERT_TRUE(interp);
  std::vector<std::string> seen;
  interp->addTensorCallback(
      [&](StringRef name, ArrayRef<float>, ArrayRef<int64_t>) {
        seen.push_back(name.str());
      });
  auto x = randomData(16, 1);
  ASSERT_FALSE(bool(interp->setInput("x", x)));
  ASSERT_FALSE(bool(interp->invoke()));

  std::vector<float> a(16);
  for (int i = 0; i < 16; ++i)
    a[i] = 0.1f * i;
  ASSERT_FALSE(bool(interp->setTensor("a", a)));
  seen.clear();
  ASSERT_FALSE(bool(interp->invokeFrom("a")));
  EXPECT_EQ(seen, (std::vector<std::string>{"b", "d"}));
  ArrayRef<float> d = take(interp->getTensor("d"));
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(d[i], std::min(a[i], 0.5f) + (x[i] + x[i])) << i;

  seen.clear();
  ASSERT_FALSE(bool(interp->invokeFrom("c")));
  EXPECT_EQ(seen, std::vector<std::string>{"d"});
  seen.clear();
  ASSERT_FALSE(bool(interp->invokeFrom("x")));
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d"}));

  auto bad = interp->invokeFrom("nope");
  ASSERT_TRUE(bool(bad));
  EXPECT_NE(toString(std::move(bad)).find("no such op"), std::string::npos);
}

/// c dies after e; g = relu(x) then takes e's buffer; d reads h and g.
const char *kReuse = R"mlir(
  func.func @main(%arg0: tensor<16xf32>) -> tensor<16xf32> {
    %x = "top.Input"(%arg0) : (tensor<16xf32>) -> tensor<16xf32> loc("x")
    %c = "top.Relu"(%x) : (tensor<16xf32>) -> tensor<16xf32> loc("c")
    %e = "top.Relu"(%c) : (tensor<16xf32>) -> tensor<16xf32> loc("e")
    %h = "top.Relu"(%e) : (tensor<16xf32>) -> tensor<16xf32> loc("h")
    %g = "top.Add"(%x, %x) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("g")
    %d = "top.Add"(%h, %g) : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32> loc("d")
    return %d : tensor<16xf32>
  })mlir";

TEST_F(InterpreterTest, InvokeFromNeedsTheTensorsItReads) {
  auto module = parse(kReuse);
  ASSERT_TRUE(module);
  auto x = randomData(16, 1);
  std::vector<float> c(16, 0.25f);
  {
    // Replaying c -> e would overwrite g, which d still needs.
    auto interp = interpreter(*module);
    ASSERT_TRUE(interp);
    ASSERT_FALSE(bool(interp->setInput("x", x)));
    ASSERT_FALSE(bool(interp->invoke()));
    std::vector<float> before(take(interp->getTensor("d")).vec());
    ASSERT_FALSE(bool(interp->setTensor("c", c)));
    Error err = interp->invokeFrom("c");
    ASSERT_TRUE(bool(err));
    EXPECT_NE(toString(std::move(err)).find("needs tensor 'g'"),
              std::string::npos);
    // Nothing ran.
    EXPECT_TRUE(sameBytes(take(interp->getTensor("d")), before));
  }
  {
    InterpreterOptions options;
    options.keepTensors = {"g"};
    auto interp = interpreter(*module, options);
    ASSERT_TRUE(interp);
    ASSERT_FALSE(bool(interp->setInput("x", x)));
    ASSERT_FALSE(bool(interp->invoke()));
    ASSERT_FALSE(bool(interp->setTensor("c", c)));
    ASSERT_FALSE(bool(interp->invokeFrom("c")));
    ArrayRef<float> d = take(interp->getTensor("d"));
    for (int i = 0; i < 16; ++i)
      EXPECT_EQ(d[i], 0.25f + (x[i] + x[i]));
  }
}

TEST_F(InterpreterTest, InvokeAtRunsOneOpOnGivenInputs) {
  auto w = randomData(4 * 2 * 2 * 2, 1);
  addWeight("w", {4, 2, 2, 2}, w);
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<1x2x5x5xf32>) -> tensor<1x4x4x4xf32> {
    %none = top.None : none loc("none")
    %x = "top.Input"(%arg0) : (tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<4x2x2x2xf32> loc("w")
    %c = "top.Conv"(%x, %w, %none) {kernel_shape = [2, 2], strides = [1, 1], pads = [0, 0, 0, 0]}
         : (tensor<1x2x5x5xf32>, tensor<4x2x2x2xf32>, none) -> tensor<1x4x4x4xf32> loc("conv")
    return %c : tensor<1x4x4x4xf32>
  })mlir");
  ASSERT_TRUE(module);
  auto interp = interpreter(*module);
  ASSERT_TRUE(interp);
  auto x = randomData(50, 2), other = randomData(50, 3);
  ASSERT_FALSE(bool(interp->setInput("x", x)));
  ASSERT_FALSE(bool(interp->invoke()));
  std::vector<float> before(take(interp->getTensor("conv")).vec());

  // The weight and the none operand are taken from the module.
  auto results = take(interp->invokeAt("conv", {other, {}, {}}));
  ASSERT_EQ(results.size(), 1u);
  kernels::ConvShape cs;
  cs.inChannels = 2;
  cs.inHeight = cs.inWidth = 5;
  cs.outChannels = 4;
  cs.outHeight = cs.outWidth = 4;
  cs.kernelHeight = cs.kernelWidth = 2;
  std::vector<float> expected(64);
  kernels::referenceConv2D(cs, other.data(), w.data(), nullptr,
                           expected.data());
  expectClose(results[0], expected);
  // The interpreter's own tensors are untouched.
  EXPECT_TRUE(sameBytes(take(interp->getTensor("conv")), before));

  auto wrong = interp->invokeAt("conv", {ArrayRef<float>(other).drop_back()});
  ASSERT_FALSE(bool(wrong));
  consumeError(wrong.takeError());
  auto size =
      interp->invokeAt("conv", {ArrayRef<float>(other).drop_back(), {}, {}});
  ASSERT_FALSE(bool(size));
  EXPECT_NE(toString(size.takeError()).find("49 given"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Errors and runModule
//===----------------------------------------------------------------------===//

TEST_F(InterpreterTest, DynamicShapesAreRejectedNamingTheOp) {
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<4xf32>) -> tensor<*xf32> {
    %x = "top.Input"(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %r = "top.Relu"(%x) : (tensor<4xf32>) -> tensor<*xf32> loc("relu")
    return %r : tensor<*xf32>
  })mlir");
  ASSERT_TRUE(module);
  EXPECT_EQ(createError(*module),
            "the result of 'top.Relu' has no static shape (run shape-infer "
            "first), relu");
}

TEST_F(InterpreterTest, BadWeightsAndOptionsAreErrors) {
  addWeight("w", {3}, {1, 2, 3});
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %x = "top.Input"(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<4xf32> loc("w")
    %s = "top.Add"(%x, %w) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
    return %s : tensor<4xf32>
  })mlir");
  ASSERT_TRUE(module);
  EXPECT_NE(createError(*module).find("weight 'w' has shape [3] in the weight "
                                      "file but [4] in the module"),
            std::string::npos);
  InterpreterOptions options;
  options.keepTensors = {"nope"};
  weights.set("w", Array::fromFloat({4}, {1, 2, 3, 4}));
  module = parse(R"mlir(
  func.func @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %x = "top.Input"(%arg0) : (tensor<4xf32>) -> tensor<4xf32> loc("x")
    %w = "top.Weight"() : () -> tensor<4xf32> loc("w")
    %s = "top.Add"(%x, %w) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("s")
    return %s : tensor<4xf32>
  })mlir");
  ASSERT_TRUE(module);
  EXPECT_EQ(createError(*module, options),
            "cannot keep 'nope': no such tensor, interpreter options");

  auto interp = interpreter(*module);
  ASSERT_TRUE(interp);
  EXPECT_TRUE(interp->isKept("w"));
  EXPECT_EQ(take(interp->getTensor("w")).vec(),
            (std::vector<float>{1, 2, 3, 4}));
  Error notSet = interp->invoke();
  ASSERT_TRUE(bool(notSet));
  EXPECT_EQ(toString(std::move(notSet)), "the input was not set, input 'x'");
  Error unknown = interp->setInput("y", {1, 2, 3, 4});
  EXPECT_EQ(toString(std::move(unknown)),
            "the model has no such input (its inputs: x), input 'y'");
  Error size = interp->setInput("x", {1, 2});
  EXPECT_EQ(toString(std::move(size)),
            "2 values given, the input has shape [4] (4 values), input 'x'");
}

TEST_F(InterpreterTest, RunModuleMatchesInputsByNameOrOrder) {
  auto module = parse(R"mlir(
  func.func @main(%arg0: tensor<2xf32>, %arg1: tensor<2xf32>) -> tensor<2xf32> {
    %a = "top.Input"(%arg0) : (tensor<2xf32>) -> tensor<2xf32> loc("a")
    %b = "top.Input"(%arg1) : (tensor<2xf32>) -> tensor<2xf32> loc("b")
    %s = "top.Add"(%a, %b) {coeff = [1.0, 10.0]} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32> loc("s")
    return %s : tensor<2xf32>
  })mlir");
  ASSERT_TRUE(module);
  // By name, whatever the npz order; integer inputs become float.
  NpzFile named;
  named.set("b", Array::fromData<int32_t>({2}, {3, 4}));
  named.set("a", Array::fromFloat({1, 2}, {1, 2}));
  NpzFile out = take(runModule(*module, named, false, 1));
  ASSERT_EQ(out.names(), SmallVector<StringRef>{"s"});
  EXPECT_EQ(out.lookup("s")->values<float>().vec(),
            (std::vector<float>{31, 42}));
  EXPECT_EQ(out.lookup("s")->shape(), ArrayRef<int64_t>({2}));
  // By order when no name matches.
  NpzFile ordered;
  ordered.set("first", Array::fromFloat({2}, {1, 2}));
  ordered.set("second", Array::fromFloat({2}, {3, 4}));
  out = take(runModule(*module, ordered, true, 1));
  EXPECT_EQ(out.names(), (SmallVector<StringRef>{"a", "b", "s"}));
  EXPECT_EQ(out.lookup("s")->values<float>().vec(),
            (std::vector<float>{31, 42}));
  // Some names match, others do not: an error, not a guess.
  NpzFile partial;
  partial.set("a", Array::fromFloat({2}, {1, 2}));
  partial.set("c", Array::fromFloat({2}, {3, 4}));
  auto bad = runModule(*module, partial, false, 1);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(toString(bad.takeError()),
            "no array for the model input 'b' (the npz has: a, c), input npz");
}

} // namespace
