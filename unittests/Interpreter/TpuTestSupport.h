//===- TpuTestSupport.h - Tpu test references, fixture ----------*- C++ -*-===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Shared by the Tpu inference tests: reference arithmetic written
// independently of QuantMath (plain int64 shifts and rounding, f16/bf16 by
// the compiler's _Float16 and bit arithmetic), helpers to build quantized
// types and data, and a fixture that parses a module with its weight file
// and runs @main through ModuleInterpreter.
//
//===----------------------------------------------------------------------===//

#ifndef TPUC_UNITTESTS_INTERPRETER_TPUTESTSUPPORT_H
#define TPUC_UNITTESTS_INTERPRETER_TPUTESTSUPPORT_H

#include "tpuc/Interpreter/ModuleInterpreter.h"

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Dialect/Tpu/IR/TpuOps.h"
#include "tpuc/Support/Npz.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>

namespace tpuc::tputest {

//===----------------------------------------------------------------------===//
// Reference arithmetic (independent of QuantMath)
//===----------------------------------------------------------------------===//

enum class Round { HalfAway, HalfUp, HalfEven, Down };

inline const char *roundName(Round r) {
  switch (r) {
  case Round::HalfAway:
    return "HalfAwayFromZero";
  case Round::HalfUp:
    return "HalfUp";
  case Round::HalfEven:
    return "HalfToEven";
  case Round::Down:
    return "Down";
  }
  return "";
}

/// v / 2^s rounded; s in [0, 62].
inline int64_t refShift(int64_t v, int s, Round r) {
  if (s <= 0)
    return v * (int64_t(1) << -s);
  int64_t div = int64_t(1) << s;
  int64_t q = v >= 0 ? v / div : -((-v + div - 1) / div); // floor
  int64_t rem = v - q * div;                              // [0, div)
  int64_t half = div / 2;
  switch (r) {
  case Round::HalfAway:
    return q + (v >= 0 ? rem >= half : rem > half);
  case Round::HalfUp:
    return q + (rem >= half);
  case Round::HalfEven:
    return q + (rem > half || (rem == half && (q & 1)));
  case Round::Down:
    return q;
  }
  return q;
}

inline int64_t clamp(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

enum class Mode { MultiplierShift, OnlyShift, QDM };

inline const char *modeName(Mode m) {
  return m == Mode::MultiplierShift ? "MultiplierShift"
         : m == Mode::OnlyShift     ? "OnlyShift"
                                    : "QDM";
}

/// Requant of an int32 accumulator (|v|, |m| < 2^31, r >= 0).
inline int64_t refRequant(int64_t v, int64_t m, int r, Mode mode, Round round) {
  int64_t y;
  if (mode == Mode::MultiplierShift)
    y = refShift(v * m, r, round);
  else if (mode == Mode::OnlyShift)
    y = refShift(v, r, round);
  else {
    int64_t prod = v * m + (int64_t(1) << 30);
    int64_t high =
        prod >= 0 ? prod >> 31 : -((-prod + (int64_t(1) << 31) - 1) >> 31);
    high = clamp(high, INT32_MIN, INT32_MAX);
    y = r > 0 ? refShift(high, r, round) : high;
  }
  return clamp(y, INT32_MIN, INT32_MAX);
}

/// f32 -> bf16 (round to nearest even), as f32; finite values only.
inline float refBF16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  bits += 0x7fff + ((bits >> 16) & 1);
  bits &= 0xffff0000u;
  float y;
  std::memcpy(&y, &bits, 4);
  return y;
}

/// f32 -> f16 (round to nearest even) through the compiler's _Float16.
inline float refF16(float x) {
  return static_cast<float>(static_cast<_Float16>(x));
}

inline std::string qtype(bool isSigned, double scale, int64_t zp) {
  char text[96];
  std::snprintf(text, sizeof(text), "!quant.uniform<%s:f32, %.17g:%lld>",
                isSigned ? "i8" : "u8", scale, static_cast<long long>(zp));
  return text;
}

inline std::vector<int64_t> randomInts(size_t n, int64_t lo, int64_t hi,
                                       unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> v(n);
  for (int64_t &x : v)
    x = dist(gen);
  return v;
}

inline std::vector<float> toFloats(llvm::ArrayRef<int64_t> v) {
  return std::vector<float>(v.begin(), v.end());
}

template <typename T> std::vector<T> narrow(llvm::ArrayRef<int64_t> v) {
  return std::vector<T>(v.begin(), v.end());
}

inline std::string joinInts(llvm::ArrayRef<int64_t> v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s;
}

inline bool sameBytes(llvm::ArrayRef<float> a, llvm::ArrayRef<float> b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// Counts mismatches and reports the first few.
inline void expectEqual(llvm::ArrayRef<float> got, llvm::ArrayRef<float> want) {
  ASSERT_EQ(got.size(), want.size());
  int bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], 4) != 0 && bad++ < 5)
      ADD_FAILURE() << "at " << i << ": got " << got[i] << ", want " << want[i];
  EXPECT_EQ(bad, 0);
}

//===----------------------------------------------------------------------===//
// Fixture
//===----------------------------------------------------------------------===//

/// An INT8 tpu.Conv2D case: geometry, quantized types and requant.
struct ConvCase {
  int64_t n = 1, ic = 4, h = 7, w = 6, oc = 6, kh = 3, kw = 3;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pt = 1, pl = 1, pb = 1, pr = 1, group = 1;
  bool inSigned = true, outSigned = true;
  double inScale = 0.03125, outScale = 0.0625;
  int64_t inZp = 0, outZp = 0;
  Mode mode = Mode::MultiplierShift;
  Round round = Round::HalfAway;
  std::vector<int64_t> multipliers, shifts; // 1 or oc values
  bool doRelu = false, hasBias = true;
  double reluLimit = -1;
  int64_t oh() const { return (h + pt + pb - (dh * (kh - 1) + 1)) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - (dw * (kw - 1) + 1)) / sw + 1; }
  int64_t inputs() const { return n * ic * h * w; }
  int64_t weights() const { return oc * (ic / group) * kh * kw; }
};

/// The @main of one tpu.Conv2D `c` on a weight `w` and bias `b`.
inline std::string convModule(const ConvCase &c) {
  std::string in = llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}>", c.n, c.ic, c.h,
                                 c.w, qtype(c.inSigned, c.inScale, c.inZp));
  std::string out =
      llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}>", c.n, c.oc, c.oh(), c.ow(),
                    qtype(c.outSigned, c.outScale, c.outZp));
  std::string wt = llvm::formatv("tensor<{0}x{1}x{2}x{3}xi8>", c.oc,
                                 c.ic / c.group, c.kh, c.kw);
  std::string bias = llvm::formatv("tensor<{0}xi32>", c.oc);
  std::string attrs = llvm::formatv(
      "kernel_shape = [{0}, {1}], strides = [{2}, {3}], dilations = [{4}, "
      "{5}], pads = [{6}, {7}, {8}, {9}], group = {10} : i64, do_relu = {11}, "
      "relu_limit = {12:e} : f64, quant_mode = #tpu<quant_mode {13}>, "
      "round_mode = #tpu<round_mode {14}>, multiplier = [{15}], rshift = "
      "[{16}]",
      c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pt, c.pl, c.pb, c.pr, c.group,
      c.doRelu ? "true" : "false", c.reluLimit, modeName(c.mode),
      roundName(c.round), joinInts(c.multipliers), joinInts(c.shifts));
  return llvm::formatv(R"mlir(
  func.func @main(%arg0: {0} loc("x")) -> {1} {
    %w = "top.Weight"() : () -> {2} loc("w")
    %b = {3} loc("b")
    %y = "tpu.Conv2D"(%arg0, %w, %b) {{{4}}
         : ({0}, {2}, {5}) -> {1} loc("y")
    return %y : {1}
  })mlir",
                       in, out, wt,
                       c.hasBias ? "\"top.Weight\"() : () -> " + bias
                                 : std::string("\"top.None\"() : () -> none"),
                       attrs, c.hasBias ? bias : std::string("none"))
      .str();
}

/// Parses modules into a context with the Tpu dialects, with a weight file
/// written from `weights` in a fresh directory, and runs them.
class TpuModuleTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("tpuc-tpu-test", dir));
    context.getOrLoadDialect<mlir::func::FuncDialect>();
    context.getOrLoadDialect<mlir::quant::QuantizationDialect>();
    context.getOrLoadDialect<top::TopDialect>();
    context.getOrLoadDialect<tpu::TpuDialect>();
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  mlir::OwningOpRef<mlir::ModuleOp> parse(llvm::StringRef body) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, "weights.npz");
    if (llvm::Error err = weights.save(path)) {
      ADD_FAILURE() << llvm::toString(std::move(err));
      return nullptr;
    }
    std::string text = llvm::formatv("module attributes {{tpuc.weight_file = "
                                     "\"{0}\"} {{\n{1}\n}",
                                     path, body)
                           .str();
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &context);
    EXPECT_TRUE(module) << text;
    return module;
  }

  /// Runs @main on `inputs` (in argument order) and returns its first
  /// result.
  std::vector<float> run(mlir::ModuleOp module,
                         llvm::ArrayRef<std::vector<float>> inputs,
                         unsigned threads = 1) {
    InterpreterOptions options;
    options.threads = threads;
    auto interp = ModuleInterpreter::create(module, options);
    if (!interp) {
      ADD_FAILURE() << llvm::toString(interp.takeError());
      return {};
    }
    llvm::ArrayRef<std::string> names = (*interp)->getInputNames();
    EXPECT_EQ(names.size(), inputs.size());
    for (auto [name, data] : llvm::zip(names, inputs))
      if (llvm::Error err = (*interp)->setInput(name, data)) {
        ADD_FAILURE() << llvm::toString(std::move(err));
        return {};
      }
    if (llvm::Error err = (*interp)->invoke()) {
      ADD_FAILURE() << llvm::toString(std::move(err));
      return {};
    }
    auto out = (*interp)->getTensor((*interp)->getOutputNames()[0]);
    if (!out) {
      ADD_FAILURE() << llvm::toString(out.takeError());
      return {};
    }
    return out->vec();
  }

  /// Runs @main on `inputs` (by argument name) and returns every tensor, or
  /// the interpreter's error in `error`.
  std::map<std::string, std::vector<float>>
  runAll(mlir::ModuleOp module,
         const std::map<std::string, std::vector<float>> &inputs,
         std::string *error = nullptr) {
    std::map<std::string, std::vector<float>> tensors;
    InterpreterOptions options;
    options.keepAllTensors = true;
    auto interp = ModuleInterpreter::create(module, options);
    if (!interp) {
      ADD_FAILURE() << llvm::toString(interp.takeError());
      return tensors;
    }
    for (const auto &[name, data] : inputs)
      if (llvm::Error err = (*interp)->setInput(name, data)) {
        ADD_FAILURE() << llvm::toString(std::move(err));
        return tensors;
      }
    if (llvm::Error err = (*interp)->invoke()) {
      if (error)
        *error = llvm::toString(std::move(err));
      else
        ADD_FAILURE() << llvm::toString(std::move(err));
      return tensors;
    }
    module.walk([&](mlir::Operation *op) {
      for (mlir::Value result : op->getResults()) {
        std::string name = getName(result);
        if (name.empty() || tensors.count(name))
          continue;
        if (auto t = (*interp)->getTensor(name))
          tensors[name] = t->vec();
        else
          llvm::consumeError(t.takeError());
      }
    });
    return tensors;
  }

  llvm::SmallString<128> dir;
  mlir::MLIRContext context;
  NpzFile weights;
};

/// The tensor `name` of a runAll result; a failure when it is missing.
inline const std::vector<float> &
at(const std::map<std::string, std::vector<float>> &t,
   const std::string &name) {
  static const std::vector<float> none;
  auto it = t.find(name);
  if (it == t.end() || it->second.empty()) {
    ADD_FAILURE() << "no tensor '" << name << "'";
    return none;
  }
  return it->second;
}

inline std::vector<float> randomFloats(size_t n, float lo, float hi,
                                       unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

inline std::vector<float> rounded(std::vector<float> v, float (*round)(float)) {
  for (float &x : v)
    x = round(x);
  return v;
}

} // namespace tpuc::tputest

#endif // TPUC_UNITTESTS_INTERPRETER_TPUTESTSUPPORT_H
