"""Transformer ops, one by one: LayerNormalization on any axis, Erf, Gelu (exact and tanh),
Softmax on any axis. Each lowers to a layer whose vector work is counted per element,
executes like onnxruntime, and has no MACs (they count matrix products only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accelsim.functional import verify_model
from accelsim.sim.compute.vector import OP_CYCLES, VectorUnit
from accelsim.sim.ops import OpKind, VectorOp
from accelsim.workload import load_model
from onnx_graphs import init, model, node, save, value, weight

RNG = np.random.default_rng(11)
A, M, R = VectorOp.ADD, VectorOp.MUL, VectorOp.RSQRT


def _one_op(tmp_path: Path, op: str, shape: list[int], inits: list | None = None,
            inputs: list[str] | None = None, opset: int = 20, **attrs: object) -> Path:
    nodes = [node(op, ["x", *(inputs or [])], "y", **attrs)]
    return save(tmp_path, model(nodes, inits or [], [value("x", shape)], opset=opset))


@pytest.mark.parametrize(("axis", "scale_shape"), [(-1, [8]), (1, [5, 8]), (0, [2, 5, 8])])
def test_layer_norm_on_any_axis_counts_its_vector_work_and_agrees(
        tmp_path: Path, axis: int, scale_shape: list[int]) -> None:
    path = _one_op(tmp_path, "LayerNormalization", [2, 5, 8],
                   [weight(RNG, "g", *scale_shape), weight(RNG, "b", *scale_shape)],
                   ["g", "b"], opset=17, axis=axis, epsilon=1e-3)
    (layer,) = load_model(path).layers
    elements, row = 2 * 5 * 8, int(np.prod(scale_shape))
    rows = elements // row
    assert layer.op == OpKind.NORM and layer.macs == 0
    assert layer.weight_params == layer.bias_params == row
    # per element: 4 ADD (sum, x - mean, sum of squares, shift), 3 MUL (square,
    # 1/std, scale); per row: 2 MUL (the 1/n), an ADD of epsilon, an RSQRT
    assert dict(layer.work().vector_work) == {A: 4 * elements + rows, M: 3 * elements + 2 * rows,
                                              R: rows}
    result = verify_model(path, samples=2)
    assert result.passed, result.failed_layers


def test_layer_norm_without_bias(tmp_path: Path) -> None:
    path = _one_op(tmp_path, "LayerNormalization", [1, 4, 6], [weight(RNG, "g", 6)], ["g"],
                   opset=17)
    (layer,) = load_model(path).layers
    assert layer.bias_params == 0 and layer.bias is None
    assert verify_model(path, samples=1).passed


@pytest.mark.parametrize(("approximate", "work"), [
    ("none", {A: 1, M: 3, VectorOp.ERF: 1}), ("tanh", {A: 2, M: 6, VectorOp.TANH: 1})])
def test_gelu_fuses_into_the_matmul_before_it_and_agrees(tmp_path: Path, approximate: str,
                                                          work: dict[VectorOp, int]) -> None:
    nodes = [node("MatMul", ["x", "w"], "h"), node("Gelu", ["h"], "y", approximate=approximate)]
    path = save(tmp_path, model(nodes, [weight(RNG, "w", 8, 6)], [value("x", [1, 5, 8])],
                                opset=20))
    (layer,) = load_model(path).layers
    assert layer.op == OpKind.FC and str(layer.activation) == (
        "gelu" if approximate == "none" else "gelu(1)")
    assert dict(layer.work().vector_work) == {op: n * 5 * 6 for op, n in work.items()}
    result = verify_model(path, samples=2)
    assert result.passed, result.failed_layers


def test_erf_gelu_as_torch_below_opset_20_writes_it(tmp_path: Path) -> None:
    """x * 0.5 * (1 + erf(x / sqrt 2)): Div, Erf, Add, Mul, Mul, the Erf fused into the Div."""
    nodes = [node("Div", ["x", "sqrt2"], "d"), node("Erf", ["d"], "e"),
             node("Add", ["e", "one"], "p"), node("Mul", ["x", "p"], "m"),
             node("Mul", ["m", "half"], "y")]
    inits = [init("sqrt2", np.float32(np.sqrt(2))), init("one", np.float32(1)),
             init("half", np.float32(0.5))]
    path = save(tmp_path, model(nodes, inits, [value("x", [1, 3, 7])], opset=17))
    layers = load_model(path).layers
    assert [str(layer.activation) for layer in layers] == ["erf", "None", "None", "None"]
    assert dict(layers[0].work().vector_work)[VectorOp.ERF] == 21
    assert verify_model(path, samples=2).passed


@pytest.mark.parametrize("axis", [0, 1, -2, 3])
def test_softmax_on_any_axis_agrees(tmp_path: Path, axis: int) -> None:
    path = _one_op(tmp_path, "Softmax", [2, 3, 4, 5], opset=17, axis=axis)
    (layer,) = load_model(path).layers
    shape = (2, 3, 4, 5)
    rows = 120 // shape[axis]
    assert layer.op == OpKind.SOFTMAX
    assert dict(layer.work().vector_work)[VectorOp.DIV] == rows
    assert dict(layer.work().vector_work)[VectorOp.EXP] == 120
    assert verify_model(path, samples=2).passed


def test_transcendental_ops_cost_more_lane_cycles_than_adds(tmp_path: Path) -> None:
    """Same elements, same unit: an Erf layer takes OP_CYCLES[erf] / OP_CYCLES[add] times
    the lane cycles of an Add of a constant."""
    adds = load_model(_one_op(tmp_path, "Add", [1, 64, 16], [init("c", np.float32(1))], ["c"]))
    erfs = load_model(_one_op(tmp_path, "Erf", [1, 64, 16]))
    unit = VectorUnit(lanes=16, clock_hz=10**9, pipeline_fill_cycles=0)
    add_cycles = unit.estimate(adds.layers[0].work()).cycles
    erf_cycles = unit.estimate(erfs.layers[0].work()).cycles
    assert add_cycles == 64 * 16 // 16
    assert erf_cycles == add_cycles * OP_CYCLES[VectorOp.ERF] > add_cycles
