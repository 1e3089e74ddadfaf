"""Ops that execute nothing: renames and reshapes (aliases) and constant sources.

Flatten, Reshape (constant shape), Squeeze, Unsqueeze, Identity, Dropout
(inference) and Cast only change how the consumer sees a tensor, so they
become aliases: the consumer reads the producing layer's output. Constant,
Shape (of a static shape) and shape arithmetic on constants (Gather,
ConstantOfShape, Range, and Concat/Slice of constants, see movement.py)
produce constants. The loader already
evaluates any supported node whose inputs are all constants, so the functions
here only see activations.
"""

from __future__ import annotations

import numpy as np

from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering


@lowering("Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast")
def lower_alias(node: Node, state: GraphState) -> None:
    state.activation(node, 0)  # an activation must feed it
    state.alias(node.outputs[0], node.inputs[0])


@lowering("Reshape")
def lower_reshape(node: Node, state: GraphState) -> None:
    state.activation(node, 0)
    state.require_const(node, 1, "the target shape")
    state.alias(node.outputs[0], node.inputs[0])


@lowering("Constant")
def lower_constant(node: Node, state: GraphState) -> None:
    for key in ("value", "value_float", "value_floats", "value_int", "value_ints"):
        value = node.attr(key)
        if value is not None:
            dtype = np.float32 if key.startswith("value_float") else (
                np.int64 if key.startswith("value_int") else None)
            state.set_const(node.outputs[0], np.asarray(value, dtype=dtype))
            return
    raise state.error(node, "expected a numeric value attribute (value, value_float(s), "
                            "value_int(s))")


@lowering("Shape")
def lower_shape(node: Node, state: GraphState) -> None:
    shape = state.shape(node, node.inputs[0])
    start = int(node.attr("start", 0))  # type: ignore[call-overload]
    end = node.attr("end")
    dims = shape[start:] if end is None else shape[start:int(end)]  # type: ignore[call-overload]
    state.set_const(node.outputs[0], np.array(dims, dtype=np.int64))


@lowering("Gather", "ConstantOfShape", "Range")
def lower_constant_only(node: Node, state: GraphState) -> None:
    raise state.error(node, "supported only on constants (shape arithmetic), got an "
                            "activation input")
