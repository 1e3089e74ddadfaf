"""The paper's Tables 3 and 4 against a simulated run, cell by cell.

The published tables, their printed total and the errata (which cell
disagrees, and why) are data in ``accelsim/data/paper``; this module only
compares. Table 3 cells compare exactly; Table 4 cells compare at the
precision they were printed with (``3.92275E-06`` to 1e-11 s,
``0.000002568`` to 1e-9 s), rounding half up. A disagreement no erratum
explains is reported as unexplained: that is a bug in accelsim or in the errata.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path

from accelsim.api import RunResult
from accelsim.sim.results import LayerResult

TABLE3_COLUMNS = ("input_fmap_bits", "output_fmap_bits", "internal_memory_bits",
                  "data_movement_bits")
COMPUTED_TABLE3 = ("internal_memory_bits", "data_movement_bits")
TABLE4_COLUMNS = ("data_movement_s", "compute_s", "performance_s")


def paper_sizes_path() -> Path:
    """The paper's own per-layer sizes as a layer table (explicit-size rows)."""
    return Path(str(resources.files("accelsim.data").joinpath("paper", "paper_layer_sizes.csv")))


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("accelsim.data").joinpath("paper", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class Erratum:
    workload: str
    table: int
    column: str
    first_layer: int
    last_layer: int
    explanation: str

    def covers(self, workload: str, table: int, column: str, layer: int) -> bool:
        return (self.workload == workload and self.table == table and self.column == column
                and self.first_layer <= layer <= self.last_layer)


def load_errata() -> tuple[Erratum, ...]:
    return tuple(Erratum(r["workload"], int(r["table"]), r["column"], int(r["first_layer"]),
                         int(r["last_layer"]), r["explanation"])
                 for r in _read_csv("errata.csv"))


@dataclass(frozen=True)
class CellCheck:
    """One published cell against the simulated one, both as printed."""

    table: int
    layer: int
    column: str
    published: str
    simulated: str
    agrees: bool
    computed: bool
    explanation: str | None


@dataclass(frozen=True)
class TotalCheck:
    published_s: str
    explanation: str
    sum_of_rows_s: Decimal
    simulated_s: Decimal


@dataclass(frozen=True)
class Reproduction:
    workload: str
    title: str
    cells: tuple[CellCheck, ...]
    total: TotalCheck
    extra_layers: tuple[str, ...]

    def count(self, table: int, computed_only: bool = True) -> tuple[int, int]:
        """(agreeing, compared) cells of one table."""
        cells = [c for c in self.cells if c.table == table and (c.computed or not computed_only)]
        return sum(c.agrees for c in cells), len(cells)

    @property
    def unexplained(self) -> tuple[CellCheck, ...]:
        return tuple(c for c in self.cells if not c.agrees and c.explanation is None)


def _seconds(time_ps: int) -> Decimal:
    return Decimal(time_ps) / Decimal(10**12)


def at_printed_precision(value: Decimal, printed: str) -> str:
    """``value`` rounded to the last digit ``printed`` shows, written the same way."""
    quantum = Decimal(1).scaleb(Decimal(printed).as_tuple().exponent)  # type: ignore[arg-type]
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    if "E" in printed.upper():
        digits = len(Decimal(printed).as_tuple().digits)
        return f"{float(rounded):.{digits - 1}E}"
    return f"{rounded:f}"


def _table3_value(layer: LayerResult, column: str) -> int:
    return int(getattr(layer, column))


def _table4_value(layer: LayerResult, column: str) -> Decimal:
    ps = {"data_movement_s": layer.movement_ps, "compute_s": layer.compute_ps,
          "performance_s": layer.performance_ps}[column]
    return _seconds(ps)


def compare_with_paper(run: RunResult, workload: str, title: str) -> Reproduction:
    """Compare the first 27 layers of ``run`` with Tables 3 and 4."""
    errata = [e for e in load_errata() if e.workload == workload]

    def explain(table: int, column: str, layer: int) -> str | None:
        return next((e.explanation for e in errata if e.covers(workload, table, column, layer)),
                    None)

    table3, table4 = _read_csv("table3_memory.csv"), _read_csv("table4_timing.csv")
    layers = run.sim.layers
    cells: list[CellCheck] = []
    for row in table3:
        index = int(row["layer"])
        layer = layers[index - 1]
        for column in TABLE3_COLUMNS:
            value = _table3_value(layer, column)
            agrees = value == int(row[column])
            cells.append(CellCheck(3, index, column, row[column], str(value), agrees,
                                   column in COMPUTED_TABLE3,
                                   None if agrees else explain(3, column, index)))
    for row in table4:
        index = int(row["layer"])
        layer = layers[index - 1]
        for column in TABLE4_COLUMNS:
            simulated = at_printed_precision(_table4_value(layer, column), row[column])
            agrees = Decimal(simulated) == Decimal(row[column])
            cells.append(CellCheck(4, index, column, row[column], simulated, agrees, True,
                                   None if agrees else explain(4, column, index)))
    printed_total = next(r for r in _read_csv("published_totals.csv")
                         if r["table"] == "4" and r["column"] == "performance_s")
    total = TotalCheck(
        published_s=printed_total["value"], explanation=printed_total["explanation"],
        sum_of_rows_s=sum((Decimal(r["performance_s"]) for r in table4), Decimal(0)),
        simulated_s=_seconds(sum(r.performance_ps for r in layers[:len(table4)])))
    extra = tuple(f"{r.index} {r.name} ({r.op})" for r in layers[len(table4):])
    return Reproduction(workload, title, tuple(cells), total, extra)
