"""Pareto fronts of a sweep: the designs that no other design beats on every objective.

Every objective is minimised (latency, energy, DDR traffic, SRAM size: less is
better). A design is on the front when no other design is at least as good on
all objectives and strictly better on one; designs with equal objectives are
all kept. Columns may be result figures or swept values: sizes, rates and
throughputs written with units ("256 KB", "1 TOPS") count as numbers (sizes in
bytes, rates in bits/s, throughputs in ops/s, clocks in Hz). Short names:
``latency`` (``performance_s``, seconds), ``energy`` (pJ, when the runs have it), ``ddr`` (bytes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from accelsim.api import Objective, ParetoResult
from accelsim.errors import AccelsimError, ConfigError
from accelsim.explore.results import read_results
from accelsim.explore.rows import OK
from accelsim.quantity import (
    parse_frequency_hz,
    parse_ops_per_s,
    parse_rate_bits_per_s,
    parse_size_bits,
)

ALIASES: dict[str, tuple[str, ...]] = {
    "latency": ("performance_s", "latency_s"),  # latency_s: results files before schema 2
    "energy": ("energy_pj", "energy_total_pj"),
    "ddr": ("ddr_bytes",),
    "traffic": ("ddr_bytes",),
}
_UNITS: tuple[tuple[str, Callable[[object], int], int], ...] = (
    ("bytes", parse_size_bits, 8), ("bits/s", parse_rate_bits_per_s, 1),
    ("ops/s", parse_ops_per_s, 1), ("Hz", parse_frequency_hz, 1))


def resolve(name: str, columns: Sequence[str]) -> str:
    """The column an objective names: itself, or the first present of its aliases."""
    if name in columns:
        return name
    for candidate in ALIASES.get(name, ()):
        if candidate in columns:
            return candidate
    if name == "energy":
        found = [c for c in columns if "energy" in c and c.endswith("_pj")]
        if found:
            return found[0]
        raise ConfigError("energy: the results have no energy column (the configs have no "
                          "energy section)")
    result_columns = [c for c in columns if c not in ("point_id", "sweep", "status", "error")]
    raise ConfigError(f"{name}: no such column; expected one of latency, energy, ddr, "
                      f"{', '.join(result_columns)}")


def numeric(value: Any, column: str) -> tuple[float, str]:
    """A cell as a number and its unit; quantities with units are converted."""
    if isinstance(value, bool):
        return float(value), ""
    if isinstance(value, (int, float)):
        return float(value), ""
    if isinstance(value, str) and value:
        for unit, parse, per in _UNITS:
            try:
                return parse(value) / per, unit
            except (ValueError, AccelsimError):
                continue
    raise ConfigError(f"{column}: {value!r} is not a number or a quantity with a unit "
                      "(like 256 KB or 1 TOPS); it cannot be minimised")


def front_indices(values: Sequence[Sequence[float]]) -> list[int]:
    """Indices of the non-dominated vectors (all minimised), sorted by the objectives."""
    order = sorted(range(len(values)), key=lambda i: tuple(values[i]))
    front: list[int] = []
    for i in order:
        v = values[i]
        dominated = False
        for j in front:
            w = values[j]
            if all(a <= b for a, b in zip(w, v)) and any(a < b for a, b in zip(w, v)):
                dominated = True
                break
        if not dominated:
            front.append(i)
    return front


def pareto_front(columns: Sequence[str], rows: Sequence[dict[str, Any]],
                 objectives: Sequence[str]) -> ParetoResult:
    if len(objectives) < 2:
        raise ConfigError("a Pareto front needs at least two objectives (--x and --y)")
    resolved = [resolve(name, columns) for name in objectives]
    if len(set(resolved)) != len(resolved):
        raise ConfigError(f"objectives {', '.join(objectives)} name the same column twice")
    valid = [r for r in rows if r.get("status") == OK]
    values: list[tuple[float, ...]] = []
    units = [""] * len(resolved)
    for row in valid:
        vector = []
        for k, column in enumerate(resolved):
            number, unit = numeric(row.get(column), column)
            units[k] = units[k] or unit
            vector.append(number)
        values.append(tuple(vector))
    start = columns.index("sweep") + 1 if "sweep" in columns else 1
    end = columns.index("status") if "status" in columns else start
    return ParetoResult(
        objectives=tuple(Objective(n, c, u) for n, c, u in zip(objectives, resolved, units)),
        axes=tuple(columns[start:end]), rows=tuple(valid), values=tuple(values),
        front=tuple(front_indices(values)), skipped=len(rows) - len(valid))


def pareto_of_file(path: Path, objectives: Sequence[str]) -> ParetoResult:
    columns, rows = read_results(path)
    return pareto_front(columns, rows, objectives)
