"""Writes ONNX models for the Data family importer tests.

make_data_models.py <kind> <out.onnx> [<inputs.npz> <reference.npz>]
make_data_models.py check <outputs.npz> <reference.npz>

With the two npz paths, also writes a random input and the expected outputs
computed here with numpy (or torch for the torch-exported model), keyed by
the graph's input and output names. `check` prints `<name>: ok` per
reference array that the outputs match (|diff| <= 1e-5 * max(1, |ref|)),
`<name>: MISMATCH ...` otherwise.
"""
import numpy as np
from onnx import helper, numpy_helper

import model_gen_common as common
from model_gen_common import value

I64_MAX = np.iinfo(np.int64).max


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(nodes, inputs, outputs, inits, path, opset):
    common.save(nodes, inputs, outputs, inits, path, opset, "data")


def torch_view(path):
    """A torch model with x.view(x.size(0), -1) and strided slicing, exported
    with a dynamic batch: Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
            self.fc = torch.nn.Linear(4 * 4 * 4, 5)

        def forward(self, x):
            y = torch.relu(self.conv(x))
            y = y[:, :, ::2, 1::2].contiguous()
            y = y.view(y.size(0), -1)
            return self.fc(y)

    torch.manual_seed(0)
    net = Net().eval()
    x = torch.randn(2, 3, 8, 8)
    torch.onnx.export(net, x, path, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}}, opset_version=13)
    with torch.no_grad():
        return {"x": x.numpy()}, {"y": net(x).numpy()}


def split_names(path):
    """Split-11 (sizes as attribute) with two named outputs, each used."""
    nodes = [
        helper.make_node("Split", ["x"], ["part_a", "part_b"], axis=1,
                         split=[2, 4]),
        helper.make_node("Relu", ["part_a"], ["a"]),
        helper.make_node("Transpose", ["part_b"], ["b"], perm=[0, 2, 1]),
    ]
    save(nodes, [value("x", [1, 6, 3])], [value("a", None), value("b", None)],
         [], path, 11)
    x = np.random.default_rng(1).standard_normal((1, 6, 3)).astype("f4")
    return {"x": x}, {"a": np.maximum(x[:, :2], 0),
                      "b": x[:, 2:].transpose(0, 2, 1)}


def legacy(path, opset):
    """Opset 7 / 9 / 10 / 11 / 13 forms of the ops whose attributes became
    inputs: Slice, Squeeze, Unsqueeze, Pad, ReduceSum, Split, Upsample or
    Resize."""
    inits = []
    nodes = []

    def add_const(name, array):
        inits.append(const(name, array))
        return name

    if opset < 10:
        nodes.append(helper.make_node("Slice", ["x"], ["s"], starts=[1, -3],
                                      ends=[I64_MAX, -1], axes=[1, 3]))
    else:
        nodes.append(helper.make_node(
            "Slice", ["x", add_const("st", np.array([1, -3])),
                      add_const("en", np.array([I64_MAX, -1])),
                      add_const("ax", np.array([1, 3]))], ["s"]))
    if opset < 13:
        nodes.append(helper.make_node("Unsqueeze", ["s"], ["u"], axes=[0]))
        nodes.append(helper.make_node("Squeeze", ["u"], ["q"], axes=[0]))
    else:
        nodes.append(helper.make_node(
            "Unsqueeze", ["s", add_const("uax", np.array([0]))], ["u"]))
        nodes.append(helper.make_node(
            "Squeeze", ["u", add_const("sax", np.array([0]))], ["q"]))
    pads = [0, 0, 1, 0, 0, 0, 0, 2]
    if opset < 11:
        nodes.append(helper.make_node("Pad", ["q"], ["p"], pads=pads,
                                      value=1.5))
    else:
        nodes.append(helper.make_node(
            "Pad", ["q", add_const("pads", np.array(pads)),
                    add_const("pv", np.array(1.5, "f4"))], ["p"]))
    scales = np.array([1, 1, 2, 1.5], "f4")
    if opset == 7:
        nodes.append(helper.make_node("Upsample", ["p"], ["up"],
                                      mode="nearest", scales=list(scales)))
    elif opset == 9:
        nodes.append(helper.make_node(
            "Upsample", ["p", add_const("sc", scales)], ["up"], mode="nearest"))
    elif opset == 10:
        nodes.append(helper.make_node(
            "Resize", ["p", add_const("sc", scales)], ["up"], mode="nearest"))
    else:
        nodes.append(helper.make_node(
            "Resize", ["p", "", "", add_const("sz", np.array([1, 2, 6, 6]))],
            ["up"], mode="nearest", coordinate_transformation_mode="asymmetric",
            nearest_mode="floor"))
    if opset < 13:
        nodes.append(helper.make_node("Split", ["up"], ["h0", "h1"], axis=2,
                                      split=[2, 4]))
        nodes.append(helper.make_node("ReduceSum", ["h1"], ["y1"], axes=[1],
                                      keepdims=0))
    else:
        nodes.append(helper.make_node(
            "Split", ["up", add_const("spl", np.array([2, 4]))], ["h0", "h1"],
            axis=2))
        nodes.append(helper.make_node(
            "ReduceSum", ["h1", add_const("rax", np.array([1]))], ["y1"],
            keepdims=0))
    nodes.append(helper.make_node("Relu", ["h0"], ["y0"]))
    save(nodes, [value("x", [1, 3, 2, 4])], [value("y0", None),
                                              value("y1", None)],
         inits, path, opset)

    x = np.random.default_rng(opset).standard_normal((1, 3, 2, 4)).astype("f4")
    s = x[:, 1:, :, 1:3]
    p = np.pad(s, [(0, 0), (0, 0), (1, 0), (0, 2)], constant_values=1.5)
    # Nearest, asymmetric, floor (integer scale 2 on H, 1.5 on W: 4 -> 6).
    hi = np.floor(np.arange(6) / 2.0).astype(int)
    wi = np.floor(np.arange(6) / 1.5).astype(int)
    up = p[:, :, hi][:, :, :, wi]
    return {"x": x}, {"y0": np.maximum(up[:, :, :2], 0),
                      "y1": up[:, :, 2:].sum(axis=1)}


def large(path):
    """Tensors big enough to be split into several parallel chunks: reflect
    Pad, linear Resize (half_pixel), Transpose, ReduceMean and ArgMax."""
    import torch

    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["p"], mode="reflect"),
        helper.make_node("Resize", ["p", "", "scales"], ["r"], mode="linear"),
        helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 3, 1]),
        helper.make_node("ReduceMean", ["t"], ["y0"], axes=[1], keepdims=0),
        helper.make_node("ArgMax", ["t"], ["y1"], axis=3),
    ]
    save(nodes, [value("x", [2, 8, 40, 40])], [value("y0", None),
                                               value("y1", None)],
         [const("pads", np.array([0, 0, 2, 2, 0, 0, 2, 2])),
          const("scales", np.array([1, 1, 1.5, 1.5], "f4"))], path, 13)
    x = np.random.default_rng(3).standard_normal((2, 8, 40, 40)).astype("f4")
    p = torch.nn.functional.pad(torch.from_numpy(x), (2, 2, 2, 2),
                                mode="reflect")
    r = torch.nn.functional.interpolate(p, scale_factor=1.5, mode="bilinear",
                                        align_corners=False)
    t = r.permute(0, 2, 3, 1).numpy()
    return {"x": x}, {"y0": t.mean(axis=1),
                      "y1": t.argmax(axis=3)[..., None].astype("f4")}


def cubic(path):
    """Resize in cubic mode: rejected with a clear message."""
    nodes = [helper.make_node(
        "Resize", ["x", "", "sc"], ["y"], mode="cubic")]
    save(nodes, [value("x", [1, 1, 2, 2])], [value("y", None)],
         [const("sc", np.array([1, 1, 2, 2], "f4"))], path, 13)


def dynamic_slice(path):
    """Slice whose starts come from a graph input: not a constant."""
    nodes = [helper.make_node("Slice", ["x", "starts", "ends"], ["y"])]
    save(nodes, [value("x", [4]), value("starts", [1])], [value("y", None)],
         [const("ends", np.array([3]))], path, 13)


def check(out_path, ref_path):
    out, ref = np.load(out_path), np.load(ref_path)
    for name in ref.files:
        if name not in out.files:
            print(f"{name}: MISMATCH missing")
            continue
        a, b = out[name].astype("f8"), ref[name].astype("f8")
        if a.shape != b.shape:
            print(f"{name}: MISMATCH shape {a.shape} vs {b.shape}")
        elif np.all(np.abs(a - b) <= 1e-5 * np.maximum(1, np.abs(b))):
            print(f"{name}: ok")
        else:
            print(f"{name}: MISMATCH max diff {np.max(np.abs(a - b))}")


def make(kind, path):
    if kind.startswith("legacy"):
        return legacy(path, int(kind[len("legacy"):]))
    return globals()[kind](path)


if __name__ == "__main__":
    common.main(make, check)
