"""Evaluating design points, in whatever process runs them.

A :class:`SweepTask` is everything a worker needs, small and picklable (the
base mapping, the model, the axis paths); :func:`evaluate_chunk` turns a list
of points into result rows. Work that points share is done once per worker
process: each model (and each (alpha, rho) variant of the bundled MobileNet)
is loaded and lowered to its schedule once and kept, and a tiled policy's
whole-schedule decisions (its tilings, the costly part of a point) are made
once per (model, SRAM size, precision, policy settings) and reused.

Points run on :class:`~accelsim.sim.fastpath.FastAccelerator`, which returns
exactly what ``accelsim run`` (the SimPy engine) returns for the same point,
several times faster.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from accelsim.api import RunResult, bundled_model_path
from accelsim.errors import AccelsimError
from accelsim.explore.points import hw_of, model_params
from accelsim.explore.rows import INVALID, OK, run_row
from accelsim.explore.space import Point, Scalar, SweepSpace
from accelsim.hw.config import HwConfig
from accelsim.hw.factory import build_machine_parts, build_policy
from accelsim.sim.fastpath import FastAccelerator
from accelsim.sim.policies import ResidencyPolicy, TiledPolicy
from accelsim.sim.policies.base import LayerPlan
from accelsim.sim.sram import Sram
from accelsim.sim.work import LayerWork
from accelsim.workload import load_model
from accelsim.workload.ir import Network

@dataclass(frozen=True)
class SweepTask:
    """What every point of one sweep shares, as plain data."""

    base: Mapping[str, Any]
    base_source: str
    model: str | None
    paths: tuple[str, ...]
    fingerprint: str

    @staticmethod
    def of(space: SweepSpace) -> SweepTask:
        return SweepTask(dict(space.base), space.base_source, space.model, space.paths,
                         space.fingerprint())

    def space(self) -> SweepSpace:
        from accelsim.explore.space import Axis

        # Only base, model and paths matter to a worker; the values are in the points.
        return SweepSpace(self.base, self.base_source, self.model,
                          tuple(Axis(p, (0,)) for p in self.paths))


PointData = tuple[str, tuple[tuple[str, Scalar], ...]]
"""A point as sent to a worker: (id, ((path, value), ...))."""


def evaluate_chunk(task: SweepTask, points: Sequence[PointData]) -> list[dict[str, Any]]:
    """Rows of ``points`` in order: a simulated point, or an invalid one with its error."""
    space = _space_of(task)
    return [evaluate_point(task, space, Point(pid, values)) for pid, values in points]


def evaluate_point(task: SweepTask, space: SweepSpace, point: Point) -> dict[str, Any]:
    row: dict[str, Any] = {"point_id": point.id, "sweep": task.fingerprint}
    row.update((path, value) for path, value in point.values)
    try:
        hw = hw_of(space, point)
        network, schedule = lowered(task.model, *model_params(point))
        run = simulate_point(network, schedule, hw)
    except AccelsimError as exc:
        row.update(status=INVALID, error=" ".join(str(exc).split()))
        return row
    row.update(status=OK, error="")
    row.update(run_row(run))
    return row


_lock = threading.Lock()
_spaces: dict[str, SweepSpace] = {}


def _space_of(task: SweepTask) -> SweepSpace:
    key = f"{task.fingerprint}:{','.join(task.paths)}"
    with _lock:
        if key not in _spaces:
            _spaces[key] = task.space()
        return _spaces[key]


def simulate_point(network: Network, schedule: tuple[LayerWork, ...], hw: HwConfig) -> RunResult:
    """``accelsim.api.simulate(network, hw)`` on the fast path, ``schedule`` being
    ``network.work()`` lowered beforehand: the same :class:`RunResult`."""
    policy = started(build_policy(hw), schedule, hw.sram.size)
    parts = build_machine_parts(hw)
    sim = FastAccelerator(parts.sram_capacity_bits, parts.bus_timing, parts.compute_timing,
                          parts.activation_bits, parts.energy).run(schedule, policy)
    return RunResult(model_name=network.name, model_source=network.source, hw_name=hw.name,
                     policy=policy.name, activation_bits=hw.precision.activation_bits, sim=sim)


class StartedPolicy:
    """``policy`` already started on ``schedule`` at ``capacity_bits``, for any number
    of runs of that schedule at that capacity (starting it again is free), in any
    number of threads. Only for a policy whose ``plan`` reads what ``start`` decided
    and changes none of it (:data:`REUSABLE`)."""

    def __init__(self, policy: ResidencyPolicy, schedule: Sequence[LayerWork],
                 capacity_bits: int) -> None:
        policy.start(schedule, capacity_bits)
        self.policy = policy
        self.name = policy.name
        self.schedule = schedule
        self.capacity_bits = capacity_bits

    def start(self, schedule: Sequence[LayerWork], capacity_bits: int) -> None:
        if schedule is not self.schedule or capacity_bits != self.capacity_bits:
            # Starting it afresh would change it under other runs: a bug, not a point.
            raise RuntimeError(f"{self.name} policy started for {self.capacity_bits} bits "
                               f"asked to run at {capacity_bits} or on another schedule")

    def plan(self, index: int, work: LayerWork, sram: Sram) -> LayerPlan:
        return self.policy.plan(index, work, sram)


REUSABLE: tuple[type, ...] = (TiledPolicy,)
"""Policies whose ``plan`` keeps no state between layers or runs (the paper's
does: its resident set grows layer by layer)."""

_started: dict[tuple[Any, ...], StartedPolicy] = {}


def started(policy: ResidencyPolicy, schedule: tuple[LayerWork, ...],
            capacity_bits: int) -> ResidencyPolicy:
    """``policy`` for a run of ``schedule``: a reusable one started at most once per
    process for its settings (its public attributes), schedule and capacity."""
    if not isinstance(policy, REUSABLE):
        return policy
    settings = tuple(sorted((k, v) for k, v in vars(policy).items() if not k.startswith("_")))
    key = (type(policy), settings, id(schedule), capacity_bits)
    with _lock:
        entry = _started.get(key)
        if entry is not None and entry.schedule is schedule:
            return entry
    entry = StartedPolicy(policy, schedule, capacity_bits)  # may raise: nothing kept
    with _lock:
        if len(_started) >= 256:
            _started.clear()
        _started[key] = entry
    return entry


def preload(space: SweepSpace) -> None:
    """Lower the sweep's model in this process, before worker processes fork from
    it, so that they inherit it instead of each loading it again (a sweep over the
    MobileNet's multipliers lowers each variant where it is first needed)."""
    if not any(path.startswith("model.") for path in space.paths):
        lowered(space.model)


@lru_cache(maxsize=64)
def lowered(model: str | None, alpha: float = 1.0, rho: float = 1.0
            ) -> tuple[Network, tuple[LayerWork, ...]]:
    """:func:`network_for` and its schedule, lowered once per process."""
    network = network_for(model, alpha, rho)
    return network, network.work()


@lru_cache(maxsize=64)
def network_for(model: str | None, alpha: float = 1.0, rho: float = 1.0) -> Network:
    """The lowered model, once per process: a model file, the bundled MobileNet, or
    the bundled MobileNet built at width ``alpha`` and resolution ``rho``."""
    if model is not None:
        return load_model(model)
    if alpha == 1.0 and rho == 1.0:
        return load_model(bundled_model_path())
    from accelsim.workload.zoo import mobilenet_onnx_bytes

    with tempfile.TemporaryDirectory(prefix="accelsim-sweep-") as folder:
        path = Path(folder) / f"mobilenet_a{alpha:g}_r{rho:g}.onnx"
        path.write_bytes(mobilenet_onnx_bytes(alpha=alpha, rho=rho))
        network = load_model(path)
    return dataclasses.replace(network, source=f"mobilenet(alpha={alpha:g}, rho={rho:g})")
