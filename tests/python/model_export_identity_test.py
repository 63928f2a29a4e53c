#!/usr/bin/python3
"""Unit test of export_torchvision.strip_identity_nodes on a hand-built ONNX graph.

The graph y = Relu(Identity(x)) + Identity(W) has both kinds of Identity torch.onnx emits: one of a
constant (an initializer) and one of a tensor. OpenCV 4.6 rejects the constant one; after the
rewrite there is no Identity, onnx.checker passes, and cv2.dnn computes the same y as numpy.
"""

import importlib.util
import os
import sys
import tempfile

import cv2
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_export_tool():
    path = os.path.join(ROOT, "tools", "export_torchvision.py")
    module_spec = importlib.util.spec_from_file_location("export_torchvision", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def identity_graph(weight):
    nodes = [
        helper.make_node("Identity", ["W"], ["W_copy"]),
        helper.make_node("Identity", ["x"], ["x_copy"]),
        helper.make_node("Relu", ["x_copy"], ["r"]),
        helper.make_node("Add", ["r", "W_copy"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "identity_test",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 2, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 2, 2])],
        [numpy_helper.from_array(weight, "W")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])


def main():
    export_tool = load_export_tool()
    weight = np.arange(12, dtype=np.float32).reshape(1, 3, 2, 2) / 10
    x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(1, 3, 2, 2)
    expected = np.maximum(x, 0) + weight

    failures = []
    with tempfile.TemporaryDirectory() as workdir:
        path = os.path.join(workdir, "original.onnx")
        onnx.save(identity_graph(weight), path)
        try:
            cv2.dnn.readNetFromONNX(path)
            print("note: this OpenCV accepts Identity nodes; the rewrite is still checked")
        except cv2.error:
            print("OpenCV rejects the original graph, as expected")

    model = export_tool.strip_identity_nodes(identity_graph(weight))
    if any(node.op_type == "Identity" for node in model.graph.node):
        failures.append("Identity nodes remain")
    onnx.checker.check_model(model)
    with tempfile.TemporaryDirectory() as workdir:
        path = os.path.join(workdir, "stripped.onnx")
        onnx.save(model, path)
        net = cv2.dnn.readNetFromONNX(path)
        net.setInput(x, "x")
        got = net.forward("y")
    diff = float(np.abs(got - expected).max())
    if diff > 1e-6:
        failures.append(f"cv2.dnn result differs from numpy by {diff}")
    for failure in failures:
        print("FAIL:", failure)
    print("ok" if not failures else "failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
