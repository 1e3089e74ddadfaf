"""Where the points run: worker processes on this machine, or a Dask distributed cluster.

Both take a stream of points, cut it into chunks (``explore.chunks``) and hand
back each chunk's rows as soon as it finishes, in completion order; the
caller writes them. Only a bounded number of chunks is in flight, so a sweep
of millions of points does not queue millions of tasks, and an interrupted
sweep loses at most the chunks running. The local executor (``explore.local``)
supervises its workers point by point; the Dask one (``explore.dask_executor``)
cancels what is pending when the sweep stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from accelsim.errors import ConfigError
from accelsim.explore.dask_executor import DaskExecutor
from accelsim.explore.evaluate import PointData, SweepTask
from accelsim.explore.local import LocalExecutor
from accelsim.limits import POINT_SECONDS

EXECUTORS = ("local", "dask")

Rows = list[dict[str, Any]]


class Executor(Protocol):
    """Runs the points of a task, yielding rows as chunks finish."""

    workers: int

    def run(self, task: SweepTask, points: Iterable[PointData],
            total: int | None = None) -> Iterator[Rows]: ...

    def close(self) -> None: ...


def make_executor(kind: str, workers: int | None = None, scheduler: str | None = None,
                  point_seconds: float = POINT_SECONDS,
                  point_memory_bytes: int | None = None) -> Executor:
    """The executor ``kind`` ("local" or "dask") with its options; a bad one is one
    ConfigError line."""
    if kind == "local":
        if scheduler:
            raise ConfigError("--scheduler is for --executor dask")
        return LocalExecutor(workers, point_seconds, point_memory_bytes)
    if kind == "dask":
        if workers is not None:
            raise ConfigError("--workers is for --executor local (a Dask cluster has its own)")
        return DaskExecutor(scheduler)
    raise ConfigError(f"unknown executor {kind!r}; expected one of {', '.join(EXECUTORS)}")


__all__ = ["DaskExecutor", "EXECUTORS", "Executor", "LocalExecutor", "make_executor"]
