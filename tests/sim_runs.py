"""Running a policy on a machine in tests: prepare it for the machine's SRAM, then run.

``from sim_runs import run_policy`` (``tests/`` is on the path, as for ``cli_process``).
"""

from __future__ import annotations

from collections.abc import Sequence

from accelsim.sim.engine import Accelerator
from accelsim.sim.fastpath import FastAccelerator
from accelsim.sim.policies import LayerPlan, Policy, PreparedSchedule, Segment
from accelsim.sim.results import SimulationResult
from accelsim.sim.work import LayerWork


def run_policy(machine: Accelerator | FastAccelerator, schedule: Sequence[LayerWork],
               policy: Policy) -> SimulationResult:
    """``policy`` prepared on ``schedule`` for the machine's SRAM, run on it."""
    return machine.run(policy.prepare(schedule, machine.sram.capacity_bits))


def layer_by_layer(schedule: Sequence[LayerWork], plans: Sequence[LayerPlan],
                   capacity_bits: int, name: str = "replay") -> PreparedSchedule:
    """A prepared schedule that runs ``plans[i]`` as layer i + 1, each a segment alone."""
    segments = tuple(Segment.of_layer(i, plan) for i, plan in enumerate(plans, start=1))
    return PreparedSchedule(name, tuple(schedule), capacity_bits, segments)
