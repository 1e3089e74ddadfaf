"""Small ONNX graphs written in code for the tests: one place to make tensors, nodes and files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

Shape = Sequence[int | str]


def init(name: str, value: np.ndarray | float | int) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value), name)


def weight(rng: np.random.Generator, name: str, *shape: int,
           scale: float = 1.0) -> onnx.TensorProto:
    return init(name, (rng.standard_normal(shape) * scale).astype(np.float32))


def ints(name: str, *values: int) -> onnx.TensorProto:
    return init(name, np.array(values, np.int64))


def node(op: str, inputs: list[str], output: str, **attrs: object) -> onnx.NodeProto:
    return helper.make_node(op, inputs, [output], name=f"{op.lower()}_{output}", **attrs)


def value(name: str, shape: Shape | None, elem_type: int = TensorProto.FLOAT
          ) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, elem_type, shape)


def model(nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto],
          inputs: list[onnx.ValueInfoProto], outputs: Sequence[str] = ("y",),
          opset: int = 17) -> onnx.ModelProto:
    """A model whose outputs take their types and shapes from shape inference."""
    graph = helper.make_graph(nodes, "g", inputs, [value(name, None) for name in outputs],
                              initializer=inits)
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=8)
    inferred = onnx.shape_inference.infer_shapes(built)
    for i, out in enumerate(built.graph.output):
        match = [v for v in [*inferred.graph.output, *inferred.graph.value_info]
                 if v.name == out.name]
        if match and match[0].type.tensor_type.elem_type:
            built.graph.output[i].CopyFrom(match[0])
    return built


def save(tmp_path: Path, built: onnx.ModelProto, name: str = "g.onnx") -> Path:
    path = tmp_path / name
    onnx.save(built, path)
    return path
