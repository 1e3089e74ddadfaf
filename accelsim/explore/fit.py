"""The smallest SRAM on which a model runs without any spill, per policy (``accelsim fit``).

For each registered policy (:data:`accelsim.hw.config.POLICIES`) the search
works on a grid of ``step_bytes`` (1 KB): it prepares the policy's plan at a
size and reads from the plan alone whether anything spills (a layer the policy
marks as overflowing, or a transfer marked spill: what the simulation counts
as spill), which is the costly part of a point and needs no simulation. From
the config's own SRAM size it halves or doubles to bracket the answer, then
bisects. Spilling is not guaranteed to be monotone in the SRAM size, so the
answer is checked: the ladder of sizes around it is simulated on the fast path
(:func:`~accelsim.explore.evaluate.simulate_point`, the same results as
``accelsim run``), including the answer itself (no spill) and one step below
it (a spill, or too small); a spill-free size below the answer sends the
search further down.

A policy that still spills when the SRAM could hold everything the model
touches four times over (or at the configured size limit) never fits; a model
that fits under no policy is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from accelsim.api import (
    FIT_OK,
    FIT_SPILL,
    FIT_TOO_SMALL,
    FitPoint,
    FitResult,
    PolicyFit,
    bundled_model_path,
)
from accelsim.errors import AccelsimError, ConfigError
from accelsim.explore.evaluate import LoweredModel, simulate_point
from accelsim.figures import run_totals
from accelsim.hw.config import POLICIES, HwConfig, load_hw
from accelsim.hw.factory import build_policy
from accelsim.limits import MAX_SIZE_BITS
from accelsim.quantity import exact_size, format_bytes
from accelsim.sim.policies import (
    PreparedSchedule,
    SramTooSmallError,
    TooManyTilesError,
    Transfer,
)
from accelsim.workload import load_model
from accelsim.workload.ir import Network

STEP_BYTES = 1000
"""The grid of the answer: 1 KB (decimal, as every size in accelsim)."""

LADDER = ((1, 4), (1, 2), (3, 4), (3, 2), (2, 1), (4, 1))
"""Fractions of the answer simulated around it (besides the answer, one step below it
and the config's own size)."""

HEADROOM = 4
"""The search gives up above this many times everything the model touches (every
layer's inputs, output and parameters at the widest precision of the config)."""


def fit(hw: str | Path | HwConfig, model: str | Path | Network | None = None,
        policies: Sequence[str] | None = None, step_bytes: int = STEP_BYTES) -> FitResult:
    """For each policy (all registered ones, or those named), the smallest SRAM, a
    multiple of ``step_bytes``, on which ``model`` (default: the bundled MobileNet)
    runs on ``hw`` without any spill, and the simulated latency around it.

    The config's own policy keeps its settings; any other policy takes its defaults.
    Raises :class:`~accelsim.errors.AccelsimError` (one line) for an unknown policy,
    or for a model that no policy can run without a spill at any size."""
    base = load_hw(hw)
    names = _policy_names(policies)
    if step_bytes <= 0:
        raise ConfigError(f"fit: the step must be > 0 bytes, got {step_bytes}")
    lowered = _lowered(model)
    fits = tuple(_fit_policy(_with_policy(base, name), lowered, step_bytes) for name in names)
    if all(f.min_sram_bytes is None for f in fits):
        reasons = "; ".join(f"{f.policy}: {f.error}" for f in fits)
        raise AccelsimError(f"{lowered.name} cannot run on {base.name} without a spill at any "
                            f"SRAM size: {reasons}")
    return FitResult(lowered.name, base.name, base.sram.size // 8, step_bytes, fits)


def sram_curve(hw: str | Path | HwConfig, sizes_bytes: Sequence[int],
               model: str | Path | Network | None = None,
               policy: str | None = None) -> tuple[FitPoint, ...]:
    """``model`` on ``hw`` under ``policy`` (default: the config's own) at each SRAM size
    of ``sizes_bytes``, simulated on the fast path: the curve that ``fit`` samples."""
    base = load_hw(hw)
    (name,) = _policy_names([policy or base.policy.name])
    machine = _with_policy(base, name)
    search = _Search(machine, _lowered(model), 1)
    return tuple(search.point(size) for size in sizes_bytes)


def _lowered(model: str | Path | Network | None) -> LoweredModel:
    network = model if isinstance(model, Network) else load_model(
        model if model is not None else bundled_model_path())
    return LoweredModel(network.name, network.source, tuple(network.work()))


def _policy_names(policies: Sequence[str] | None) -> tuple[str, ...]:
    if policies is None:
        return tuple(POLICIES)
    if not policies:
        raise ConfigError(f"fit: no policy given; expected some of {', '.join(POLICIES)}")
    for name in policies:
        if name not in POLICIES:
            raise ConfigError(f"fit: unknown policy {name!r}; expected one of "
                              f"{', '.join(POLICIES)}")
    return tuple(dict.fromkeys(policies))


def _with_policy(base: HwConfig, name: str) -> HwConfig:
    if base.policy.name == name:
        return base
    return base.model_copy(update={"policy": {"name": name}})


def plan_spills(plan: PreparedSchedule) -> bool:
    """Whether running ``plan`` spills: a layer the policy marks as overflowing, or a
    transfer of spill (what :mod:`accelsim.sim.results` counts per layer)."""
    for segment in plan.segments:
        if any(account.spill for account in segment.accounts):
            return True
        if any(isinstance(s, Transfer) and s.spill and s.bits > 0 for s in segment.steps):
            return True
    return False


@dataclass
class _Search:
    """One policy on one machine: plans by size, each prepared once."""

    hw: HwConfig
    model: LoweredModel
    step_bytes: int
    plans: dict[int, PreparedSchedule | str] = field(default_factory=dict)

    def plan(self, k: int) -> PreparedSchedule | str:
        """The plan on ``k`` steps of SRAM, or the policy's reason it cannot run there."""
        if k not in self.plans:
            try:
                # Built for the machine at this size: a policy may plan for its machine
                # (fused checks its groups on it), SRAM included.
                policy = build_policy(self.at(k))
                self.plans[k] = policy.prepare(self.model.schedule, k * self.step_bytes * 8)
            except (SramTooSmallError, TooManyTilesError) as exc:
                self.plans[k] = str(exc)
        return self.plans[k]

    def at(self, k: int) -> HwConfig:
        """The machine with ``k`` steps of SRAM."""
        return self.hw.model_copy(update={"sram": {"size": exact_size(k * self.step_bytes * 8)}})

    def fits(self, k: int) -> bool:
        plan = self.plan(k)
        return not isinstance(plan, str) and not plan_spills(plan)

    def smallest(self, start: int, cap: int) -> int | None:
        """The smallest fitting size (in steps) found from ``start``: bracketed by halving
        or doubling, then bisected; None if even ``cap`` does not fit."""
        if self.fits(start):
            hi, lo = start, 0  # 0 steps: nothing fits on no SRAM
            k = start
            while k > 1:
                k //= 2
                if not self.fits(k):
                    lo = k
                    break
                hi = k
        else:
            lo = k = start
            while True:
                k = min(2 * k, cap)
                if self.fits(k):
                    hi = k
                    break
                if k == cap:
                    return None
                lo = k
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.fits(mid):
                hi = mid
            else:
                lo = mid
        return hi

    def point(self, k: int) -> FitPoint:
        """``k`` steps of SRAM, simulated on the fast path."""
        size = k * self.step_bytes
        plan = self.plan(k)
        if isinstance(plan, str):
            return FitPoint(size, FIT_TOO_SMALL, error=plan)
        totals = run_totals(simulate_point(self.model, plan, self.at(k)))
        spilled = totals["spill_bytes"] > 0 or totals["spilled_layer_count"] > 0
        if spilled != plan_spills(plan):
            raise RuntimeError(f"{self.hw.policy.name} at {size} bytes: the plan says spill="
                               f"{plan_spills(plan)}, the simulation {spilled}")
        return FitPoint(size, FIT_SPILL if spilled else FIT_OK, totals["performance_ps"],
                        totals["ddr_bytes"], totals["spill_bytes"], totals["energy_pj"])


def _fit_policy(hw: HwConfig, model: LoweredModel, step_bytes: int) -> PolicyFit:
    search = _Search(hw, model, step_bytes)
    cap = _cap_steps(hw, model, step_bytes)
    own = min(max(1, -(-hw.sram.size // 8 // step_bytes)), cap)
    found = search.smallest(own, cap)
    while found is not None:
        sizes = _ladder(found, own, MAX_SIZE_BITS // 8 // step_bytes)
        points = {k: search.point(k) for k in sizes}
        below = [k for k in sizes if k < found and points[k].status == FIT_OK]
        if not below:
            if points[found].status != FIT_OK:
                raise RuntimeError(f"{search.hw.policy.name}: {found} steps fit by plan, "
                                   "not in the simulation")
            return PolicyFit(hw.policy.name, found * step_bytes,
                             tuple(points[k] for k in sizes), len(search.plans))
        found = search.smallest(min(below), cap)  # not monotone: look further down
    bound = ("the size limit" if cap == MAX_SIZE_BITS // 8 // step_bytes
             else f"{HEADROOM}x everything it touches")
    largest = f"{format_bytes(cap * step_bytes)} ({bound})"
    last = search.plan(cap)
    why = (f"too small even at {largest}: {last}" if isinstance(last, str)
           else f"spills at every size up to {largest}")
    return PolicyFit(hw.policy.name, None, (), len(search.plans), why)


def _cap_steps(hw: HwConfig, model: LoweredModel, step_bytes: int) -> int:
    """The search's upper bound in steps: :data:`HEADROOM` times every layer's tensors and
    parameters at the config's widest precision, within the size limit."""
    bits = max(hw.precision.activation_bits, hw.precision.weight_bits)
    touched = sum(w.input_elems + w.output_elems + w.parameter_elems for w in model.schedule)
    cap_bytes = min(HEADROOM * touched * bits // 8, MAX_SIZE_BITS // 8)
    return max(1, min(-(-cap_bytes // step_bytes), MAX_SIZE_BITS // 8 // step_bytes))


def _ladder(found: int, own: int, limit: int) -> list[int]:
    """The sizes (in steps) simulated around the answer ``found``, smallest first, up to
    ``limit`` steps."""
    sizes = {found, found - 1, own, *(found * a // b for a, b in LADDER)}
    return sorted(k for k in sizes if 1 <= k <= limit)
