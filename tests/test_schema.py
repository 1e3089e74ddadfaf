"""One schema: every writer's columns are :mod:`accelsim.schema`'s, names carry units,
and ``docs/schema.md`` is the schema rendered.

Regenerate the document only on purpose: ``pytest tests/test_schema.py --regen-golden``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from cli_process import accelsim

from accelsim import schema
from accelsim.schema import (
    JSON_KEYS,
    LAYER_COLUMNS,
    OCCUPANCY_COLUMNS,
    RUN_COLUMNS,
    SCHEMA_VERSION,
    STEP_COLUMNS,
    SWEEP_COLUMNS,
    names,
)

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "schema.md"
SUFFIX_OF_UNIT = {"bits": "_bits", "bytes": "_bytes", "s": "_s", "ps": "_ps", "pJ": "_pj"}


def test_docs_schema_md_is_the_schema_rendered(regen_golden: bool) -> None:
    if regen_golden:
        DOC.write_text(schema.markdown())
        pytest.skip(f"regenerated {DOC.name}")
    assert DOC.read_text() == schema.markdown(), \
        "accelsim/schema.py changed: regenerate docs/schema.md with --regen-golden"


def test_every_name_says_its_unit_and_means_one_thing() -> None:
    seen: dict[str, str] = {}
    for _, _, columns in schema.TABLES:
        assert len(set(names(columns))) == len(columns)
        for c in columns:
            suffix = SUFFIX_OF_UNIT.get(c.unit)
            if suffix is not None:
                assert c.name.endswith(suffix), (c.name, c.unit)
            else:
                assert not c.name.endswith(tuple(SUFFIX_OF_UNIT.values())), (c.name, c.unit)
            assert seen.setdefault(c.name, c.unit) == c.unit, f"{c.name} has two units"
    for columns in (LAYER_COLUMNS, RUN_COLUMNS, STEP_COLUMNS, OCCUPANCY_COLUMNS):
        for name in names(columns):  # every time in seconds has its exact twin
            if name.endswith("_s"):
                assert name.removesuffix("_s") + "_ps" in names(columns), name


def _check_times(row: dict[str, Any]) -> None:
    """``X_s`` is ``X_ps`` in seconds, in any row, read back from any format."""
    for key, value in row.items():
        if key.endswith("_s") and f"{key[:-2]}_ps" in row and value not in ("", None):
            assert float(value) == int(row[f"{key[:-2]}_ps"]) / 10**12, key


@pytest.fixture(scope="module")
def run_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("run")
    accelsim("run", "--hw", "hwconfigs/1mb_ddr3_1066_tiled.yaml", "-q", "--csv",
             str(folder / "r.csv"), "--json", str(folder / "r.json"), check=0)
    return folder / "r.csv", json.loads((folder / "r.json").read_text())


def test_run_csv_has_the_layer_columns(run_files: tuple[Path, dict[str, Any]]) -> None:
    csv_path, _ = run_files
    with csv_path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == names(LAYER_COLUMNS)
    assert {r["model"] for r in rows} == {"mobilenet_cifar10"}
    assert {r["hw"] for r in rows} == {"paper-1mb-ddr3-1066-tiled"}
    for row in rows:
        _check_times(row)


def test_run_json_has_the_schema_and_its_version(run_files: tuple[Path, dict[str, Any]]) -> None:
    _, doc = run_files
    assert tuple(doc) == names(JSON_KEYS)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert tuple(doc["totals"]) == names(RUN_COLUMNS)
    assert all(tuple(row) == names(LAYER_COLUMNS) for row in doc["layers"])
    assert all(tuple(step) == names(STEP_COLUMNS) for step in doc["steps"])
    assert all(tuple(p) == names(OCCUPANCY_COLUMNS) for p in doc["sram_occupancy"])
    totals = doc["totals"]
    _check_times(totals)
    for row in doc["layers"] + doc["steps"] + doc["sram_occupancy"]:
        _check_times(row)
    layers = doc["layers"]
    for name in ("macs", "ddr_read_bytes", "ddr_write_bytes", "spill_bytes", "compute_ps",
                 "energy_pj"):
        assert totals[name] == pytest.approx(sum(r[name] for r in layers)), name
    assert totals["ddr_bytes"] == totals["ddr_read_bytes"] + totals["ddr_write_bytes"]
    assert totals["performance_ps"] == layers[-1]["end_ps"]
    assert totals["spilled_layers"] == [r["layer"] for r in layers if r["spill"]]


def test_sweep_rows_parquet_and_pareto_have_the_run_columns(
        run_files: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    out, parquet, front = tmp_path / "s.csv", tmp_path / "s.parquet", tmp_path / "f.csv"
    accelsim("sweep", "--hw", "hwconfigs/1mb_ddr3_1066_tiled.yaml", "--set",
             "sram.size=64 KB,1 MB,2 B", "--out", str(out),
             "--parquet", str(parquet), "-q", "-j", "1", check=0)
    ids, status = names(SWEEP_COLUMNS)[:2], names(SWEEP_COLUMNS)[2:]
    expected = (*ids, "sram.size", *status, *names(RUN_COLUMNS))
    with out.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == expected
    assert {r["status"] for r in rows} == {"ok", "invalid"}
    for row in rows:
        _check_times(row)
    # The sweep's figures are the JSON's totals for the same machine.
    one_mb = next(r for r in rows if r["sram.size"] == "1 MB")
    _, doc = run_files
    for name, value in doc["totals"].items():
        cell = one_mb[name]
        if isinstance(value, list):
            assert cell == " ".join(map(str, value)), name
        elif isinstance(value, (int, float)) and cell != "":
            assert float(cell) == pytest.approx(value, rel=1e-12), name
        else:
            assert cell == str(value), name
    table = pq.read_table(parquet)
    assert tuple(table.column_names) == expected
    assert table.schema.metadata[b"accelsim_schema_version"] == str(SCHEMA_VERSION).encode()
    assert str(table.schema.field("overflow_layer_name").type) == "string"
    accelsim("pareto", str(out), "--x", "sram.size", "--y", "latency", "--csv", str(front),
             check=0)
    with front.open(newline="") as handle:
        assert tuple(csv.DictReader(handle).fieldnames or ()) == expected
