"""One result row per design point: its id and status, then the run's figures.

The figures are :func:`accelsim.figures.run_totals`, the columns of
:data:`accelsim.schema.RUN_COLUMNS`: the same names and units as the JSON's
``totals`` of ``accelsim run``.
"""

from __future__ import annotations

from typing import Any

from accelsim.api import RunResult
from accelsim.figures import run_totals

ID_COLUMNS = ("point_id", "sweep")
STATUS_COLUMNS = ("status", "error")
OK, INVALID, FAILED = "ok", "invalid", "failed"
"""Statuses of a row: simulated; an impossible design (or one beyond what accelsim can
simulate); a point that could not be finished (a limit or a crash): a rerun retries it."""


def run_row(run: RunResult) -> dict[str, Any]:
    """Whole-run figures of one simulation (no swept values)."""
    return run_totals(run)
