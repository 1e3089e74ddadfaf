"""Conv -> a "conv", "depthwise" or "pointwise" layer (2-D convolutions, NCHW, any batch).

The kind follows the geometry: ``groups == in_channels > 1`` is depthwise; a
1x1 kernel with one group, stride 1 and no padding is pointwise; everything
else (including other grouped convolutions, whose ``groups`` the geometry
keeps) is "conv". Weights are kept as ONNX stores them, (out_c, in_c/groups, kh, kw).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from accelsim.sim.ops import OpKind, RowDependence
from accelsim.sim.work import ConvGeometry
from accelsim.workload.ir import Layer
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering


def pair_attr(node: Node, state: GraphState, key: str, default: int) -> tuple[int, int]:
    value = node.attr(key)
    if value is None:
        return default, default
    values = list(value)  # type: ignore[call-overload]
    if len(values) != 2:
        raise state.error(node, f"expected {key} to have 2 values (H, W), got {values}")
    return int(values[0]), int(values[1])


def window_pads(node: Node, state: GraphState, in_hw: Sequence[int], out_hw: Sequence[int],
                kernel: Sequence[int], strides: Sequence[int],
                dilations: Sequence[int]) -> tuple[int, int, int, int]:
    """Padding (top, left, bottom, right) of a sliding window, resolving ``auto_pad``.

    SAME_UPPER puts the odd extra element at the end (bottom/right), SAME_LOWER
    at the beginning, as the ONNX operator specification says.
    """
    auto_pad = str(node.attr("auto_pad", "NOTSET"))
    if auto_pad == "NOTSET":
        pads_attr: Any = node.attr("pads", [0, 0, 0, 0])
        pads = [int(p) for p in pads_attr]
        if len(pads) != 4 or min(pads) < 0:
            raise state.error(node, f"expected pads to be 4 values >= 0 (top, left, bottom, "
                                    f"right), got {pads}")
        return pads[0], pads[1], pads[2], pads[3]
    if auto_pad == "VALID":
        return 0, 0, 0, 0
    if auto_pad not in ("SAME_UPPER", "SAME_LOWER"):
        raise state.error(node, "expected auto_pad NOTSET, VALID, SAME_UPPER or SAME_LOWER, "
                                f"got {auto_pad!r}")
    begin, end = [], []
    for i, o, k, s, d in zip(in_hw, out_hw, kernel, strides, dilations, strict=True):
        total = max((o - 1) * s + (k - 1) * d + 1 - i, 0)
        small, large = total // 2, total - total // 2
        begin.append(small if auto_pad == "SAME_UPPER" else large)
        end.append(large if auto_pad == "SAME_UPPER" else small)
    return begin[0], begin[1], end[0], end[1]


def conv_kind(geometry: ConvGeometry) -> OpKind:
    if geometry.is_depthwise:
        return OpKind.DEPTHWISE
    if (geometry.groups == 1 and geometry.kernel_h == geometry.kernel_w == 1
            and geometry.stride_h == geometry.stride_w == 1 and geometry.pads == (0, 0, 0, 0)):
        return OpKind.POINTWISE
    return OpKind.CONV


def make_geometry(node: Node, state: GraphState, **fields: object) -> ConvGeometry:
    try:
        return ConvGeometry(**fields)  # type: ignore[arg-type]
    except ValueError as exc:
        raise state.error(node, f"impossible window geometry: {exc}") from exc


@lowering("Conv")
def lower_conv(node: Node, state: GraphState) -> None:
    x = state.activation(node, 0)
    in_shape = state.shape(node, node.inputs[0])
    out_shape = state.shape(node, node.outputs[0])
    weight = state.require_const(node, 1, "the weight")
    if len(in_shape) != 4 or weight.ndim != 4:
        raise state.error(node, f"expected a 2-D convolution (4-D NCHW input and weight), got "
                                f"input shape {in_shape} and weight shape {weight.shape}")
    groups = int(node.attr("group", 1))  # type: ignore[call-overload]
    out_c, in_per_group, kh, kw = weight.shape
    kernel = (kh, kw)
    strides = pair_attr(node, state, "strides", 1)
    dilations = pair_attr(node, state, "dilations", 1)
    pads = window_pads(node, state, in_shape[2:], out_shape[2:], kernel, strides, dilations)
    bias = None
    if node.input(2):
        bias = state.require_const(node, 2, "the bias").astype(np.float32).reshape(-1)
        if bias.size != out_c:
            raise state.error(node, f"expected a bias of {out_c} values, got {bias.size}")
    geometry = make_geometry(
        node, state, in_channels=in_shape[1], out_channels=out_c, in_h=in_shape[2],
        in_w=in_shape[3], out_h=out_shape[2], out_w=out_shape[3], kernel_h=kh, kernel_w=kw,
        stride_h=strides[0], stride_w=strides[1], dilation_h=dilations[0],
        dilation_w=dilations[1], pads=pads, groups=groups, batch=in_shape[0])
    if in_per_group != geometry.in_channels_per_group:
        raise state.error(node, f"weight has {in_per_group} input channels per group, expected "
                                f"{in_shape[1]} / group {groups}")
    state.emit(Layer(
        name=node.name, op=conv_kind(geometry), source_ops=("Conv",), inputs=(x,),
        output=node.outputs[0], input_shape=in_shape, output_shape=out_shape,
        weight_params=int(weight.size), bias_params=0 if bias is None else out_c,
        macs=geometry.conv_macs, geometry=geometry, weights=weight.astype(np.float32),
        bias=bias, weight_quant=state.const_quant(node.input(1)), rows=RowDependence.WINDOW))
