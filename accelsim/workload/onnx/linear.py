"""Gemm and MatMul with a constant weight -> an "fc" layer.

An fc layer is a 1x1 convolution: in_c = K, out_c = N on a rows x 1 map,
where rows is 1 for a classifier (batch 1) and the product of the leading
dimensions for a MatMul on a sequence. MACs = rows x K x N. Weights are
stored (N, K) like a PyTorch Linear, with Gemm's transB and alpha applied;
the bias is beta x C as a (N,) vector.
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

import numpy as np

from accelsim.sim.ops import OpKind
from accelsim.workload.ir import Layer
from accelsim.workload.onnx.conv import make_geometry
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering


def emit_fc(node: Node, state: GraphState, x: str, rows: int, weight: np.ndarray,
            bias: np.ndarray | None, transposed: bool) -> None:
    """Emit an fc layer computing ``rows`` products with ``weight`` of shape (N, K).

    ``transposed``: the file stores the weight (K, N), so a per-axis
    quantisation of it (QDQ) applies to the other axis of ``weight``.
    """
    n, k = weight.shape
    quant = state.const_quant(node.input(1))
    if quant is not None and quant.axis is not None and transposed:
        quant = replace(quant, axis=1 - quant.axis)
    geometry = make_geometry(node, state, in_channels=k, out_channels=n, in_h=rows, in_w=1,
                             out_h=rows, out_w=1)
    state.emit(Layer(
        name=node.name, op=OpKind.FC, source_ops=(node.op_type,), inputs=(x,),
        output=node.outputs[0], input_shape=state.shape(node, node.inputs[0]),
        output_shape=state.shape(node, node.outputs[0]), weight_params=n * k,
        bias_params=0 if bias is None else n, macs=rows * k * n, geometry=geometry,
        weights=weight.astype(np.float32),
        bias=None if bias is None else bias.astype(np.float32), weight_quant=quant))


@lowering("Gemm")
def lower_gemm(node: Node, state: GraphState) -> None:
    x = state.activation(node, 0)
    a_shape = state.shape(node, node.inputs[0])
    b = state.require_const(node, 1, "B (the weight)")
    if len(a_shape) != 2 or b.ndim != 2:
        raise state.error(node, f"expected 2-D A and B, got shapes {a_shape} and {b.shape}")
    trans_a, trans_b = bool(node.attr("transA", 0)), bool(node.attr("transB", 0))
    alpha = float(node.attr("alpha", 1.0))  # type: ignore[arg-type]
    beta = float(node.attr("beta", 1.0))  # type: ignore[arg-type]
    rows, k = (a_shape[1], a_shape[0]) if trans_a else a_shape
    if trans_a and rows != 1:
        raise state.error(node, f"transA=1 is supported for one row only, A has shape {a_shape}")
    weight = (b if trans_b else b.T) * np.float32(alpha)
    if weight.shape[1] != k:
        raise state.error(node, f"A has {k} columns but B gives {weight.shape[1]} inputs")
    bias = None
    if node.input(2):
        c = state.require_const(node, 2, "C (the bias)")
        try:
            full = np.broadcast_to(c, (rows, weight.shape[0]))
        except ValueError:
            raise state.error(node, f"C of shape {c.shape} does not broadcast to "
                                    f"({rows}, {weight.shape[0]})") from None
        if not (full == full[0]).all():
            raise state.error(node, "expected C to be the same for every row (a bias vector)")
        bias = full[0] * np.float32(beta)
    emit_fc(node, state, x, rows, weight, bias, transposed=not trans_b)


@lowering("MatMul")
def lower_matmul(node: Node, state: GraphState) -> None:
    if state.const(node.input(0)) is not None:
        raise state.error(node, "expected A to be the activation and B the constant weight")
    x = state.activation(node, 0)
    a_shape = state.shape(node, node.inputs[0])
    b = state.require_const(node, 1, "B (the weight)")
    if b.ndim != 2 or not a_shape or a_shape[-1] != b.shape[0]:
        raise state.error(node, f"expected a 2-D weight (K, N) matching A's last dim, got A "
                                f"{a_shape} and B {b.shape}")
    emit_fc(node, state, x, prod(a_shape[:-1]), b.T, None, transposed=True)
