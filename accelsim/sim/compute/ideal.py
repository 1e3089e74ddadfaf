"""A compute unit that runs at a fixed operation rate: the paper's "1 TOPS".

The paper's accounting (Table 4) charges every layer 2 x MACs / 10^12 s, i.e.
2 x MACs picoseconds, whatever the layer's shape. :class:`IdealThroughput`
reproduces that exactly in integers, and generalises it to any rate.

Vector work (pooling, element-wise arithmetic, softmax, normalisation) runs at
the same rate, one operation per vector op (``LayerWork.vector_ops``: an exp
counts one, as the unit has no cost model below its rate). A matrix layer's
fused activation overlaps its MACs (it is applied as results leave), so a
layer's operations are max(ops_per_mac x MACs, vector ops): a convolution's
Relu never adds time (it has at most one op per output, the convolution at
least two per output), and the paper's Table 4 is unchanged.

Cycles: an ideal unit has no natural clock. We count cycles of an explicit
``clock_hz`` that defaults to 10^12 Hz (one cycle per picosecond), so that by
default ``cycles == time_ps``. With another clock, ``cycles`` is the number of
clock periods by whose end the work is done,
``ceil(ops_per_mac * macs * clock_hz / ops_per_s)``, while ``time_ps`` stays
the throughput-bound time ``ceil(ops_per_mac * macs * 10^12 / ops_per_s)``;
the two differ only by the rounding of the last cycle.
"""

from __future__ import annotations

from accelsim.sim.compute.timing import (
    cached_estimate,
    PS_PER_S,
    ComputeEstimate,
    ceil_div,
    require_positive_int,
)
from accelsim.sim.work import LayerWork


class IdealThroughput:
    """A compute unit that retires ``ops_per_s`` operations per second, any shape.

    ``ops_per_s``: peak rate in operations per second (1 TOPS = 10**12).
    ``ops_per_mac``: operations one multiply-accumulate counts as (2: a
    multiply and an add, as in "TOPS"). ``clock_hz``: the clock ``cycles`` are
    counted in, in Hz; 10**12 (one cycle per picosecond) by default.
    """

    def __init__(self, ops_per_s: int, ops_per_mac: int = 2, clock_hz: int = PS_PER_S) -> None:
        self.ops_per_s = require_positive_int("ops_per_s", ops_per_s)
        self.ops_per_mac = require_positive_int("ops_per_mac", ops_per_mac)
        self.clock_hz = require_positive_int("clock_hz", clock_hz)

    def __repr__(self) -> str:
        return (f"IdealThroughput(ops_per_s={self.ops_per_s}, ops_per_mac={self.ops_per_mac}, "
                f"clock_hz={self.clock_hz})")

    def estimate(self, work: LayerWork) -> ComputeEstimate:
        key = ("ideal", self.ops_per_s, self.ops_per_mac, self.clock_hz)
        return cached_estimate(key, work, self._estimate)

    def _estimate(self, work: LayerWork) -> ComputeEstimate:
        """Time for ``work``'s MACs or vector ops (the larger) at the peak rate; 0 for
        layers with neither."""
        ops = max(self.ops_per_mac * work.macs, work.vector_ops)
        if ops == 0:
            return ComputeEstimate(cycles=0, time_ps=0, folds=0, utilization=0.0, unit="ideal")
        return ComputeEstimate(
            cycles=ceil_div(ops * self.clock_hz, self.ops_per_s),
            time_ps=ceil_div(ops * PS_PER_S, self.ops_per_s),
            folds=1,
            utilization=1.0,
            unit="ideal",
        )
