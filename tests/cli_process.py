"""The accelsim command in a real subprocess, as users run it, for the CLI tests.

Importable from any test module (pytest puts this folder on ``sys.path`` for
``tests/conftest.py``): ``from cli_process import accelsim, assert_user_error``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def accelsim(*args: str, cwd: Path = REPO, check: int | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m accelsim ARGS`` in ``cwd`` on a 200-column terminal; with
    ``check``, assert that exit status."""
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "accelsim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if check is not None:
        assert done.returncode == check, done.stdout + done.stderr
    return done


def assert_user_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Bad input: exit status 2 and one line on stderr, no traceback, naming every fragment."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accelsim: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
