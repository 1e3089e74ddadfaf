"""The tiled policy: capacity never exceeded, DDR bytes conserved, traffic monotone in SRAM."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.api import bundled_model_path
from accelsim.sim.bus import IdealPipe
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.engine import Accelerator
from accelsim.sim.policies import SramTooSmallError, TiledPolicy
from accelsim.sim.policies.tiling import TileShape, best_tiling
from accelsim.sim.results import SimulationResult
from accelsim.sim.work import ConvGeometry, LayerWork
from accelsim.workload import load_model
from sim_runs import run_policy

GBPS_1 = 8 * 10**9


def run(schedule: list[LayerWork], capacity_bits: int, pipeline_tiles: int = 8
        ) -> SimulationResult:
    machine = Accelerator(capacity_bits, IdealPipe(GBPS_1), IdealThroughput(10**12), 8)
    return run_policy(machine, schedule, TiledPolicy(8, 8, pipeline_tiles))


def conv(name: str, inp: str, c_in: int, c_out: int, h: int, k: int, s: int, depthwise: bool
         ) -> LayerWork:
    pad = k // 2
    out = (h + 2 * pad - k) // s + 1
    groups = c_in if depthwise else 1
    if depthwise:
        c_out = c_in
    g = ConvGeometry(c_in, c_out, h, h, out, out, k, k, s, s, pads=(pad, pad, pad, pad),
                     groups=groups)
    return LayerWork(name, "depthwise" if depthwise else "conv", c_in * h * h,
                     c_out * out * out, c_out * (c_in // groups) * k * k, c_out, g.conv_macs, g,
                     inputs=(inp,), output=name)


@st.composite
def chains(draw: st.DrawFn) -> list[LayerWork]:
    h = draw(st.sampled_from([4, 7, 8, 14, 16]))
    c = draw(st.sampled_from([3, 8, 16, 32]))
    layers, name = [], "x"
    for i in range(draw(st.integers(1, 5))):
        k = draw(st.sampled_from([1, 3]))
        s = draw(st.sampled_from([1, 1, 2])) if h > 2 else 1
        depthwise = draw(st.booleans()) and k == 3
        c_out = draw(st.sampled_from([8, 16, 24, 64]))
        layer = conv(f"l{i}", name, c, c_out, h, k, s, depthwise)
        layers.append(layer)
        name, c = layer.output, layer.geometry.out_channels  # type: ignore[union-attr]
        h = layer.geometry.out_h  # type: ignore[union-attr]
    return layers


def check_conservation(schedule: list[LayerWork], result: SimulationResult) -> None:
    """Nothing read that was never written (bar model inputs and weights); every tensor
    written and later needed is read back (the rows its consumer's kernel touches: a
    1x1 stride-2 conv needs only every other row); weights are read in full."""
    written: dict[str, int] = defaultdict(int)
    read: dict[str, int] = defaultdict(int)
    produced = {w.output for w in schedule}
    model_inputs = {name for w in schedule for name in w.inputs if name not in produced}
    for step in sorted(result.steps, key=lambda s: (s.start_ps, s.end_ps)):
        if step.unit != "ddr":
            continue
        if step.action == "write":
            written[step.tensor] += step.bits
            continue
        read[step.tensor] += step.bits
        if step.tensor in produced:
            assert written[step.tensor] > 0, f"{step.tensor} read before it was written"
            assert step.spill
        else:
            assert step.tensor.startswith("weights:") or step.tensor in model_inputs
    for work in schedule[1:]:
        g = work.geometry
        for tensor in work.inputs:
            if tensor not in written:
                continue
            if g is None:  # a stream (Add, Concat...): all of every operand
                needed = written[tensor]
            else:
                rows = {r * g.stride_h - g.pads[0] + j * g.dilation_h
                        for r in range(g.out_h) for j in range(g.kernel_h)}
                touched = len([row for row in rows if 0 <= row < g.in_h])
                needed = g.in_channels * touched * g.in_w * 8
            assert read[tensor] >= needed, tensor
    for i, work in enumerate(schedule, start=1):
        assert read[f"weights:{i}"] >= (work.weight_params + work.bias_params) * 8
    assert written[schedule[-1].output] == schedule[-1].output_elems * 8


@settings(max_examples=60, deadline=None)
@given(chains(), st.integers(2_000, 400_000))
def test_occupancy_never_exceeds_capacity_and_bytes_are_conserved(
        schedule: list[LayerWork], capacity_bits: int) -> None:
    try:
        result = run(schedule, capacity_bits)
    except SramTooSmallError:
        # Only when some layer's smallest double-buffered tiles really do not fit.
        shapes = [TileShape.of(w, 8, 8) for w in schedule]
        assert any(best_tiling(s, capacity_bits, False, False) is None for s in shapes)
        return
    assert max(bits for _, bits in result.sram_occupancy) <= capacity_bits
    assert result.sram_peak_bits <= capacity_bits
    assert all(r.sram_peak_bits <= capacity_bits for r in result.layers)
    assert result.sram_occupancy[-1][1] == 0  # everything freed at the end
    check_conservation(schedule, result)
    for r in result.layers:
        assert r.performance_ps >= max(r.compute_ps, 0) and r.stall_ps >= 0


@pytest.fixture(scope="module")
def mobilenet() -> list[LayerWork]:
    return list(load_model(bundled_model_path()).work())


def test_mobilenet_on_1_mb_has_no_spill_and_moves_each_byte_once(mobilenet) -> None:
    result = run(mobilenet, 8_000_000)
    assert not result.spilled_layers
    weights = sum(w.weight_params + w.bias_params for w in mobilenet)
    total_bytes = sum(r.data_movement_bits for r in result.layers) // 8
    assert total_bytes == 3 * 28 * 28 + weights + 10  # input, weights, class scores
    check_conservation(mobilenet, result)


def test_ddr_traffic_never_grows_with_sram(mobilenet) -> None:
    traffic = []
    for kib in (64, 96, 128, 192, 256, 384, 512, 1024, 2048, 4096):
        result = run(mobilenet, kib * 8000)
        traffic.append(sum(r.data_movement_bits for r in result.layers))
    assert traffic == sorted(traffic, reverse=True)
    assert traffic[0] > traffic[-1]  # small SRAMs do cost traffic


def test_small_sram_spills_and_tiles(mobilenet) -> None:
    result = run(mobilenet, 64_000 * 8)
    assert sum(r.spill_bits for r in result.layers) > 0
    assert any(r.tiles > 8 for r in result.layers)
    check_conservation(mobilenet, result)


def test_impossible_sram_is_a_clear_error(mobilenet) -> None:
    with pytest.raises(SramTooSmallError, match=r"too small for layer 1 .*need"):
        run(mobilenet, 800)


def test_double_buffering_overlaps_dma_with_compute() -> None:
    layer = conv("big", "x", 64, 64, 28, 1, 1, False)
    one = run([layer], 8_000_000, pipeline_tiles=1).layers[0]
    eight = run([layer], 8_000_000, pipeline_tiles=8).layers[0]
    assert one.data_movement_bits == eight.data_movement_bits
    assert eight.tiles >= 4
    assert one.performance_ps == one.movement_ps + one.compute_ps  # nothing to overlap with
    assert eight.performance_ps < one.performance_ps
    assert eight.performance_ps >= max(eight.movement_ps, eight.compute_ps)


@pytest.mark.parametrize("builder", ["resnet_small", "squeezenet_small", "shufflenet_small",
                                     "mobilenet_v3_small", "tf_mobilenet_nhwc"])
def test_dag_networks_respect_every_consumer(builder: str, tmp_path) -> None:
    """Residual Adds, Concats and squeeze-and-excitation Muls read every operand; a
    tensor with several consumers goes to DDR and comes back for each of them."""
    import onnx

    from accelsim.workload import zoo_edge

    path = tmp_path / f"{builder}.onnx"
    onnx.save(getattr(zoo_edge, builder)(), path)
    schedule = list(load_model(path).work())
    multi = {t for w in schedule for t in w.inputs
             if sum(t in v.inputs for v in schedule) > 1}
    for capacity_bits in (2_000_000, 200_000, 80_000):
        result = run(schedule, capacity_bits)
        assert result.sram_peak_bits <= capacity_bits
        check_conservation(schedule, result)
        written = {s.tensor for s in result.steps if s.action == "write"}
        assert multi <= written | {schedule[0].inputs[0]}


def test_one_prepared_schedule_serves_many_machines(mobilenet) -> None:
    """Sweeps run every machine of one SRAM size on a schedule prepared once
    (explore.evaluate.prepared): each run must still be what a freshly prepared
    policy gives, SRAM reservations included."""
    capacity = 256 * 8192  # 256 KiB: tiled layers, kept outputs and spills
    shared = TiledPolicy(8, 8).prepare(mobilenet, capacity)
    machines = [(GBPS_1, 10**12), (4 * GBPS_1, 4 * 10**12), (GBPS_1 // 2, 10**13)]
    for bits_per_s, ops_per_s in machines * 2:
        def machine() -> Accelerator:
            return Accelerator(capacity, IdealPipe(bits_per_s), IdealThroughput(ops_per_s), 8)
        fresh = run_policy(machine(), mobilenet, TiledPolicy(8, 8))
        assert machine().run(shared) == fresh
    assert fresh.spilled_layers or any(r.tiles > 1 for r in fresh.layers)
