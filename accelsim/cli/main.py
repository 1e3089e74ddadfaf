"""The ``accelsim`` entry point: the command line, guarded from its first import.

This module imports only the standard library, so that whatever happens while
the rest loads is handled here: Ctrl-C (even during start-up) exits 130
without a traceback (only the interpreter's own first milliseconds, before any
accelsim code runs, are beyond reach); a closed pipe (``accelsim run | head``) exits 141
quietly, as a process killed by SIGPIPE would; a standard output that cannot
be written (``> /dev/full``) is one error line with status 2.
"""

from __future__ import annotations

import errno
import os
import sys

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _exit_interrupted() -> None:
    """Exit 130 at once. Not through the interpreter's normal exit: when a Ctrl-C lands
    inside a C extension's start-up code, CPython remembers it as unhandled and would
    kill itself with SIGINT at exit even though it was handled here."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(130)


def main() -> None:
    try:
        from accelsim.cli.app import run_app

        code = run_app()
        sys.stdout.flush()
    except KeyboardInterrupt:
        _exit_interrupted()
    except BrokenPipeError:
        _silence_stdout()
        code = 141
    except OSError as exc:
        if exc.errno not in _FULL or exc.filename is not None:
            raise  # not the standard output: a bug, keep its traceback
        _silence_stdout()
        sys.stderr.write(f"accelsim: error: cannot write to the standard output "
                         f"({exc.strerror or exc})\n")
        code = 2
    if code == 130:  # typer's word for Ctrl-C during a command, and sweep's
        _exit_interrupted()
    sys.exit(code)
