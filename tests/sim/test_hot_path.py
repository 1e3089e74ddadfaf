"""What the sweep's hot path relies on: fast-built results equal constructed ones, and
a prepared schedule reused across runs gives what a fresh run gives."""

from __future__ import annotations

from typing import Any

import pytest

from accelsim.sim.bus import IdealPipe
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.energy import EnergyBreakdown, EnergyCosts, layer_energy
from accelsim.sim.energy_accounting import EnergyAccounting
from accelsim.sim.fastpath import FastAccelerator
from accelsim.sim.frozen import make
from accelsim.sim.policies import PaperPolicy
from accelsim.sim.records import StepRecord
from accelsim.sim.work import LayerWork
from sim_runs import run_policy

COSTS = EnergyCosts(0.25, 1.5, 2.0, 100.0, 80.0, 1000.0, 50_000.0, static_mw=10.0)
SCHEDULE = (LayerWork("a", "conv", 10, 20, 8, 0, 100),
            LayerWork("b", "conv", 20, 20, 8, 0, 100),
            LayerWork("c", "conv", 20, 10, 2, 0, 10),
            LayerWork("d", "fc", 10, 5, 50, 5, 50))


def test_make_is_the_constructor_without_its_setattrs() -> None:
    fields: dict[str, Any] = {"layer": 2, "unit": "ddr", "action": "read", "label": "weights",
                              "bits": 64, "start_ps": 10, "end_ps": 30, "tensor": "w",
                              "spill": False}
    built = make(StepRecord, fields)
    assert built == StepRecord(**fields)
    assert repr(built) == repr(StepRecord(**fields))
    assert hash(built) == hash(StepRecord(**fields))
    with pytest.raises(TypeError, match="takes 9 fields, got 8"):
        make(StepRecord, {k: v for k, v in fields.items() if k != "spill"})


def test_layer_energy_still_checks_what_it_is_given() -> None:
    assert layer_energy(10, 1, 2, 3, 4, 5, 6, 7, COSTS) == EnergyBreakdown(
        2.5, 1.5 + 4.0, 300.0 + 320.0 + 5000.0 + 300_000.0, 0.07,
        2.5 + 5.5 + 305_620.0 + 0.07)
    with pytest.raises(ValueError, match='"ddr_activates" must be an integer >= 0'):
        layer_energy(10, 1, 2, 3, 4, -5, 6, 7, COSTS)
    with pytest.raises(ValueError, match='"macs" must be an integer >= 0'):
        layer_energy(True, 1, 2, 3, 4, 5, 6, 7, COSTS)
    with pytest.raises(ValueError, match='"ddr_pj" must be a finite number'):
        layer_energy(0, 0, 0, 10**308, 0, 0, 0, 0, COSTS)


def _machine(capacity_bits: int) -> FastAccelerator:
    return FastAccelerator(capacity_bits, IdealPipe(8 * 10**9), IdealThroughput(10**12),
                           activation_bits=8,
                           energy=EnergyAccounting(COSTS, activation_bits=8, weight_bits=8))


@pytest.mark.parametrize("capacity_bits", [530, 600, 900, 10_000])  # spills, and none
@pytest.mark.parametrize("weight_bits", [1, 8])
def test_one_prepared_schedule_serves_many_runs(capacity_bits: int, weight_bits: int) -> None:
    """Sweeps prepare a policy once per SRAM size and run it on every machine of
    that size: a prepared schedule is immutable, so every run of it is a fresh
    run's result, and preparing again gives an equal one."""
    policy = PaperPolicy(8, weight_bits)
    prepared = policy.prepare(SCHEDULE, capacity_bits)
    fresh = run_policy(_machine(capacity_bits), SCHEDULE, policy)
    for _ in range(3):
        assert _machine(capacity_bits).run(prepared) == fresh
    assert policy.prepare(SCHEDULE, capacity_bits) == prepared
    assert hash(policy) == hash(PaperPolicy(8, weight_bits))  # a cache key


def test_a_schedule_runs_only_on_the_sram_it_was_prepared_for() -> None:
    prepared = PaperPolicy(8).prepare(SCHEDULE, 600)
    with pytest.raises(ValueError, match="prepared for 600 bits of SRAM cannot run on 900"):
        _machine(900).run(prepared)
