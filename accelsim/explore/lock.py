"""One writer per results file: an exclusive lock held for the whole sweep.

The lock is ``.NAME.lock`` beside the results file ``NAME`` (the results file
itself is replaced when its header widens, which would drop a lock held on
it), locked with ``flock`` and holding who holds it: process id, host, start
time and command. A second sweep on the same file is refused in one line
naming that holder. The kernel releases a ``flock`` when its holder dies, so
a killed sweep leaves no stale lock: the file it leaves behind is reused. On
a system without ``fcntl`` the lock file is created exclusively instead, and
removed at the end.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from accelsim.errors import AccelsimError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

ATTEMPTS = 8

_CLOSE_IN_CHILDREN: set[int] = set()
"""Descriptors a forked child (a sweep worker started mid-sweep) must not keep: were it to
outlive its parent, it would hold the lock."""


def close_in_children(fd: int, keep: bool = True) -> None:
    """Have ``fd`` closed in every process forked from now on (``keep=False``: no longer)."""
    if keep:
        _CLOSE_IN_CHILDREN.add(fd)
    else:
        _CLOSE_IN_CHILDREN.discard(fd)


def _after_fork_in_child() -> None:
    for fd in _CLOSE_IN_CHILDREN:
        try:
            os.close(fd)
        except OSError:
            pass
    _CLOSE_IN_CHILDREN.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class FileLockedError(AccelsimError):
    """Another process holds the lock (or it cannot be taken)."""


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


class ExclusiveLock:
    """The lock on ``path`` for this process, taken at once or refused in one line."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_file = lock_path(self.path)
        self._fd: int | None = None

    def acquire(self) -> ExclusiveLock:
        for _ in range(ATTEMPTS):
            fd = self._open()
            if fcntl is None:
                break
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_holder(fd)
                os.close(fd)
                raise FileLockedError(f"{self.path}: another sweep is writing it ({holder}); "
                                      "wait for it to end, or use another --out") from None
            # The lock file may have been removed and made anew between our open and our
            # lock (its last holder ending): then we hold a lock nobody else sees.
            try:
                same = os.stat(self.lock_file).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        else:
            raise FileLockedError(f"{self.path}: cannot take the lock {self.lock_file} (it "
                                  "keeps changing under us)")
        self._fd = fd
        close_in_children(fd)
        os.ftruncate(fd, 0)
        os.write(fd, _holder_text().encode())
        return self

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | (os.O_EXCL if fcntl is None else 0)
        try:
            return os.open(self.lock_file, flags, 0o644)
        except FileExistsError:  # only without fcntl
            raise FileLockedError(f"{self.path}: another sweep is writing it (lock file "
                                  f"{self.lock_file} exists; remove it if no sweep runs)") \
                from None
        except OSError as exc:
            raise FileLockedError(f"{self.path}: cannot write in {self.path.parent or '.'} "
                                  f"({exc.strerror or exc})") from None

    def release(self) -> None:
        """Drop the lock and its file (the file first, so no one locks a removed one
        and believes it holds the lock: see :meth:`acquire`)."""
        if self._fd is None:
            return
        try:
            os.unlink(self.lock_file)
        except OSError:
            pass
        close_in_children(self._fd, keep=False)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> ExclusiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _holder_text() -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
    command = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
    return f"pid {os.getpid()} on {socket.gethostname()}, since {when}: {command[:200]}"


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return " ".join(text.split()) or "a process that has not said who it is yet"
