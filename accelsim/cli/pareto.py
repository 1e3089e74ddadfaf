"""``accelsim pareto``: the Pareto-optimal designs of a sweep, as a table and a plot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import console, user_errors


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
    from accelsim.outputs import Outputs
    from accelsim.report.pareto_view import pareto_csv, pareto_table

    with user_errors(), Outputs(results) as out:
        out.add("--plot", plot)
        out.add("--csv", csv_path)
        if plot is not None:
            from accelsim.report.plots import check_plot_path, figure_bytes, pareto_plot

            fmt = check_plot_path(plot)
        result = pareto_of_file(results, [x, *y])
        if plot is not None:
            out.write(plot, figure_bytes(pareto_plot(result), fmt))
        if csv_path is not None:
            out.write(csv_path, lambda: pareto_csv(result))
    console.print(pareto_table(result))
    if result.skipped:
        console.print(f"{result.skipped:,} invalid designs left out")
    if plot is not None:
        console.print(f"plot: {plot}")
