"""Cell-by-cell comparison of two result tables (CSV), for users' CI.

Rows are matched on a key column. Every column of EXPECTED (but the key and
the ignored ones) must be in ACTUAL, and every row of EXPECTED too: a missing
one is a difference, as is a row only ACTUAL has; columns only ACTUAL has are
listed but not compared (a newer accelsim may add columns). Numbers agree
when |actual - expected| <= atol + rtol x |expected| (numpy's ``isclose``
rule), with a tolerance per column where one is given; identical non-finite
numbers (``inf`` and ``inf``, ``nan`` and ``nan``) agree; other cells must be
equal as text. Renderings of the result for people and CI tools are in
:mod:`accelsim.report.diff_formats`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from accelsim.errors import ResultTableError, quoted


class DiffKind(str, Enum):
    """What one difference is."""

    CELL = "cell"                      # a value differs
    MISSING_ROW = "missing_row"        # a row of EXPECTED is not in ACTUAL
    EXTRA_ROW = "extra_row"            # a row of ACTUAL is not in EXPECTED
    MISSING_COLUMN = "missing_column"  # a column of EXPECTED is not in ACTUAL


@dataclass(frozen=True)
class CellDiff:
    """One difference. ``expected``/``actual`` are the cells as written (for a
    missing row or column, "present"/"missing"); ``key`` is the row's key (empty for
    a missing column); ``line`` is the row's line in ACTUAL (in EXPECTED for a row
    ACTUAL lacks; the header's line 1 for a column)."""

    kind: DiffKind
    key: str
    column: str
    expected: str
    actual: str
    line: int


@dataclass(frozen=True)
class Tolerance:
    """Numbers agree when |actual - expected| <= atol + rtol x |expected|."""

    rtol: float
    atol: float


@dataclass(frozen=True)
class TableDiff:
    """The comparison of ACTUAL against EXPECTED."""

    expected_path: str
    actual_path: str
    key_column: str
    columns: tuple[str, ...]          # compared (in both, neither the key nor ignored)
    missing_columns: tuple[str, ...]  # in EXPECTED, not in ACTUAL
    extra_columns: tuple[str, ...]    # in ACTUAL only, not compared
    ignored_columns: tuple[str, ...]
    row_keys: tuple[str, ...]         # EXPECTED's rows, in order
    compared_cells: int
    tolerance: Tolerance              # for every column without its own
    column_tolerances: Mapping[str, Tolerance] = field(default_factory=dict)
    differences: tuple[CellDiff, ...] = ()

    @property
    def equal(self) -> bool:
        return not self.differences

    @property
    def expected_rows(self) -> int:
        return len(self.row_keys)

    def tolerance_of(self, column: str) -> Tolerance:
        return self.column_tolerances.get(column, self.tolerance)


@dataclass(frozen=True)
class Table:
    """A CSV result table: its header, rows by key, and each row's line number."""

    path: Path
    header: tuple[str, ...]
    rows: dict[str, dict[str, str]]
    lines: dict[str, int]


def read_table(path: str | Path, key: str) -> Table:
    """A CSV result table (a UTF-8 byte-order mark is allowed), rows by ``key``."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            if not header:
                raise ResultTableError(f"{path}: empty table, expected a CSV header row")
            if len(set(header)) != len(header):
                twice = sorted({c for c in header if header.count(c) > 1})
                raise ResultTableError(f"{path}: column {quoted(twice[0])} appears twice "
                                       f"in the header")
            if key not in header:
                raise ResultTableError(f"{path}: no key column {quoted(key)}; columns are "
                                       f"{', '.join(header)}")
            rows: dict[str, dict[str, str]] = {}
            lines: dict[str, int] = {}
            start = reader.line_num + 1
            for row in reader:
                if None in row or any(value is None for value in row.values()):
                    raise ResultTableError(f"{path}: line {start}: expected {len(header)} "
                                           f"cells like the header")
                if row[key] in rows:
                    raise ResultTableError(f"{path}: line {start}: duplicate key "
                                           f"{key}={quoted(row[key])}")
                rows[row[key]] = row
                lines[row[key]] = start
                start = reader.line_num + 1
    except FileNotFoundError:
        raise ResultTableError(f"{path}: no such result table") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultTableError(f"{path}: cannot read result table ({exc})") from None
    return Table(path, header, rows, lines)


def number(text: str) -> float | None:
    """A cell (or an option's value) as a number, or None. Stricter than ``float``:
    "2_8" is text, not 28."""
    if "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def cells_agree(expected: str, actual: str, tolerance: Tolerance) -> bool:
    if expected == actual:
        return True
    e, a = number(expected), number(actual)
    if e is None or a is None:
        return False
    if not (math.isfinite(e) and math.isfinite(a)):
        return e == a or (math.isnan(e) and math.isnan(a))
    return abs(a - e) <= tolerance.atol + tolerance.rtol * abs(e)


def check_tolerance(what: str, value: float) -> float:
    """``value`` if it is a finite number >= 0; else a ResultTableError naming ``what``."""
    if not (math.isfinite(value) and value >= 0):
        raise ResultTableError(f"{what}: expected a finite number >= 0, got {value!r}")
    return value


def _check_columns(option: str, columns: Collection[str], known: tuple[str, ...],
                   key: str, where: Path) -> None:
    for column in columns:
        if column == key:
            raise ResultTableError(f"{option} {column}: is the key column, which matches "
                                   f"the rows; expected another column")
        if column not in known:
            raise ResultTableError(f"{option} {quoted(column)}: no such column in {where}; "
                                   f"columns are {', '.join(known)}")


def diff_tables(expected: str | Path, actual: str | Path, key: str = "layer",
                rtol: float = 1e-9, atol: float = 0.0,
                column_rtol: Mapping[str, float] | None = None,
                column_atol: Mapping[str, float] | None = None,
                ignore: Collection[str] = ()) -> TableDiff:
    """Compare ACTUAL against EXPECTED. ``column_rtol``/``column_atol`` override the
    tolerances of single columns; ``ignore`` names columns left out. A comparison
    that could not fail (EXPECTED has no rows, or no column but the key) is refused."""
    column_rtol, column_atol = dict(column_rtol or {}), dict(column_atol or {})
    default = Tolerance(check_tolerance("--rtol", rtol), check_tolerance("--atol", atol))
    for option, values in (("--rtol-col", column_rtol), ("--atol-col", column_atol)):
        for column, value in values.items():
            check_tolerance(f"{option} {column}", value)
    exp, act = read_table(expected, key), read_table(actual, key)
    _check_columns("--ignore", ignore, tuple(dict.fromkeys(exp.header + act.header)),
                   key, exp.path)
    for option, values in (("--rtol-col", column_rtol), ("--atol-col", column_atol)):
        _check_columns(option, values, exp.header, key, exp.path)
        if overlap := sorted(set(values) & set(ignore)):
            raise ResultTableError(f"{option} {overlap[0]}: the column is also --ignore'd")
    wanted = tuple(c for c in exp.header if c != key and c not in ignore)
    if not wanted:
        raise ResultTableError(f"{exp.path}: no column to compare besides the key "
                               f"{key!r}{' and the ignored ones' if ignore else ''}")
    if not exp.rows:
        raise ResultTableError(f"{exp.path}: no rows to compare, expected at least one "
                               f"below the header")
    columns = tuple(c for c in wanted if c in act.header)
    missing = tuple(c for c in wanted if c not in act.header)
    tolerances = {c: Tolerance(column_rtol.get(c, rtol), column_atol.get(c, atol))
                  for c in {*column_rtol, *column_atol}}
    differences = [CellDiff(DiffKind.MISSING_COLUMN, "", c, "present", "missing", 1)
                   for c in missing]
    compared = 0
    for row_key, exp_row in exp.rows.items():
        act_row = act.rows.get(row_key)
        if act_row is None:
            differences.append(CellDiff(DiffKind.MISSING_ROW, row_key, "", "present",
                                        "missing", exp.lines[row_key]))
            continue
        for column in columns:
            compared += 1
            if not cells_agree(exp_row[column], act_row[column],
                               tolerances.get(column, default)):
                differences.append(CellDiff(DiffKind.CELL, row_key, column, exp_row[column],
                                            act_row[column], act.lines[row_key]))
    differences.extend(CellDiff(DiffKind.EXTRA_ROW, k, "", "missing", "present", act.lines[k])
                       for k in act.rows if k not in exp.rows)
    return TableDiff(
        expected_path=str(expected), actual_path=str(actual), key_column=key,
        columns=columns, missing_columns=missing,
        extra_columns=tuple(c for c in act.header if c not in exp.header and c not in ignore),
        ignored_columns=tuple(c for c in dict.fromkeys(exp.header + act.header) if c in ignore),
        row_keys=tuple(exp.rows), compared_cells=compared, tolerance=default,
        column_tolerances=tolerances, differences=tuple(differences))
