"""Activations (fused as a layer's ``activation``, else an "eltwise" layer) and Softmax.

The activation is fused into the layer producing its input when that input
has no other consumer (renames/reshapes in between allowed) and the layer has
no activation yet. Activations are :class:`~accelsim.workload.activations.Activation` records
(relu, clip(lo, hi) with a missing bound -inf/inf and Clip(0, inf) a relu,
hardswish, hardsigmoid(alpha, beta), sigmoid, leakyrelu(alpha), erf, gelu);
:mod:`accelsim.functional` evaluates them.
Eltwise activation layers and Softmax count 0 MACs and 0 params; their
arithmetic is vector work (the activation's per element, see
:mod:`accelsim.workload.activations`; softmax's in
:func:`~accelsim.workload.vector_work.softmax_work`).
"""

from __future__ import annotations

import math
from math import prod

import numpy as np

from accelsim.sim.ops import OpKind
from accelsim.workload.activations import RELU, Activation, ActivationKind, clip
from accelsim.workload.ir import Layer, rows_kept
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering
from accelsim.workload.vector_work import softmax_work


def fuse_or_emit_activation(node: Node, state: GraphState, activation: Activation) -> None:
    index = state.fusable_producer(node.inputs[0])
    if index is not None:
        layer = state.layer(index)
        if layer.activation is None and layer.op != OpKind.SOFTMAX:
            state.fuse(index, node, activation=activation)
            return
    state.emit(Layer(
        name=node.name, op=OpKind.ELTWISE, source_ops=(node.op_type,),
        inputs=(state.activation(node, 0),), output=node.outputs[0],
        input_shape=state.shape(node, node.inputs[0]),
        output_shape=state.shape(node, node.outputs[0]), weight_params=0, bias_params=0,
        macs=0, activation=activation, rows=rows_kept(len(state.shape(node, node.inputs[0])))))


@lowering("Relu")
def lower_relu(node: Node, state: GraphState) -> None:
    fuse_or_emit_activation(node, state, RELU)


@lowering("Clip")
def lower_clip(node: Node, state: GraphState) -> None:
    bounds = []
    for index, key, default in ((1, "min", -math.inf), (2, "max", math.inf)):
        if node.input(index):
            value = state.require_const(node, index, key)
            if value.size != 1:
                raise state.error(node, f"expected a scalar {key}, got shape {value.shape}")
            bounds.append(float(value.reshape(-1)[0]))
        else:
            bounds.append(float(node.attr(key, default)))  # type: ignore[arg-type]
    fuse_or_emit_activation(node, state, clip(*bounds))


def _float_attr(node: Node, key: str, default: float) -> float:
    """A float32 attribute as its shortest decimal (0.2, not 0.20000000298023224)."""
    return float(str(np.float32(node.attr(key, default))))  # type: ignore[arg-type]


@lowering("HardSwish")
def lower_hardswish(node: Node, state: GraphState) -> None:
    fuse_or_emit_activation(node, state, Activation(ActivationKind.HARDSWISH))


@lowering("HardSigmoid")
def lower_hardsigmoid(node: Node, state: GraphState) -> None:
    alpha, beta = _float_attr(node, "alpha", 0.2), _float_attr(node, "beta", 0.5)
    fuse_or_emit_activation(node, state, Activation(ActivationKind.HARDSIGMOID, (alpha, beta)))


@lowering("Sigmoid")
def lower_sigmoid(node: Node, state: GraphState) -> None:
    fuse_or_emit_activation(node, state, Activation(ActivationKind.SIGMOID))


@lowering("LeakyRelu")
def lower_leaky_relu(node: Node, state: GraphState) -> None:
    alpha = _float_attr(node, "alpha", 0.01)
    fuse_or_emit_activation(node, state, Activation(ActivationKind.LEAKYRELU, (alpha,)))


@lowering("Erf")
def lower_erf(node: Node, state: GraphState) -> None:
    fuse_or_emit_activation(node, state, Activation(ActivationKind.ERF))


@lowering("Gelu")
def lower_gelu(node: Node, state: GraphState) -> None:
    approximate = str(node.attr("approximate", "none"))
    if approximate not in ("none", "tanh"):
        raise state.error(node, f"expected approximate 'none' or 'tanh', got {approximate!r}")
    params = (1.0,) if approximate == "tanh" else ()  # str: "gelu", "gelu(1)"
    fuse_or_emit_activation(node, state, Activation(ActivationKind.GELU, params))


@lowering("Softmax")
def lower_softmax(node: Node, state: GraphState) -> None:
    shape = state.shape(node, node.inputs[0])
    default_axis = -1 if state.opset() >= 13 else 1
    axis = int(node.attr("axis", default_axis)) % len(shape)  # type: ignore[call-overload]
    # Before opset 13 Softmax normalises over all axes from ``axis`` on, flattened.
    coerce = int(state.opset() < 13)
    across = tuple(range(axis, len(shape))) if coerce else (axis,)
    elements = prod(shape)
    row = prod(shape[axis:]) if coerce else shape[axis]
    state.emit(Layer(
        name=node.name, op=OpKind.SOFTMAX, source_ops=("Softmax",),
        inputs=(state.activation(node, 0),), output=node.outputs[0],
        input_shape=state.shape(node, node.inputs[0]),
        output_shape=state.shape(node, node.outputs[0]), weight_params=0, bias_params=0,
        macs=0, attrs=(("axis", axis), ("flatten", coerce)),
        vector_work=softmax_work(elements, elements // row if row else 0),
        rows=rows_kept(len(shape), across)))
