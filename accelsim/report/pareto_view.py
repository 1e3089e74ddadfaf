"""The Pareto-optimal designs of a sweep as a rich table (and as CSV text)."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.table import Table

from accelsim.api import ParetoResult


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def pareto_table(result: ParetoResult) -> Table:
    """One row per optimal design, sorted by the first objective: its id, the swept
    values, then each objective as a number (quantities converted)."""
    names = ", ".join(o.name for o in result.objectives)
    table = Table(title=f"Pareto-optimal designs ({len(result.front)} of {len(result.rows)} "
                        f"valid; minimising {names})", title_justify="left")
    table.add_column("point_id", no_wrap=True)
    for axis in result.axes:
        table.add_column(axis, justify="right", no_wrap=True)
    for objective in result.objectives:
        table.add_column(objective.label, justify="right", no_wrap=True)
    for i in result.front:
        row = result.rows[i]
        table.add_row(str(row["point_id"]), *(_cell(row.get(a, "")) for a in result.axes),
                      *(_cell(v) for v in result.values[i]))
    return table


def pareto_csv(result: ParetoResult) -> str:
    """The optimal rows, every column of the results file, as CSV text."""
    if not result.rows:
        return ""
    columns = list(result.rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(result.rows[i] for i in result.front)
    return buffer.getvalue()
