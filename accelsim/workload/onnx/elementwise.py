"""Add, Sub, Mul and Div: a constant bias Add is fused into a Conv/MatMul, else an "eltwise" layer.

An Add of a constant that is one value per output channel of the producing
conv/fc layer (no activation fused yet) is added to that layer's bias (the
MatMul + Add pattern of exporters becomes one "fc" layer with a bias). Any
other such node is an "eltwise" layer over its activation inputs (a residual
Add, the squeeze-and-excitation Mul of a feature map by per-channel scales,
with numpy/ONNX broadcasting); a constant operand counts as bias params and is
kept in ``bias`` with ``attrs["const_input"]`` its position. No MACs (they
count matrix products only); vector work per output element: an ADD (Add,
Sub), a MUL (Mul, and Div by a constant: a multiply by its inverse) or a DIV
(Div of two activations).
"""

from __future__ import annotations

from math import prod

import numpy as np

from accelsim.sim.ops import OpKind, VectorOp
from accelsim.workload.ir import Layer, rows_kept
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering
from accelsim.workload.vector_work import scaled

_BIASED = (OpKind.CONV, OpKind.DEPTHWISE, OpKind.POINTWISE, OpKind.FC)



def _channel_vector(const: np.ndarray, out_shape: tuple[int, ...],
                    axis: int) -> np.ndarray | None:
    """``const`` as one value per channel (``axis``) of ``out_shape``, or None if it is not that."""
    if const.ndim > len(out_shape):
        return None
    aligned = (1,) * (len(out_shape) - const.ndim) + const.shape
    channels = out_shape[axis]
    if aligned[axis] not in (1, channels) or any(
            d != 1 for i, d in enumerate(aligned) if i != axis):
        return None
    return np.broadcast_to(const.reshape(-1), (channels,)).astype(np.float32)


def _try_fuse_bias(node: Node, state: GraphState) -> bool:
    consts = [state.const(name) for name in node.inputs[:2]]
    if node.op_type != "Add" or sum(c is not None for c in consts) != 1:
        return False
    const = consts[0] if consts[0] is not None else consts[1]
    x_name = node.inputs[1] if consts[0] is not None else node.inputs[0]
    index = state.fusable_producer(x_name)
    if const is None or index is None:
        return False
    layer = state.layer(index)
    if layer.op not in _BIASED or layer.activation is not None or layer.geometry is None:
        return False
    if state.shape(node, x_name) != layer.output_shape or \
            state.shape(node, node.outputs[0]) != layer.output_shape:
        return False
    # fc outputs carry features on the last axis, convolutions on axis 1 (NCHW).
    axis = len(layer.output_shape) - 1 if layer.op == OpKind.FC else 1
    vector = _channel_vector(const, layer.output_shape, axis)
    if vector is None or vector.size != layer.geometry.out_channels:
        return False
    bias = vector if layer.bias is None else layer.bias + vector
    state.fuse(index, node, bias=bias, bias_params=vector.size)
    return True


@lowering("Add", "Sub", "Mul", "Div")
def lower_binary(node: Node, state: GraphState) -> None:
    if _try_fuse_bias(node, state):
        return
    variable = [i for i, name in enumerate(node.inputs) if state.const(name) is None]
    const_index = next((i for i, name in enumerate(node.inputs) if state.const(name) is not None),
                       None)
    const = None if const_index is None else state.const(node.inputs[const_index])
    out_shape = state.shape(node, node.outputs[0])
    shapes = tuple(state.shape(node, node.inputs[i]) for i in variable)
    op = {"Add": VectorOp.ADD, "Sub": VectorOp.ADD, "Mul": VectorOp.MUL,
          "Div": VectorOp.MUL if const_index == 1 else VectorOp.DIV}[node.op_type]
    state.emit(Layer(
        name=node.name, op=OpKind.ELTWISE, source_ops=(node.op_type,),
        inputs=tuple(state.activation(node, i) for i in variable), output=node.outputs[0],
        input_shape=shapes[0], output_shape=out_shape,
        weight_params=0, bias_params=0 if const is None else int(const.size),
        macs=0, vector_work=scaled(((op, 1),), prod(out_shape)),
        bias=None if const is None else const.astype(np.float32),
        input_shapes=shapes if len(shapes) > 1 else (),
        attrs=() if const_index is None else (("const_input", const_index),),
        rows=rows_kept(len(out_shape))))
