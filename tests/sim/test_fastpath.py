"""The fast evaluator returns exactly what the SimPy engine returns.

``fast == simpy`` for the whole :class:`SimulationResult` (every layer, every
step record, the SRAM occupancy series), and a stateful DRAM model sees the
same calls in the same order. Four families of cases:

- random step graphs (drawn prepared schedules, in segments of one layer and
  of several whose steps wait across layers) on units with tiny, round
  durations, so that ties in time, zero-length steps and queueing on both
  units are everywhere: the tie-breaking is SimPy's or these fail;
- random conv/depthwise/pointwise/fc networks with branches and joins under
  the paper and tiled policies, on ideal, systolic and vector compute, with
  energy on and off;
- the same on a real DDR3 model built by the hardware factory (few examples:
  that model is slow);
- fused plans (groups of layers in row tiles, ``sim/policies/fused.py``) on random
  chains and DAGs with shapes, on the ideal pipe and on DDR3.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.hw.config import validate_hw
from accelsim.hw.factory import build_accelerator, build_policy
from accelsim.sim.bus import BusTiming, IdealPipe
from accelsim.sim.compute.dispatch import VECTOR_OPS, DispatchTiming
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.compute.systolic import SystolicArray
from accelsim.sim.compute.timing import ComputeTiming
from accelsim.sim.compute.vector import VectorUnit
from accelsim.sim.energy import EnergyCosts
from accelsim.sim.energy_accounting import EnergyAccounting
from accelsim.sim.engine import Accelerator
from accelsim.sim.fastpath import FastAccelerator
from accelsim.sim.policies import PaperPolicy, Policy, PreparedSchedule, TiledPolicy
from accelsim.sim.policies.base import Compute, LayerAccount, LayerPlan, Segment, Step, Transfer
from accelsim.sim.results import SimulationResult
from accelsim.sim.work import ConvGeometry, LayerWork
from fused_networks import conv, fusable_networks
from sim_runs import layer_by_layer

GBPS_1 = 8 * 10**9  # 125 ps a bit
COSTS = EnergyCosts(mac_pj=0.25, sram_read_pj_per_byte=1.5, sram_write_pj_per_byte=2.0,
                    ddr_read_pj_per_byte=100.0, ddr_write_pj_per_byte=80.0,
                    ddr_activate_pj=1000.0, ddr_refresh_pj=50_000.0, static_mw=10.0)

Outcome = SimulationResult | str


class Recorded:
    """A bus timing that logs every call it answers (the order a DRAM model sees)."""

    def __init__(self, timing: BusTiming) -> None:
        self.timing = timing
        self.calls: list[tuple[int, int, int, bool, int]] = []

    def transfer_end_ps(self, now_ps: int, address: int, nbits: int, is_write: bool) -> int:
        end = self.timing.transfer_end_ps(now_ps, address, nbits, is_write)
        self.calls.append((now_ps, address, nbits, is_write, end))
        return end


def outcome(machine: Accelerator | FastAccelerator, prepared: PreparedSchedule) -> Outcome:
    """The run's result, or the type of the error it raised. Both engines must fail
    alike, but not always with the same message: when two steps overflow the SRAM,
    SimPy may report either one."""
    try:
        return machine.run(prepared)
    except Exception as exc:
        return type(exc).__name__


def both(make: Callable[[], tuple[BusTiming, ComputeTiming, EnergyAccounting | None]],
         prepared: PreparedSchedule) -> tuple[Outcome, Outcome]:
    """Run ``prepared`` on the SimPy engine and on the fast path, each on fresh units,
    and check that the bus timing saw the same calls (up to an error: SimPy runs on
    a little after a process fails, the fast path stops at once)."""
    capacity_bits = prepared.capacity_bits
    bus, compute, energy = make()
    slow_bus = Recorded(bus)
    slow = outcome(Accelerator(capacity_bits, slow_bus, compute, 8, energy), prepared)
    bus, compute, energy = make()
    fast_bus = Recorded(bus)
    fast = outcome(FastAccelerator(capacity_bits, fast_bus, compute, 8, energy), prepared)
    if isinstance(slow, SimulationResult):
        assert fast_bus.calls == slow_bus.calls
    return fast, slow


def prepare(policy: Policy, schedule: Sequence[LayerWork],
            capacity_bits: int) -> PreparedSchedule | None:
    """``policy`` prepared, or None when the SRAM is too small for it (nothing to run)."""
    try:
        return policy.prepare(schedule, capacity_bits)
    except AccelsimError:
        return None


# -- random step graphs -----------------------------------------------------------------

LAYER = LayerWork("x", "conv", 4, 4, 2, 0, macs=125)  # 250 ps at 1 TOPS, 2 ops a MAC


@st.composite
def step_graph(draw: st.DrawFn, layers: int, first: int = 1) -> tuple[list[Step], list[int]]:
    """Up to 9 steps, each of a layer in first..first+layers-1, waiting for earlier ones."""
    steps: list[Step] = []
    owners: list[int] = []
    for i in range(draw(st.integers(0 if layers == 1 else 1, 9))):
        after = tuple(draw(st.lists(st.integers(0, i - 1), max_size=3))) if i else ()
        held = draw(st.sampled_from([0, 0, 1, 3]))
        if draw(st.booleans()):
            steps.append(Transfer(f"t{i}", draw(st.integers(0, 3)), draw(st.booleans()),
                                  address=64 * i, occupy_bits=held, release_bits=held,
                                  after=after, spill=draw(st.booleans())))
        else:
            start = draw(st.integers(0, 4))
            end = draw(st.integers(start, 4))
            steps.append(Compute(f"c{i}", LAYER, occupy_bits=held, release_bits=held,
                                 after=after, share=(start, end, 4)))
        owners.append(draw(st.integers(first, first + layers - 1)))
    return steps, owners


@st.composite
def prepared_schedules(draw: st.DrawFn, capacity_bits: int) -> PreparedSchedule:
    """1-3 segments of 1-3 layers each; a segment's steps belong to any of its layers."""
    segments = []
    layer = 1
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(1, 3))
        steps, owners = draw(step_graph(n, layer))
        accounts = tuple(LayerAccount(0, False, group=layer) for _ in range(n))
        held = draw(st.sampled_from([0, 0, 2]))
        segments.append(Segment(layer, accounts, tuple(steps), tuple(owners),
                                occupy_at_start_bits=held))
        layer += n
        if held:  # released again by a later segment, as a policy's residency is
            segments.append(Segment(layer, (LayerAccount(0, False),), (), (),
                                    release_at_start_bits=held))
            layer += 1
    return PreparedSchedule("replay", (LAYER,) * (layer - 1), capacity_bits, tuple(segments))


@settings(max_examples=400, deadline=None)
@given(st.data(), st.sampled_from([4, 6, 9, 12, 100]), st.booleans())
def test_random_step_graphs_run_identically(data: st.DataObject, capacity_bits: int,
                                            energy: bool) -> None:
    def make() -> tuple[BusTiming, ComputeTiming, EnergyAccounting | None]:
        return (IdealPipe(GBPS_1), IdealThroughput(10**12, 2),
                EnergyAccounting(COSTS, 8, 8) if energy else None)

    fast, slow = both(make, data.draw(prepared_schedules(capacity_bits)))
    assert fast == slow


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["DDR3-1066F", "DDR3-1600K"]))
def test_random_step_graphs_run_identically_on_ddr3(data: st.DataObject, preset: str) -> None:
    """Segments of several layers charge each layer the DRAM commands of its own
    transfers: the same on both engines."""
    hw = validate_hw(ddr3_hw("1 KB", "tiled", "ideal", preset), "test")

    def make() -> tuple[BusTiming, ComputeTiming, EnergyAccounting | None]:
        machine = build_accelerator(hw)
        return machine.bus.timing, machine.compute.timing, machine.energy

    fast, slow = both(make, data.draw(prepared_schedules(hw.sram.size)))
    assert fast == slow


def test_a_segment_of_layers_shares_its_wall_time_among_them() -> None:
    """Layer 2's load overlaps layer 1's compute: layer 1 gets its compute and the bus
    time before it, layer 2 only the bus time the compute unit spent waiting."""
    steps = (Transfer("w1", 2, False), Compute("c1", LAYER, after=(0,)),
             Transfer("w2", 4, False, after=(0,)), Compute("c2", LAYER, after=(1, 2)))
    accounts = (LayerAccount(0, False, group=1), LayerAccount(0, False, group=1))
    prepared = PreparedSchedule("replay", (LAYER, LAYER), 100, (
        Segment(1, accounts, steps, (1, 1, 2, 2)),))
    fast, slow = both(lambda: (IdealPipe(GBPS_1), IdealThroughput(10**12, 2), None), prepared)
    assert fast == slow
    assert isinstance(fast, SimulationResult)
    # w1 0-250, c1 250-500, w2 250-750, c2 750-1000
    one, two = fast.layers
    assert (one.start_ps, one.end_ps, one.performance_ps, one.stall_ps) == (0, 500, 500, 250)
    assert (two.start_ps, two.end_ps, two.performance_ps, two.stall_ps) == (250, 1000, 500, 250)
    assert one.performance_ps + two.performance_ps == fast.total_ps


def test_ties_queue_in_request_order_on_both_units() -> None:
    """Two loads ready at once queue on the bus in step order; a compute and a write
    that become ready together at the end of a load both start then."""
    plan = LayerPlan((
        Transfer("a", 2, False), Transfer("b", 2, False),
        Compute("c", LAYER, after=(0,)), Transfer("w", 2, True, after=(0,)),
        Compute("d", LAYER, after=(1, 2))), 0, False)
    fast, slow = both(lambda: (IdealPipe(GBPS_1), IdealThroughput(10**12, 2), None),
                      layer_by_layer([LAYER], [plan], 100))
    assert fast == slow
    assert isinstance(fast, SimulationResult)
    assert [(s.label, s.start_ps, s.end_ps) for s in fast.steps] == [
        ("a", 0, 250), ("b", 250, 500), ("c", 250, 500), ("w", 500, 750), ("d", 500, 750)]


# -- random networks under the real policies ----------------------------------------------

@st.composite
def networks(draw: st.DrawFn) -> list[LayerWork]:
    """A chain of conv, depthwise and pointwise layers with an occasional residual Add
    (joining two earlier outputs of one shape) or a layer that reads an older output,
    ending, sometimes, in a fully connected layer."""
    h = draw(st.sampled_from([4, 7, 8, 14]))
    c = draw(st.sampled_from([3, 8, 16]))
    layers: list[LayerWork] = []
    shapes: dict[str, tuple[int, int]] = {"x": (c, h)}
    name = "x"
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["conv", "depthwise", "pointwise", "add", "older"]))
        same = [n for n, shape in shapes.items() if shape == (c, h) and n != name]
        if kind == "add" and same:
            other = draw(st.sampled_from(same))
            n = c * h * h
            layer = LayerWork(f"l{i}", "eltwise", 2 * n, n, 0, 0, 0, inputs=(name, other),
                              output=f"l{i}")
        else:
            source = name
            if kind == "older" and len(shapes) > 1:
                source = draw(st.sampled_from(sorted(shapes)))
                c, h = shapes[source]
                kind = "conv"
            if kind == "pointwise" or (kind == "add"):
                k, s, op = 1, 1, "pointwise"
            elif kind == "depthwise":
                k, s, op = 3, draw(st.sampled_from([1, 2])) if h > 2 else 1, "depthwise"
            else:
                k, s, op = 3, draw(st.sampled_from([1, 1, 2])) if h > 2 else 1, "conv"
            layer = conv(f"l{i}", source, c, draw(st.sampled_from([8, 16, 24])), h, k, s, op)
        layers.append(layer)
        name = layer.output
        if layer.geometry is not None:
            c, h = layer.geometry.out_channels, layer.geometry.out_h
        shapes[name] = (c, h)
    if draw(st.booleans()):
        n = c * h * h
        layers.append(LayerWork("fc", "fc", n, 10, 10 * n, 10, 10 * n,
                                ConvGeometry(n, 10, 1, 1, 1, 1), inputs=(name,), output="fc"))
    return layers


COMPUTE: dict[str, Callable[[], ComputeTiming]] = {
    "ideal": lambda: IdealThroughput(10**12, 2),
    "systolic": lambda: SystolicArray(8, 8, 10**9),
    "systolic+vector": lambda: DispatchTiming(SystolicArray(16, 8, 10**9, "os"),
                                              VectorUnit(8, 10**9),
                                              VECTOR_OPS | {"depthwise"}),
}
POLICIES: dict[str, Policy] = {
    "paper": PaperPolicy(8),
    "paper-8": PaperPolicy(8, 8),
    "tiled": TiledPolicy(8, 8),
    "tiled-1": TiledPolicy(8, 8, 1),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from([2_000, 8_000, 30_000, 200_000, 10**7]),
       st.sampled_from(sorted(POLICIES)), st.sampled_from(sorted(COMPUTE)),
       st.sampled_from([GBPS_1, 10**9, 3 * 10**10]), st.booleans())
def test_networks_run_identically_on_the_ideal_pipe(
        schedule: list[LayerWork], capacity_bits: int, policy: str, compute: str,
        bandwidth: int, energy: bool) -> None:
    def make() -> tuple[BusTiming, ComputeTiming, EnergyAccounting | None]:
        return (IdealPipe(bandwidth), COMPUTE[compute](),
                EnergyAccounting(COSTS, 8, 8) if energy else None)

    prepared = prepare(POLICIES[policy], schedule, capacity_bits)
    if prepared is not None:
        fast, slow = both(make, prepared)
        assert fast == slow


def ddr3_hw(size: str, policy: str, compute: str, preset: str) -> dict[str, object]:
    computes: dict[str, object] = {
        "ideal": {"model": "ideal", "throughput": "1 TOPS"},
        "systolic": {"model": "systolic", "rows": 16, "cols": 16, "clock": "1 GHz",
                     "depthwise": "vector", "vector": {"lanes": 16, "clock": "1 GHz"}},
    }
    return {"name": "t", "precision": {"activation_bits": 8, "weight_bits": 8},
            "sram": {"size": size},
            "dram": {"model": "ddr3", "preset": preset, "bus_width_bits": 16},
            "compute": computes[compute], "policy": {"name": policy}}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.sampled_from(["2 KB", "16 KB", "1 MB"]),
       st.sampled_from(["paper", "tiled"]), st.sampled_from(["ideal", "systolic"]),
       st.sampled_from(["DDR3-1066F", "DDR3-1600K"]), st.booleans())
def test_networks_run_identically_on_ddr3(schedule: list[LayerWork], size: str, policy: str,
                                          compute: str, preset: str, energy: bool) -> None:
    hw = validate_hw(ddr3_hw(size, policy, compute, preset), "test")

    def make() -> tuple[BusTiming, ComputeTiming, EnergyAccounting | None]:
        machine = build_accelerator(hw)  # a fresh DDR3 model, counted by its energy
        return machine.bus.timing, machine.compute.timing, machine.energy if energy else None

    prepared = prepare(POLICIES[policy], schedule, hw.sram.size)
    if prepared is not None:
        fast, slow = both(make, prepared)
        assert fast == slow


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fusable_networks(), st.sampled_from([16_000, 64_000, 256_000, 1_000_000, 16_000_000]),
       st.sampled_from(["cache", "recompute"]), st.sampled_from(["ideal", "ddr3"]),
       st.booleans())
def test_fused_plans_run_identically(schedule: list[LayerWork], size_bytes: int, halo: str,
                                     dram: str, energy: bool) -> None:
    """Fused groups: segments of many layers, steps waiting on earlier layers' steps."""
    data = ddr3_hw(f"{size_bytes} B", "fused", "ideal", "DDR3-1066F")
    data["policy"] = {"name": "fused", "halo": halo}
    if dram == "ideal":
        data["dram"] = {"model": "ideal", "bandwidth": "1 GB/s"}
    hw = validate_hw(data, "test")

    def make() -> tuple[BusTiming, ComputeTiming, EnergyAccounting | None]:
        machine = build_accelerator(hw)
        return machine.bus.timing, machine.compute.timing, machine.energy if energy else None

    prepared = prepare(build_policy(hw), schedule, hw.sram.size)
    if prepared is not None:
        fast, slow = both(make, prepared)
        assert fast == slow


def test_the_bundled_mobilenet_on_the_tiled_ddr3_machine() -> None:
    from accelsim.api import bundled_hw_path, bundled_model_path
    from accelsim.hw.config import load_hw
    from accelsim.workload import load_model

    hw = load_hw(bundled_hw_path("1mb_ddr3_1066_tiled.yaml"))
    schedule = load_model(bundled_model_path()).work()

    def make() -> tuple[BusTiming, ComputeTiming, EnergyAccounting | None]:
        machine = build_accelerator(hw)
        return machine.bus.timing, machine.compute.timing, machine.energy

    fast, slow = both(make, TiledPolicy(8, 8).prepare(schedule, hw.sram.size))
    assert isinstance(fast, SimulationResult)
    assert fast == slow


def test_a_step_may_only_wait_for_earlier_steps() -> None:
    plan = LayerPlan((Transfer("a", 1, False, after=(0,)),), 0, False)
    machine = FastAccelerator(100, IdealPipe(GBPS_1), IdealThroughput(10**12), 8)
    with pytest.raises(ValueError, match="layer 1: step 0 waits for step 0"):
        machine.run(layer_by_layer([LAYER], [plan], 100))
