"""Writes ONNX models for the Elementwise family importer tests.

make_elementwise_models.py <kind> <out.onnx> [<inputs.npz> <reference.npz>]
make_elementwise_models.py check <outputs.npz> <reference.npz>

With the two npz paths, also writes a random input and the expected outputs
computed here with numpy (or torch for torch-exported models), keyed by the
graph's input and output names. `check` prints `<name>: ok` per reference
array that the outputs match (|diff| <= 1e-5 * max(1, |ref|)), and
`<name>: MISMATCH ...` otherwise.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

import model_gen_common as common
from model_gen_common import value


def const(name, array, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(array, dtype=dtype), name)


def save(nodes, inputs, outputs, inits, path, opset):
    common.save(nodes, inputs, outputs, inits, path, opset, "elementwise")


def scalar_ops(path):
    """Binary ops with scalar constants (AddConst / MulConst), x^3 as
    products, and Clip(0, 6) from optional inputs (opset 13)."""
    nodes = [
        helper.make_node("Sub", ["x", "one_half"], ["sub"]),
        helper.make_node("Mul", ["two", "sub"], ["mul"]),
        helper.make_node("Div", ["mul", "four"], ["div"]),
        helper.make_node("Pow", ["div", "three"], ["cube"]),
        helper.make_node("Clip", ["cube", "zero", "six"], ["y"]),
    ]
    inits = [const("one_half", 1.5), const("two", [2.0]), const("four", 4.0),
             const("three", 3.0), const("zero", 0.0), const("six", 6.0)]
    save(nodes, [value("x", [2, 3])], [value("y", [2, 3])], inits, path, 13)
    x = np.random.RandomState(0).uniform(-3, 5, (2, 3)).astype(np.float32)
    y = np.clip((2 * (x - 1.5) / 4) ** 3, 0, 6).astype(np.float32)
    return {"x": x}, {"y": y}


def legacy_clip(path):
    """Clip with attribute bounds (opset 6) that are not a ReLU."""
    nodes = [helper.make_node("Clip", ["x"], ["y"], min=-1.0, max=0.5)]
    save(nodes, [value("x", [4])], [value("y", [4])], [], path, 6)
    x = np.array([-2, -0.5, 0.25, 3], np.float32)
    return {"x": x}, {"y": np.clip(x, -1, 0.5)}


def prelu_channel(path):
    """PRelu with a 1-D per-channel slope, as old PyTorch exports it."""
    nodes = [helper.make_node("PRelu", ["x", "slope"], ["y"])]
    slope = np.array([0.1, 0.2, 0.3], np.float32)
    save(nodes, [value("x", [1, 3, 2, 2])], [value("y", [1, 3, 2, 2])],
         [const("slope", slope)], path, 9)
    x = np.random.RandomState(1).randn(1, 3, 2, 2).astype(np.float32)
    y = np.where(x >= 0, x, x * slope.reshape(3, 1, 1))
    return {"x": x}, {"y": y.astype(np.float32)}


def integer_shape_math(path):
    """Shape arithmetic on int64 constants: Div truncates, Cast to int64 of
    a float constant truncates, and the result feeds Reshape."""
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Div", ["shape", "two"], ["half"]),
        helper.make_node("Mul", ["half", "two"], ["even"]),
        helper.make_node("Cast", ["f"], ["i"], to=TensorProto.INT64),
        helper.make_node("Concat", ["i", "even"], ["target"], axis=0),
        helper.make_node("Reshape", ["x6", "target"], ["y"]),
    ]
    inits = [const("two", [2, 2], np.int64), const("f", [1.7], np.float32)]
    save(nodes, [value("x", [5, 7]), value("x6", [24])],
         [value("y", [1, 4, 6])], inits, path, 13)
    x = np.zeros((5, 7), np.float32)
    x6 = np.arange(24, dtype=np.float32)
    return {"x": x, "x6": x6}, {"y": x6.reshape(1, 4, 6)}


def torch_silu(path):
    """torch.nn.SiLU exported at opset 13: Sigmoid then Mul."""
    import torch

    class Net(torch.nn.Module):
        def forward(self, x):
            return torch.nn.functional.silu(x) * 2.0

    torch.manual_seed(0)
    x = torch.randn(2, 5)
    net = Net().eval()
    torch.onnx.export(net, x, path, input_names=["x"], output_names=["y"],
                      opset_version=13)
    with torch.no_grad():
        return {"x": x.numpy()}, {"y": net(x).numpy()}


def torch_gelu(path):
    """torch's GELU, exact and tanh, exported decomposed at opset 13."""
    import torch

    class Net(torch.nn.Module):
        def forward(self, x):
            return (torch.nn.functional.gelu(x),
                    torch.nn.functional.gelu(x, approximate="tanh"))

    torch.manual_seed(0)
    x = torch.randn(2, 8) * 3
    net = Net().eval()
    torch.onnx.export(net, x, path, input_names=["x"],
                      output_names=["y", "z"], opset_version=13)
    with torch.no_grad():
        y, z = net(x)
    return {"x": x.numpy()}, {"y": y.numpy(), "z": z.numpy()}


def check(out_path, ref_path):
    out, ref = np.load(out_path), np.load(ref_path)
    for name in ref.files:
        if name not in out.files:
            print(f"{name}: MISSING")
            continue
        a = out[name].astype(np.float64)
        b = ref[name].astype(np.float64)
        if a.shape != b.shape and a.size != b.size:
            print(f"{name}: MISMATCH shape {a.shape} vs {b.shape}")
            continue
        diff = np.abs(a.reshape(-1) - b.reshape(-1))
        bound = 1e-5 * np.maximum(1.0, np.abs(b.reshape(-1)))
        if np.all(diff <= bound):
            print(f"{name}: ok")
        else:
            print(f"{name}: MISMATCH max diff {diff.max():.3g}")


if __name__ == "__main__":
    common.main(lambda kind, path: globals()[kind](path), check)
