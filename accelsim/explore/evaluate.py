"""Evaluating design points, in whatever process runs them.

A :class:`SweepTask` is everything a worker needs, small and picklable (the
base mapping, the model, the axis paths); :func:`evaluate_chunk` turns a list
of points into result rows. Work that points share is done once per worker
process: each model (and each (alpha, rho) variant of the bundled MobileNet)
is loaded and lowered to its schedule once and kept, and a policy's prepared
schedule (its tilings and plans, the costly part of a point) is made once per
(model, policy and its settings, SRAM size) and reused: it is immutable.

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
from accelsim.sim.policies import Policy, PreparedSchedule
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
        model = (task.model, *model_params(point))
        network, _ = lowered(*model)
        run = simulate_point(network, prepared(model, build_policy(hw), hw.sram.size), hw)
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


def simulate_point(network: Network, schedule: PreparedSchedule, hw: HwConfig) -> RunResult:
    """``accelsim.api.simulate(network, hw)`` on the fast path, ``schedule`` being the
    policy of ``hw`` prepared beforehand on ``network.work()``: the same :class:`RunResult`."""
    parts = build_machine_parts(hw)
    sim = FastAccelerator(parts.sram_capacity_bits, parts.bus_timing, parts.compute_timing,
                          parts.activation_bits, parts.energy).run(schedule)
    return RunResult(model_name=network.name, model_source=network.source, hw_name=hw.name,
                     policy=schedule.policy, activation_bits=hw.precision.activation_bits,
                     sim=sim)


@lru_cache(maxsize=256)
def prepared(model: tuple[str | None, float, float], policy: Policy,
             capacity_bits: int) -> PreparedSchedule:
    """``policy`` prepared on the schedule of ``model`` ((path, alpha, rho), as
    :func:`lowered` takes it) for an SRAM of ``capacity_bits``, once per process.
    Policies are frozen settings, so equal settings share one entry."""
    _, schedule = lowered(*model)
    return policy.prepare(schedule, capacity_bits)


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
