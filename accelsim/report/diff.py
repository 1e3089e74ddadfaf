"""Cell-by-cell comparison of two result tables (CSV), for users' CI.

Rows are matched on a key column; cells are compared on the columns both
tables share. Numbers agree when |actual - expected| <= atol + rtol x
|expected| (numpy's ``isclose`` rule); other cells must be equal as text.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from accelsim.errors import ResultTableError


@dataclass(frozen=True)
class CellDiff:
    """One cell that differs. ``expected``/``actual`` are the cells as written;
    a row present in only one table has ``column == "(row)"``."""

    key: str
    column: str
    expected: str
    actual: str


@dataclass(frozen=True)
class TableDiff:
    key_column: str
    columns: tuple[str, ...]
    compared_cells: int
    differences: tuple[CellDiff, ...]

    @property
    def equal(self) -> bool:
        return not self.differences


def read_table(path: str | Path, key: str) -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
    """Header and rows by key of a CSV result table."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            if not header:
                raise ResultTableError(f"{path}: empty table, expected a CSV header row")
            if key not in header:
                raise ResultTableError(f"{path}: no key column {key!r}; columns are "
                                       f"{', '.join(header)}")
            rows: dict[str, dict[str, str]] = {}
            for line, row in enumerate(reader, start=2):
                if None in row or any(value is None for value in row.values()):
                    raise ResultTableError(f"{path}: line {line}: expected {len(header)} "
                                           f"cells like the header")
                if row[key] in rows:
                    raise ResultTableError(f"{path}: line {line}: duplicate key "
                                           f"{key}={row[key]!r}")
                rows[row[key]] = row
    except FileNotFoundError:
        raise ResultTableError(f"{path}: no such result table") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultTableError(f"{path}: cannot read result table ({exc})") from None
    return header, rows


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def cells_agree(expected: str, actual: str, rtol: float, atol: float) -> bool:
    e, a = _number(expected), _number(actual)
    if e is None or a is None:
        return expected == actual
    if math.isnan(e) or math.isnan(a):
        return math.isnan(e) and math.isnan(a)
    return abs(a - e) <= atol + rtol * abs(e)


def diff_tables(expected: str | Path, actual: str | Path, key: str = "layer",
                rtol: float = 1e-9, atol: float = 0.0) -> TableDiff:
    if rtol < 0 or atol < 0:
        raise ResultTableError(f"tolerances must be >= 0, got rtol={rtol}, atol={atol}")
    exp_header, exp_rows = read_table(expected, key)
    act_header, act_rows = read_table(actual, key)
    columns = tuple(c for c in exp_header if c in act_header and c != key)
    differences: list[CellDiff] = []
    compared = 0
    for row_key, exp_row in exp_rows.items():
        act_row = act_rows.get(row_key)
        if act_row is None:
            differences.append(CellDiff(row_key, "(row)", "present", "missing"))
            continue
        for column in columns:
            compared += 1
            if not cells_agree(exp_row[column], act_row[column], rtol, atol):
                differences.append(CellDiff(row_key, column, exp_row[column], act_row[column]))
    differences.extend(CellDiff(k, "(row)", "missing", "present")
                       for k in act_rows if k not in exp_rows)
    return TableDiff(key, columns, compared, tuple(differences))
