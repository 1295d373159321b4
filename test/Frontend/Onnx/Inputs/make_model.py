"""Writes small ONNX models for the importer tests: make_model.py <kind> <out.onnx>."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def tensor(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(graph, path, opset=13):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.save(model, path)


def conv_relu_gemm(path):
    rng = np.random.default_rng(0)
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["conv"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu1"),
        helper.make_node("Flatten", ["relu"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], name="fc",
                         transB=1),
    ]
    graph = helper.make_graph(
        nodes, "conv_relu_gemm",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 2, 4, 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, None)],
        [tensor("w", rng.standard_normal((3, 2, 3, 3)).astype("f4")),
         tensor("b", rng.standard_normal(3).astype("f4")),
         tensor("fc_w", rng.standard_normal((5, 48)).astype("f4")),
         tensor("fc_b", rng.standard_normal(5).astype("f4"))])
    save(graph, path)


def shape_subgraph(path):
    """Reshape whose target shape is computed from Shape + a Constant: folds."""
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Constant", [], ["minus_one"],
                         value=tensor("c", np.array([-1], "i8"))),
        helper.make_node("Reshape", ["x", "minus_one"], ["flat"], name="reshape"),
        helper.make_node("Reshape", ["flat", "shape"], ["back"], name="reshape_back"),
        helper.make_node("Relu", ["back"], ["y"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes, "shape_subgraph",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
    save(graph, path)


def unsupported(path):
    nodes = [
        helper.make_node("LSTM", ["x", "w", "r"], ["y"], name="lstm_a", hidden_size=2),
        helper.make_node("NonMaxSuppression", ["y", "y"], ["z1"], name="nms_a"),
        helper.make_node("NonMaxSuppression", ["y", "y"], ["z2"], name="nms_b"),
    ]
    graph = helper.make_graph(
        nodes, "unsupported",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 2])],
        [helper.make_tensor_value_info("z1", TensorProto.INT64, None)],
        [tensor("w", np.zeros((1, 8, 2), "f4")), tensor("r", np.zeros((1, 8, 2), "f4"))])
    save(graph, path)


def gemm_add(path):
    """Gemm with alpha/beta and a full (M, N) C: MatMul + Add."""
    rng = np.random.default_rng(1)
    nodes = [helper.make_node("Gemm", ["a", "b", "c"], ["y"], name="gemm",
                              alpha=0.5, beta=2.0)]
    graph = helper.make_graph(
        nodes, "gemm_add",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        [tensor("b", rng.standard_normal((3, 4)).astype("f4")),
         tensor("c", rng.standard_normal((2, 4)).astype("f4"))])
    save(graph, path)


KINDS = {f.__name__: f for f in [conv_relu_gemm, shape_subgraph, unsupported, gemm_add]}

if __name__ == "__main__":
    KINDS[sys.argv[1]](sys.argv[2])
