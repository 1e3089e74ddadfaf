"""Pooling -> a "pool" layer: a grouped window op with groups == channels and no weights.

MACs are counted as one accumulate (or compare, for max pooling) per window
element per output element: out_elems x kernel_h x kernel_w. Padded positions
count too (an upper bound when count_include_pad=0). Whether the pool averages
or takes the maximum is in ``source_ops``.
"""

from __future__ import annotations

from math import prod

from accelsim.workload.ir import Layer
from accelsim.workload.onnx.conv import make_geometry, pair_attr, window_pads
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering


def _emit_pool(node: Node, state: GraphState, kernel: tuple[int, int],
               strides: tuple[int, int], dilations: tuple[int, int],
               pads: tuple[int, int, int, int]) -> None:
    x = state.activation(node, 0)
    in_shape = state.shape(node, node.inputs[0])
    out_shape = state.shape(node, node.outputs[0])
    channels = in_shape[1]
    geometry = make_geometry(
        node, state, in_channels=channels, out_channels=channels, in_h=in_shape[2],
        in_w=in_shape[3], out_h=out_shape[2], out_w=out_shape[3], kernel_h=kernel[0],
        kernel_w=kernel[1], stride_h=strides[0], stride_w=strides[1],
        dilation_h=dilations[0], dilation_w=dilations[1], pads=pads, groups=channels)
    state.emit(Layer(
        name=node.name, op="pool", source_ops=(node.op_type,), inputs=(x,),
        output=node.outputs[0], input_shape=in_shape, output_shape=out_shape,
        weight_params=0, bias_params=0, macs=prod(out_shape) * kernel[0] * kernel[1],
        geometry=geometry))


def _require_2d(node: Node, state: GraphState) -> tuple[int, ...]:
    in_shape = state.shape(node, node.inputs[0])
    if len(in_shape) != 4:
        raise state.error(node, f"expected a 2-D pool over a 4-D NCHW input, got {in_shape}")
    if len([out for out in node.outputs if out]) > 1:
        raise state.error(node, "expected one output; the indices output is not supported")
    return in_shape


@lowering("AveragePool", "MaxPool")
def lower_pool(node: Node, state: GraphState) -> None:
    in_shape = _require_2d(node, state)
    out_shape = state.shape(node, node.outputs[0])
    kernel = pair_attr(node, state, "kernel_shape", 0)
    if min(kernel) < 1:
        raise state.error(node, f"expected kernel_shape of 2 values >= 1, got {list(kernel)}")
    strides = pair_attr(node, state, "strides", 1)
    dilations = pair_attr(node, state, "dilations", 1)
    pads = window_pads(node, state, in_shape[2:], out_shape[2:], kernel, strides, dilations)
    _emit_pool(node, state, kernel, strides, dilations, pads)


@lowering("GlobalAveragePool", "GlobalMaxPool")
def lower_global_pool(node: Node, state: GraphState) -> None:
    in_shape = _require_2d(node, state)
    kernel = (in_shape[2], in_shape[3])
    _emit_pool(node, state, kernel, (1, 1), (1, 1), (0, 0, 0, 0))
