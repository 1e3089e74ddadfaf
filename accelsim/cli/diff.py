"""``accelsim diff``: compare two result tables; exit 0 equal, 1 different, 2 bad input."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import fail, user_errors


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    junit = "junit"
    github = "github"


def column_values(option: str, items: list[str] | None) -> dict[str, float]:
    """``COL=NUMBER`` items of a repeatable option as {column: number}; a malformed one
    is one error line."""
    from accelsim.report.diff import number

    values: dict[str, float] = {}
    for item in items or ():
        column, equals, text = item.rpartition("=")
        value = number(text) if equals and column else None
        if value is None:
            raise fail(f"{option} {item!r}: expected COLUMN=NUMBER, e.g. "
                       f"{option} performance_s=1e-6")
        if column in values:
            raise fail(f"{option} {column}: given twice")
        values[column] = value
    return values


def diff(
    expected: Annotated[Path, typer.Argument(help="The reference result table (CSV).")],
    actual: Annotated[Path, typer.Argument(help="The table to check (CSV).")],
    rtol: Annotated[float, typer.Option(help="Relative tolerance for numbers.")] = 1e-9,
    atol: Annotated[float, typer.Option(help="Absolute tolerance for numbers.")] = 0.0,
    key: Annotated[str, typer.Option(help="Column that identifies a row.")] = "layer",
    rtol_col: Annotated[Optional[list[str]], typer.Option(
        "--rtol-col", metavar="COL=R", show_default=False,
        help="Relative tolerance of one column (repeatable).")] = None,
    atol_col: Annotated[Optional[list[str]], typer.Option(
        "--atol-col", metavar="COL=A", show_default=False,
        help="Absolute tolerance of one column (repeatable).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(
        "--ignore", metavar="COL", show_default=False,
        help="Leave this column out (repeatable).")] = None,
    fmt: Annotated[Format, typer.Option(
        "--format", metavar="FORMAT",
        help="text, markdown (a PR comment), json, junit (JUnit XML) or github (GitHub "
             "Actions annotations).")] = Format.text,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write the report to this file; the standard output gets one "
                      "summary line.", show_default=False)] = None,
) -> None:
    """Compare two per-layer result tables cell by cell. Every column and row of EXPECTED
    must be in ACTUAL; a row only ACTUAL has is a difference too."""
    from accelsim.outputs import Outputs
    from accelsim.report.diff import diff_tables
    from accelsim.report.diff_formats import headline, render

    column_rtol = column_values("--rtol-col", rtol_col)
    column_atol = column_values("--atol-col", atol_col)
    with user_errors(), Outputs(expected, actual) as outputs:
        outputs.add("--out", out)
        result = diff_tables(expected, actual, key=key, rtol=rtol, atol=atol,
                             column_rtol=column_rtol, column_atol=column_atol,
                             ignore=tuple(ignore or ()))
        report = render(result, fmt.value)
        if out is not None:
            outputs.write(out, report)
    sys.stdout.write(report if out is None else f"accelsim diff: {headline(result)} "
                                                f"Report: {out}\n")
    if not result.equal:
        raise typer.Exit(code=1)
