"""Shared helpers of the DDR3 tests: the reference request streams, built like gen_traces.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference" / "ddr3"


@pytest.fixture(scope="session")
def reference_traces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The six reference streams, written by the (copied) reference generator into a temp dir."""
    out = tmp_path_factory.mktemp("ddr3_traces")
    subprocess.run([sys.executable, str(REFERENCE_DIR / "gen_traces.py"), str(out)],
                   check=True, capture_output=True)
    return out
