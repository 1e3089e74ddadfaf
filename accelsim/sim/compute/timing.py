"""The interface every compute-timing model offers, and the record it returns.

A compute-timing model answers one question about one layer: how long does
the compute unit take, on its own clock and in integer picoseconds, if its
operands are already on chip? Memory stalls are the memory models' business.

Models in this package: :class:`~accelsim.sim.compute.ideal.IdealThroughput`
(a fixed ops/s rate, the paper's "1 TOPS"),
:class:`~accelsim.sim.compute.systolic.SystolicArray` (SCALE-Sim's fold and
cycle counts) and :class:`~accelsim.sim.compute.vector.VectorUnit` (a SIMD
unit for depthwise, pooling and element-wise layers);
:class:`~accelsim.sim.compute.dispatch.DispatchTiming` routes each layer to
an array or a vector unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from typing import Protocol

from accelsim.sim.units import PS_PER_S
from accelsim.sim.work import LayerWork

UNITS = ("array", "vector", "ideal")
"""Names a :class:`ComputeEstimate` may carry in ``unit``."""


def ceil_div(numerator: int, denominator: int) -> int:
    """ceil(numerator / denominator) for non-negative integers, exactly."""
    return -(-numerator // denominator)


def cycles_to_ps(cycles: int, clock_hz: int) -> int:
    """Duration of ``cycles`` periods of a ``clock_hz`` clock, rounded up to whole ps."""
    return ceil_div(cycles * PS_PER_S, clock_hz)


def require_positive_int(name: str, value: object) -> int:
    """Return ``value`` if it is an int >= 1, else raise ValueError quoting it."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f'"{name}" must be an integer >= 1, got {value!r}')
    return value


@dataclass(frozen=True)
class ComputeEstimate:
    """Time one compute unit spends on one layer, operands assumed on chip.

    ``cycles`` counts periods of the unit's own clock; ``time_ps`` is the same
    span in picoseconds, rounded up. ``folds`` is how many times the layer had
    to be re-mapped onto the unit (array tiles, or lane passes). ``utilization``
    is useful operations / (the unit's operation slots x ``cycles``), in [0, 1]
    when the layer's MAC count agrees with its geometry. ``unit`` names the
    kind of model: "array", "vector" or "ideal".
    """

    cycles: int
    time_ps: int
    folds: int
    utilization: float
    unit: str

    def __post_init__(self) -> None:
        for field in ("cycles", "time_ps", "folds"):
            value = getattr(self, field)
            if value < 0:
                raise ValueError(f'"{field}" must be >= 0, got {value}')
        if not self.utilization >= 0.0:
            raise ValueError(f'"utilization" must be >= 0, got {self.utilization}')
        if self.unit not in UNITS:
            raise ValueError(f'"unit" must be one of {", ".join(UNITS)}; got {self.unit!r}')


_ESTIMATES: dict[tuple[object, int], tuple[LayerWork, ComputeEstimate]] = {}
_ESTIMATES_MAX = 100_000


def cached_estimate(model_key: object, work: LayerWork,
                    compute: Callable[[LayerWork], ComputeEstimate]) -> ComputeEstimate:
    """``compute(work)``, remembered per (model parameters, layer): models are pure,
    and a sweep asks the same layers of the same units thousands of times. Keyed on
    the layer object itself (held here, so its id stays its own): hashing its
    fields cost more than the lookup saves."""
    key = (model_key, id(work))
    found = _ESTIMATES.get(key)
    if found is not None and found[0] is work:
        return found[1]
    if len(_ESTIMATES) >= _ESTIMATES_MAX:
        _ESTIMATES.clear()
    estimate = compute(work)
    _ESTIMATES[key] = (work, estimate)
    return estimate


class ComputeTiming(Protocol):
    """A compute unit's timing model: one layer in, one estimate out.

    Implementations are pure (no SimPy, no state between calls), so the
    simulator can ask them ahead of time and the explorer can cache answers.
    """

    def estimate(self, work: LayerWork) -> ComputeEstimate:
        """Cycles, picoseconds, folds and utilisation of ``work`` on this unit."""
        ...
