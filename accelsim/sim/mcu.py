"""The matrix-compute unit as a SimPy resource.

How long a layer takes is its timing model's business (an ideal throughput
as in the paper, a systolic array, a vector unit: see ``sim/compute``); this
class owns the unit's occupancy in simulated time and logs each step.
"""

from __future__ import annotations

import simpy

from accelsim.sim.compute.timing import ComputeTiming
from accelsim.sim.records import StepRecord


class MatrixComputeUnit:
    """One compute unit, busy with one layer (or tile) at a time."""

    def __init__(self, env: simpy.Environment, timing: ComputeTiming,
                 log: list[StepRecord]) -> None:
        self.env = env
        self.timing = timing
        self.resource = simpy.Resource(env, capacity=1)
        self.log = log

    def execute(self, layer: int, label: str, time_ps: int) -> simpy.events.ProcessGenerator:
        """Occupy the unit for ``time_ps`` once it is free; logs start and end."""
        with self.resource.request() as request:
            yield request
            start = int(self.env.now)
            yield self.env.timeout(time_ps)
            self.log.append(StepRecord(layer, "compute", "compute", label, 0, start,
                                       start + time_ps))
