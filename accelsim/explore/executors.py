"""Where the points run: a local process pool, or a Dask distributed cluster.

Both take chunks of points and hand back each chunk's rows as soon as it
finishes, in completion order; the caller writes them. Only a bounded number
of chunks is in flight, so a sweep of millions of points does not queue
millions of tasks, and an interrupted sweep loses at most the chunks running.
Chunks grow once the first results show how long a point takes, aiming at
about :data:`CHUNK_SECONDS` of work each (small first chunks show progress at
once; larger ones keep the per-task overhead below the work).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from accelsim.errors import ConfigError
from accelsim.explore.evaluate import PointData, SweepTask, evaluate_chunk

CHUNK_SECONDS = 0.5
FIRST_CHUNK = 2
MAX_CHUNK = 512
EXECUTORS = ("local", "dask")

Rows = list[dict[str, Any]]


class Executor(Protocol):
    """Runs ``evaluate_chunk(task, chunk)`` for every chunk, yielding rows as chunks finish."""

    workers: int

    def run(self, task: SweepTask, points: Sequence[PointData]) -> Iterator[Rows]: ...

    def close(self) -> None: ...


class ChunkPlanner:
    """Cuts the remaining points into chunks sized from the observed time per point."""

    def __init__(self, points: Sequence[PointData], workers: int) -> None:
        self.points = points
        self.next = 0
        self.workers = max(1, workers)
        self.seconds_per_point: float | None = None

    def take(self) -> list[PointData]:
        left = len(self.points) - self.next
        if left <= 0:
            return []
        if self.seconds_per_point is None:
            size = FIRST_CHUNK
        else:
            size = int(CHUNK_SECONDS / max(self.seconds_per_point, 1e-6))
            # Near the end, smaller chunks keep every worker busy to the last point.
            size = min(size, max(1, left // (2 * self.workers)))
        size = max(1, min(size, MAX_CHUNK, left))
        chunk = list(self.points[self.next:self.next + size])
        self.next += size
        return chunk

    def observe(self, points: int, seconds: float) -> None:
        if points:
            estimate = seconds / points
            self.seconds_per_point = (estimate if self.seconds_per_point is None
                                      else 0.5 * (self.seconds_per_point + estimate))


def _timed_chunk(task: SweepTask, chunk: Sequence[PointData]) -> tuple[Rows, float]:
    start = time.perf_counter()
    rows = evaluate_chunk(task, chunk)
    return rows, time.perf_counter() - start


def _start_method() -> str:
    """"fork" on Linux (workers start at once with what the parent imported); else a
    fork server that imports accelsim once, or spawn where there is none. macOS
    keeps the fork server: forking there is unsafe once system frameworks load."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalExecutor:
    """A pool of ``workers`` processes on this machine (default: all cores)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        if self.workers < 1:
            raise ConfigError(f"--workers must be >= 1, got {self.workers}")
        context = multiprocessing.get_context(_start_method())
        if context.get_start_method() == "forkserver":
            # Workers fork from a server that has imported accelsim once.
            context.set_forkserver_preload(["accelsim.explore.evaluate"])
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                        initializer=_ignore_sigint)
        if context.get_start_method() == "fork":
            # Fork every worker now, while this is the caller's only thread of ours
            # (before any progress display starts one): a fork copies the imported
            # accelsim instead of importing it again (~0.6 s a sweep).
            self.pool.submit(os.getpid)

    def run(self, task: SweepTask, points: Sequence[PointData]) -> Iterator[Rows]:
        planner = ChunkPlanner(points, self.workers)
        running: dict[Future[tuple[Rows, float]], int] = {}

        def fill() -> None:
            while len(running) < 2 * self.workers:
                chunk = planner.take()
                if not chunk:
                    return
                running[self.pool.submit(_timed_chunk, task, chunk)] = len(chunk)

        fill()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                count = running.pop(future)
                rows, seconds = future.result()
                planner.observe(count, seconds)
                fill()
                yield rows

    def close(self) -> None:
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        # A worker in the middle of a chunk (after Ctrl-C) is stopped, not waited for.
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


class DaskExecutor:
    """The same chunks as tasks on a Dask distributed cluster at ``scheduler``
    (``tcp://host:8786``), or on a ``distributed.Client`` given directly."""

    def __init__(self, scheduler: str | None = None, client: Any = None) -> None:
        try:
            import distributed
        except ImportError:
            raise ConfigError("--executor dask needs Dask: pip install 'accelsim[dask]'") \
                from None
        self._distributed = distributed
        self._own_client = client is None
        if client is None:
            if not scheduler:
                raise ConfigError("--executor dask needs --scheduler ADDRESS "
                                  "(like tcp://127.0.0.1:8786)")
            try:
                client = distributed.Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise ConfigError(f"--scheduler {scheduler}: cannot reach the Dask "
                                  f"scheduler ({exc})") from None
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))

    def run(self, task: SweepTask, points: Sequence[PointData]) -> Iterator[Rows]:
        planner = ChunkPlanner(points, self.workers)
        [task_future] = self.client.scatter([task], broadcast=True)
        counts: dict[str, int] = {}
        pending = self._distributed.as_completed()

        def submit() -> bool:
            chunk = planner.take()
            if not chunk:
                return False
            future = self.client.submit(_timed_chunk, task_future, chunk, pure=False)
            counts[future.key] = len(chunk)
            pending.add(future)
            return True

        for _ in range(2 * self.workers):
            if not submit():
                break
        for future in pending:
            rows, seconds = future.result()
            planner.observe(counts.pop(future.key), seconds)
            submit()
            yield rows

    def close(self) -> None:
        if self._own_client:
            self.client.close()


def make_executor(kind: str, workers: int | None = None, scheduler: str | None = None
                  ) -> Executor:
    if kind == "local":
        if scheduler:
            raise ConfigError("--scheduler is for --executor dask")
        return LocalExecutor(workers)
    if kind == "dask":
        return DaskExecutor(scheduler)
    raise ConfigError(f"unknown executor {kind!r}; expected one of {', '.join(EXECUTORS)}")
