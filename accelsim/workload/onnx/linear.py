"""Gemm and MatMul: a constant weight makes an "fc" layer, an activation B a "matmul" layer.

An fc layer is a 1x1 convolution: in_c = K, out_c = N on a rows x 1 map,
where rows is the batch for a classifier and the product of the leading
dimensions for a MatMul on a sequence. MACs = rows x K x N. Weights are
stored (N, K) like a PyTorch Linear, with Gemm's transB and alpha applied;
the bias is beta x C as a (N,) vector.

A matmul layer multiplies two activations, A (..., M, K) by B (..., K, N)
with numpy broadcasting of the leading (batch) dims, as attention does
(Q @ K^T, scores @ V). Its inputs are (A, B) in the roles (ACTIVATION,
WEIGHT): B is read from SRAM or DDR like any activation and held in the
matrix unit as weights are. Its geometry is G groups of an M x K by K x N
product, G the product of the broadcast batch dims (a 1x1 convolution with G
groups on an M x 1 map); when B has no batch of its own it is one product of
(G x M) rows. MACs = G x M x K x N. A Gemm whose B is an activation is one
(its ``transA``, ``transB``, ``alpha`` in ``attrs``, beta x C as ``bias``).
"""

from __future__ import annotations

from dataclasses import replace
from math import prod

import numpy as np

from accelsim.sim.ops import OperandRole, OpKind, RowDependence
from accelsim.workload.ir import AttrValue, Layer
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
    in_shape, out_shape = state.shape(node, node.inputs[0]), state.shape(node, node.outputs[0])
    by_rows = len(in_shape) >= 2 and len(out_shape) >= 2 and in_shape[-2] == out_shape[-2]
    state.emit(Layer(
        name=node.name, op=OpKind.FC, source_ops=(node.op_type,), inputs=(x,),
        output=node.outputs[0], input_shape=in_shape, rows=RowDependence.SAME if by_rows
        else RowDependence.WHOLE,
        output_shape=out_shape, weight_params=n * k,
        bias_params=0 if bias is None else n, macs=rows * k * n, geometry=geometry,
        weights=weight.astype(np.float32),
        bias=None if bias is None else bias.astype(np.float32), weight_quant=quant))


def emit_matmul(node: Node, state: GraphState, a_mk: tuple[int, ...],
                b_kn: tuple[int, ...], attrs: dict[str, AttrValue],
                bias: np.ndarray | None = None) -> None:
    """Emit a matmul layer of activations A and B whose (..., M, K) and (..., K, N)
    views are ``a_mk`` and ``b_kn`` (transposes applied)."""
    if state.const(node.input(0)) is not None:
        raise state.error(node, "expected A to be an activation, got a constant (a constant "
                                "A times an activation B is not supported)")
    a, b = state.activation(node, 0), state.activation(node, 1)
    a_shape, b_shape = state.shape(node, node.inputs[0]), state.shape(node, node.inputs[1])
    if len(a_mk) < 2 or len(b_kn) < 2 or a_mk[-1] != b_kn[-2]:
        raise state.error(node, f"expected A (..., M, K) and B (..., K, N), got shapes "
                                f"{a_shape} and {b_shape}")
    try:
        batch = np.broadcast_shapes(a_mk[:-2], b_kn[:-2])
    except ValueError:
        raise state.error(node, f"the batch dims of A {a_shape} and B {b_shape} do not "
                                "broadcast") from None
    m, k, n = a_mk[-2], a_mk[-1], b_kn[-1]
    groups = prod(batch)
    rows = m
    if prod(b_kn[:-2]) == 1:  # one B for all of A: a single product of every row of A
        rows, groups = groups * m, 1
    geometry = make_geometry(node, state, in_channels=groups * k, out_channels=groups * n,
                             in_h=rows, in_w=1, out_h=rows, out_w=1, groups=groups)
    out_shape = state.shape(node, node.outputs[0])
    by_rows = (len(a_shape) >= 2 and len(out_shape) >= 2 and not attrs.get("transA")
               and a_shape[-2] == out_shape[-2])
    state.emit(Layer(
        name=node.name, op=OpKind.MATMUL, source_ops=(node.op_type,), inputs=(a, b),
        output=node.outputs[0], input_shape=a_shape, output_shape=out_shape, weight_params=0,
        rows=RowDependence.SAME if by_rows else RowDependence.WHOLE,
        bias_params=0 if bias is None else int(bias.size), macs=geometry.conv_macs,
        geometry=geometry, bias=bias, input_shapes=(a_shape, b_shape),
        input_roles=(OperandRole.ACTIVATION, OperandRole.WEIGHT),
        attrs=tuple(sorted(attrs.items()))))


def _gemm_of_activations(node: Node, state: GraphState) -> None:
    a_shape, b_shape = state.shape(node, node.inputs[0]), state.shape(node, node.inputs[1])
    if len(a_shape) != 2 or len(b_shape) != 2:
        raise state.error(node, f"expected 2-D A and B, got shapes {a_shape} and {b_shape}")
    trans_a, trans_b = int(bool(node.attr("transA", 0))), int(bool(node.attr("transB", 0)))
    alpha = float(node.attr("alpha", 1.0))  # type: ignore[arg-type]
    beta = float(node.attr("beta", 1.0))  # type: ignore[arg-type]
    a_mk = a_shape[::-1] if trans_a else a_shape
    b_kn = b_shape[::-1] if trans_b else b_shape
    bias = None
    if node.input(2):
        c = state.require_const(node, 2, "C (the bias)")
        bias = (c * np.float32(beta)).astype(np.float32)
    emit_matmul(node, state, a_mk, b_kn,
                {"transA": trans_a, "transB": trans_b, "alpha": alpha}, bias)


@lowering("Gemm")
def lower_gemm(node: Node, state: GraphState) -> None:
    if state.const(node.input(1)) is None:
        _gemm_of_activations(node, state)
        return
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
    if state.const(node.input(1)) is None:
        a_shape = state.shape(node, node.inputs[0])
        b_shape = state.shape(node, node.inputs[1])
        # numpy's rule for 1-D operands: A (K,) is (1, K), B (K,) is (K, 1).
        emit_matmul(node, state, a_shape if len(a_shape) > 1 else (1,) + a_shape,
                    b_shape if len(b_shape) > 1 else b_shape + (1,), {})
        return
    if state.const(node.input(0)) is not None:
        raise state.error(node, "expected A to be the activation and B the constant weight")
    x = state.activation(node, 0)
    a_shape = state.shape(node, node.inputs[0])
    b = state.require_const(node, 1, "B (the weight)")
    if b.ndim != 2 or not a_shape or a_shape[-1] != b.shape[0]:
        raise state.error(node, f"expected a 2-D weight (K, N) matching A's last dim, got A "
                                f"{a_shape} and B {b.shape}")
    emit_fc(node, state, x, prod(a_shape[:-1]), b.T, None, transposed=True)
