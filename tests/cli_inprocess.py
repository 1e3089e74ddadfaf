"""The accelsim command run inside the test process: its real ``main``, real files,
its stdout and stderr captured and its exit status kept.

Several times cheaper than a subprocess (no interpreter start, no imports), for
the many bad-input cases of the hostile suite; tests where the process itself
matters (signals, locks held by two processes, exit codes seen by a shell) use
``cli_process`` instead. Importable from any test module:
``from cli_inprocess import run_cli, assert_one_line_error``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from accelsim.cli.main import main


@dataclass(frozen=True)
class CliResult:
    """What one command did: its exit status, output, error output and wall time."""

    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def said(self) -> str:
        """stdout with its lines joined and spaces collapsed (the console may wrap)."""
        return " ".join(self.stdout.split())


def run_cli(*args: str, cwd: Path | None = None) -> CliResult:
    """``accelsim ARGS`` through :func:`accelsim.cli.main.main`, as the console script
    runs it, in ``cwd`` when given."""
    out, err = io.StringIO(), io.StringIO()
    argv, here = sys.argv, os.getcwd()
    sys.argv = ["accelsim", *args]
    code = 0
    start = time.monotonic()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None
                                                                        else 1)
    finally:
        sys.argv = argv
        os.chdir(here)
    return CliResult(code, out.getvalue(), err.getvalue(), time.monotonic() - start)


def assert_one_line_error(result: CliResult, *fragments: str, seconds: float = 30.0) -> str:
    """Bad input: exit status 2, one ``accelsim: error:`` line on stderr naming every
    fragment, no traceback, within ``seconds``. Returns the line."""
    assert result.code == 2, (result.code, result.stdout[-2000:], result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accelsim: error: "), result.stderr[-2000:]
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert result.seconds < seconds, (result.seconds, lines[0])
    return lines[0]
