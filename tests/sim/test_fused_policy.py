"""The fused policy: groups of layers run tile by tile, never worse than the tiled plan.

- which rows each tile of a group needs, and what its steps move (small scenarios);
- on random chains and DAGs (residual Adds, Concats, global pooling and a fully
  connected layer) and SRAM sizes from 16 KB to 16 MB: the plan runs (the SRAM is
  never overrun), every layer computes its rows, and the run is never slower than
  the tiled policy's on the same machine (nor, with ``objective: ddr``, moves more);
- MobileNetV2-224 (torchvision's layout) on the DDR3-1066 x8 machine at 1 MB and
  512 KB: no spill, DDR traffic within 2 % of weights + input + output, latency
  within 15 % of max(DDR bytes at the peak rate, compute time).
"""

from __future__ import annotations

from typing import Any

import pytest
from fused_networks import conv, fusable_networks, join
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.hw.config import validate_hw
from accelsim.hw.factory import build_machine_parts, build_policy
from accelsim.hw.machine import ConfiguredMachine
from accelsim.sim.fastpath import FastAccelerator
from accelsim.sim.policies import FusedPolicy, PreparedSchedule, TiledPolicy, Transfer
from accelsim.sim.policies.fusion_groups import ScheduleGraph
from accelsim.sim.results import SimulationResult
from accelsim.sim.work import LayerWork


def hw_dict(size_bytes: int, policy: dict[str, Any], dram: str = "ideal") -> dict[str, Any]:
    drams: dict[str, Any] = {
        "ideal": {"model": "ideal", "bandwidth": "1 GB/s"},
        "ddr3": {"model": "ddr3", "preset": "DDR3-1066F", "device_width_bits": 8,
                 "density_gbit": 4, "bus_width_bits": 8},
    }
    return {"name": "t", "precision": {"activation_bits": 8, "weight_bits": 8},
            "sram": {"size": f"{size_bytes} B"}, "dram": drams[dram],
            "compute": {"model": "ideal", "throughput": "1 TOPS"}, "policy": policy}


def run(hw_data: dict[str, Any], schedule: list[LayerWork]) -> tuple[PreparedSchedule,
                                                                     SimulationResult]:
    hw = validate_hw(hw_data, "test")
    prepared = build_policy(hw).prepare(schedule, hw.sram.size)
    p = build_machine_parts(hw)
    return prepared, FastAccelerator(p.sram_capacity_bits, p.bus_timing, p.compute_timing,
                                     p.activation_bits, p.energy).run(prepared)


def ddr_bits(result: SimulationResult) -> int:
    return sum(layer.data_movement_bits for layer in result.layers)


# -- rows and steps of one group -----------------------------------------------------------

CHAIN = [conv("a", "x", 8, 8, 16, 3, 1), conv("b", "a", 8, 8, 16, 3, 1),
         conv("c", "b", 8, 8, 16, 3, 1)]


def test_each_tile_needs_the_rows_its_band_reads_through_every_window() -> None:
    group = ScheduleGraph(CHAIN, 8).group(0, 2)
    assert group is not None and group.tensors == ("x", "a", "b", "c")
    tiles = group.tiles(4, "cache")
    # output rows 0-3 of c need rows 0-4 of b, 0-5 of a, 0-6 of x; the next band 4-7
    # needs b 3-8, a 2-9, x 1-10, of which cache mode makes only the new rows
    assert [t.need for t in tiles[:2]] == [((0, 7), (0, 6), (0, 5), (0, 4)),
                                           ((1, 11), (2, 10), (3, 9), (4, 8))]
    assert [t.computed for t in tiles[:2]] == [((0, 6), (0, 5), (0, 4)),
                                               ((6, 10), (5, 9), (4, 8))]
    assert tiles[-1].computed == ((14, 16), (13, 16), (12, 16))
    recompute = group.tiles(4, "recompute")
    assert recompute[1].computed == ((2, 10), (3, 9), (4, 8))
    assert sum(t.fetched[0][1] - t.fetched[0][0] for t in recompute) > 16


def test_a_tensor_read_after_the_group_cannot_be_made_inside_it() -> None:
    dag = [conv("a", "x", 8, 8, 16, 3, 1), conv("b", "a", 8, 8, 16, 3, 1),
           join("c", "eltwise", ("b", "a"), ((1, 8, 16, 16),) * 2)]
    graph = ScheduleGraph(dag, 8)
    assert graph.group(0, 1) is None   # a is read by c, outside
    assert graph.group(0, 2) is not None  # the residual Add inside: a held as a band
    assert graph.group(1, 2) is not None  # a comes in from outside


def small_sram_chain() -> list[LayerWork]:
    """Three 3x3 convolutions on 56x56x32 maps: 100 KB each, for 96 KB of SRAM."""
    return [conv("a", "x", 32, 32, 56, 3, 1), conv("b", "a", 32, 32, 56, 3, 1),
            conv("c", "b", 32, 32, 56, 3, 1)]


@pytest.mark.parametrize("halo", ["cache", "recompute"])
def test_a_chain_on_a_small_sram_runs_fused_without_spill(halo: str) -> None:
    schedule = small_sram_chain()
    _, tiled = run(hw_dict(96_000, {"name": "tiled"}), schedule)
    prepared, fused = run(hw_dict(96_000, {"name": "fused", "halo": halo}), schedule)
    assert [len(s.accounts) for s in prepared.segments] == [3]
    assert {layer.group for layer in fused.layers} == {1}
    assert sum(layer.spill_bits for layer in tiled.layers) > 0
    assert sum(layer.spill_bits for layer in fused.layers) == 0
    assert fused.total_ps < tiled.total_ps
    weights = sum((w.weight_params + w.bias_params) * 8 for w in schedule)
    in_out = (schedule[0].input_elems + schedule[-1].output_elems) * 8
    recomputed = sum(layer.recomputed_macs for layer in fused.layers)
    if halo == "cache":
        assert ddr_bits(fused) == weights + in_out  # every row moved once
        assert recomputed == 0
        assert sum(layer.compute_ps for layer in fused.layers) == sum(
            layer.compute_ps for layer in tiled.layers)
    else:
        assert ddr_bits(fused) > weights + in_out  # input halos read again
        assert recomputed > 0
        assert sum(layer.compute_ps for layer in fused.layers) > sum(
            layer.compute_ps for layer in tiled.layers)
    tiles = fused.layers[0].tiles
    assert tiles > 1
    assert sum(1 for s in fused.steps if s.unit == "compute" and s.layer == 1) == tiles


def test_a_group_holds_what_its_tiles_need_and_frees_it_all() -> None:
    prepared, fused = run(hw_dict(96_000, {"name": "fused"}), small_sram_chain())
    assert fused.sram_occupancy[-1][1] == 0
    assert fused.sram_peak_bits <= prepared.segments[0].accounts[0].internal_memory_bits
    assert fused.sram_peak_bits <= 96_000 * 8


# -- random networks: never worse than tiled ---------------------------------------------

SIZES = [16_000, 64_000, 256_000, 1_000_000, 4_000_000, 16_000_000]


def checked(schedule: list[LayerWork], size: int, policy: dict[str, Any],
            dram: str) -> tuple[SimulationResult, SimulationResult, PreparedSchedule] | None:
    from accelsim.errors import AccelsimError

    try:
        _, tiled = run(hw_dict(size, {"name": "tiled"}, dram), schedule)
    except AccelsimError:
        return None  # too small for any plan
    prepared, fused = run(hw_dict(size, {"name": "fused", **policy}, dram), schedule)
    assert [layer.macs for layer in fused.layers] == [w.macs for w in schedule]
    assert fused.sram_peak_bits <= size * 8
    return tiled, fused, prepared


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fusable_networks(), st.sampled_from(SIZES), st.sampled_from(["cache", "recompute"]))
def test_fused_is_never_slower_than_tiled_on_the_ideal_pipe(
        schedule: list[LayerWork], size: int, halo: str) -> None:
    got = checked(schedule, size, {"halo": halo}, "ideal")
    if got is not None:
        tiled, fused, _ = got
        assert fused.total_ps <= tiled.total_ps


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fusable_networks(), st.sampled_from(SIZES))
def test_fused_never_moves_more_than_tiled_by_the_ddr_objective(
        schedule: list[LayerWork], size: int) -> None:
    got = checked(schedule, size, {"objective": "ddr"}, "ideal")
    if got is not None:
        tiled, fused, _ = got
        assert ddr_bits(fused) <= ddr_bits(tiled)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fusable_networks(max_layers=6), st.sampled_from(SIZES))
def test_fused_is_never_slower_than_tiled_on_ddr3(schedule: list[LayerWork],
                                                   size: int) -> None:
    got = checked(schedule, size, {}, "ddr3")
    if got is not None:
        tiled, fused, _ = got
        assert fused.total_ps <= tiled.total_ps


def test_the_machine_compares_by_its_config() -> None:
    a = validate_hw(hw_dict(64_000, {"name": "fused"}), "a")
    b = validate_hw({**hw_dict(64_000, {"name": "fused"}), "name": "other"}, "b")
    assert ConfiguredMachine.of(a) == ConfiguredMachine.of(b)
    assert hash(build_policy(a)) == hash(build_policy(b))
    assert FusedPolicy(8, 8).tiled == TiledPolicy(8, 8)


# -- MobileNetV2-224 --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mobilenet_v2(tmp_path_factory: pytest.TempPathFactory) -> list[LayerWork]:
    import onnx

    from accelsim.workload import load_model
    from accelsim.workload.zoo_edge import mobilenet_v2

    path = tmp_path_factory.mktemp("models") / "mobilenet_v2.onnx"
    onnx.save(mobilenet_v2(), path)
    return list(load_model(path).work())


@pytest.mark.parametrize("size", [1_000_000, 512_000])
def test_mobilenet_v2_fused_on_ddr3_is_bound_by_its_unavoidable_traffic(
        mobilenet_v2: list[LayerWork], size: int) -> None:
    schedule = mobilenet_v2
    hw = validate_hw(hw_dict(size, {"name": "fused"}, "ddr3"), "t")
    _, fused = run(hw_dict(size, {"name": "fused"}, "ddr3"), schedule)
    _, tiled = run(hw_dict(size, {"name": "tiled"}, "ddr3"), schedule)
    assert sum(layer.spill_bits for layer in fused.layers) == 0
    assert not fused.spilled_layers
    necessary = 8 * (sum(w.weight_params + w.bias_params for w in schedule)
                     + schedule[0].input_elems + schedule[-1].output_elems)
    assert necessary <= ddr_bits(fused) <= 1.02 * necessary
    peak = hw.dram.spec.peak_bandwidth_bytes_per_s * 8  # type: ignore[union-attr]
    bound_ps = max(ddr_bits(fused) * 10**12 / peak,
                   sum(layer.compute_ps for layer in fused.layers))
    assert fused.total_ps <= 1.15 * bound_ps
    assert fused.total_ps < tiled.total_ps
    assert len({layer.group for layer in fused.layers}) < len(schedule)
