"""Helpers shared by the make_*_models.py generators of the importer tests."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper


def value(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def save(nodes, inputs, outputs, inits, path, opset, graph_name):
    graph = helper.make_graph(nodes, graph_name, inputs, outputs, inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    onnx.save(model, path)


def main(make, check):
    """`<kind> <out.onnx> [<inputs.npz> <reference.npz>]`: io = make(kind,
    path), the (inputs, references) written to the npz paths when given;
    `check <outputs.npz> <reference.npz>`: check(outputs, reference)."""
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "check":
        check(path, sys.argv[3])
        return
    io = make(kind, path)
    if len(sys.argv) > 4 and io:
        np.savez(sys.argv[3], **io[0])
        np.savez(sys.argv[4], **io[1])
