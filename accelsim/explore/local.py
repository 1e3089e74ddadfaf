"""The local executor: worker processes on this machine, supervised point by point.

Not a ``ProcessPoolExecutor``, which cannot stop a worker that hangs and
loses every queued chunk when one worker dies. Here each worker has its own
pipe and a shared count of the points it has started (``worker.serve``), so
the parent knows which point each worker is on:

- a point that runs longer than ``point_seconds`` has its worker killed and
  gets a ``failed`` row saying so;
- a point whose worker dies (a crash, the out-of-memory killer) is tried once
  more alone, since an outside kill is not its fault, then gets a ``failed``
  row naming the signal;
- the other points of the chunk run again on a fresh worker: no good point is
  lost, and the sweep goes on.

Workers die with the sweep (see ``worker``); :meth:`LocalExecutor.close`
stops them, killing any in the middle of a chunk.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from accelsim.errors import AccelsimError, ConfigError
from accelsim.explore.chunks import ChunkPlanner
from accelsim.explore.evaluate import PointData, SweepTask, failed_row
from accelsim.explore.worker import serve
from accelsim.limits import POINT_MEMORY_BYTES, POINT_SECONDS

Rows = list[dict[str, Any]]


class WorkersFailedError(AccelsimError):
    """Worker processes keep dying before they run a single point."""


def _start_method() -> str:
    """"fork" on Linux (workers start at once with what the parent imported); else a
    fork server that imports accelsim once, or spawn where there is none. macOS
    keeps the fork server: forking there is unsafe once system frameworks load."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def default_memory_bytes(workers: int) -> int:
    """:data:`POINT_MEMORY_BYTES`, or less where the machine's memory shared among
    ``workers`` is less."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return POINT_MEMORY_BYTES
    return max(2**28, min(POINT_MEMORY_BYTES, physical // max(1, workers)))


@dataclass
class _Worker:
    """One worker process, and the chunk it is on."""

    process: Any
    conn: Connection
    started: Any  # the shared count of points it has started
    task_key: int | None = None
    chunk: list[PointData] = field(default_factory=list)
    alone: bool = False  # the chunk is one suspect point, tried again alone
    base: int = 0  # ``started`` when the chunk was sent
    seen: int = 0  # ``started`` when last looked at
    since: float = 0.0  # when ``seen`` last changed (time.monotonic)

    @property
    def busy(self) -> bool:
        return bool(self.chunk)


class LocalExecutor:
    """``workers`` processes on this machine (default: all cores); a point may take
    ``point_seconds`` of wall time and grow its worker by ``point_memory_bytes``."""

    def __init__(self, workers: int | None = None, point_seconds: float = POINT_SECONDS,
                 point_memory_bytes: int | None = None) -> None:
        count = (os.cpu_count() or 1) if workers is None else workers
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigError(f"--workers must be an integer >= 1, got {workers!r}")
        if not point_seconds > 0:
            raise ConfigError(f"--point-seconds must be > 0, got {point_seconds!r}")
        self.workers = count
        self.point_seconds = float(point_seconds)
        self.memory_bytes = (point_memory_bytes if point_memory_bytes is not None
                             else default_memory_bytes(count))
        self._context: Any = multiprocessing.get_context(_start_method())
        if self._context.get_start_method() == "forkserver":
            # Workers fork from a server that has imported accelsim once.
            self._context.set_forkserver_preload(["accelsim.explore.worker"])
        self._task_serial = 0
        self._stillborn = 0
        # Fork every worker now, while this is the caller's only thread of ours (before
        # any progress display starts one): a fork copies the imported accelsim
        # instead of importing it again (~0.6 s a sweep).
        self._pool: list[_Worker] = [self._spawn() for _ in range(count)]

    def _spawn(self) -> _Worker:
        parent_end, child_end = self._context.Pipe(duplex=True)
        started = self._context.RawValue("q", 0)
        process = self._context.Process(
            target=serve, args=(child_end, started, os.getpid(), self.memory_bytes),
            name="accelsim-sweep-worker", daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end, started)

    def run(self, task: SweepTask, points: Iterable[PointData],
            total: int | None = None) -> Iterator[Rows]:
        """Rows of every point, a chunk at a time, in completion order."""
        self._task_serial += 1
        key = self._task_serial
        planner = ChunkPlanner(points, self.workers, total)
        suspects: deque[PointData] = deque()  # points whose worker died under them

        def assign(worker: _Worker) -> None:
            if suspects:
                chunk, alone = [suspects.popleft()], True
            else:
                chunk, alone = planner.take(), False
            if not chunk:
                return
            fresh = worker.task_key != key
            worker.conn.send((key, task if fresh else None, chunk))
            worker.task_key, worker.chunk, worker.alone = key, chunk, alone
            worker.base = worker.seen = worker.started.value
            worker.since = time.monotonic()

        for worker in self._pool:
            assign(worker)
        poll = min(1.0, self.point_seconds / 4)
        while True:
            busy = [w for w in self._pool if w.busy]
            if not busy:
                return
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                             timeout=poll))
            now = time.monotonic()
            for worker in busy:
                lost: str | None = None  # why the worker is lost ("" for a death)
                if worker.conn in ready:
                    try:
                        rows, seconds = worker.conn.recv()
                    except (EOFError, OSError):
                        lost = ""
                    else:
                        self._stillborn = 0
                        if not worker.alone:
                            planner.observe(len(worker.chunk), seconds)
                        worker.chunk = []
                        assign(worker)  # its next chunk first: it works while we write
                        yield rows
                elif worker.process.sentinel in ready:
                    lost = ""
                else:
                    count = worker.started.value
                    if count != worker.seen:
                        worker.seen, worker.since = count, now
                    elif now - worker.since > self.point_seconds:
                        lost = (f"took more than {self.point_seconds:g} s, the limit of a "
                                "point (--point-seconds)")
                if lost is not None:
                    failed, worker = self._replace(worker, task, planner, suspects, lost)
                    assign(worker)
                    if failed is not None:
                        yield [failed]

    def _replace(self, worker: _Worker, task: SweepTask, planner: ChunkPlanner,
                 suspects: deque[PointData], overran: str
                 ) -> tuple[dict[str, Any] | None, _Worker]:
        """``worker`` died (or overran: ``overran`` says how; "" for a death): put a
        fresh worker in its place, run the rest of its chunk again, and blame the
        point it was on (its ``failed`` row, or None while it is tried once more)."""
        chunk, alone = worker.chunk, worker.alone
        worker.chunk = []
        ran = worker.started.value - worker.base  # the point it was on is chunk[ran - 1]
        self._stop(worker)
        cause = overran or f"its worker {_death(worker.process.exitcode)}"
        fresh = self._spawn()
        self._pool[self._pool.index(worker)] = fresh
        if ran <= 0:  # it died before starting a point: nobody to blame
            self._stillborn += 1
            if self._stillborn > 2 * self.workers + 2:
                raise WorkersFailedError(f"sweep workers keep dying before they run a point "
                                         f"({cause})")
            planner.put_back(chunk)
            return None, fresh
        self._stillborn = 0
        current = chunk[ran - 1]
        planner.put_back(chunk[:ran - 1] + chunk[ran:])
        if not overran and not alone:
            suspects.append(current)  # once more, alone, before it is blamed
            return None, fresh
        return failed_row(task, current, cause), fresh

    def _stop(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=10)
        worker.conn.close()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy ones are killed."""
        for worker in self._pool:
            if worker.busy or not worker.process.is_alive():
                continue
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 2
        for worker in self._pool:
            if worker.busy:
                worker.process.kill()
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.conn.close()
        self._pool = []


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() \
            else f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"was killed by {name}{hint}"
    return f"exited with status {exitcode}"
