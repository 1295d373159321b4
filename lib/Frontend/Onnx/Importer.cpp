//===- Importer.cpp - ONNX to Top dialect importer ------------------------===//
//
// Part of tpuc. The importer core: reads the model, creates the function and
// its inputs, walks the nodes in order through the converters of each op
// family, folds constant subgraphs, and returns the module with its weights.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporter.h"

#include "tpuc/Dialect/Top/IR/Module.h"
#include "tpuc/Support/Error.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <map>
#include <set>

using namespace mlir;
using namespace tpuc;
using namespace tpuc::onnx_import;
using llvm::Error;
using llvm::Expected;

//===----------------------------------------------------------------------===//
// Node attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *
tpuc::onnx_import::findAttr(const onnx::NodeProto &node, StringRef name) {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t tpuc::onnx_import::getAttrInt(const onnx::NodeProto &node,
                                      StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : defaultValue;
}

float tpuc::onnx_import::getAttrFloat(const onnx::NodeProto &node,
                                      StringRef name, float defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->f() : defaultValue;
}

std::string tpuc::onnx_import::getAttrString(const onnx::NodeProto &node,
                                             StringRef name,
                                             StringRef defaultValue) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->s() : defaultValue.str();
}

SmallVector<int64_t> tpuc::onnx_import::getAttrInts(const onnx::NodeProto &node,
                                                    StringRef name) {
  SmallVector<int64_t> values;
  if (const onnx::AttributeProto *attr = findAttr(node, name))
    values.assign(attr->ints().begin(), attr->ints().end());
  return values;
}

SmallVector<int64_t>
tpuc::onnx_import::getAttrIntsOr(const onnx::NodeProto &node, StringRef name,
                                 size_t count, int64_t fill) {
  SmallVector<int64_t> values = getAttrInts(node, name);
  if (values.empty())
    values.assign(count, fill);
  return values;
}

SmallVector<float> tpuc::onnx_import::getAttrFloats(const onnx::NodeProto &node,
                                                    StringRef name) {
  SmallVector<float> values;
  if (const onnx::AttributeProto *attr = findAttr(node, name))
    values.assign(attr->floats().begin(), attr->floats().end());
  return values;
}

/// Copies `count` elements of the typed field `field` into `array`.
template <typename T, typename Field>
static void copyField(Array &array, const Field &field) {
  MutableArrayRef<T> out = array.mutableValues<T>();
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i)
    out[i] = static_cast<T>(field.Get(i));
}

Expected<Array> tpuc::onnx_import::tensorToArray(const onnx::TensorProto &t,
                                                 StringRef where) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return makeError("tensors with external data are not supported", where);
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0)
      return makeError("negative dimension in tensor", where);
  std::optional<DType> dtype;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT: dtype = DType::F32; break;
  case onnx::TensorProto::DOUBLE: dtype = DType::F64; break;
  case onnx::TensorProto::FLOAT16: dtype = DType::F16; break;
  case onnx::TensorProto::INT8: dtype = DType::I8; break;
  case onnx::TensorProto::UINT8: dtype = DType::U8; break;
  case onnx::TensorProto::INT16: dtype = DType::I16; break;
  case onnx::TensorProto::UINT16: dtype = DType::U16; break;
  case onnx::TensorProto::INT32: dtype = DType::I32; break;
  case onnx::TensorProto::UINT32: dtype = DType::U32; break;
  case onnx::TensorProto::INT64: dtype = DType::I64; break;
  case onnx::TensorProto::UINT64: dtype = DType::U64; break;
  case onnx::TensorProto::BOOL: dtype = DType::Bool; break;
  default:
    return makeError("unsupported tensor data type " +
                         Twine(static_cast<int>(t.data_type())),
                     where);
  }
  Array array = Array::make(*dtype, shape);
  int64_t n = array.numElements();
  if (t.has_raw_data()) {
    if (t.raw_data().size() != array.byteSize())
      return makeError("tensor has " + Twine(t.raw_data().size()) +
                           " bytes of data but its shape needs " +
                           Twine(array.byteSize()),
                       where);
    std::memcpy(array.mutableBytes().data(), t.raw_data().data(),
                array.byteSize());
    return array;
  }
  auto check = [&](int64_t have) -> Error {
    if (have != n)
      return makeError("tensor has " + Twine(have) +
                           " values but its shape needs " + Twine(n),
                       where);
    return Error::success();
  };
  switch (*dtype) {
  case DType::F32:
    if (Error e = check(t.float_data_size()))
      return std::move(e);
    copyField<float>(array, t.float_data());
    break;
  case DType::F64:
    if (Error e = check(t.double_data_size()))
      return std::move(e);
    copyField<double>(array, t.double_data());
    break;
  case DType::I64:
    if (Error e = check(t.int64_data_size()))
      return std::move(e);
    copyField<int64_t>(array, t.int64_data());
    break;
  case DType::U32:
  case DType::U64:
    if (Error e = check(t.uint64_data_size()))
      return std::move(e);
    if (*dtype == DType::U32)
      copyField<uint32_t>(array, t.uint64_data());
    else
      copyField<uint64_t>(array, t.uint64_data());
    break;
  default: // int32_data holds every narrower type, f16 as bits
    if (Error e = check(t.int32_data_size()))
      return std::move(e);
    switch (*dtype) {
    case DType::I32: copyField<int32_t>(array, t.int32_data()); break;
    case DType::I16: copyField<int16_t>(array, t.int32_data()); break;
    case DType::U16:
    case DType::F16: copyField<uint16_t>(array, t.int32_data()); break;
    case DType::I8: copyField<int8_t>(array, t.int32_data()); break;
    case DType::U8: copyField<uint8_t>(array, t.int32_data()); break;
    case DType::Bool: copyField<bool>(array, t.int32_data()); break;
    default: break;
    }
  }
  return array;
}

//===----------------------------------------------------------------------===//
// OnnxImporter
//===----------------------------------------------------------------------===//

/// Every op family's converters.
static void registerAllConverters(ConverterMap &map) {
  registerCoreConverters(map);
  registerNNConverters(map);
  registerDataConverters(map);
  registerElementwiseConverters(map);
}

OnnxImporter::OnnxImporter(MLIRContext &context, StringRef modelPath,
                           const onnx::ModelProto &model,
                           const OnnxImportOptions &options)
    : context(context), modelPath(modelPath.str()), model(model),
      options(options), opBuilder(&context) {
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      opsetVersion = opset.version();
  registerAllConverters(converters);
}

Location OnnxImporter::nameLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(&context, name));
}

std::string OnnxImporter::uniqueName(StringRef base) {
  std::string name = base.str();
  for (int i = 1; usedNames.contains(name) || values.count(name) ||
                  constants.count(name);
       ++i)
    name = (base + "_" + Twine(i)).str();
  usedNames.insert(name);
  return name;
}

LogicalResult OnnxImporter::fail(const onnx::NodeProto &node,
                                 const Twine &message) {
  std::string name = node.name().empty() && node.output_size()
                         ? node.output(0)
                         : node.name();
  errors += llvm::formatv("node '{0}' ({1}): {2}\n", name, node.op_type(),
                          message.str())
                .str();
  return failure();
}

bool OnnxImporter::hasInput(const onnx::NodeProto &node, unsigned index) {
  return static_cast<int>(index) < node.input_size() &&
         !node.input(index).empty();
}

bool OnnxImporter::isConstant(StringRef name) const {
  return constants.count(name);
}

const Array *OnnxImporter::getConstant(StringRef name) const {
  auto it = constants.find(name);
  return it == constants.end() ? nullptr : &it->second;
}

void OnnxImporter::setConstant(StringRef name, Array array) {
  constants.insert_or_assign(name, std::move(array));
}

void OnnxImporter::mapValue(StringRef name, Value value) {
  values[name] = value;
}

Value OnnxImporter::none() {
  if (!noneValue) {
    OpBuilder::InsertionGuard guard(opBuilder);
    opBuilder.setInsertionPointToStart(body);
    noneValue = opBuilder.create<top::NoneOp>(nameLoc("none"),
                                               opBuilder.getNoneType());
    if (!lastWeight)
      lastWeight = noneValue.getDefiningOp();
  }
  return noneValue;
}

ArrayRef<int64_t> OnnxImporter::shapeOf(Value value) {
  if (auto type = dyn_cast<RankedTensorType>(value.getType()))
    return type.getShape();
  return {};
}

Value OnnxImporter::materialize(StringRef name) {
  auto it = materialized.find(name);
  if (it != materialized.end())
    return it->second;
  const Array &array = constants.find(name)->second;
  std::vector<float> data = array.toFloat();
  auto type = RankedTensorType::get(array.shape(), opBuilder.getF32Type());
  OpBuilder::InsertionGuard guard(opBuilder);
  if (lastWeight)
    opBuilder.setInsertionPointAfter(lastWeight);
  else
    opBuilder.setInsertionPointToStart(body);
  auto weight = opBuilder.create<top::WeightOp>(nameLoc(name), type,
                                                /*weight_scale=*/nullptr);
  lastWeight = weight;
  weights.set(name, Array::fromFloat(array.shape(), data));
  usedNames.insert(name);
  materialized[name] = weight.getOutput();
  return weight.getOutput();
}

Value OnnxImporter::getValue(const onnx::NodeProto &node, StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (constants.count(name))
    return materialize(name);
  (void)fail(node, "input '" + name + "' is not produced by any earlier "
                   "node, initializer or graph input");
  return nullptr;
}

Value OnnxImporter::getInput(const onnx::NodeProto &node, unsigned index) {
  if (!hasInput(node, index))
    return none();
  return getValue(node, node.input(index));
}

FailureOr<SmallVector<int64_t>>
OnnxImporter::getConstantInts(const onnx::NodeProto &node, unsigned index) {
  if (!hasInput(node, index) || !isConstant(node.input(index))) {
    (void)fail(node, "input #" + Twine(index) +
                         " must be a constant (an initializer or computable "
                         "from static shapes)");
    return failure();
  }
  const Array &array = *getConstant(node.input(index));
  SmallVector<int64_t> result;
  if (array.dtype() == DType::I64) {
    for (int64_t v : array.values<int64_t>())
      result.push_back(v);
  } else if (array.dtype() == DType::I32) {
    for (int32_t v : array.values<int32_t>())
      result.push_back(v);
  } else {
    for (float v : array.toFloat())
      result.push_back(static_cast<int64_t>(v));
  }
  return result;
}

FailureOr<SmallVector<float>>
OnnxImporter::getConstantFloats(const onnx::NodeProto &node, unsigned index) {
  if (!hasInput(node, index) || !isConstant(node.input(index))) {
    (void)fail(node, "input #" + Twine(index) + " must be a constant");
    return failure();
  }
  std::vector<float> data = getConstant(node.input(index))->toFloat();
  return SmallVector<float>(data.begin(), data.end());
}

Value OnnxImporter::createWeight(const onnx::NodeProto &node, StringRef suffix,
                                 Array array) {
  std::string base = node.output_size() ? node.output(0) : node.name();
  std::string name = uniqueName(base + "_" + suffix.str());
  setConstant(name, std::move(array));
  return materialize(name);
}

FailureOr<Operation *> OnnxImporter::buildOp(StringRef opName,
                                             const onnx::NodeProto &node,
                                             ValueRange operands,
                                             ArrayRef<NamedAttribute> attrs,
                                             ArrayRef<std::string> names) {
  for (Value operand : operands)
    if (!operand)
      return failure();
  Location loc = nameLoc(names.front());
  if (names.size() > 1) {
    SmallVector<Location> locs;
    for (const std::string &name : names)
      locs.push_back(nameLoc(name));
    loc = FusedLoc::get(&context, locs);
  }
  OperationState state(loc, opName);
  state.addOperands(operands);
  state.addAttributes(attrs);
  Type unranked = UnrankedTensorType::get(opBuilder.getF32Type());
  state.addTypes(SmallVector<Type>(names.size(), unranked));
  Operation *op = opBuilder.create(state);
  if (failed(verify(op)) ||
      (isa<ShapeInterface>(op) &&
       failed(cast<ShapeInterface>(op).inferShapes()))) {
    op->erase();
    return fail(node, "cannot convert to " + opName);
  }
  return op;
}

FailureOr<bool> OnnxImporter::tryFold(Operation *op,
                                      ArrayRef<std::string> names) {
  auto inference = dyn_cast<InferenceInterface>(op);
  if (!inference)
    return false;
  // Every operand must be a constant (a weight) or none.
  std::vector<std::vector<float>> inputs(op->getNumOperands());
  InferenceParameter param;
  for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
    if (isa<NoneType>(operand.getType())) {
      param.inputs.push_back(nullptr);
      continue;
    }
    auto weight = operand.getDefiningOp<top::WeightOp>();
    if (!weight)
      return false;
    inputs[i] = weights.lookup(getName(weight.getOperation()))->toFloat();
    param.inputs.push_back(inputs[i].data());
  }
  std::vector<std::vector<float>> outputs;
  for (Value result : op->getResults()) {
    int64_t n = 1;
    for (int64_t d : shapeOf(result))
      n *= d;
    outputs.emplace_back(n);
  }
  for (auto &output : outputs)
    param.outputs.push_back(output.data());
  if (failed(inference.init(param)))
    return failure();
  LogicalResult ok = inference.inference(param);
  inference.deinit(param);
  if (failed(ok))
    return failure();
  // Integer constants stay integers: when every operand is an integer
  // constant (shape arithmetic: Shape -> Gather -> Div ...), the results are
  // truncated toward zero as ONNX's integer ops do, so 194 / 3 is 64.
  bool integer = llvm::any_of(op->getOperands(), [](Value v) {
    return !isa<NoneType>(v.getType());
  });
  for (Value operand : op->getOperands()) {
    if (isa<NoneType>(operand.getType()))
      continue;
    const Array *c = getConstant(
        getName(operand.getDefiningOp<top::WeightOp>().getOperation()));
    DType t = c ? c->dtype() : DType::F32;
    if (t == DType::F32 || t == DType::F64 || t == DType::F16)
      integer = false;
  }
  for (auto [i, result] : llvm::enumerate(op->getResults())) {
    if (!integer) {
      setConstant(names[i], Array::fromFloat(shapeOf(result), outputs[i]));
      continue;
    }
    SmallVector<int64_t> ints;
    for (float v : outputs[i])
      ints.push_back(static_cast<int64_t>(std::clamp<double>(
          std::trunc(v), -9.2e18, 9.2e18)));
    setConstant(names[i], Array::fromData<int64_t>(shapeOf(result), ints));
  }
  op->erase();
  return true;
}

FailureOr<SmallVector<Value>>
OnnxImporter::createOp(StringRef opName, const onnx::NodeProto &node,
                       ValueRange operands, ArrayRef<NamedAttribute> attrs,
                       std::optional<SmallVector<std::string>> outputNames) {
  SmallVector<std::string> names;
  if (outputNames)
    names = *outputNames;
  else
    names.assign(node.output().begin(), node.output().end());
  if (names.empty())
    return fail(node, "has no outputs");
  FailureOr<Operation *> op = buildOp(opName, node, operands, attrs, names);
  if (failed(op))
    return failure();
  FailureOr<bool> folded = tryFold(*op, names);
  if (failed(folded))
    return fail(node, "cannot evaluate the constant subgraph");
  SmallVector<Value> results;
  for (auto [i, name] : llvm::enumerate(names)) {
    usedNames.insert(name);
    if (*folded) {
      // Later converters see a constant; a weight is made only when used.
      continue;
    }
    values[name] = (*op)->getResult(i);
    results.push_back((*op)->getResult(i));
  }
  return results;
}

FailureOr<Value> OnnxImporter::createHelperOp(StringRef opName,
                                              const onnx::NodeProto &node,
                                              StringRef suffix,
                                              ValueRange operands,
                                              ArrayRef<NamedAttribute> attrs) {
  std::string base = node.output_size() ? node.output(0) : node.name();
  std::string name = uniqueName(base + "_" + suffix.str());
  FailureOr<Operation *> op = buildOp(opName, node, operands, attrs, {name});
  if (failed(op))
    return failure();
  FailureOr<bool> folded = tryFold(*op, {name});
  if (failed(folded))
    return fail(node, "cannot evaluate the constant subgraph");
  if (*folded)
    return materialize(name);
  return (*op)->getResult(0);
}

LogicalResult OnnxImporter::checkSupported() {
  std::map<std::string, std::vector<std::string>> unsupported;
  for (const auto &node : model.graph().node())
    if (!converters.count(node.op_type()) ||
        (!node.domain().empty() && node.domain() != "ai.onnx"))
      unsupported[node.domain().empty()
                      ? node.op_type()
                      : node.domain() + "." + node.op_type()]
          .push_back(node.name().empty() && node.output_size()
                         ? node.output(0)
                         : node.name());
  if (unsupported.empty())
    return success();
  errors += "unsupported ONNX ops:";
  for (auto &[type, nodes] : unsupported) {
    errors += "\n  " + type + " (" + std::to_string(nodes.size()) +
              (nodes.size() == 1 ? " node): " : " nodes): ");
    for (size_t i = 0; i < nodes.size() && i < 8; ++i)
      errors += (i ? ", " : "") + nodes[i];
    if (nodes.size() > 8)
      errors += ", ...";
  }
  return failure();
}

LogicalResult OnnxImporter::importInputs(func::FuncOp &func) {
  const onnx::GraphProto &graph = model.graph();
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  SmallVector<const onnx::ValueInfoProto *> inputs;
  for (const auto &input : graph.input())
    if (!initializers.count(input.name()))
      inputs.push_back(&input);
  if (!options.inputShapes.empty() &&
      options.inputShapes.size() != inputs.size()) {
    errors += llvm::formatv("--input_shapes gives {0} shapes but the model "
                            "has {1} inputs\n",
                            options.inputShapes.size(), inputs.size())
                  .str();
    return failure();
  }
  SmallVector<Type> argTypes;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    const auto &type = input->type();
    if (!type.has_tensor_type()) {
      errors += "input '" + input->name() + "' is not a tensor\n";
      return failure();
    }
    SmallVector<int64_t> shape;
    bool hasShape = type.tensor_type().has_shape();
    for (const auto &dim : type.tensor_type().shape().dim())
      shape.push_back(dim.has_dim_value() && dim.dim_value() > 0
                          ? dim.dim_value()
                          : 1);
    if (!options.inputShapes.empty()) {
      const auto &given = options.inputShapes[i];
      if (hasShape && given.size() != shape.size()) {
        errors += llvm::formatv("--input_shapes gives input '{0}' rank {1} "
                                "but the model declares rank {2}\n",
                                input->name(), given.size(), shape.size())
                      .str();
        return failure();
      }
      for (int64_t d : given)
        if (d <= 0) {
          errors += "--input_shapes has a non-positive dimension for input '" +
                    input->name() + "'\n";
          return failure();
        }
      shape.assign(given.begin(), given.end());
    }
    argTypes.push_back(RankedTensorType::get(shape, opBuilder.getF32Type()));
  }
  func = func::FuncOp::create(nameLoc("main"), "main",
                              opBuilder.getFunctionType(argTypes, {}));
  body = func.addEntryBlock();
  opBuilder.setInsertionPointToEnd(body);
  for (auto [i, input] : llvm::enumerate(inputs)) {
    SmallVector<NamedAttribute> attrs;
    auto type = cast<RankedTensorType>(argTypes[i]);
    if (type.getRank() == 4) {
      auto addString = [&](StringRef name, const std::string &value) {
        if (!value.empty())
          attrs.push_back(opBuilder.getNamedAttr(
              name, opBuilder.getStringAttr(value)));
      };
      addString("pixel_format", options.pixelFormat);
      addString("channel_format", options.channelFormat);
      if (!options.resizeDims.empty())
        attrs.push_back(opBuilder.getNamedAttr(
            "resize_dims", opBuilder.getI64ArrayAttr(options.resizeDims)));
      if (options.keepAspectRatio) {
        attrs.push_back(opBuilder.getNamedAttr("keep_aspect_ratio",
                                               opBuilder.getBoolAttr(true)));
        attrs.push_back(opBuilder.getNamedAttr(
            "pad_value", opBuilder.getF64FloatAttr(options.padValue)));
      }
      if (!options.mean.empty())
        attrs.push_back(opBuilder.getNamedAttr(
            "mean", opBuilder.getF64ArrayAttr(options.mean)));
      if (!options.scale.empty())
        attrs.push_back(opBuilder.getNamedAttr(
            "scale", opBuilder.getF64ArrayAttr(options.scale)));
    }
    auto op = opBuilder.create<top::InputOp>(nameLoc(input->name()), type,
                                             body->getArgument(i), attrs);
    if (failed(verify(op)))
      return failure();
    values[input->name()] = op.getOutput();
    usedNames.insert(input->name());
  }
  return success();
}

void OnnxImporter::eraseDeadOps() {
  // Walk backwards so that users go before their producers.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (!op.hasTrait<OpTrait::IsTerminator>() && op.use_empty() &&
        !isa<top::InputOp>(op))
      op.erase();
}

Expected<OnnxImport> OnnxImporter::run() {
  // Diagnostics of verifiers and shape inference become part of the error.
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << diag.getLocation() << ": " << diag;
      errors += os.str() + "\n";
    } else if (diag.getSeverity() == DiagnosticSeverity::Warning) {
      llvm::errs() << "warning: " << diag << "\n";
    }
    return success();
  });
  auto report = [&]() { return makeError(StringRef(errors).rtrim(), modelPath); };

  if (opsetVersion == 0) {
    errors = "the model declares no ONNX opset";
    return report();
  }
  if (failed(checkSupported()))
    return report();

  const onnx::GraphProto &graph = model.graph();
  for (const auto &init : graph.initializer()) {
    Expected<Array> array = tensorToArray(init, modelPath + ":" + init.name());
    if (!array)
      return array.takeError();
    setConstant(init.name(), std::move(*array));
    usedNames.insert(init.name());
  }

  module = ModuleOp::create(nameLoc(model.graph().name().empty()
                                        ? "model"
                                        : model.graph().name()));
  func::FuncOp func;
  if (failed(importInputs(func)))
    return report();
  module->push_back(func);

  for (const auto &node : graph.node()) {
    opBuilder.setInsertionPointToEnd(body);
    if (failed(converters.find(node.op_type())->second(*this, node)))
      return report();
    if (!errors.empty())
      return report();
  }

  // Outputs: the graph's, or the tensors the user cut at.
  SmallVector<std::string> outputNames;
  if (!options.outputNames.empty())
    outputNames.assign(options.outputNames.begin(), options.outputNames.end());
  else
    for (const auto &output : graph.output())
      outputNames.push_back(output.name());
  SmallVector<Value> results;
  opBuilder.setInsertionPointToEnd(body);
  for (const std::string &name : outputNames) {
    Value value;
    if (auto it = values.find(name); it != values.end())
      value = it->second;
    else if (isConstant(name))
      value = materialize(name);
    if (!value) {
      errors += "output '" + name + "' is not a tensor of the model";
      return report();
    }
    results.push_back(value);
  }
  opBuilder.setInsertionPointToEnd(body);
  opBuilder.create<func::ReturnOp>(nameLoc("return"), results);
  func.setType(opBuilder.getFunctionType(func.getArgumentTypes(),
                                         ValueRange(results).getTypes()));
  eraseDeadOps();

  // Keep only the weights still used, in the order of the module.
  NpzFile used;
  func.walk([&](top::WeightOp weight) {
    std::string name = getName(weight.getOperation());
    used.set(name, *weights.lookup(name));
  });

  setState(*module, ModuleState::TopF32);
  (*module)->setAttr(attr::kPlatform, opBuilder.getStringAttr("ONNX"));
  if (!options.weightFile.empty())
    setWeightFile(*module, options.weightFile);
  if (failed(verify(*module))) {
    if (errors.empty())
      errors = "the imported module does not verify";
    return report();
  }
  return OnnxImport{std::move(module), std::move(used)};
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

Expected<OnnxImport> tpuc::importOnnx(MLIRContext &context, StringRef path,
                                      const OnnxImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return makeError("cannot open ONNX model: " + buffer.getError().message(),
                     path);
  onnx::ModelProto model;
  google::protobuf::io::ArrayInputStream raw((*buffer)->getBufferStart(),
                                             (*buffer)->getBufferSize());
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    return makeError("not a valid ONNX model (protobuf parse failed)", path);
  if (!model.has_graph())
    return makeError("the ONNX model has no graph", path);
  context.loadDialect<top::TopDialect, func::FuncDialect>();
  OnnxImporter importer(context, path, model, options);
  return importer.run();
}

std::vector<std::string> tpuc::getSupportedOnnxOps() {
  ConverterMap map;
  registerAllConverters(map);
  std::vector<std::string> ops;
  for (auto &entry : map)
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}
