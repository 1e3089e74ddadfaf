"""A small ONNX graph builder for the edge-network zoo: exporter-style nodes, seeded weights.

Weights are Kaiming-normal float32 from ``numpy.random.default_rng(seed)``,
BatchNormalization statistics have positive variances; building is
deterministic, so a model is reproducible byte for byte from its arguments.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8


class GraphBuilder:
    """Accumulates nodes, initializers and Constant nodes with unique exporter-like names.

    ``bn_folded``: write Conv with a bias (torch.onnx with constant folding) rather
    than Conv + BatchNormalization (the dynamo exporter before its optimiser runs).
    ``constants_as_nodes``: write small constants (shapes, axes, clip bounds) as
    Constant nodes rather than initializers (the dynamo exporter's habit).
    """

    def __init__(self, seed: int = 0, opset: int = 17, bn_folded: bool = True,
                 constants_as_nodes: bool = False) -> None:
        self.rng = np.random.default_rng(seed)
        self.opset = opset
        self.bn_folded = bn_folded
        self.constants_as_nodes = constants_as_nodes
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count: dict[str, int] = {}

    def _unique(self, stem: str) -> str:
        n = self._count.get(stem, 0)
        self._count[stem] = n + 1
        return stem if n == 0 else f"{stem}_{n}"

    def init(self, name: str, value: np.ndarray) -> str:
        name = self._unique(name)
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def const(self, name: str, value: np.ndarray) -> str:
        """A small constant: a Constant node or an initializer (see ``constants_as_nodes``)."""
        if not self.constants_as_nodes:
            return self.init(name, value)
        out = self._unique(f"{name}_const")
        self.nodes.append(helper.make_node("Constant", [], [out], name=f"/{out}/Constant",
                                           value=numpy_helper.from_array(np.asarray(value))))
        return out

    def node(self, op_type: str, inputs: list[str], scope: str = "", outputs: int = 1,
             **attrs: Any) -> str:
        """Add a node; returns its (first) output name, ``<scope>/<op>_output_<i>``."""
        base = self._unique(f"{scope}/{op_type}")
        names = [f"{base}_output_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=base, **attrs))
        return names[0]

    def weight(self, name: str, shape: tuple[int, ...], fan_in: int) -> str:
        value = self.rng.standard_normal(shape) * math.sqrt(2.0 / max(fan_in, 1))
        return self.init(name, value.astype(np.float32))

    def conv(self, x: str, scope: str, in_c: int, out_c: int, k: int, stride: int = 1,
             groups: int = 1, pads: list[int] | None = None, act: str | None = None,
             norm: bool = True) -> str:
        """Conv (+ BatchNormalization or folded bias) (+ activation)."""
        w = self.weight(f"{scope}.weight", (out_c, in_c // groups, k, k), (in_c // groups) * k * k)
        pad = pads if pads is not None else [k // 2] * 4
        inputs = [x, w]
        if norm and self.bn_folded:
            inputs.append(self.init(f"{scope}.bias", self.rng.normal(0, 0.1, out_c)
                                    .astype(np.float32)))
        y = self.node("Conv", inputs, scope, dilations=[1, 1], group=groups, kernel_shape=[k, k],
                      pads=pad, strides=[stride, stride])
        if norm and not self.bn_folded:
            stats = [self.init(f"{scope}.bn.{part}", value.astype(np.float32)) for part, value in (
                ("weight", self.rng.uniform(0.5, 1.5, out_c)),
                ("bias", self.rng.normal(0, 0.1, out_c)),
                ("running_mean", self.rng.normal(0, 0.1, out_c)),
                ("running_var", self.rng.uniform(0.5, 1.5, out_c)))]
            y = self.node("BatchNormalization", [y, *stats], scope + "/bn", epsilon=1e-5,
                          momentum=0.9)
        return self.activation(y, scope, act)

    def activation(self, x: str, scope: str, act: str | None) -> str:
        if act is None:
            return x
        if act == "relu":
            return self.node("Relu", [x], scope)
        if act == "relu6":
            lo = self.const(f"{scope}.min", np.array(0.0, np.float32))
            hi = self.const(f"{scope}.max", np.array(6.0, np.float32))
            return self.node("Clip", [x, lo, hi], scope)
        if act == "hardswish":
            return self.node("HardSwish", [x], scope)
        if act == "hardswish_decomposed":  # torch.onnx below opset 14: x * HardSigmoid(x)
            gate = self.node("HardSigmoid", [x], scope, alpha=1.0 / 6, beta=0.5)
            return self.node("Mul", [x, gate], scope)
        if act == "hardsigmoid":
            return self.node("HardSigmoid", [x], scope, alpha=1.0 / 6, beta=0.5)
        raise ValueError(f"unknown activation {act!r}")

    def linear(self, x: str, scope: str, in_f: int, out_f: int, style: str = "gemm") -> str:
        """A classifier: Gemm(transB=1) with bias, "matmul" (MatMul without bias) or
        "matmul_add" (MatMul then Add of the bias, as tf2onnx and dynamo write it)."""
        bias = self.rng.normal(0, 0.01, out_f).astype(np.float32)
        w = self.rng.standard_normal((out_f, in_f)) * math.sqrt(1.0 / in_f)
        if style == "gemm":
            return self.node("Gemm", [x, self.init(f"{scope}.weight", w.astype(np.float32)),
                                      self.init(f"{scope}.bias", bias)], scope, transB=1)
        y = self.node("MatMul", [x, self.init(f"{scope}.weight_t", w.T.astype(np.float32))],
                      scope)
        return y if style == "matmul" else self.node("Add", [y, self.init(f"{scope}.bias", bias)],
                                                     scope)

    def model(self, name: str, input_name: str, input_shape: list[int | str], output: str,
              output_shape: list[int | str] | None, doc: str) -> onnx.ModelProto:
        self.nodes.append(helper.make_node("Identity", [output], ["output"], name="/output"))
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
            [helper.make_tensor_value_info("output", TensorProto.FLOAT, output_shape)],
            initializer=self.initializers)
        model = helper.make_model(graph, producer_name="accelsim",
                                  opset_imports=[helper.make_opsetid("", self.opset)],
                                  ir_version=IR_VERSION)
        model.doc_string = doc
        return model
