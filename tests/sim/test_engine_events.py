"""The SimPy event log of small hand-made schedules, step by step."""

from __future__ import annotations

from accelsim.sim.bus import IdealPipe
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.engine import Accelerator
from accelsim.sim.policies import Compute, LayerPlan, PaperPolicy, Transfer
from accelsim.sim.work import LayerWork
from sim_runs import layer_by_layer, run_policy

GBPS_1 = 8 * 10**9  # 1 GB/s in bits/s: 125 ps per bit
TOPS_1 = 10**12     # 2 ops per MAC: 2 ps per MAC


def machine(capacity_bits: int = 10_000) -> Accelerator:
    return Accelerator(capacity_bits, IdealPipe(GBPS_1), IdealThroughput(TOPS_1, 2),
                       activation_bits=8)


def test_paper_policy_event_log_two_layers() -> None:
    # Layer a: in 10 elems (80 bits), out 20 (160 bits), 8 weights, 100 MACs.
    # Layer b: out 5 (40 bits), 4 weights, 50 MACs.
    schedule = [LayerWork("a", "conv", 10, 20, 8, 0, 100),
                LayerWork("b", "fc", 20, 5, 4, 0, 50)]
    result = run_policy(machine(), schedule, PaperPolicy(activation_bits=8, weight_bits_per_param=1))
    assert [(s.layer, s.unit, s.action, s.bits, s.start_ps, s.end_ps) for s in result.steps] == [
        (1, "ddr", "read", 80, 0, 10_000),           # input fmap: 80 bits x 125 ps
        (1, "ddr", "read", 8, 10_000, 11_000),       # weights
        (1, "ddr", "read", 8, 11_000, 12_000),       # weights, counted twice by the paper
        (1, "compute", "compute", 0, 12_000, 12_200),  # 2 x 100 MACs ps
        (2, "ddr", "read", 4, 12_200, 12_700),
        (2, "ddr", "read", 4, 12_700, 13_200),
        (2, "compute", "compute", 0, 13_200, 13_300),
    ]
    a, b = result.layers
    assert (a.internal_memory_bits, a.data_movement_bits, a.spill) == (80 + 160 + 8, 96, False)
    assert (b.internal_memory_bits, b.data_movement_bits) == (248 + 40 + 4, 8)
    assert (a.movement_ps, a.compute_ps, a.performance_ps) == (12_000, 200, 12_200)
    assert (b.start_ps, b.end_ps) == (12_200, 13_300)
    assert result.sram_occupancy == ((0, 248), (12_200, 292))


def test_paper_policy_spill_writes_resident_set_then_restarts() -> None:
    schedule = [LayerWork("a", "conv", 10, 20, 8, 0, 100),   # 248 bits resident
                LayerWork("b", "conv", 20, 10, 8, 0, 100),   # 248 + 88 = 336 > 300: spill
                LayerWork("c", "conv", 10, 10, 2, 0, 10)]    # afresh: 80 + 80 + 2
    result = run_policy(machine(capacity_bits=300), schedule, PaperPolicy(8, 1))
    b_steps = [(s.action, s.label, s.bits, s.start_ps, s.end_ps, s.spill)
               for s in result.steps if s.layer == 2]
    assert b_steps == [
        ("write", "spill resident set", 336, 12_200, 54_200, True),
        ("read", "weights", 8, 54_200, 55_200, False),
        ("compute", "b", 0, 55_200, 55_400, False),
    ]
    assert [(r.spill, r.internal_memory_bits, r.data_movement_bits) for r in result.layers] == [
        (False, 248, 96), (True, 336, 344), (False, 162, 4)]
    assert result.layers[1].ddr_write_bits == result.layers[1].spill_bits == 336
    assert result.sram_peak_bits <= 300


def test_bus_is_shared_and_compute_waits_for_its_inputs() -> None:
    """Two independent reads, then compute once both are in: a plan graph."""
    work = LayerWork("l", "conv", 1, 1, 0, 0, 1000)
    plan = LayerPlan((
        Transfer("x", 800, is_write=False, occupy_bits=800),
        Transfer("y", 400, is_write=False, occupy_bits=400),
        Compute("c", work, release_bits=1200, after=(0, 1)),
    ), internal_memory_bits=1200, spill=False)
    result = machine().run(layer_by_layer([work], [plan], 10_000))
    assert [(s.label, s.start_ps, s.end_ps) for s in result.steps] == [
        ("x", 0, 100_000),          # both reads start together, the bus takes one at a time
        ("y", 100_000, 150_000),
        ("c", 150_000, 152_000),
    ]
    assert result.sram_peak_bits == 1200
    assert result.sram_occupancy[-1] == (152_000, 0)


def test_same_inputs_same_bits_out() -> None:
    schedule = [LayerWork(f"l{i}", "conv", 100 * i, 50 * i, 7 * i, 0, 1000 * i)
                for i in range(1, 20)]
    first = run_policy(machine(30_000), schedule, PaperPolicy(8, 1))
    second = run_policy(machine(30_000), schedule, PaperPolicy(8, 1))
    assert first == second
    assert first.spilled_layers
