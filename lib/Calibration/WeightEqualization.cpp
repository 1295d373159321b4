//===- WeightEqualization.cpp - cross-layer weight equalization
//------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Calibration/WeightEqualization.h"
#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/IR/TopOps.h"
#include "tpuc/Support/Error.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <algorithm>
#include <cmath>
#include <string>

using namespace llvm;
using namespace mlir;
using namespace tpuc;
using namespace tpuc::calibration;

namespace {
/// One Conv -> activation? -> Conv pair, by weight names.
struct ConvPair {
  std::string filter1, bias1, filter2;
  int64_t groups2 = 1;
};

/// The single user of `value`, or null.
Operation *singleUser(Value value) {
  if (!value.hasOneUse())
    return nullptr;
  return *value.getUsers().begin();
}

/// The weight name of `value` when a top.Weight used only by `user`
/// defines it.
std::optional<std::string> ownWeight(Value value) {
  auto weight = value.getDefiningOp<top::WeightOp>();
  if (!weight || !weight->getResult(0).hasOneUse())
    return std::nullopt;
  return getName(weight.getOperation());
}

std::optional<ConvPair> matchPair(top::ConvOp conv1) {
  if (conv1.getDoRelu() && conv1.getReluLimit().convertToDouble() > 0)
    return std::nullopt; // clipped ReLU is not positively homogeneous
  ConvPair pair;
  std::optional<std::string> filter1 = ownWeight(conv1.getFilter());
  if (!filter1)
    return std::nullopt;
  pair.filter1 = *filter1;
  if (!isa<top::NoneOp>(conv1.getBias().getDefiningOp())) {
    std::optional<std::string> bias1 = ownWeight(conv1.getBias());
    if (!bias1)
      return std::nullopt;
    pair.bias1 = *bias1;
  }
  Operation *next = singleUser(conv1.getOutput());
  if (next && isa<top::ReluOp, top::LeakyReluOp, top::PReluOp>(next)) {
    if (auto relu = dyn_cast<top::ReluOp>(next))
      if (relu.getReluLimit().convertToDouble() > 0)
        return std::nullopt;
    if (next->getOperand(0) != conv1.getOutput())
      return std::nullopt;
    next = singleUser(next->getResult(0));
  }
  auto conv2 = dyn_cast_or_null<top::ConvOp>(next);
  if (!conv2)
    return std::nullopt;
  std::optional<std::string> filter2 = ownWeight(conv2.getFilter());
  if (!filter2 || *filter2 == pair.filter1)
    return std::nullopt;
  pair.filter2 = *filter2;
  pair.groups2 = conv2.getGroup();
  return pair;
}

/// Equalizes one pair once; returns the largest relative change of a
/// scale factor (|s - 1|), or an error for misshapen weights.
Expected<double> equalize(const ConvPair &pair, NpzFile &weights) {
  Array *w1 = weights.lookup(pair.filter1);
  Array *w2 = weights.lookup(pair.filter2);
  Array *b1 = pair.bias1.empty() ? nullptr : weights.lookup(pair.bias1);
  if (!w1 || !w2 || (!pair.bias1.empty() && !b1))
    return makeError(
        "weight missing from the weight file",
        "'" + (w1 ? (w2 ? pair.bias1 : pair.filter2) : pair.filter1) + "'");
  if (w1->dtype() != DType::F32 || w2->dtype() != DType::F32 ||
      (b1 && b1->dtype() != DType::F32) || w1->rank() < 2 || w2->rank() < 2)
    return 0.0; // not a float conv weight we know how to scale
  const int64_t channels = w1->shape()[0];
  const int64_t inner1 = w1->numElements() / channels;
  const int64_t out2 = w2->shape()[0], perGroupIn2 = w2->shape()[1];
  const int64_t inner2 = w2->numElements() / (out2 * perGroupIn2);
  const int64_t groups = pair.groups2;
  if (groups <= 0 || perGroupIn2 * groups != channels || out2 % groups != 0 ||
      (b1 && b1->numElements() != channels))
    return 0.0;
  const int64_t outPerGroup = out2 / groups;
  MutableArrayRef<float> a = w1->mutableValues<float>();
  MutableArrayRef<float> c = w2->mutableValues<float>();
  double largest = 0;
  for (int64_t ch = 0; ch < channels; ++ch) {
    double r1 = 0, r2 = 0;
    for (int64_t k = 0; k < inner1; ++k)
      r1 = std::max(r1, std::fabs(double(a[ch * inner1 + k])));
    const int64_t group = ch / perGroupIn2, column = ch % perGroupIn2;
    auto forColumn = [&](auto &&body) {
      for (int64_t o = group * outPerGroup; o < (group + 1) * outPerGroup; ++o)
        for (int64_t k = 0; k < inner2; ++k)
          body(c[(o * perGroupIn2 + column) * inner2 + k]);
    };
    forColumn([&](float v) { r2 = std::max(r2, std::fabs(double(v))); });
    if (!(r1 > 0) || !(r2 > 0) || !std::isfinite(r1) || !std::isfinite(r2))
      continue;
    const double s = std::sqrt(r1 / r2);
    for (int64_t k = 0; k < inner1; ++k)
      a[ch * inner1 + k] = static_cast<float>(a[ch * inner1 + k] / s);
    if (b1) {
      MutableArrayRef<float> bias = b1->mutableValues<float>();
      bias[ch] = static_cast<float>(bias[ch] / s);
    }
    forColumn([&](float &v) { v = static_cast<float>(v * s); });
    largest = std::max(largest, std::fabs(s - 1.0));
  }
  return largest;
}
} // namespace

Expected<EqualizationResult>
calibration::equalizeWeights(ModuleOp module, NpzFile &weights,
                             double tolerance, int64_t maxIterations) {
  std::vector<ConvPair> pairs;
  module.walk([&](top::ConvOp conv) {
    if (std::optional<ConvPair> pair = matchPair(conv))
      pairs.push_back(*pair);
  });
  EqualizationResult result;
  result.pairs = static_cast<int64_t>(pairs.size());
  if (pairs.empty())
    return result;
  for (int64_t iteration = 0; iteration < maxIterations; ++iteration) {
    double change = 0;
    for (const ConvPair &pair : pairs) {
      Expected<double> pairChange = equalize(pair, weights);
      if (!pairChange)
        return pairChange.takeError();
      change = std::max(change, *pairChange);
    }
    result.iterations = iteration + 1;
    result.lastChange = change;
    if (change < tolerance)
      break;
  }
  return result;
}
