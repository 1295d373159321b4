//===- ReferenceTest.cpp - tests for the onnxruntime reference ------------===//
//
// Part of tpuc.
//
//===----------------------------------------------------------------------===//
//
// Each test has Python build a small ONNX model (onnx.helper, or
// torch.onnx.export) with its inputs and the expected tensors computed
// independently (numpy, torch, or the .pb outputs of the ONNX backend test
// data), runs runOnnxReference and compares every expected tensor by name.
//
//===----------------------------------------------------------------------===//

#include "tpuc/Frontend/Onnx/Reference.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "../TestUtils.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

using namespace llvm;
using namespace tpuc;

#ifndef TPUC_PYTHON
#define TPUC_PYTHON "/usr/bin/python3"
#endif

namespace {

/// Imports and helpers every test script starts with.
constexpr const char *kPrelude = R"py(
import os, sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
os.chdir(sys.argv[1])

def save_model(nodes, inputs, outputs, initializers=(), opset=13):
    graph = helper.make_graph(nodes, 'g', inputs, outputs,
                              initializer=list(initializers))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid('', opset)])
    model.ir_version = 8
    onnx.save(model, 'model.onnx')

def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array), name)

def vi(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)

def f32(array):
    return np.asarray(array, dtype=np.float64).astype(np.float32)
)py";

/// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    if (std::optional<std::string> old = sys::Process::GetEnv(name))
      previous = *old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (previous)
      ::setenv(name, previous->c_str(), 1);
    else
      ::unsetenv(name);
  }

private:
  const char *name;
  std::optional<std::string> previous;
};

class ReferenceTest : public unittest::ScratchDirTest {
protected:
  ReferenceTest() : ScratchDirTest("tpuc-reference-test") {}

  /// Runs kPrelude + `body` with the test directory as cwd; fails the test
  /// (with Python's stderr) when the script fails.
  void runPython(StringRef body) {
    std::string script = path("script.py");
    {
      std::error_code ec;
      raw_fd_ostream os(script, ec);
      ASSERT_FALSE(ec) << ec.message();
      os << kPrelude << body << "\n";
    }
    std::string log = path("python.log");
    StringRef args[] = {TPUC_PYTHON, script, dir};
    std::optional<StringRef> redirects[] = {StringRef(""), StringRef(log),
                                            StringRef(log)};
    std::string errMsg;
    int rc = sys::ExecuteAndWait(TPUC_PYTHON, args, std::nullopt, redirects, 0,
                                 0, &errMsg);
    if (rc != 0) {
      auto output = MemoryBuffer::getFile(log);
      FAIL() << "python failed (" << rc << ") " << errMsg << "\n"
             << (output ? (*output)->getBuffer().str() : std::string());
    }
  }

  NpzFile load(StringRef name) {
    Expected<NpzFile> npz = NpzFile::load(path(name));
    if (!npz) {
      ADD_FAILURE() << toString(npz.takeError());
      return {};
    }
    return std::move(*npz);
  }

  /// runOnnxReference on model.onnx and the npz `inputs`.
  Expected<NpzFile> run(StringRef inputs = "inputs.npz",
                        const ReferenceOptions &options = {}) {
    return runOnnxReference(path("model.onnx"), load(inputs), options);
  }
};

/// Expects every array of `expected` in `actual`, F32, same shape, values
/// within 1e-5 (relative for magnitudes above 1).
void expectClose(const NpzFile &actual, const NpzFile &expected) {
  ASSERT_FALSE(expected.empty());
  for (const NpzFile::Entry &entry : expected) {
    const Array *array = actual.lookup(entry.name);
    ASSERT_NE(array, nullptr) << "no tensor '" << entry.name << "'";
    EXPECT_EQ(array->dtype(), DType::F32) << entry.name;
    ASSERT_EQ(array->shape(), entry.array.shape()) << entry.name;
    std::vector<float> want = entry.array.toFloat();
    ArrayRef<float> got = array->values<float>();
    for (size_t i = 0; i < want.size(); ++i)
      ASSERT_LE(std::fabs(got[i] - want[i]),
                1e-5f * std::max(1.0f, std::fabs(want[i])))
          << entry.name << "[" << i << "]: " << got[i] << " vs " << want[i];
  }
}

std::vector<std::string> namesOf(const NpzFile &npz) {
  std::vector<std::string> names;
  for (StringRef name : npz.names())
    names.push_back(name.str());
  return names;
}

void expectError(Expected<NpzFile> result, ArrayRef<StringRef> needles) {
  ASSERT_FALSE(bool(result)) << "expected an error";
  std::string message = toString(result.takeError());
  for (StringRef needle : needles)
    EXPECT_NE(message.find(needle.str()), std::string::npos)
        << "'" << needle.str() << "' not in: " << message;
}

/// Conv (pads 1) -> Relu -> Add of a broadcast initializer, computed with
/// float64 loops in numpy.
constexpr const char *kConvReluAdd = R"py(
rng = np.random.default_rng(1)
x = f32(rng.standard_normal((1, 2, 5, 5)))
w = f32(rng.standard_normal((3, 2, 3, 3)))
b = f32(rng.standard_normal(3))
c = f32(rng.standard_normal((3, 1, 1)))
save_model(
    [helper.make_node('Conv', ['x', 'w', 'b'], ['conv'], kernel_shape=[3, 3],
                      pads=[1, 1, 1, 1], name='conv0'),
     helper.make_node('Relu', ['conv'], ['relu']),
     helper.make_node('Add', ['relu', 'c'], ['y'])],
    [vi('x', TensorProto.FLOAT, [1, 2, 5, 5])],
    [vi('y', TensorProto.FLOAT, [1, 3, 5, 5])],
    [tensor('w', w), tensor('b', b), tensor('c', c)])
xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
conv = np.zeros((1, 3, 5, 5))
for o in range(3):
    for i in range(5):
        for j in range(5):
            conv[0, o, i, j] = np.sum(xp[0, :, i:i + 3, j:j + 3] * w[o]) + b[o]
relu = np.maximum(conv, 0)
np.savez('inputs.npz', x=x)
np.savez('expected.npz', conv=f32(conv), relu=f32(relu), y=f32(relu + c))
)py";

TEST_F(ReferenceTest, ConvReluAddGivesEveryTensorInNodeOrder) {
  runPython(kConvReluAdd);
  Expected<NpzFile> result = run();
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  expectClose(*result, load("expected.npz"));
  // Graph inputs and initializers are not node outputs.
  EXPECT_EQ(namesOf(*result), std::vector<std::string>({"conv", "relu", "y"}));
}

TEST_F(ReferenceTest, AllTensorsOffGivesOnlyGraphOutputs) {
  runPython(kConvReluAdd);
  ReferenceOptions options;
  options.allTensors = false;
  Expected<NpzFile> result = run("inputs.npz", options);
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  EXPECT_EQ(namesOf(*result), std::vector<std::string>({"y"}));
  NpzFile expected = load("expected.npz");
  expected.erase("conv");
  expected.erase("relu");
  expectClose(*result, expected);
}

TEST_F(ReferenceTest, WorkDirKeepsTheFiles) {
  runPython(kConvReluAdd);
  ReferenceOptions options;
  options.workDir = path("work/sub");
  options.numThreads = 2;
  Expected<NpzFile> result = run("inputs.npz", options);
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  expectClose(*result, load("expected.npz"));
  for (StringRef name : {"model.onnx", "inputs.npz", "outputs.npz"})
    EXPECT_TRUE(sys::fs::exists(path(("work/sub/" + name).str())))
        << name.str();
  // The model in the work dir has the intermediates as graph outputs; the
  // user's model is untouched.
  runPython(R"py(
work = onnx.load('work/sub/model.onnx')
assert [o.name for o in work.graph.output] == ['y', 'conv', 'relu'], \
    [o.name for o in work.graph.output]
assert [o.name for o in onnx.load('model.onnx').graph.output] == ['y']
)py");
}

TEST_F(ReferenceTest, MatMulWithInt64ReshapeShape) {
  runPython(R"py(
rng = np.random.default_rng(2)
x = f32(rng.standard_normal((2, 3, 4)))
w = f32(rng.standard_normal((4, 5)))
save_model(
    [helper.make_node('Reshape', ['x', 'shape'], ['flat']),
     helper.make_node('MatMul', ['flat', 'w'], ['mm']),
     helper.make_node('Shape', ['mm'], ['mm_shape']),
     helper.make_node('Cast', ['mm_shape'], ['mm_shape_f'],
                      to=TensorProto.FLOAT),
     helper.make_node('Mul', ['mm', 'two'], ['y'])],
    [vi('x', TensorProto.FLOAT, [2, 3, 4])],
    [vi('y', TensorProto.FLOAT, [6, 5]),
     vi('mm_shape_f', TensorProto.FLOAT, [2])],
    [tensor('shape', np.array([-1, 4], np.int64)), tensor('w', w),
     tensor('two', np.array(2, np.float32))])
flat = x.reshape(6, 4)
mm = flat.astype(np.float64) @ w
np.savez('inputs.npz', x=x)
np.savez('expected.npz', flat=flat, mm=f32(mm), y=f32(2 * mm),
         mm_shape=np.array([6, 5], np.int64),
         mm_shape_f=np.array([6, 5], np.float32))
)py");
  Expected<NpzFile> result = run();
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  expectClose(*result, load("expected.npz"));
  EXPECT_EQ(
      namesOf(*result),
      std::vector<std::string>({"flat", "mm", "mm_shape", "mm_shape_f", "y"}));
}

/// y = (a + b) * a, z = y - b; both are graph outputs.
constexpr const char *kTwoInputs = R"py(
rng = np.random.default_rng(3)
a = f32(rng.standard_normal((2, 3)))
b = f32(rng.standard_normal((2, 3)))
save_model(
    [helper.make_node('Add', ['a', 'b'], ['s']),
     helper.make_node('Mul', ['s', 'a'], ['y']),
     helper.make_node('Sub', ['y', 'b'], ['z'])],
    [vi('a', TensorProto.FLOAT, [2, 3]), vi('b', TensorProto.FLOAT, [2, 3])],
    [vi('z', TensorProto.FLOAT, [2, 3]), vi('y', TensorProto.FLOAT, [2, 3])])
s = a.astype(np.float64) + b
y = f32(s * a)
np.savez('by_name.npz', b=b, a=a)      # names match, order does not
np.savez('by_order.npz', in0=a, in1=b) # names do not match, order does
np.savez('missing.npz', a=a)
np.savez('expected.npz', s=f32(s), y=y, z=f32(y.astype(np.float64) - b))
)py";

TEST_F(ReferenceTest, TwoInputsMatchedByNameOrByOrder) {
  runPython(kTwoInputs);
  NpzFile expected = load("expected.npz");
  for (StringRef inputs : {"by_name.npz", "by_order.npz"}) {
    SCOPED_TRACE(inputs.str());
    Expected<NpzFile> result = run(inputs);
    ASSERT_TRUE(bool(result)) << toString(result.takeError());
    expectClose(*result, expected);
    EXPECT_EQ(namesOf(*result), std::vector<std::string>({"s", "y", "z"}));
  }
}

TEST_F(ReferenceTest, MissingInputIsAnError) {
  runPython(kTwoInputs);
  expectError(run("missing.npz"),
              {"missing input 'b'", "2 inputs", path("model.onnx")});
}

TEST_F(ReferenceTest, WrongInputShapeIsAnError) {
  runPython(kTwoInputs + std::string(R"py(
np.savez('wrong.npz', a=a, b=np.zeros((3, 2), np.float32))
)py"));
  expectError(run("wrong.npz"),
              {"input 'b' has shape [3, 2]", "declares [2, 3]"});
}

/// Gather with int64 indices; a bool intermediate (Greater) feeding Where.
constexpr const char *kGather = R"py(
rng = np.random.default_rng(4)
data = f32(rng.standard_normal((5, 3)))
idx = np.array([4, 0, 2], np.int64)
save_model(
    [helper.make_node('Gather', ['data', 'idx'], ['g'], axis=0),
     helper.make_node('Greater', ['g', 'zero'], ['pos']),
     helper.make_node('Where', ['pos', 'g', 'zero'], ['y'])],
    [vi('data', TensorProto.FLOAT, [5, 3]), vi('idx', TensorProto.INT64, [3])],
    [vi('y', TensorProto.FLOAT, [3, 3])],
    [tensor('zero', np.array(0, np.float32))])
g = data[idx]
np.savez('inputs.npz', data=data, idx=idx)
np.savez('inputs_f32.npz', data=data, idx=idx.astype(np.float32))
np.savez('inputs_i32.npz', data=data, idx=idx.astype(np.int32))
np.savez('expected.npz', g=g, pos=(g > 0).astype(np.float32),
         y=np.where(g > 0, g, 0).astype(np.float32))
)py";

TEST_F(ReferenceTest, Int64IndicesAndBoolIntermediate) {
  runPython(kGather);
  NpzFile expected = load("expected.npz");
  // int64 as declared, and float32 / int32 converted to int64.
  for (StringRef inputs : {"inputs.npz", "inputs_f32.npz", "inputs_i32.npz"}) {
    SCOPED_TRACE(inputs.str());
    Expected<NpzFile> result = run(inputs);
    ASSERT_TRUE(bool(result)) << toString(result.takeError());
    expectClose(*result, expected);
  }
}

TEST_F(ReferenceTest, Float16InputAndOutput) {
  runPython(R"py(
x = f32(np.linspace(-3, 3, 12).reshape(3, 4))
save_model(
    [helper.make_node('Mul', ['x', 'half'], ['m']),
     helper.make_node('Cast', ['m'], ['m32'], to=TensorProto.FLOAT),
     helper.make_node('Sqrt', ['m32'], ['r'])],
    [vi('x', TensorProto.FLOAT16, [3, 4])],
    [vi('m', TensorProto.FLOAT16, [3, 4])],
    [tensor('half', np.array(0.5, np.float16))])
m = x.astype(np.float16) * np.float16(0.5)
np.savez('inputs.npz', x=x)   # converted to float16 by the reference
np.savez('expected.npz', m=m.astype(np.float32),
         m32=m.astype(np.float32))
)py");
  Expected<NpzFile> result = run();
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  expectClose(*result, load("expected.npz"));
  // Sqrt of negatives: NaN where m < 0, present all the same.
  const Array *r = result->lookup("r");
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(std::isnan(r->values<float>()[0]));
  EXPECT_EQ(r->values<float>()[11], std::sqrt(1.5f));
}

TEST_F(ReferenceTest, TorchExportedModule) {
  runPython(R"py(
import torch
torch.manual_seed(0)
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 2, 3)
        self.fc = torch.nn.Linear(2 * 4 * 4, 3)
    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).flatten(1))
net = Net().eval()
x = torch.randn(1, 1, 6, 6)
torch.onnx.export(net, (x,), 'model.onnx', input_names=['input'],
                  output_names=['logits'], opset_version=13)
with torch.no_grad():
    conv = net.conv(x)
    relu = torch.relu(conv)
    flat = relu.flatten(1)
    logits = net.fc(flat)
by_op = {'Conv': conv, 'Relu': relu, 'Flatten': flat, 'Gemm': logits}
model = onnx.load('model.onnx')
expected = {}
for node in model.graph.node:
    assert node.op_type in by_op, node.op_type
    expected[node.output[0]] = by_op[node.op_type].numpy()
assert 'logits' in expected
np.savez('inputs.npz', input=x.numpy())
np.savez('expected.npz', **expected)
)py");
  Expected<NpzFile> result = run();
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  NpzFile expected = load("expected.npz");
  expectClose(*result, expected);
  EXPECT_EQ(result->size(), expected.size());
}

TEST_F(ReferenceTest, OnnxBackendTestDataRelu) {
  runPython(R"py(
case = '/usr/share/libonnx-testdata/data/node/test_relu'
model = onnx.load(case + '/model.onnx')
def pb(name):
    return numpy_helper.to_array(
        onnx.load_tensor(case + '/test_data_set_0/' + name))
np.savez('inputs.npz', **{model.graph.input[0].name: pb('input_0.pb')})
np.savez('expected.npz', **{model.graph.output[0].name: pb('output_0.pb')})
with open('model.onnx', 'wb') as f:
    f.write(open(case + '/model.onnx', 'rb').read())
)py");
  Expected<NpzFile> result = run();
  ASSERT_TRUE(bool(result)) << toString(result.takeError());
  NpzFile expected = load("expected.npz");
  expectClose(*result, expected);
  EXPECT_EQ(namesOf(*result), namesOf(expected));
}

TEST_F(ReferenceTest, MalformedModelIsAnError) {
  runPython(kConvReluAdd + std::string(R"py(
data = open('model.onnx', 'rb').read()
open('truncated.onnx', 'wb').write(data[:len(data) // 2])
open('text.onnx', 'w').write('this is not an onnx model\n')
)py"));
  NpzFile inputs = load("inputs.npz");
  for (StringRef name : {"text.onnx", "truncated.onnx"}) {
    SCOPED_TRACE(name.str());
    expectError(runOnnxReference(path(name), inputs, {}),
                {"cannot parse the ONNX model", path(name)});
  }
  expectError(runOnnxReference(path("absent.onnx"), inputs, {}),
              {"cannot read the ONNX model", path("absent.onnx")});
}

TEST_F(ReferenceTest, ModelOnnxruntimeRejectsIsAnError) {
  runPython(R"py(
save_model([helper.make_node('NoSuchOp', ['x'], ['y'])],
           [vi('x', TensorProto.FLOAT, [2])],
           [vi('y', TensorProto.FLOAT, [2])])
np.savez('inputs.npz', x=np.zeros(2, np.float32))
)py");
  expectError(run(), {"onnxruntime failed on the model", "NoSuchOp",
                      path("model.onnx")});
}

TEST_F(ReferenceTest, MissingOnnxruntimeIsAnError) {
  runPython(kConvReluAdd);
  ASSERT_FALSE(sys::fs::create_directories(path("empty_modules")));
  ScopedEnv env("TPUC_ORT_NODE_MODULES", path("empty_modules").c_str());
  expectError(run(), {"onnxruntime-node is not installed",
                      path("empty_modules"), path("model.onnx")});
}

TEST_F(ReferenceTest, MissingNodeIsAnError) {
  runPython(kConvReluAdd);
  NpzFile inputs = load("inputs.npz");
  ScopedEnv node("TPUC_NODE", path("no-node").c_str());
  ScopedEnv pathEnv("PATH", path("empty-path").c_str());
  expectError(runOnnxReference(path("model.onnx"), inputs, {}),
              {"no `node` executable", path("model.onnx")});
}

} // namespace
