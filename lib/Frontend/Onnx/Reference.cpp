//===- Reference.cpp - onnxruntime reference outputs ----------------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// The model is prepared here (every typed node output made a graph output,
// external data inlined, inputs converted to the declared dtypes), written
// with the inputs into a work directory, and run by `node ort_run.js` with
// onnxruntime-node in a child process; its outputs npz is read back.
//
// libonnx's shape inference throws C++ exceptions, so this file is built
// with -fexceptions and nothing thrown leaves prepareModel().
//
//===----------------------------------------------------------------------===//

#include "tpuc/Frontend/Onnx/Reference.h"
#include "tpuc/Support/Error.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <cmath>
#include <exception>
#include <limits>

extern char **environ;

using namespace llvm;
using namespace tpuc;

// Locations fixed at configure time (lib/Frontend/Onnx/CMakeLists.txt).
#ifndef TPUC_NODE_EXECUTABLE
#define TPUC_NODE_EXECUTABLE ""
#endif
#ifndef TPUC_ORT_SCRIPT
#define TPUC_ORT_SCRIPT ""
#endif
#ifndef TPUC_ORT_NODE_MODULES
#define TPUC_ORT_NODE_MODULES ""
#endif

namespace {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

/// The DType of an ONNX TensorProto element type that onnxruntime-node and
/// npz both handle, or std::nullopt.
std::optional<DType> dtypeOfOnnx(int32_t elemType) {
  switch (elemType) {
  case onnx::TensorProto::FLOAT:
    return DType::F32;
  case onnx::TensorProto::DOUBLE:
    return DType::F64;
  case onnx::TensorProto::FLOAT16:
    return DType::F16;
  case onnx::TensorProto::INT8:
    return DType::I8;
  case onnx::TensorProto::UINT8:
    return DType::U8;
  case onnx::TensorProto::INT16:
    return DType::I16;
  case onnx::TensorProto::UINT16:
    return DType::U16;
  case onnx::TensorProto::INT32:
    return DType::I32;
  case onnx::TensorProto::UINT32:
    return DType::U32;
  case onnx::TensorProto::INT64:
    return DType::I64;
  case onnx::TensorProto::UINT64:
    return DType::U64;
  case onnx::TensorProto::BOOL:
    return DType::Bool;
  default:
    return std::nullopt;
  }
}

std::string onnxTypeName(int32_t elemType) {
  if (onnx::TensorProto_DataType_IsValid(elemType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(elemType));
  return "type " + std::to_string(elemType);
}

/// Element `i` of `array`; long double holds every int64/uint64 exactly.
long double elementAt(const Array &array, size_t i) {
  switch (array.dtype()) {
  case DType::F32:
    return array.values<float>()[i];
  case DType::F64:
    return array.values<double>()[i];
  case DType::F16:
    return halfToFloat(array.values<uint16_t>()[i]);
  case DType::I8:
    return array.values<int8_t>()[i];
  case DType::U8:
    return array.values<uint8_t>()[i];
  case DType::I16:
    return array.values<int16_t>()[i];
  case DType::U16:
    return array.values<uint16_t>()[i];
  case DType::I32:
    return array.values<int32_t>()[i];
  case DType::U32:
    return array.values<uint32_t>()[i];
  case DType::I64:
    return array.values<int64_t>()[i];
  case DType::U64:
    return array.values<uint64_t>()[i];
  case DType::Bool:
    return array.values<uint8_t>()[i] != 0;
  }
  return 0;
}

/// `value` rounded to the nearest integer and clamped to T's range (NaN
/// gives 0).
template <typename T> T toInteger(long double value) {
  if (std::isnan(value))
    return 0;
  value = std::nearbyint(value);
  if (value <= static_cast<long double>(std::numeric_limits<T>::min()))
    return std::numeric_limits<T>::min();
  if (value >= static_cast<long double>(std::numeric_limits<T>::max()))
    return std::numeric_limits<T>::max();
  return static_cast<T>(value);
}

uint16_t toHalf(long double value) {
  bool losesInfo;
  APFloat half(static_cast<double>(value));
  half.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &losesInfo);
  return static_cast<uint16_t>(half.bitcastToAPInt().getZExtValue());
}

/// `array` converted element by element to `type`.
Array convertArray(const Array &array, DType type) {
  if (array.dtype() == type)
    return array;
  Array result = Array::make(type, array.shape());
  size_t n = static_cast<size_t>(array.numElements());
  for (size_t i = 0; i < n; ++i) {
    long double v = elementAt(array, i);
    switch (type) {
    case DType::F32:
      result.mutableValues<float>()[i] = static_cast<float>(v);
      break;
    case DType::F64:
      result.mutableValues<double>()[i] = static_cast<double>(v);
      break;
    case DType::F16:
      result.mutableValues<uint16_t>()[i] = toHalf(v);
      break;
    case DType::I8:
      result.mutableValues<int8_t>()[i] = toInteger<int8_t>(v);
      break;
    case DType::U8:
      result.mutableValues<uint8_t>()[i] = toInteger<uint8_t>(v);
      break;
    case DType::I16:
      result.mutableValues<int16_t>()[i] = toInteger<int16_t>(v);
      break;
    case DType::U16:
      result.mutableValues<uint16_t>()[i] = toInteger<uint16_t>(v);
      break;
    case DType::I32:
      result.mutableValues<int32_t>()[i] = toInteger<int32_t>(v);
      break;
    case DType::U32:
      result.mutableValues<uint32_t>()[i] = toInteger<uint32_t>(v);
      break;
    case DType::I64:
      result.mutableValues<int64_t>()[i] = toInteger<int64_t>(v);
      break;
    case DType::U64:
      result.mutableValues<uint64_t>()[i] = toInteger<uint64_t>(v);
      break;
    case DType::Bool:
      result.mutableValues<uint8_t>()[i] = v != 0;
      break;
    }
  }
  return result;
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(d);
  return text + "]";
}

std::string formatShape(const onnx::TensorShapeProto &shape) {
  std::string text = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto &dim = shape.dim(i);
    text += i ? ", " : "";
    if (dim.has_dim_value())
      text += std::to_string(dim.dim_value());
    else if (dim.has_dim_param())
      text += "'" + dim.dim_param() + "'";
    else
      text += "?";
  }
  return text + "]";
}

//===----------------------------------------------------------------------===//
// Model preparation
//===----------------------------------------------------------------------===//

/// What the child process needs: the model to run, its inputs, and the
/// order of the tensors in the result.
struct PreparedRun {
  std::string modelBytes;
  NpzFile feeds;
  std::vector<std::string> order;
};

/// Replaces the external data of the initializers by raw_data read from
/// the files next to the model (the prepared model is saved elsewhere).
Error inlineExternalData(onnx::GraphProto &graph, StringRef onnxPath) {
  SmallString<256> modelDir(onnxPath);
  sys::path::remove_filename(modelDir);
  for (onnx::TensorProto &tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string location;
    uint64_t offset = 0, length = 0;
    bool hasLength = false;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset")
        offset = std::strtoull(entry.value().c_str(), nullptr, 10);
      else if (entry.key() == "length") {
        length = std::strtoull(entry.value().c_str(), nullptr, 10);
        hasLength = true;
      }
    }
    SmallString<256> file(modelDir);
    sys::path::append(file, location);
    auto buffer = MemoryBuffer::getFile(file, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
    if (!buffer)
      return makeError("cannot read the external data of initializer '" +
                           tensor.name() + "' (" + buffer.getError().message() +
                           ")",
                       file);
    StringRef data = (*buffer)->getBuffer();
    if (offset > data.size() || (hasLength && length > data.size() - offset))
      return makeError("external data of initializer '" + tensor.name() +
                           "' lies past the end of the file",
                       file);
    tensor.set_raw_data(
        data.substr(offset, hasLength ? length : StringRef::npos).str());
    tensor.clear_external_data();
    tensor.set_data_location(onnx::TensorProto::DEFAULT);
  }
  return Error::success();
}

/// The graph inputs that are not initializers, in graph order.
std::vector<const onnx::ValueInfoProto *>
getRealInputs(const onnx::GraphProto &graph) {
  StringSet<> initializers;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializers.insert(tensor.name());
  std::vector<const onnx::ValueInfoProto *> result;
  for (const onnx::ValueInfoProto &input : graph.input())
    if (!initializers.contains(input.name()))
      result.push_back(&input);
  return result;
}

/// Matches `inputs` to the graph inputs and converts them to the declared
/// element types.
Expected<NpzFile> makeFeeds(const onnx::GraphProto &graph,
                            const NpzFile &inputs, StringRef onnxPath) {
  std::vector<const onnx::ValueInfoProto *> realInputs = getRealInputs(graph);
  bool byName = llvm::all_of(realInputs, [&](const onnx::ValueInfoProto *in) {
    return inputs.contains(in->name());
  });
  if (!byName && inputs.size() != realInputs.size()) {
    std::string missing, given;
    for (const onnx::ValueInfoProto *in : realInputs)
      if (!inputs.contains(in->name()))
        missing += (missing.empty() ? "'" : ", '") + in->name() + "'";
    for (StringRef name : inputs.names())
      given += (given.empty() ? "'" : ", '") + name.str() + "'";
    return makeError("missing input " + missing + ": the model has " +
                         Twine(realInputs.size()) + " inputs, given " +
                         Twine(inputs.size()) +
                         (given.empty() ? std::string() : " (" + given + ")"),
                     onnxPath);
  }

  NpzFile feeds;
  auto given = inputs.begin();
  for (const onnx::ValueInfoProto *input : realInputs) {
    const std::string &name = input->name();
    const Array &array = byName ? *inputs.lookup(name) : (given++)->array;
    if (!input->type().has_tensor_type())
      return makeError("graph input '" + name + "' is not a tensor", onnxPath);
    const onnx::TypeProto_Tensor &type = input->type().tensor_type();
    std::optional<DType> dtype = dtypeOfOnnx(type.elem_type());
    if (!dtype)
      return makeError("graph input '" + name + "' has element type " +
                           onnxTypeName(type.elem_type()) +
                           ", which the reference runtime does not support",
                       onnxPath);
    if (type.has_shape()) {
      const onnx::TensorShapeProto &shape = type.shape();
      bool matches = shape.dim_size() == static_cast<int>(array.rank());
      for (int i = 0; matches && i < shape.dim_size(); ++i)
        if (shape.dim(i).has_dim_value() &&
            shape.dim(i).dim_value() != array.shape()[i])
          matches = false;
      if (!matches)
        return makeError("input '" + name + "' has shape " +
                             formatShape(array.shape()) +
                             " but the model declares " + formatShape(shape),
                         onnxPath);
    }
    feeds.set(name, convertArray(array, *dtype));
  }
  return feeds;
}

/// Parses the model, exposes the intermediate tensors and builds the feeds.
/// May throw (libonnx); runOnnxReference catches.
Expected<PreparedRun> prepareModel(StringRef onnxPath, const NpzFile &inputs,
                                   const ReferenceOptions &options) {
  auto buffer = MemoryBuffer::getFile(onnxPath, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot read the ONNX model (" +
                         buffer.getError().message() + ")",
                     onnxPath);
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return makeError("ONNX models over 2 GiB must keep their weights as "
                     "external data",
                     onnxPath);
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return makeError("cannot parse the ONNX model (not an ONNX protobuf)",
                     onnxPath);
  if (!model.has_graph())
    return makeError("the ONNX model has no graph", onnxPath);
  onnx::GraphProto &graph = *model.mutable_graph();
  if (Error error = inlineExternalData(graph, onnxPath))
    return std::move(error);

  PreparedRun run;
  auto feeds = makeFeeds(graph, inputs, onnxPath);
  if (!feeds)
    return feeds.takeError();
  run.feeds = std::move(*feeds);

  // Element types of every tensor, from ONNX shape inference on a copy (the
  // model itself is left as written, so onnxruntime does its own inference).
  // Inference errors are not fatal: untyped tensors are just not exposed.
  StringMap<int32_t> elemTypes;
  if (options.allTensors) {
    onnx::ModelProto inferred = model;
    try {
      onnx::shape_inference::InferShapes(inferred);
    } catch (const std::exception &) {
      // Keep what was inferred before the failure.
    }
    auto collect = [&](const auto &valueInfos) {
      for (const onnx::ValueInfoProto &info : valueInfos)
        if (info.type().has_tensor_type() &&
            info.type().tensor_type().elem_type() !=
                onnx::TensorProto::UNDEFINED)
          elemTypes[info.name()] = info.type().tensor_type().elem_type();
    };
    collect(inferred.graph().value_info());
    collect(inferred.graph().output());
  }

  StringSet<> outputs, seen;
  for (const onnx::ValueInfoProto &output : graph.output())
    outputs.insert(output.name());
  StringSet<> sources;
  for (const onnx::ValueInfoProto &input : graph.input())
    sources.insert(input.name());
  for (const onnx::TensorProto &tensor : graph.initializer())
    sources.insert(tensor.name());

  std::vector<onnx::ValueInfoProto> extra;
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &name : node.output()) {
      if (name.empty() || sources.contains(name) || !seen.insert(name).second)
        continue;
      if (outputs.contains(name)) {
        run.order.push_back(name);
        continue;
      }
      if (!options.allTensors)
        continue;
      auto type = elemTypes.find(name);
      if (type == elemTypes.end() || !dtypeOfOnnx(type->second))
        continue;
      onnx::ValueInfoProto info;
      info.set_name(name);
      info.mutable_type()->mutable_tensor_type()->set_elem_type(type->second);
      extra.push_back(std::move(info));
      run.order.push_back(name);
    }
  }
  for (onnx::ValueInfoProto &info : extra)
    *graph.add_output() = std::move(info);

  if (!model.SerializeToString(&run.modelBytes))
    return makeError("cannot serialize the ONNX model with its intermediate "
                     "tensors as outputs (over 2 GiB?)",
                     onnxPath);
  return run;
}

//===----------------------------------------------------------------------===//
// The child process
//===----------------------------------------------------------------------===//

Error writeFile(StringRef path, StringRef contents) {
  std::error_code ec;
  raw_fd_ostream os(path, ec, sys::fs::OF_None);
  if (ec)
    return makeError("cannot write (" + ec.message() + ")", path);
  os << contents;
  os.close();
  if (os.has_error())
    return makeError("cannot write (" + os.error().message() + ")", path);
  return Error::success();
}

/// The last `maxLines` non-empty lines of the file at `path`, joined by
/// "\n"; empty when it cannot be read.
std::string tailOfFile(StringRef path, size_t maxLines = 20) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return {};
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  std::string result;
  size_t first = lines.size() > maxLines ? lines.size() - maxLines : 0;
  for (size_t i = first; i < lines.size(); ++i) {
    StringRef line = lines[i].rtrim();
    if (line.empty())
      continue;
    if (!result.empty())
      result += "\n";
    result += line.str();
  }
  return result;
}

std::string getSetting(const char *envName, StringRef configured) {
  if (std::optional<std::string> value = sys::Process::GetEnv(envName))
    if (!value->empty())
      return *value;
  return configured.str();
}

/// The node executable: TPUC_NODE, else the one found at configure time,
/// else `node` on PATH.
Expected<std::string> findNode(StringRef onnxPath) {
  std::string node = getSetting("TPUC_NODE", TPUC_NODE_EXECUTABLE);
  if (!node.empty() && sys::fs::can_execute(node))
    return node;
  if (ErrorOr<std::string> found = sys::findProgramByName("node"))
    return *found;
  return makeError(
      "cannot run the reference runtime: no `node` executable "
      "found" +
          (node.empty() ? std::string() : " (tried '" + node + "' and PATH)") +
          "; install nodejs or set TPUC_NODE",
      onnxPath);
}

} // namespace

Expected<NpzFile> tpuc::runOnnxReference(StringRef onnxPath,
                                         const NpzFile &inputs,
                                         const ReferenceOptions &options) {
  // Locate the tools first: a missing runtime is the likeliest failure.
  auto node = findNode(onnxPath);
  if (!node)
    return node.takeError();
  std::string script = getSetting("TPUC_ORT_SCRIPT", TPUC_ORT_SCRIPT);
  if (script.empty() || !sys::fs::exists(script))
    return makeError("cannot run the reference runtime: its script '" + script +
                         "' does not exist (build the ort_run_js target or "
                         "set TPUC_ORT_SCRIPT)",
                     onnxPath);
  std::string modules =
      getSetting("TPUC_ORT_NODE_MODULES", TPUC_ORT_NODE_MODULES);
  SmallString<256> package(modules);
  sys::path::append(package, "onnxruntime-node", "package.json");
  if (modules.empty() || !sys::fs::exists(package))
    return makeError("cannot run the reference runtime: onnxruntime-node is "
                     "not installed in '" +
                         modules +
                         "' (run scripts/install-deps.sh or set "
                         "TPUC_ORT_NODE_MODULES)",
                     onnxPath);

  Expected<PreparedRun> prepared = [&]() -> Expected<PreparedRun> {
    try {
      return prepareModel(onnxPath, inputs, options);
    } catch (const std::exception &e) {
      return makeError(Twine("cannot prepare the ONNX model: ") + e.what(),
                       onnxPath);
    } catch (...) {
      return makeError("cannot prepare the ONNX model", onnxPath);
    }
  }();
  if (!prepared)
    return prepared.takeError();

  // The work directory.
  SmallString<256> dir(options.workDir);
  bool ownsDir = dir.empty();
  if (ownsDir) {
    if (std::error_code ec = sys::fs::createUniqueDirectory("tpuc-ort", dir))
      return makeError(
          "cannot create a temporary directory (" + ec.message() + ")", dir);
  } else if (std::error_code ec = sys::fs::create_directories(dir)) {
    return makeError("cannot create the work directory (" + ec.message() + ")",
                     dir);
  }
  auto cleanup = make_scope_exit([&] {
    if (ownsDir)
      sys::fs::remove_directories(dir);
  });
  auto inDir = [&](StringRef name) {
    SmallString<256> path(dir);
    sys::path::append(path, name);
    return std::string(path);
  };
  std::string modelFile = inDir("model.onnx");
  std::string inputFile = inDir("inputs.npz");
  std::string outputFile = inDir("outputs.npz");
  std::string stdoutFile = inDir("ort_stdout.txt");
  std::string stderrFile = inDir("ort_stderr.txt");
  sys::fs::remove(outputFile);
  if (Error error = writeFile(modelFile, prepared->modelBytes))
    return std::move(error);
  if (Error error = prepared->feeds.save(inputFile))
    return std::move(error);

  // The child's environment: ours with NODE_PATH pointing at onnxruntime.
  std::vector<std::string> envStrings;
  for (char **entry = environ; entry && *entry; ++entry)
    if (!StringRef(*entry).starts_with("NODE_PATH="))
      envStrings.push_back(*entry);
  envStrings.push_back("NODE_PATH=" + modules);
  std::vector<StringRef> env(envStrings.begin(), envStrings.end());

  std::string threads = std::to_string(std::max(options.numThreads, 0));
  StringRef args[] = {*node, script, modelFile, inputFile, outputFile, threads};
  std::optional<StringRef> redirects[] = {StringRef(""), StringRef(stdoutFile),
                                          StringRef(stderrFile)};
  std::string errMsg;
  int rc = sys::ExecuteAndWait(*node, args, ArrayRef<StringRef>(env), redirects,
                               /*SecondsToWait=*/0,
                               /*MemoryLimit=*/0, &errMsg);
  if (rc != 0) {
    // The message reads "<what> (...), <model>:" and then the last lines
    // the child wrote, indented.
    std::string detail = tailOfFile(stderrFile);
    if (detail.empty())
      detail = tailOfFile(stdoutFile);
    if (detail.empty())
      detail = errMsg.empty() ? "(no message)" : errMsg;
    std::string indented;
    SmallVector<StringRef> lines;
    StringRef(detail).split(lines, '\n');
    for (StringRef line : lines)
      indented += "\n  " + line.str();
    std::string what = rc == 3  ? "cannot load onnxruntime-node"
                       : rc < 0 ? "the reference runtime did not finish"
                                : "onnxruntime failed on the model";
    return makeError(what + " (`" + *node + " " + script + "` exited with " +
                         std::to_string(rc) + ")",
                     onnxPath + ":" + indented);
  }

  Expected<NpzFile> outputs = NpzFile::load(outputFile);
  if (!outputs)
    return outputs.takeError();

  // F32 copies, in node order, then whatever else onnxruntime returned
  // (graph outputs that are graph inputs or initializers).
  NpzFile result;
  auto add = [&](StringRef name, const Array &array) {
    if (!result.contains(name))
      result.set(name, Array::fromFloat(array.shape(), array.toFloat()));
  };
  for (const std::string &name : prepared->order)
    if (const Array *array = outputs->lookup(name))
      add(name, *array);
  for (const NpzFile::Entry &entry : *outputs)
    add(entry.name, entry.array);
  return result;
}
