"""One local worker process of a sweep: what runs in the child.

A worker serves chunks of points sent through a pipe and sends back their
rows. Before it serves anything it binds itself to the sweep that started it:

- it dies with its parent: on Linux the kernel sends it SIGKILL when the
  parent dies, however the parent died (``PR_SET_PDEATHSIG``); everywhere a
  watchdog thread exits within a second of noticing that the parent is gone;
- it ignores Ctrl-C (the terminal sends it to the whole process group; the
  parent decides what stops) and writes nothing to the terminal (stdout and
  stderr go to ``/dev/null``: rows and errors travel through the pipe), so
  that it never holds a caller's pipe open;
- its address space may grow by at most ``memory_bytes`` (``RLIMIT_AS``), so
  a point that would eat the machine gets a MemoryError in its own process
  and becomes a row instead.

It counts every point it starts in ``started`` (shared memory), so that the
parent can tell which point a worker that died or overran its time was on.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from accelsim.explore.evaluate import evaluate_point, space_of
from accelsim.explore.space import Point

PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 1.0


def serve(conn: Connection, started: Any, parent_pid: int, memory_bytes: int | None) -> None:
    """The worker's main loop: ``(key, task or None, points)`` in, ``(rows, seconds)``
    out, until the pipe closes or None arrives. ``started`` is a shared counter."""
    bind_to_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    silence()
    limit_memory(memory_bytes)
    tasks: dict[Any, Any] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, task, points = message
        if task is not None:
            tasks = {key: task}  # one sweep at a time: drop the last one's
        task = tasks[key]
        space = space_of(task)
        begin = time.perf_counter()
        rows = []
        for point_id, values in points:
            started.value += 1
            rows.append(evaluate_point(task, space, Point(point_id, values)))
        try:
            conn.send((rows, time.perf_counter() - begin))
        except (BrokenPipeError, OSError):
            return


def bind_to_parent(parent_pid: int) -> None:
    """Die when ``parent_pid`` does (see the module docstring)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl here: the watchdog remains
            pass
    if os.getppid() != parent_pid:  # the parent died before the binding took
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watchdog",
                     daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_SECONDS)
    os._exit(0)


def silence() -> None:
    """Point stdout and stderr at /dev/null: a worker has nothing to say to the terminal."""
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def limit_memory(memory_bytes: int | None) -> None:
    """Let this process's address space grow by at most ``memory_bytes`` from now."""
    if memory_bytes is None:
        return
    try:
        import resource

        with open("/proc/self/statm") as handle:
            size_bytes = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size_bytes + memory_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or limit < soft:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):  # no /proc (macOS) or no RLIMIT_AS
        pass
