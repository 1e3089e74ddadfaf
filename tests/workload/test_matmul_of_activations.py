"""A MatMul of two activations (attention's Q @ K^T and scores @ V) is a first-class layer:
its B operand is an input in the WEIGHT role, it runs on the matrix unit, its MACs are
counted, it executes like onnxruntime, and every policy runs it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from onnx import TensorProto

from accelsim.api import simulate
from accelsim.functional import verify_model
from accelsim.hw.config import validate_hw
from accelsim.sim.ops import Operand, OperandRole, OpKind
from accelsim.workload import load_model
from onnx_graphs import init, ints, model, node, save, value, weight

RNG = np.random.default_rng(7)
S, D, H = 6, 8, 2  # sequence, model width, heads
HEAD = D // H


def attention(tmp_path: Path, batch: int = 1) -> Path:
    """One multi-head self-attention block as exporters write it: projections, heads by
    Reshape + Transpose, Q @ K^T, scaling, Softmax, scores @ V, heads merged, projection."""
    nodes = [
        node("MatMul", ["x", "wq"], "q"), node("MatMul", ["x", "wk"], "k"),
        node("MatMul", ["x", "wv"], "v"),
        node("Reshape", ["q", "heads"], "q4"), node("Transpose", ["q4"], "qh", perm=[0, 2, 1, 3]),
        node("Reshape", ["k", "heads"], "k4"), node("Transpose", ["k4"], "kt", perm=[0, 2, 3, 1]),
        node("Reshape", ["v", "heads"], "v4"), node("Transpose", ["v4"], "vh", perm=[0, 2, 1, 3]),
        node("MatMul", ["qh", "kt"], "scores"), node("Div", ["scores", "scale"], "scaled"),
        node("Softmax", ["scaled"], "probs", axis=-1), node("MatMul", ["probs", "vh"], "ctx"),
        node("Transpose", ["ctx"], "ctx_t", perm=[0, 2, 1, 3]),
        node("Reshape", ["ctx_t", "merged"], "ctx2"), node("MatMul", ["ctx2", "wo"], "y"),
    ]
    inits = [weight(RNG, n, D, D, scale=D ** -0.5) for n in ("wq", "wk", "wv", "wo")]
    inits += [ints("heads", batch, S, H, HEAD), ints("merged", batch, S, D),
              init("scale", np.float32(HEAD ** 0.5))]
    return save(tmp_path, model(nodes, inits, [value("x", [batch, S, D], TensorProto.FLOAT)]))


def test_q_times_k_transposed_is_a_matmul_layer_with_a_weight_role_activation(
        tmp_path: Path) -> None:
    net = load_model(attention(tmp_path))
    qk, pv = (layer for layer in net.layers if layer.op == OpKind.MATMUL)
    assert qk.inputs == ("qh", "kt") and qk.input_shapes == ((1, H, S, HEAD), (1, H, HEAD, S))
    assert qk.macs == H * S * HEAD * S and pv.macs == H * S * S * HEAD
    assert qk.geometry is not None and qk.geometry.groups == H
    work = qk.work()
    assert work.inputs == ("qh", "kt")  # liveness sees B: it is an input tensor
    assert work.operands == (Operand(OperandRole.ACTIVATION, H * S * HEAD, "qh"),
                             Operand(OperandRole.WEIGHT, H * HEAD * S, "kt"))
    assert work.input_elems == 2 * H * S * HEAD and work.parameter_elems == 0
    fc = net.layers[0]
    assert fc.op == OpKind.FC and fc.work().operands[-1] == Operand(OperandRole.WEIGHT, D * D,
                                                                   None)


@pytest.mark.parametrize("batch", [1, 3])
def test_attention_agrees_with_onnxruntime(tmp_path: Path, batch: int) -> None:
    result = verify_model(attention(tmp_path, batch), samples=2)
    assert result.passed, result.failed_layers
    assert {layer.op for layer in result.layers} >= {"matmul", "fc", "softmax"}


@pytest.mark.parametrize("policy", ["paper", "tiled"])
def test_every_policy_runs_attention(tmp_path: Path, policy: str) -> None:
    net = load_model(attention(tmp_path))
    hw = validate_hw({"name": "t", "precision": {"activation_bits": 8, "weight_bits": 8},
                      "sram": {"size": "64 KB"}, "dram": {"model": "ideal", "bandwidth": "1 GB/s"},
                      "compute": {"model": "ideal", "throughput": "1 TOPS"},
                      "policy": {"name": policy}}, "t")
    run = simulate(net, hw)
    rows = {layer.name: layer for layer in run.sim.layers}
    qk = next(layer for layer in net.layers if layer.op == OpKind.MATMUL)
    assert rows[qk.name].macs == qk.macs and rows[qk.name].compute_ps > 0
    assert sum(r.macs for r in run.sim.layers) == net.total_macs


def test_each_layer_says_which_input_rows_its_output_rows_need(tmp_path: Path) -> None:
    net = load_model(attention(tmp_path))
    rows = {layer.output: layer.work().rows for layer in net.layers}
    assert rows["q"] == rows["scores"] == rows["probs"] == rows["ctx"] == "same"
    assert rows["qh"] == rows["kt"] == rows["ctx_t"] == "whole"  # the heads move the rows
    work = next(layer for layer in net.layers if layer.output == "scores").work()
    assert work.output_shape == (1, H, S, S)
    assert work.input_shapes == ((1, H, S, HEAD), (1, H, HEAD, S))
