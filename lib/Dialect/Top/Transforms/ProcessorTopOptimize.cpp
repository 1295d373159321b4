//===- ProcessorTopOptimize.cpp - Top ops into forms the chips run --------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Rewrites Top ops that have no Tpu form into equivalent Top ops that have
// one (the pass description in Passes.td has the rules and the rationale).
// Every rewrite is exact in f32: the float interpreter gives the same
// numbers before and after.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Dialect/Top/Transforms/Passes.h"
#include "tpuc/Support/Npz.h"
#include "tpuc/Target/ChipSpec.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <cmath>

namespace tpuc::top {
#define GEN_PASS_DEF_PROCESSORTOPOPTIMIZE
#include "tpuc/Dialect/Top/Transforms/Passes.h.inc"
} // namespace tpuc::top

using namespace mlir;
using namespace tpuc;
using namespace tpuc::top;
using tpuc::target::ChipSpec;

namespace {

/// The static shape of a ranked tensor value, or std::nullopt.
std::optional<ArrayRef<int64_t>> staticShape(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type.getShape();
}

Type elementOf(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

RankedTensorType tensorType(ArrayRef<int64_t> shape, Type element) {
  return RankedTensorType::get(shape, element);
}

bool isWeight(Value value) { return bool(value.getDefiningOp<WeightOp>()); }

SmallVector<int64_t> integers(ArrayAttr attr) {
  SmallVector<int64_t> values;
  if (attr)
    for (Attribute a : attr)
      values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

/// `1 / w` for each element when every reciprocal is exact in f32
/// (fl(1/w) * w == 1, tested in double where the product of two floats is
/// exact): then x * fl(1/w) and x / w round the same real number.
std::optional<std::vector<float>> exactReciprocals(ArrayRef<float> values) {
  std::vector<float> result;
  result.reserve(values.size());
  for (float w : values) {
    float r = 1.0f / w;
    if (static_cast<double>(r) * static_cast<double>(w) != 1.0)
      return std::nullopt;
    result.push_back(r);
  }
  return result;
}

/// A per-channel transform y[n, c, ...] = x[n, c, ...] * scale[c] (+ bias[c])
/// (then the fused ReLU), matched on a Top op.
struct ChannelAffine {
  Value input;
  std::vector<float> scale;
  /// Empty when the op adds nothing (no bias, or an all-zero one).
  std::vector<float> bias;
  bool doRelu = false;
  double reluLimit = -1.0;
};

/// The rewrites of one module: the weights they read and create and the
/// names already taken.
class TopOptimizer {
public:
  TopOptimizer(ModuleOp module, const ChipSpec &spec, const NpzFile &inWeights)
      : module(module), spec(spec), inWeights(inWeights),
        builder(module.getContext()) {
    module.walk([&](Operation *op) {
      for (Value result : op->getResults())
        names.insert(getName(result));
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            names.insert(getName(arg));
    });
  }

  /// Rewrites `op` when one of the rules applies; true when it did.
  bool rewrite(Operation *op);

  /// The arrays of the weights the rewrites created, by name.
  const NpzFile &createdWeights() const { return created; }
  /// The weights and none values the rewritten ops read (candidates for
  /// removal).
  ArrayRef<Operation *> readWeights() const { return touched.getArrayRef(); }

private:
  MLIRContext *context() { return module.getContext(); }

  /// `base`, or `base_1`, `base_2`... when taken; recorded as taken.
  std::string fresh(StringRef base) {
    std::string name = base.str();
    for (int i = 1; names.contains(name); ++i)
      name = (base + "_" + Twine(i)).str();
    names.insert(name);
    return name;
  }
  Location nameLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(context(), name));
  }

  /// The f32 data of a top.Weight operand (of the shape of its type), or
  /// null.
  const Array *weightData(Value value) {
    auto weight = value.getDefiningOp<WeightOp>();
    if (!weight)
      return nullptr;
    const Array *array = inWeights.lookup(getName(weight.getOperation()));
    std::optional<ArrayRef<int64_t>> shape = staticShape(value);
    if (!array || array->dtype() != DType::F32 || !shape ||
        array->shape() != *shape)
      return nullptr;
    return array;
  }
  std::optional<std::vector<float>> weightValues(Value value) {
    if (const Array *array = weightData(value))
      return array->toFloat();
    return std::nullopt;
  }

  /// A new f32 weight named `fresh(base)` at the builder's point; `key`,
  /// when given, shares one weight between the rewrites that ask for the
  /// same data (a reshaped copy of one weight).
  Value newWeight(StringRef base, ArrayRef<int64_t> shape, ArrayRef<float> data,
                  StringRef key = "") {
    if (!key.empty())
      if (Value existing = sharedWeights.lookup(key))
        return existing;
    std::string name = fresh(base);
    created.set(name, Array::fromFloat(shape, data));
    auto weight = builder.create<WeightOp>(
        nameLoc(name), tensorType(shape, builder.getF32Type()),
        /*weight_scale=*/nullptr);
    if (!key.empty())
      sharedWeights[key] = weight.getOutput();
    return weight.getOutput();
  }

  /// A `none` value for an operand of a new op before `op`: a top.None of
  /// the block above `op`, else a new one at the block's start (one per
  /// block, reused by the later rewrites, which come after).
  Value noneFor(Operation *op) {
    Block *block = op->getBlock();
    if (Value existing = nones.lookup(block))
      return existing;
    Value none;
    for (Operation &other : *block) {
      if (&other == op)
        break;
      if (auto found = dyn_cast<NoneOp>(other)) {
        none = found.getOutput();
        break;
      }
    }
    if (!none) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(block);
      none =
          builder.create<NoneOp>(nameLoc(fresh("none")), builder.getNoneType());
    }
    nones[block] = none;
    return none;
  }

  /// `value` reshaped to `shape`, keeping its element type (a calibrated
  /// range travels unchanged through a reshape).
  Value reshape(Value value, ArrayRef<int64_t> shape, Location loc) {
    return builder.create<ReshapeOp>(loc, tensorType(shape, elementOf(value)),
                                     value, /*shape=*/nullptr);
  }

  /// The element type of x * scale[c] over every channel: the calibrated
  /// range of the products of x's range with the scales, in the module's
  /// convention; f32 when x has no range.
  Type productElement(Value x, ArrayRef<float> scale);

  void noteWeights(Operation *op) {
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp();
          producer && isa<WeightOp, NoneOp>(producer))
        touched.insert(producer);
  }

  std::optional<ChannelAffine> matchChannelAffine(Operation *op);
  std::optional<std::vector<float>> perChannelWeight(Value x, Value w,
                                                     Value result);
  void rewriteChannelAffine(Operation *op, const ChannelAffine &affine);
  bool rewrite1D(Operation *op);
  bool rewriteByConstant(Operation *op);

  ModuleOp module;
  const ChipSpec &spec;
  const NpzFile &inWeights;
  OpBuilder builder;
  NpzFile created;
  llvm::StringSet<> names;
  llvm::StringMap<Value> sharedWeights;
  llvm::DenseMap<Block *, Value> nones;
  llvm::SetVector<Operation *> touched;
};

Type TopOptimizer::productElement(Value x, ArrayRef<float> scale) {
  auto calibrated = dyn_cast<quant::CalibratedQuantizedType>(elementOf(x));
  Type f32 = builder.getF32Type();
  if (!calibrated)
    return f32;
  double lo = calibrated.getMin(), hi = calibrated.getMax();
  double min = 0, max = 0;
  for (float s : scale) {
    double a = lo * s, b = hi * s;
    min = std::min({min, a, b});
    max = std::max({max, a, b});
  }
  auto asymmetric = module->getAttrOfType<BoolAttr>(attr::kAsymmetric);
  double m = std::max(std::fabs(min), std::fabs(max));
  if (spec.forcesSymmetricRanges() ||
      (min < 0 && !(asymmetric && asymmetric.getValue())))
    min = -m, max = m;
  if (!(min < max))
    return f32;
  return quant::CalibratedQuantizedType::get(f32, min, max);
}

/// The C values of a weight `w` that multiplies `x` (rank >= 2, C = dim 1)
/// per channel: after numpy's alignment every dimension of `w` is 1 but
/// axis 1, which is C > 1, and the result has x's shape.
std::optional<std::vector<float>>
TopOptimizer::perChannelWeight(Value x, Value w, Value result) {
  std::optional<ArrayRef<int64_t>> xs = staticShape(x), ws = staticShape(w),
                                   rs = staticShape(result);
  if (!xs || !ws || !rs || xs->size() < 2 || ws->size() > xs->size() ||
      *rs != *xs)
    return std::nullopt;
  int64_t rank = xs->size(), offset = rank - ws->size(), channels = (*xs)[1];
  if (channels <= 1)
    return std::nullopt;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = i < offset ? 1 : (*ws)[i - offset];
    if (d != (i == 1 ? channels : 1))
      return std::nullopt;
  }
  return weightValues(w);
}

std::optional<ChannelAffine> TopOptimizer::matchChannelAffine(Operation *op) {
  auto channelsOf = [](Value x) -> int64_t {
    std::optional<ArrayRef<int64_t>> shape = staticShape(x);
    return shape && shape->size() >= 2 ? (*shape)[1] : -1;
  };
  // A none operand, or a weight with C values.
  auto optionalValues = [&](Value v, int64_t channels,
                            bool &ok) -> std::vector<float> {
    if (isa<NoneType>(v.getType()))
      return {};
    std::optional<std::vector<float>> values = weightValues(v);
    if (!values || static_cast<int64_t>(values->size()) != channels)
      ok = false;
    return values ? *values : std::vector<float>();
  };
  ChannelAffine affine;
  if (auto scale = dyn_cast<ScaleOp>(op)) {
    int64_t channels = channelsOf(scale.getInput());
    bool ok = channels > 0 && !isWeight(scale.getInput());
    std::vector<float> s = optionalValues(scale.getScale(), channels, ok);
    std::vector<float> b = optionalValues(scale.getBias(), channels, ok);
    if (!ok || s.empty())
      return std::nullopt;
    affine.input = scale.getInput();
    affine.scale = std::move(s);
    affine.bias = std::move(b);
    affine.doRelu = scale.getDoRelu();
    affine.reluLimit = scale.getReluLimit().convertToDouble();
  } else if (auto norm = dyn_cast<BatchNormOp>(op)) {
    int64_t channels = channelsOf(norm.getInput());
    bool ok = channels > 0 && !isWeight(norm.getInput());
    std::vector<float> mean = optionalValues(norm.getMean(), channels, ok);
    std::vector<float> var = optionalValues(norm.getVariance(), channels, ok);
    std::vector<float> gamma = optionalValues(norm.getScale(), channels, ok);
    std::vector<float> beta = optionalValues(norm.getBias(), channels, ok);
    if (!ok || mean.empty() || var.empty())
      return std::nullopt;
    // Exactly top.BatchNorm's per-channel coefficients (Scale.cpp).
    double eps = norm.getEps().convertToDouble();
    affine.input = norm.getInput();
    for (int64_t c = 0; c < channels; ++c) {
      double s = (gamma.empty() ? 1.0 : gamma[c]) / std::sqrt(var[c] + eps);
      affine.scale.push_back(static_cast<float>(s));
      affine.bias.push_back(
          static_cast<float>((beta.empty() ? 0.0 : beta[c]) - mean[c] * s));
    }
    affine.doRelu = norm.getDoRelu();
    affine.reluLimit = norm.getReluLimit().convertToDouble();
  } else if (auto mul = dyn_cast<MulOp>(op)) {
    Value x = mul.getLhs(), w = mul.getRhs();
    if (isWeight(x))
      std::swap(x, w);
    if (isWeight(x) || !isWeight(w))
      return std::nullopt;
    std::optional<std::vector<float>> s =
        perChannelWeight(x, w, mul.getOutput());
    if (!s)
      return std::nullopt;
    affine.input = x;
    affine.scale = std::move(*s);
    affine.doRelu = mul.getDoRelu();
    affine.reluLimit = mul.getReluLimit().convertToDouble();
  } else if (auto div = dyn_cast<DivOp>(op)) {
    if (div.getInteger() || isWeight(div.getLhs()) || !isWeight(div.getRhs()))
      return std::nullopt;
    std::optional<std::vector<float>> w =
        perChannelWeight(div.getLhs(), div.getRhs(), div.getOutput());
    std::optional<std::vector<float>> s =
        w ? exactReciprocals(*w) : std::nullopt;
    if (!s)
      return std::nullopt;
    affine.input = div.getLhs();
    affine.scale = std::move(*s);
  } else {
    return std::nullopt;
  }
  // x * s + 0 rounds like x * s (a zero product's sign aside, which
  // compares equal): an all-zero bias is no bias.
  if (llvm::all_of(affine.bias, [](float b) { return b == 0.0f; }))
    affine.bias.clear();
  return affine;
}

void TopOptimizer::rewriteChannelAffine(Operation *op,
                                        const ChannelAffine &affine) {
  std::string name = getName(op);
  Value x = affine.input;
  ArrayRef<int64_t> shape = *staticShape(x);
  int64_t rank = shape.size(), channels = shape[1], inner = 1;
  for (int64_t d : shape.drop_front(2))
    inner *= d;
  SmallVector<int64_t> shape4(shape.begin(), shape.end());
  if (rank != 4)
    shape4 = {shape[0], channels, 1, inner};
  Type outElement = elementOf(op->getResult(0));
  bool hasBias = !affine.bias.empty();

  builder.setInsertionPoint(op);
  Value input =
      rank == 4 ? x : reshape(x, shape4, nameLoc(fresh(name + "_input_4d")));
  Value filter = newWeight(name + "_filter", {channels, 1, 1, 1}, affine.scale);
  SmallVector<NamedAttribute> attrs = {
      builder.getNamedAttr("kernel_shape", builder.getI64ArrayAttr({1, 1})),
      builder.getNamedAttr("strides", builder.getI64ArrayAttr({1, 1})),
      builder.getNamedAttr("pads", builder.getI64ArrayAttr({0, 0, 0, 0})),
      builder.getNamedAttr("group", builder.getI64IntegerAttr(channels))};
  SmallVector<NamedAttribute> relu = {
      builder.getNamedAttr("do_relu", builder.getBoolAttr(affine.doRelu)),
      builder.getNamedAttr("relu_limit",
                           builder.getF64FloatAttr(affine.reluLimit))};
  if (!hasBias)
    attrs.append(relu.begin(), relu.end());
  // The op that yields the 4-D result takes the tensor's name when no
  // reshape follows.
  auto resultLoc = [&]() -> Location {
    return rank == 4 ? op->getLoc() : nameLoc(fresh(name + "_4d"));
  };
  Location convLoc = hasBias ? nameLoc(fresh(name + "_scaled")) : resultLoc();
  Type convElement = hasBias ? productElement(x, affine.scale) : outElement;
  Value result = builder.create<ConvOp>(
      convLoc, TypeRange{tensorType(shape4, convElement)},
      ValueRange{input, filter, noneFor(op)}, attrs);
  if (hasBias) {
    Value bias = newWeight(name + "_bias", {1, channels, 1, 1}, affine.bias);
    result = builder.create<AddOp>(resultLoc(),
                                   TypeRange{tensorType(shape4, outElement)},
                                   ValueRange{result, bias}, relu);
  }
  if (rank != 4)
    result = reshape(result, shape, op->getLoc());
  op->getResult(0).replaceAllUsesWith(result);
}

/// A 1-D Conv, MaxPool or AvgPool (rank-3 input) as the 2-D op on
/// N x C x 1 x L between two reshapes.
bool TopOptimizer::rewrite1D(Operation *op) {
  if (!isa<ConvOp, MaxPoolOp, AvgPoolOp>(op))
    return false;
  Value x = op->getOperand(0);
  std::optional<ArrayRef<int64_t>> inShape = staticShape(x),
                                   outShape = staticShape(op->getResult(0));
  if (!inShape || !outShape || inShape->size() != 3 || outShape->size() != 3)
    return false;
  auto conv = dyn_cast<ConvOp>(op);
  std::optional<ArrayRef<int64_t>> filterShape;
  if (conv) {
    filterShape = staticShape(conv.getFilter());
    if (!filterShape || filterShape->size() != 3)
      return false;
  }
  std::string name = getName(op);
  auto get = [&](StringRef attr) {
    return integers(op->getAttrOfType<ArrayAttr>(attr));
  };
  SmallVector<int64_t> kernel = get("kernel_shape"), strides = get("strides"),
                       pads = get("pads"), dilations = get("dilations");
  if (kernel.size() != 1 || strides.size() != 1 || pads.size() != 2 ||
      dilations.size() > 1)
    return false;

  builder.setInsertionPoint(op);
  Value input = reshape(x, {(*inShape)[0], (*inShape)[1], 1, (*inShape)[2]},
                        nameLoc(fresh(name + "_input_4d")));
  SmallVector<Value> operands = {input};
  if (conv) {
    Value filter = conv.getFilter();
    SmallVector<int64_t> shape4 = {(*filterShape)[0], (*filterShape)[1], 1,
                                   (*filterShape)[2]};
    if (const Array *data = weightData(filter)) {
      std::string base = getName(filter) + "_4d";
      filter = newWeight(base, shape4, data->toFloat(), "4d:" + base);
    } else {
      filter = reshape(filter, shape4, nameLoc(fresh(name + "_filter_4d")));
    }
    operands.push_back(filter);
    operands.push_back(conv.getBias());
  }
  SmallVector<NamedAttribute> attrs;
  for (NamedAttribute a : op->getAttrs()) {
    StringRef key = a.getName().getValue();
    if (key == "kernel_shape")
      a.setValue(builder.getI64ArrayAttr({1, kernel[0]}));
    else if (key == "strides")
      a.setValue(builder.getI64ArrayAttr({1, strides[0]}));
    else if (key == "pads")
      a.setValue(builder.getI64ArrayAttr({0, pads[0], 0, pads[1]}));
    else if (key == "dilations")
      a.setValue(builder.getI64ArrayAttr({1, dilations[0]}));
    attrs.push_back(a);
  }
  OperationState state(nameLoc(fresh(name + "_4d")), op->getName());
  state.addOperands(operands);
  state.addTypes(tensorType({(*outShape)[0], (*outShape)[1], 1, (*outShape)[2]},
                            elementOf(op->getResult(0))));
  state.addAttributes(attrs);
  Value result = builder.create(state)->getResult(0);
  result = reshape(result, *outShape, op->getLoc());
  op->getResult(0).replaceAllUsesWith(result);
  return true;
}

/// Div by a weight with exact reciprocals → MulConst (one element) or Mul
/// by the reciprocals; Mul by a one-element weight → MulConst.
bool TopOptimizer::rewriteByConstant(Operation *op) {
  Value x, w;
  bool isDiv = false;
  if (auto div = dyn_cast<DivOp>(op)) {
    if (div.getInteger())
      return false;
    x = div.getLhs(), w = div.getRhs(), isDiv = true;
  } else if (auto mul = dyn_cast<MulOp>(op)) {
    x = mul.getLhs(), w = mul.getRhs();
    if (isWeight(x))
      std::swap(x, w);
  } else {
    return false;
  }
  if (isWeight(x) || !isWeight(w))
    return false;
  std::optional<std::vector<float>> values = weightValues(w);
  if (!values)
    return false;
  if (isDiv) {
    values = exactReciprocals(*values);
    if (!values)
      return false;
  }
  std::optional<ArrayRef<int64_t>> xShape = staticShape(x),
                                   outShape = staticShape(op->getResult(0));
  if (!xShape || !outShape)
    return false;
  Type outType = op->getResult(0).getType();
  auto doRelu = op->getAttrOfType<BoolAttr>("do_relu");
  auto limit = op->getAttrOfType<FloatAttr>("relu_limit");
  builder.setInsertionPoint(op);
  Value result;
  if (values->size() == 1 && *xShape == *outShape) {
    result = builder.create<MulConstOp>(
        op->getLoc(), outType, x, builder.getF64FloatAttr((*values)[0]),
        doRelu ? doRelu : builder.getBoolAttr(false),
        limit ? limit : builder.getF64FloatAttr(-1.0));
  } else if (isDiv) {
    std::string base = getName(w) + "_reciprocal";
    Value reciprocal = newWeight(base, *staticShape(w), *values, "rcp:" + base);
    result = builder.create<MulOp>(op->getLoc(), TypeRange{outType},
                                   ValueRange{x, reciprocal},
                                   ArrayRef<NamedAttribute>{});
  } else {
    return false;
  }
  op->getResult(0).replaceAllUsesWith(result);
  return true;
}

bool TopOptimizer::rewrite(Operation *op) {
  bool done = false;
  if (std::optional<ChannelAffine> affine = matchChannelAffine(op)) {
    rewriteChannelAffine(op, *affine);
    done = true;
  } else {
    done = rewrite1D(op) || rewriteByConstant(op);
  }
  if (done) {
    noteWeights(op);
    op->erase();
  }
  return done;
}

/// Whether some op of the module is of a kind a rule applies to.
bool mayRewrite(ModuleOp module) {
  return module
      .walk([](Operation *op) {
        std::optional<ArrayRef<int64_t>> shape =
            op->getNumOperands() ? staticShape(op->getOperand(0))
                                 : std::nullopt;
        bool candidate = isa<ScaleOp, BatchNormOp>(op) ||
                         (isa<MulOp, DivOp>(op) &&
                          llvm::any_of(op->getOperands(), isWeight)) ||
                         (isa<ConvOp, MaxPoolOp, AvgPoolOp>(op) && shape &&
                          shape->size() == 3);
        return candidate ? WalkResult::interrupt() : WalkResult::advance();
      })
      .wasInterrupted();
}

struct ProcessorTopOptimizePass
    : top::impl::ProcessorTopOptimizeBase<ProcessorTopOptimizePass> {
  using ProcessorTopOptimizeBase::ProcessorTopOptimizeBase;

  void runOnOperation() override {
    if (failed(runOn(getOperation())))
      signalPassFailure();
  }

  LogicalResult runOn(ModuleOp module) {
    if (failed(requireState(module, getArgument(),
                            {ModuleState::TopF32, ModuleState::TopCalibrated})))
      return failure();
    auto chip = module->getAttrOfType<StringAttr>(attr::kChip);
    if (!chip)
      return module.emitError("processor-top-optimize needs the chip "
                              "recorded by processor-assign");
    const ChipSpec *spec = target::lookupChip(chip.getValue());
    if (!spec)
      return module.emitError("unknown chip on the module: ") << chip;

    std::optional<std::string> weightFile = getWeightFile(module);
    std::string inPath =
        weightFile ? resolveWeightFile(module, *weightFile) : "weights.npz";
    NpzFile inWeights;
    // The weights are read only when an op might be rewritten.
    if (weightFile && mayRewrite(module)) {
      auto loaded = NpzFile::load(inPath);
      if (!loaded)
        return module.emitError() << llvm::toString(loaded.takeError());
      inWeights = std::move(*loaded);
    }

    TopOptimizer optimizer(module, *spec, inWeights);
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<Operation *> ops;
      for (Operation &op : func.getBody().front().without_terminator())
        ops.push_back(&op);
      for (Operation *op : ops)
        optimizer.rewrite(op);
    }
    for (Operation *read : optimizer.readWeights())
      if (read->use_empty())
        read->erase();
    const NpzFile &created = optimizer.createdWeights();
    if (created.empty())
      return success();

    // Every weight the module uses, the new ones and the old ones as they
    // were, in the module's order.
    return writeModuleWeights(
        module,
        [&](StringRef name) {
          const Array *array = created.lookup(name);
          return array ? array : inWeights.lookup(name);
        },
        inPath, weightFileOut, "_opt.npz");
  }
};

} // namespace
