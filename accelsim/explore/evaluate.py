"""Evaluating design points, in whatever process runs them: each point a sandbox.

A :class:`SweepTask` is everything a worker needs, small and picklable (the
base mapping, the model lowered to its schedule in the sweep's own process,
the axis paths), so a worker needs no file but accelsim itself: a Dask worker
elsewhere simulates the same model as the sweep that sent it.
:func:`evaluate_point` turns a point into its result row and never raises:
whatever goes wrong while validating, building or simulating one point
becomes that point's ``invalid`` row (the design is impossible, or beyond
what accelsim can simulate) or ``failed`` row (it ran out of memory: a rerun
with more may succeed), with a one-line reason.

Work that points share is done once per worker process: each model (and each
(alpha, rho) variant of the bundled MobileNet) is lowered to its schedule once
and kept, and a policy's prepared schedule (its tilings and plans, the costly
part of a point) is made once per (model, policy and its settings, SRAM size)
and reused: it is immutable. A model's cache key holds a hash of its content,
so a long-lived worker never simulates a replaced file's old model.

Points run on :class:`~accelsim.sim.fastpath.FastAccelerator`, which returns
exactly what ``accelsim run`` (the SimPy engine) returns for the same point,
several times faster.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from accelsim.api import RunResult, bundled_model_path
from accelsim.errors import AccelsimError, one_line
from accelsim.explore.points import describe, hw_of, model_params
from accelsim.explore.rows import FAILED, INVALID, OK, run_row
from accelsim.explore.space import Axis, Point, Scalar, SweepSpace
from accelsim.hw.config import HwConfig
from accelsim.hw.factory import (
    build_fast_accelerator,
    build_policy,
    check_simulated_work,
)
from accelsim.sim.policies import Policy, PreparedSchedule
from accelsim.sim.work import LayerWork
from accelsim.workload import load_model
from accelsim.workload.ir import Network


@dataclass(frozen=True)
class LoweredModel:
    """A model lowered to the schedule the simulator runs: its ``name``, the
    ``source`` it came from (for results) and its layers' work. No weights: small
    enough to send to every worker."""

    name: str
    source: str
    schedule: tuple[LayerWork, ...]


@dataclass(frozen=True)
class SweepTask:
    """What every point of one sweep shares, as plain data. ``model`` is the key of
    the model in caches (its path and a hash of its content, or None for the
    bundled MobileNet); ``workload`` the model itself when no axis varies it."""

    base: Mapping[str, Any]
    base_source: str
    model: str | None
    paths: tuple[str, ...]
    fingerprint: str
    workload: LoweredModel | None = None

    @staticmethod
    def of(space: SweepSpace) -> SweepTask:
        """The task of ``space``, its model lowered here (a one-line ModelError if it
        cannot be: a bad model file is an error of the sweep, not of its points)."""
        key = f"{space.model}@{space.model_digest}" if space.model is not None else None
        workload = None
        if not any(path.startswith("model.") for path in space.paths):
            workload = _lowered_here(key)
        return SweepTask(dict(space.base), space.base_source, key, space.paths,
                         space.fingerprint(), workload)

    def space(self) -> SweepSpace:
        # Only base, model and paths matter to a worker; the values are in the points.
        return SweepSpace(self.base, self.base_source, self.model,
                          tuple(Axis(p, (0,)) for p in self.paths))


PointData = tuple[str, tuple[tuple[str, Scalar], ...]]
"""A point as sent to a worker: (id, ((path, value), ...))."""


def evaluate_chunk(task: SweepTask, points: Sequence[PointData]) -> list[dict[str, Any]]:
    """Rows of ``points`` in order: a simulated point, or an invalid one with its error."""
    space = space_of(task)
    return [evaluate_point(task, space, Point(pid, values)) for pid, values in points]


def timed_chunk(task: SweepTask, points: Sequence[PointData]
                ) -> tuple[list[dict[str, Any]], float]:
    """:func:`evaluate_chunk` and the seconds it took (for chunk sizing)."""
    start = time.perf_counter()
    rows = evaluate_chunk(task, points)
    return rows, time.perf_counter() - start


def evaluate_point(task: SweepTask, space: SweepSpace, point: Point) -> dict[str, Any]:
    """The row of ``point``; never raises for anything the point does."""
    try:
        hw = hw_of(space, point)
        model = (task.model, *model_params(point))
        network = lowered(*model)
        policy = build_policy(hw)
        schedule = prepared(model, policy, hw.sram.size)
        check_simulated_work(schedule, hw)
        run = simulate_point(network, schedule, hw)
        row = point_row(task, point, OK, "")
        row.update(run_row(run))
        return row
    except AccelsimError as exc:
        message = one_line(exc)
        if not message.startswith("point "):
            message = f"point {point.id} ({describe(point)}): {message}"
        return point_row(task, point, INVALID, message)
    except MemoryError:
        return point_row(task, point, FAILED, f"point {point.id} ({describe(point)}): ran "
                         "out of memory (the limit of a point is --point-memory)")
    except Exception as exc:  # beyond what accelsim can simulate, or a bug: not the sweep's end
        return point_row(task, point, INVALID, f"point {point.id} ({describe(point)}): "
                         f"accelsim cannot simulate it ({type(exc).__name__}: "
                         f"{one_line(exc)})")


def point_row(task: SweepTask, point: PointData | Point, status: str, error: str
              ) -> dict[str, Any]:
    """The leading columns of a row: ids, swept values, status and error."""
    point_id, values = (point.id, point.values) if isinstance(point, Point) else point
    row: dict[str, Any] = {"point_id": point_id, "sweep": task.fingerprint}
    row.update(values)
    row.update(status=status, error=error)
    return row


def failed_row(task: SweepTask, point: PointData, reason: str) -> dict[str, Any]:
    """The row of a point that could not be finished (a limit, a crash): a rerun of the
    sweep tries it again."""
    description = ", ".join(f"{path}={value}" for path, value in point[1])
    return point_row(task, point, FAILED, f"point {point[0]} ({description}): {reason}")


_lock = threading.Lock()
_spaces: dict[str, SweepSpace] = {}
_shipped: dict[tuple[str | None, float, float], LoweredModel] = {}


def space_of(task: SweepTask) -> SweepSpace:
    """The (cached) space of ``task`` in this process; its shipped model is registered
    for :func:`lowered`."""
    key = f"{task.fingerprint}:{','.join(task.paths)}"
    with _lock:
        if key not in _spaces:
            if len(_spaces) >= 16:
                _spaces.clear()
            _spaces[key] = task.space()
            if task.workload is not None:
                _shipped[(task.model, 1.0, 1.0)] = task.workload
        return _spaces[key]


def simulate_point(network: LoweredModel, schedule: PreparedSchedule, hw: HwConfig
                   ) -> RunResult:
    """``accelsim.api.simulate(network, hw)`` on the fast path, ``schedule`` being the
    policy of ``hw`` prepared beforehand on ``network.work()``: the same :class:`RunResult`."""
    sim = build_fast_accelerator(hw).run(schedule)
    return RunResult(model_name=network.name, model_source=network.source, hw_name=hw.name,
                     policy=schedule.policy, activation_bits=hw.precision.activation_bits,
                     sim=sim)


@lru_cache(maxsize=256)
def prepared(model: tuple[str | None, float, float], policy: Policy,
             capacity_bits: int) -> PreparedSchedule:
    """``policy`` prepared on the schedule of ``model`` ((path, alpha, rho), as
    :func:`lowered` takes it) for an SRAM of ``capacity_bits``, once per process.
    Policies are frozen settings, so equal settings share one entry."""
    return policy.prepare(lowered(*model).schedule, capacity_bits)


def preload(space: SweepSpace) -> None:
    """Lower the sweep's model in this process now (a bad model file is one error line
    before anything else happens; the sweep's task reuses it)."""
    if not any(path.startswith("model.") for path in space.paths):
        _lowered_here(f"{space.model}@{space.model_digest}" if space.model else None)


def lowered(model: str | None, alpha: float = 1.0, rho: float = 1.0) -> LoweredModel:
    """The lowered model of a cache key (:attr:`SweepTask.model`): the one the sweep
    sent, else lowered here once per process."""
    shipped = _shipped.get((model, alpha, rho))
    if shipped is not None:
        return shipped
    return _lowered_here(model, alpha, rho)


@lru_cache(maxsize=64)
def _lowered_here(model: str | None, alpha: float = 1.0, rho: float = 1.0) -> LoweredModel:
    network = network_for(model.rsplit("@", 1)[0] if model else None, alpha, rho)
    return LoweredModel(network.name, network.source, network.work())


def network_for(model: str | None, alpha: float = 1.0, rho: float = 1.0) -> Network:
    """The lowered model: a model file, the bundled MobileNet, or the bundled
    MobileNet built at width ``alpha`` and resolution ``rho``."""
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
