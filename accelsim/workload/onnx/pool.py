"""Pooling -> a "pool" layer: a grouped window op with groups == channels and no weights.

A pool has no MACs (they count matrix products only): its arithmetic is vector
work, a MAX (max pooling) or an ADD (average) per window element per output
element, plus a MUL by 1 / count per output of an average. Padded positions
count too (an upper bound when count_include_pad=0). ``attrs["mode"]`` is
"max" or "avg", ``attrs["count_include_pad"]`` 0 or 1 (averages).

ReduceMean over the two spatial axes of a 4-D tensor (as exporters write a
global average pool) is a global "avg" pool too; its ``attrs["axes"]`` says
which axes (2, 3 for NCHW, 1, 2 for NHWC) and the output shape keeps or drops
them as ``keepdims`` says. Any other ReduceMean is an error.
"""

from __future__ import annotations

from typing import Any

from accelsim.sim.ops import OpKind, RowDependence
from accelsim.workload.ir import AttrValue, Layer
from accelsim.workload.onnx.conv import make_geometry, pair_attr, window_pads
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering
from accelsim.workload.vector_work import pool_work


def _emit_pool(node: Node, state: GraphState, kernel: tuple[int, int],
               strides: tuple[int, int], dilations: tuple[int, int],
               pads: tuple[int, int, int, int], attrs: dict[str, AttrValue],
               chw: tuple[int, int, int] | None = None,
               out_hw: tuple[int, int] | None = None) -> None:
    x = state.activation(node, 0)
    in_shape = state.shape(node, node.inputs[0])
    out_shape = state.shape(node, node.outputs[0])
    channels, in_h, in_w = chw or (in_shape[1], in_shape[2], in_shape[3])
    out_h, out_w = out_hw or (out_shape[2], out_shape[3])
    geometry = make_geometry(
        node, state, in_channels=channels, out_channels=channels, in_h=in_h,
        in_w=in_w, out_h=out_h, out_w=out_w, kernel_h=kernel[0],
        kernel_w=kernel[1], stride_h=strides[0], stride_w=strides[1],
        dilation_h=dilations[0], dilation_w=dilations[1], pads=pads, groups=channels,
        batch=in_shape[0])
    state.emit(Layer(
        name=node.name, op=OpKind.POOL, source_ops=(node.op_type,), inputs=(x,),
        output=node.outputs[0], input_shape=in_shape, output_shape=out_shape,
        weight_params=0, bias_params=0, macs=0,
        vector_work=pool_work(str(attrs["mode"]), in_shape[0] * channels * out_h * out_w,
                              kernel[0] * kernel[1]),
        geometry=geometry, attrs=tuple(sorted(attrs.items())),
        # A mean over NHWC's spatial axes has its geometry's rows on axis 1, not -2.
        rows=RowDependence.WHOLE if attrs.get("axes") == (1, 2) else RowDependence.WINDOW))


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
    mode = "max" if node.op_type == "MaxPool" else "avg"
    include = int(node.attr("count_include_pad", 0))  # type: ignore[call-overload]
    _emit_pool(node, state, kernel, strides, dilations, pads,
               {"mode": mode, "count_include_pad": include})


@lowering("GlobalAveragePool", "GlobalMaxPool")
def lower_global_pool(node: Node, state: GraphState) -> None:
    in_shape = _require_2d(node, state)
    kernel = (in_shape[2], in_shape[3])
    mode = "max" if node.op_type == "GlobalMaxPool" else "avg"
    _emit_pool(node, state, kernel, (1, 1), (1, 1), (0, 0, 0, 0),
               {"mode": mode, "count_include_pad": 1})


@lowering("ReduceMean")
def lower_reduce_mean(node: Node, state: GraphState) -> None:
    in_shape = state.shape(node, node.inputs[0])
    if node.input(1):
        axes_value = [int(a) for a in state.require_const(node, 1, "the axes").reshape(-1)]
    else:
        axes_attr: Any = node.attr("axes", [])
        axes_value = [int(a) for a in axes_attr]
    axes = tuple(sorted(a % len(in_shape) for a in axes_value)) if in_shape else ()
    if len(in_shape) != 4 or axes not in ((2, 3), (1, 2)):
        raise state.error(node, f"expected a mean over the spatial axes of a 4-D tensor (axes "
                                f"2,3 for NCHW or 1,2 for NHWC), got axes {axes_value} of "
                                f"shape {in_shape}")
    channel_axis = 1 if axes == (2, 3) else 3
    h, w = (in_shape[a] for a in axes)
    _emit_pool(node, state, (h, w), (1, 1), (1, 1), (0, 0, 0, 0),
               {"mode": "avg", "count_include_pad": 1, "axes": axes},
               chw=(in_shape[channel_axis], h, w), out_hw=(1, 1))
