"""BatchNormalization (folded or per-channel) and LayerNormalization ("norm" layers).

BatchNormalization: folded into the Conv/Gemm that produces its input, else an "eltwise" layer.

Folding (inference mode): with k = gamma / sqrt(var + eps), the weights of
each output channel are scaled by k and the bias becomes (b - mean) k + beta
(b = 0 when the layer had none), so the folded layer gains out_c bias params.
A BatchNormalization that cannot be folded (its input has another consumer,
an activation is already fused, or no weighted layer produces it) becomes an
"eltwise" layer with the per-channel scale k as ``weights`` (C params), the
shift as ``bias`` (C params) and a MUL and an ADD of vector work per output
element.
"""

from __future__ import annotations

from math import prod

import numpy as np

from accelsim.sim.ops import OpKind, VectorOp
from accelsim.workload.ir import Layer, rows_kept
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering
from accelsim.workload.vector_work import SCALE_SHIFT_PER_ELEMENT, combine, scaled

_FOLDABLE = (OpKind.CONV, OpKind.DEPTHWISE, OpKind.POINTWISE, OpKind.FC)


def _foldable_into(state: GraphState, index: int, x_shape: tuple[int, ...],
                   channels: int) -> bool:
    layer = state.layer(index)
    expected_rank = 2 if layer.op == OpKind.FC else 4
    return (layer.op in _FOLDABLE and layer.activation is None and layer.weights is not None
            and len(layer.output_shape) == expected_rank and x_shape == layer.output_shape
            and layer.output_shape[1] == channels)


@lowering("BatchNormalization")
def lower_batchnorm(node: Node, state: GraphState) -> None:
    if len([out for out in node.outputs if out]) > 1:
        raise state.error(node, "expected inference mode (one output), got training outputs")
    gamma, beta, mean, var = (
        state.require_const(node, i, what).astype(np.float64).reshape(-1)
        for i, what in ((1, "scale"), (2, "B"), (3, "mean"), (4, "var")))
    channels = gamma.size
    if not beta.size == mean.size == var.size == channels:
        raise state.error(node, "expected scale, B, mean and var of one length each, got "
                                f"{[gamma.size, beta.size, mean.size, var.size]}")
    epsilon = float(node.attr("epsilon", 1e-5))  # type: ignore[arg-type]
    if (var + epsilon <= 0).any():
        raise state.error(node, "expected var + epsilon > 0 for every channel")
    scale = gamma / np.sqrt(var + epsilon)
    shift = beta - mean * scale
    x_shape = state.shape(node, node.inputs[0])
    index = state.fusable_producer(node.inputs[0])
    if index is not None and _foldable_into(state, index, x_shape, channels):
        layer = state.layer(index)
        weights = layer.weights.astype(np.float64)  # type: ignore[union-attr]
        bias = 0.0 if layer.bias is None else layer.bias.astype(np.float64)
        folded_w = weights * scale.reshape((-1,) + (1,) * (weights.ndim - 1))
        folded_b = bias * scale + shift
        # Folded weights leave the int8 grid of a QDQ weight: they are float again.
        state.fuse(index, node, weights=folded_w.astype(np.float32),
                   bias=folded_b.astype(np.float32), bias_params=layer.output_shape[1],
                   weight_quant=None)
        return
    if len(x_shape) < 2 or x_shape[1] != channels:
        raise state.error(node, f"expected {channels} channels on axis 1, got shape {x_shape}")
    out_shape = state.shape(node, node.outputs[0])
    state.emit(Layer(
        name=node.name, op=OpKind.ELTWISE, source_ops=("BatchNormalization",),
        inputs=(state.activation(node, 0),), output=node.outputs[0], input_shape=x_shape,
        output_shape=out_shape, weight_params=channels, bias_params=channels,
        macs=0, vector_work=scaled(SCALE_SHIFT_PER_ELEMENT, prod(out_shape)),
        weights=scale.astype(np.float32), bias=shift.astype(np.float32),
        rows=rows_kept(len(out_shape))))


@lowering("LayerNormalization")
def lower_layer_norm(node: Node, state: GraphState) -> None:
    """A "norm" layer over axes ``axis``.. of its input (ONNX's rule), ``weights`` the
    scale and ``bias`` the shift (each of the normalised axes' shape).

    Vector work, per element: the sum for the mean (ADD), x - mean (ADD), its square
    (MUL) and their sum (ADD), the multiply by 1 / sqrt(var + eps) (MUL), the scale
    (MUL) and shift (ADD); per normalised row: the two multiplies by 1 / n that make
    the sums a mean and a variance (MUL), the ADD of epsilon and one RSQRT.
    """
    if len([out for out in node.outputs if out]) > 1:
        raise state.error(node, "expected one output; the mean and inverse standard "
                                "deviation outputs (training) are not supported")
    x_shape = state.shape(node, node.inputs[0])
    rank = len(x_shape)
    axis = int(node.attr("axis", -1))  # type: ignore[call-overload]
    if not -rank <= axis < rank:
        raise state.error(node, f"expected axis in [{-rank}, {rank - 1}], got {axis}")
    axis %= rank
    normalised = x_shape[axis:]
    params: list[np.ndarray | None] = []
    for index, what in ((1, "the scale"), (2, "the bias")):
        if not node.input(index):
            params.append(None)
            continue
        value = state.require_const(node, index, what).astype(np.float32)
        try:
            np.broadcast_to(value, normalised)
        except ValueError:
            raise state.error(node, f"expected {what} to broadcast to the normalised shape "
                                    f"{normalised}, got {value.shape}") from None
        params.append(value)
    scale, shift = params
    elements = prod(x_shape)
    rows = elements // prod(normalised) if prod(normalised) else 0
    epsilon = float(node.attr("epsilon", 1e-5))  # type: ignore[arg-type]
    state.emit(Layer(
        name=node.name, op=OpKind.NORM, source_ops=("LayerNormalization",),
        inputs=(state.activation(node, 0),), output=node.outputs[0], input_shape=x_shape,
        output_shape=state.shape(node, node.outputs[0]),
        weight_params=0 if scale is None else int(scale.size),
        bias_params=0 if shift is None else int(shift.size), macs=0,
        weights=scale, bias=shift, attrs=(("axis", axis), ("epsilon", epsilon)),
        vector_work=combine(scaled(_LAYER_NORM_PER_ELEMENT, elements),
                            scaled(_LAYER_NORM_PER_ROW, rows)),
        rows=rows_kept(rank, tuple(range(axis, rank)))))


_LAYER_NORM_PER_ELEMENT = ((VectorOp.ADD, 4), (VectorOp.MUL, 3))
_LAYER_NORM_PER_ROW = ((VectorOp.MUL, 2), (VectorOp.ADD, 1), (VectorOp.RSQRT, 1))
