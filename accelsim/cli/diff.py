"""``accelsim diff``: compare two result tables; exit 0 equal, 1 different, 2 bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accelsim.cli.common import console, user_errors


def diff(
    expected: Annotated[Path, typer.Argument(help="The reference result table (CSV).")],
    actual: Annotated[Path, typer.Argument(help="The table to check (CSV).")],
    rtol: Annotated[float, typer.Option(help="Relative tolerance for numbers.")] = 1e-9,
    atol: Annotated[float, typer.Option(help="Absolute tolerance for numbers.")] = 0.0,
    key: Annotated[str, typer.Option(help="Column that identifies a row.")] = "layer",
) -> None:
    """Compare two per-layer result tables cell by cell on their shared columns."""
    from rich.table import Table

    from accelsim.report.diff import diff_tables

    with user_errors():
        result = diff_tables(expected, actual, key=key, rtol=rtol, atol=atol)
    if result.equal:
        console.print(f"{result.compared_cells} cells in {len(result.columns)} shared columns "
                      f"agree (rtol {rtol:g}, atol {atol:g}).")
        return
    table = Table(title=f"{len(result.differences)} cell(s) differ", title_justify="left")
    for header in (key, "column", "expected", "actual"):
        table.add_column(header)
    for d in result.differences:
        table.add_row(d.key, d.column, d.expected, d.actual)
    console.print(table)
    raise typer.Exit(code=1)
