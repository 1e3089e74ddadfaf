"""``accelsim pareto``: the Pareto-optimal designs of a sweep, as a table and a plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import check_output_path, console, user_errors, write_output


def pareto(
    results: Annotated[Path, typer.Argument(help="Results of `accelsim sweep` (CSV or Parquet).",
                                            show_default=False)],
    x: Annotated[str, typer.Option(
        "--x", help="First objective: a column or swept path (sram.size), or latency, "
                    "energy, ddr.")],
    y: Annotated[list[str], typer.Option(
        "--y", help="Further objectives (repeatable), e.g. --y latency --y energy.")],
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Draw all designs with the front highlighted (.png, .svg, .pdf).")]
        = None,
    csv_path: Annotated[Optional[Path], typer.Option(
        "--csv", help="Write the optimal rows (every column) to this CSV file.")] = None,
) -> None:
    """Print the designs no other design beats on every objective (all minimised)."""
    from accelsim.explore import pareto_of_file
    from accelsim.report.pareto_view import pareto_csv, pareto_table

    with user_errors():
        check_output_path(plot, "--plot")
        check_output_path(csv_path, "--csv")
        result = pareto_of_file(results, [x, *y])
        if plot is not None:
            from accelsim.report.plots import pareto_plot

            pareto_plot(result, plot)
        if csv_path is not None:
            write_output(csv_path, lambda: pareto_csv(result))
    console.print(pareto_table(result))
    if result.skipped:
        console.print(f"{result.skipped:,} invalid designs left out")
    if plot is not None:
        console.print(f"plot: {plot}")
