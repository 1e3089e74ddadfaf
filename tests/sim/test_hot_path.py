"""What the sweep's hot path relies on: fast-built results equal constructed ones, and
the paper's plans reused across runs are the ones a fresh run would make."""

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
from accelsim.sim.policies import paper as paper_policy
from accelsim.sim.records import StepRecord
from accelsim.sim.results import SimulationResult
from accelsim.sim.work import LayerWork

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


def _run(capacity_bits: int, weight_bits: int = 1) -> SimulationResult:
    machine = FastAccelerator(capacity_bits, IdealPipe(8 * 10**9), IdealThroughput(10**12),
                              activation_bits=8,
                              energy=EnergyAccounting(COSTS, activation_bits=8, weight_bits=8))
    return machine.run(SCHEDULE, PaperPolicy(8, weight_bits))


@pytest.mark.parametrize("capacity_bits", [200, 300, 500, 10_000])
@pytest.mark.parametrize("weight_bits", [1, 8])
def test_paper_plans_reused_across_runs_give_a_fresh_runs_result(
        capacity_bits: int, weight_bits: int) -> None:
    paper_policy._PLANS.clear()
    fresh = _run(capacity_bits, weight_bits)
    for other in (200, 300, 500, 10_000):  # fill the cache with other capacities' plans
        _run(other, weight_bits)
    assert _run(capacity_bits, weight_bits) == fresh
    assert len(paper_policy._PLANS) <= 4 * len(SCHEDULE)  # one per (capacity, layer)
