"""The ideal-rate unit, the vector unit, and constructor validation of all compute units."""

from __future__ import annotations

import pytest

from accelsim.sim.compute import (
    DATAFLOWS,
    GROUP_MAPPINGS,
    ComputeEstimate,
    ComputeTiming,
    IdealThroughput,
    SystolicArray,
    VectorUnit,
)
from accelsim.sim.compute.vector import OP_CYCLES
from accelsim.sim.ops import VectorOp
from accelsim.sim.work import ConvGeometry, LayerWork

GHZ = 1_000_000_000


def dw(channels: int = 32, size: int = 28, stride: int = 1) -> LayerWork:
    out = (size + 2 - 3) // stride + 1
    g = ConvGeometry(channels, channels, size, size, out, out, 3, 3, stride, stride,
                     pads=(1, 1, 1, 1), groups=channels)
    return LayerWork("dw", "depthwise", channels * size * size, channels * out * out,
                     9 * channels, channels, g.conv_macs, g)


def elements(op: str, n_in: int, n_out: int, macs: int = 0) -> LayerWork:
    return LayerWork(op, op, n_in, n_out, 0, 0, macs)


# --- IdealThroughput -------------------------------------------------------------

def test_ideal_reproduces_the_papers_2_x_macs_ps_at_1_tops():
    unit = IdealThroughput(ops_per_s=10**12)
    for macs in (677_376, 225_792, 12_845_056, 1):
        estimate = unit.estimate(elements("conv", 0, 0, macs))
        assert estimate == ComputeEstimate(cycles=2 * macs, time_ps=2 * macs, folds=1,
                                           utilization=1.0, unit="ideal")


def test_ideal_rounds_up_in_integers():
    # 3 MACs x 2 ops at 7e12 ops/s = 0.857... ps -> 1 ps
    assert IdealThroughput(7 * 10**12).estimate(elements("fc", 0, 0, 3)).time_ps == 1
    # 10**15 ops/s, 1 op per MAC: 1,000 MACs = 1 ps exactly
    assert IdealThroughput(10**15, ops_per_mac=1).estimate(elements("fc", 0, 0, 1000)).time_ps == 1
    assert IdealThroughput(10**15, ops_per_mac=1).estimate(elements("fc", 0, 0, 1001)).time_ps == 2


def test_ideal_cycles_count_the_given_clock():
    unit = IdealThroughput(ops_per_s=10**12, clock_hz=GHZ)  # 1,000 ops per cycle
    estimate = unit.estimate(elements("conv", 0, 0, 1_000))  # 2,000 ops
    assert (estimate.cycles, estimate.time_ps) == (2, 2_000)
    estimate = unit.estimate(elements("conv", 0, 0, 1_001))  # 2,002 ops
    assert (estimate.cycles, estimate.time_ps) == (3, 2_002)


def test_ideal_costs_nothing_without_macs():
    assert IdealThroughput(10**12).estimate(elements("softmax", 10, 10)) == ComputeEstimate(
        0, 0, 0, 0.0, "ideal")


# --- VectorUnit -------------------------------------------------------------------

def test_vector_depthwise_is_pixels_x_channel_passes_x_window_plus_fill():
    unit = VectorUnit(lanes=16, clock_hz=GHZ, pipeline_fill_cycles=4)
    layer = dw(channels=32)
    estimate = unit.estimate(layer)
    assert estimate.cycles == 28 * 28 * 2 * 9 + 4
    assert estimate.folds == 2
    assert estimate.time_ps == estimate.cycles * 1000
    assert estimate.utilization == layer.macs / (16 * estimate.cycles)
    assert estimate.unit == "vector"


def test_vector_partial_lane_pass_wastes_lanes():
    unit = VectorUnit(lanes=24, clock_hz=GHZ, pipeline_fill_cycles=0)
    estimate = unit.estimate(dw(channels=32, size=14, stride=2))
    assert estimate.cycles == 7 * 7 * 2 * 9  # ceil(32 / 24) = 2 passes
    assert estimate.utilization == pytest.approx(32 / 48)


def test_vector_pooling_reads_every_window_element():
    g = ConvGeometry(256, 256, 7, 7, 1, 1, 7, 7, 1, 1, groups=256)
    pool = LayerWork("pool", "pool", 256 * 49, 256, 0, 0, 0, g)
    estimate = VectorUnit(lanes=32, clock_hz=GHZ, pipeline_fill_cycles=4).estimate(pool)
    assert estimate.cycles == 1 * 8 * 49 + 4
    assert estimate.utilization == 256 * 49 / (32 * estimate.cycles)


def vector(op: str, n: int, *work: tuple[VectorOp, int]) -> LayerWork:
    return LayerWork(op, op, n, n, 0, 0, 0, vector_work=work)


def test_vector_work_costs_each_operation_its_lane_cycles_over_all_lanes():
    unit = VectorUnit(lanes=8, clock_hz=GHZ, pipeline_fill_cycles=2)
    add = vector("eltwise", 100, (VectorOp.ADD, 100))
    assert unit.estimate(add).cycles == 13 + 2  # ceil(100 / 8)
    # A softmax over 10 elements: 10 max, 20 adds, 10 exps, 10 multiplies, 1 divide.
    softmax = vector("softmax", 10, (VectorOp.ADD, 20), (VectorOp.MUL, 10), (VectorOp.MAX, 10),
                     (VectorOp.DIV, 1), (VectorOp.EXP, 10))
    lane = 20 + 10 + 10 + OP_CYCLES[VectorOp.DIV] + 10 * OP_CYCLES[VectorOp.EXP]
    assert unit.estimate(softmax).cycles == -(-lane // 8) + 2
    assert unit.estimate(softmax).utilization == lane / (8 * unit.estimate(softmax).cycles)
    assert OP_CYCLES[VectorOp.EXP] > OP_CYCLES[VectorOp.DIV] > OP_CYCLES[VectorOp.ADD] == 1
    assert OP_CYCLES[VectorOp.ERF] > OP_CYCLES[VectorOp.TANH] > OP_CYCLES[VectorOp.EXP]
    copies = vector("movement", 64, (VectorOp.COPY, 64))
    assert unit.estimate(copies).cycles == 8 + 2 and copies.vector_ops == 0
    assert unit.estimate(elements("fc", 256, 10, macs=2560)).cycles == 320 + 2
    estimate = unit.estimate(elements("fc", 256, 10, macs=2560))
    assert estimate.utilization == 2560 / (8 * 322)
    dearer = VectorUnit(8, GHZ, 2, op_cycles={**OP_CYCLES, VectorOp.EXP: 2})
    assert dearer.estimate(softmax).cycles < unit.estimate(softmax).cycles


def test_a_matrix_layers_fused_activation_overlaps_its_macs():
    g = ConvGeometry(16, 16, 8, 8, 8, 8)
    plain = LayerWork("pw", "pointwise", 1024, 1024, 256, 0, g.conv_macs, g)
    relu = LayerWork("pw", "pointwise", 1024, 1024, 256, 0, g.conv_macs, g,
                     vector_work=((VectorOp.MAX, 1024),))
    for unit in (VectorUnit(16, GHZ), SystolicArray(16, 16, GHZ), IdealThroughput(10**12)):
        assert unit.estimate(relu) == unit.estimate(plain), unit
    # An erf on each of a 1x1 depthwise layer's outputs outlasts its one MAC per output.
    dw = ConvGeometry(64, 64, 8, 8, 8, 8, groups=64)
    erf = LayerWork("dw", "depthwise", 4096, 4096, 64, 0, dw.conv_macs, dw,
                    vector_work=((VectorOp.ERF, 4096),))
    assert VectorUnit(16, GHZ, 0).estimate(erf).cycles == 4096 * OP_CYCLES[VectorOp.ERF] // 16
    assert IdealThroughput(10**12).estimate(erf).time_ps == 4096 * 2  # 1 op per vector op


def test_the_ideal_unit_runs_vector_ops_at_its_rate():
    unit = IdealThroughput(ops_per_s=10**12)
    add = vector("eltwise", 1000, (VectorOp.ADD, 1000), (VectorOp.EXP, 500),
                 (VectorOp.COPY, 99))
    assert unit.estimate(add).time_ps == 1500  # an exp is one op; copies are none


def test_an_array_alone_runs_vector_layers_through_its_rows():
    array = SystolicArray(16, 8, GHZ)
    add = vector("eltwise", 1000, (VectorOp.ADD, 1000))
    estimate = array.estimate(add)
    assert (estimate.cycles, estimate.unit) == (63, "array")  # ceil(1000 / 16 rows)
    assert estimate.utilization == 1000 / (16 * 8 * 63)


def test_vector_costs_nothing_without_work():
    unit = VectorUnit(lanes=8, clock_hz=GHZ)
    assert unit.estimate(elements("layer", 100, 100)) == ComputeEstimate(0, 0, 0, 0.0, "vector")
    assert unit.estimate(elements("softmax", 0, 0)).cycles == 0


def test_vector_beats_channel_by_channel_array_on_depthwise():
    """Why the vector unit exists: a 32-lane unit vs SCALE-Sim's depthwise expansion."""
    layer = dw(channels=256, size=14)
    array = SystolicArray(32, 32, GHZ, "ws").estimate(layer)
    vector = VectorUnit(lanes=32, clock_hz=GHZ).estimate(layer)
    assert array.cycles == 73_984
    assert vector.cycles == 14 * 14 * 8 * 9 + 4 == 14_116


# --- the systolic array's fallbacks ----------------------------------------------

def test_array_without_geometry_runs_at_r_x_c_macs_per_cycle():
    array = SystolicArray(16, 8, 500_000_000, "os")
    estimate = array.estimate(elements("layer", 0, 0, macs=1000))
    assert estimate == ComputeEstimate(cycles=8, time_ps=16_000, folds=1,
                                       utilization=1000 / (128 * 8), unit="array")


def test_array_costs_nothing_without_macs():
    array = SystolicArray(32, 32, GHZ, "ws")
    assert array.estimate(elements("softmax", 10, 10)) == ComputeEstimate(0, 0, 0, 0.0, "array")


def test_array_fc_layer_as_1x1_conv():
    g = ConvGeometry(256, 10, 1, 1, 1, 1)
    fc = LayerWork("fc", "fc", 256, 10, 2560, 10, g.conv_macs, g)
    # WS: ceil(256/32) x ceil(10/32) = 8 folds of 2x32 + 32 + 1 - 2 = 95 cycles
    assert SystolicArray(32, 32, GHZ, "ws").estimate(fc).cycles == 8 * 95 - 1


def test_units_satisfy_the_protocol():
    units: list[ComputeTiming] = [IdealThroughput(10**12), SystolicArray(4, 4, GHZ),
                                  VectorUnit(4, GHZ)]
    for unit in units:
        assert isinstance(unit.estimate(dw()), ComputeEstimate)


# --- validation -------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,bad", [
    ({"rows": 0, "cols": 32, "clock_hz": GHZ}, "0"),
    ({"rows": 32, "cols": -4, "clock_hz": GHZ}, "-4"),
    ({"rows": 32, "cols": 32, "clock_hz": 0}, "0"),
    ({"rows": 32.0, "cols": 32, "clock_hz": GHZ}, "32.0"),
    ({"rows": True, "cols": 32, "clock_hz": GHZ}, "True"),
])
def test_array_rejects_bad_sizes_quoting_the_value(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        SystolicArray(**kwargs)


def test_array_rejects_unknown_dataflow_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"'rs'.*is, os, ws"):
        SystolicArray(32, 32, GHZ, dataflow="rs")
    assert sorted(DATAFLOWS) == ["is", "os", "ws"]


def test_array_rejects_unknown_depthwise_mapping():
    with pytest.raises(ValueError, match=r"'packed'.*channel_by_channel, diagonal"):
        SystolicArray(32, 32, GHZ, depthwise_mapping="packed")
    assert sorted(GROUP_MAPPINGS) == ["channel_by_channel", "diagonal"]


@pytest.mark.parametrize("kwargs,bad", [
    ({"ops_per_s": 0}, "ops_per_s.*0"),
    ({"ops_per_s": 10**12, "ops_per_mac": 0}, "ops_per_mac.*0"),
    ({"ops_per_s": 1e12}, r"ops_per_s.*1000000000000\.0"),
    ({"ops_per_s": 10**12, "clock_hz": -1}, "clock_hz.*-1"),
])
def test_ideal_rejects_bad_values(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        IdealThroughput(**kwargs)


@pytest.mark.parametrize("kwargs,bad", [
    ({"lanes": 0, "clock_hz": GHZ}, "lanes.*0"),
    ({"lanes": 8, "clock_hz": -5}, "clock_hz.*-5"),
    ({"lanes": 8, "clock_hz": GHZ, "pipeline_fill_cycles": -1}, "pipeline_fill_cycles.*-1"),
])
def test_vector_rejects_bad_values(kwargs, bad):
    with pytest.raises(ValueError, match=bad):
        VectorUnit(**kwargs)


def test_estimate_rejects_negative_fields_and_unknown_units():
    with pytest.raises(ValueError, match="cycles.*-1"):
        ComputeEstimate(cycles=-1, time_ps=0, folds=0, utilization=0.0, unit="array")
    with pytest.raises(ValueError, match="'gpu'"):
        ComputeEstimate(cycles=0, time_ps=0, folds=0, utilization=0.0, unit="gpu")
    with pytest.raises(ValueError, match="utilization.*nan"):
        ComputeEstimate(cycles=0, time_ps=0, folds=0, utilization=float("nan"), unit="ideal")
