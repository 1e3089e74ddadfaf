"""Counting a layer's energy events from what the simulation did, and charging them."""

from __future__ import annotations

import pytest

from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.bus import DramTiming, IdealPipe
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.dram.memory import CommandCounts, DramModel
from accelsim.sim.energy import ZERO_ENERGY, EnergyCosts, layer_energy
from accelsim.sim.energy_accounting import (
    ESTIMATE_REFRESH_INTERVAL_PS,
    ESTIMATE_ROW_BYTES,
    EnergyAccounting,
    RowEstimate,
    charge,
    compute_sram_bytes,
    count_layer_events,
)
from accelsim.sim.engine import Accelerator
from accelsim.sim.policies import PaperPolicy
from accelsim.sim.records import StepRecord
from accelsim.sim.compute.vector import OP_CYCLES
from accelsim.sim.ops import VectorOp
from accelsim.sim.work import LayerWork
from sim_runs import run_policy

GBPS_1 = 8 * 10**9
COSTS = EnergyCosts(mac_pj=0.25, sram_read_pj_per_byte=1.5, sram_write_pj_per_byte=2.0,
                    ddr_read_pj_per_byte=100.0, ddr_write_pj_per_byte=80.0,
                    ddr_activate_pj=1000.0, ddr_refresh_pj=50_000.0, static_mw=10.0)
ACCOUNTING = EnergyAccounting(COSTS, activation_bits=8, weight_bits=8)


def test_row_estimate_activates_per_transfer_and_refreshes_on_the_trefi_grid() -> None:
    estimate = RowEstimate()
    assert (estimate.row_bytes, estimate.refresh_interval_ps) == (8192, 7_800_000)
    counts = estimate.commands([100, 8192, 20_000, 0], start_ps=7_000_000, end_ps=15_700_000)
    assert counts.activates == (0 + 1) + (1 + 1) + (2 + 1)  # an empty transfer opens nothing
    assert counts.refreshes == 2                           # at 7.8 us and 15.6 us
    # Adjacent windows add up to the whole: no refresh counted twice or lost.
    a = estimate.commands([], 0, 10_000_000).refreshes
    b = estimate.commands([], 10_000_000, 31_200_000).refreshes
    assert a + b == estimate.commands([], 0, 31_200_000).refreshes == 4


def test_row_estimate_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match='"row_bytes" must be an integer >= 1, got 0'):
        RowEstimate(row_bytes=0)
    with pytest.raises(ValueError, match='"weight_bits" must be an integer >= 1'):
        EnergyAccounting(COSTS, 8, 0)


def test_compute_reads_inputs_and_parameters_once_and_writes_its_output_once() -> None:
    work = LayerWork("c", "conv", input_elems=100, output_elems=50, weight_params=30,
                     bias_params=2, macs=1000)
    assert compute_sram_bytes(work, activation_bits=8, weight_bits=8) == (100 + 32, 50)
    assert compute_sram_bytes(work, activation_bits=4, weight_bits=16) == (50 + 64, 25)


def test_events_of_one_layer_from_its_records() -> None:
    work = LayerWork("c", "conv", 100, 50, 30, 2, 1000)
    records = [
        StepRecord(1, "ddr", "read", "input", 800, 0, 100_000),
        StepRecord(1, "ddr", "read", "weights", 256, 100_000, 132_000),
        StepRecord(1, "compute", "compute", "c", 0, 132_000, 134_000),
        StepRecord(1, "ddr", "write", "output", 401, 134_000, 184_250),  # 50.1 bytes -> 51
    ]
    events = count_layer_events(work, records, 0, 184_250, ACCOUNTING, measured=None)
    assert (events.ddr_read_bytes, events.ddr_write_bytes) == (132, 51)
    # SRAM: fills write what DDR reads bring, drains read what DDR writes take;
    # the compute step reads 100 input + 32 parameter bytes and writes 50.
    assert events.sram_write_bytes == 132 + 50
    assert events.sram_read_bytes == 51 + 132
    assert (events.ddr_activates, events.ddr_refreshes) == (3, 0)  # one per transfer
    assert (events.macs, events.duration_ps) == (1000, 184_250)
    measured = count_layer_events(work, records, 0, 184_250, ACCOUNTING,
                                  measured=CommandCounts(activates=7, refreshes=1))
    assert (measured.ddr_activates, measured.ddr_refreshes) == (7, 1)


def test_vector_work_is_charged_by_lane_cycles_and_copies_are_free() -> None:
    work = LayerWork("s", "softmax", 10, 10, 0, 0, 0,
                     vector_work=((VectorOp.ADD, 20), (VectorOp.EXP, 10), (VectorOp.COPY, 7)))
    events = count_layer_events(work, [], 0, 0, ACCOUNTING, CommandCounts(0, 0))
    assert events.vector_lane_ops == 20 + 10 * OP_CYCLES[VectorOp.EXP]
    assert charge(events, COSTS).compute_pj == pytest.approx(events.vector_lane_ops * 0.25)
    cheap = EnergyCosts(**{**COSTS.__dict__, "vector_op_pj": 0.01})
    assert charge(events, cheap).compute_pj == pytest.approx(events.vector_lane_ops * 0.01)


def test_charge_is_layer_energy_of_the_events() -> None:
    work = LayerWork("c", "conv", 100, 50, 30, 2, 1000)
    records = [StepRecord(1, "ddr", "read", "input", 800, 0, 100_000)]
    events = count_layer_events(work, records, 0, 100_000, ACCOUNTING, None)
    assert charge(events, COSTS) == layer_energy(1000, 132, 100 + 50, 100, 0, 1, 0, 100_000,
                                                 COSTS)


def test_command_counts_subtract() -> None:
    assert CommandCounts(10, 3) - CommandCounts(4, 1) == CommandCounts(6, 2)


def _schedule() -> list[LayerWork]:
    return [LayerWork("a", "conv", 1000, 2000, 800, 0, 100_000),
            LayerWork("b", "fc", 2000, 50, 4000, 50, 20_000)]


def test_engine_charges_every_layer_and_the_parts_add_up() -> None:
    machine = Accelerator(10**6, IdealPipe(GBPS_1), IdealThroughput(10**12), 8,
                          energy=ACCOUNTING)
    result = run_policy(machine, _schedule(), PaperPolicy(8, 8))
    for r in result.layers:
        e = r.energy
        assert e.total_pj == e.compute_pj + e.sram_pj + e.ddr_pj + e.static_pj == r.energy_pj
        assert e.compute_pj == r.macs * COSTS.mac_pj
        assert e.static_pj == pytest.approx(COSTS.static_mw * r.performance_ps / 1000)
        ddr_bytes = (r.ddr_read_bits // 8, r.ddr_write_bits // 8)
        assert e.ddr_pj == (ddr_bytes[0] * 100.0 + ddr_bytes[1] * 80.0
                            + r.ddr_activates * 1000.0 + r.ddr_refreshes * 50_000.0)
    total = result.energy
    assert total.total_pj == pytest.approx(sum(r.energy_pj for r in result.layers))
    assert total.static_pj == pytest.approx(10.0 * result.total_ps / 1000)
    # The ideal pipe's refreshes follow wall time: 7.8 us each.
    assert sum(r.ddr_refreshes for r in result.layers) == \
        result.total_ps // ESTIMATE_REFRESH_INTERVAL_PS


def test_without_accounting_energy_is_zero() -> None:
    machine = Accelerator(10**6, IdealPipe(GBPS_1), IdealThroughput(10**12), 8)
    result = run_policy(machine, _schedule(), PaperPolicy(8, 8))
    assert all(r.energy == ZERO_ENERGY and r.sram_read_bytes == 0 for r in result.layers)
    assert result.energy == ZERO_ENERGY


def test_ddr3_counts_are_the_controllers_own() -> None:
    model = DramModel(ddr3_spec("DDR3-1600K"))
    accounting = EnergyAccounting(COSTS, 8, 8, counter=model)
    machine = Accelerator(10**6, DramTiming(model), IdealThroughput(10**12), 8,
                          energy=accounting)
    result = run_policy(machine, _schedule(), PaperPolicy(8, 8))
    counts = model.command_counts()
    assert sum(r.ddr_activates for r in result.layers) == counts.activates > 0
    assert sum(r.ddr_refreshes for r in result.layers) == counts.refreshes
    assert counts.activates == sum(c.acts for c in model.controllers)


def test_row_estimate_constants_are_documented_values() -> None:
    assert ESTIMATE_ROW_BYTES == 8 * 1024  # eight x8 devices, 1 KB pages
    assert ESTIMATE_REFRESH_INTERVAL_PS == 7_800_000
