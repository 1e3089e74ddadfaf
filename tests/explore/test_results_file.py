"""The resumable results file: whole lines, torn-line recovery, one row per point."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import ConfigError
from accelsim.explore.results import ResultsWriter, read_results

PATHS = ("sram.size",)


def row(pid: str, status: str = "ok", **extra: object) -> dict[str, object]:
    return {"point_id": pid, "sweep": "f1", "sram.size": "1 MB", "status": status,
            "error": "" if status == "ok" else "bad,\nvalue", "latency_s": 1.5, **extra}


def test_header_comes_with_the_first_valid_row_and_invalid_rows_wait(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a", "invalid")])
        assert out.read_text() == ""
        writer.write([row("b", energy_pj=2.0)])
    columns, rows = read_results(out)
    assert columns == ("point_id", "sweep", "sram.size", "status", "error", "latency_s",
                       "energy_pj")
    assert [r["point_id"] for r in rows] == ["a", "b"]
    assert rows[0]["error"] == "bad, value" and rows[1]["energy_pj"] == 2.0
    assert out.read_text().count("\n") == 3


def test_a_sweep_of_only_invalid_points_still_writes_them(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a", "invalid")])
    assert [r["status"] for r in read_results(out)[1]] == ["invalid"]


def test_resume_drops_a_torn_line_and_skips_finished_points(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a"), row("b")])
    with open(out, "a") as handle:
        handle.write("c,f1,1 MB,ok,,0.0")  # a write cut short by a kill
    writer = ResultsWriter(out, PATHS, "f1")
    assert writer.has("a") and writer.has("b") and not writer.has("c")
    writer.write([row("b"), row("c")])  # b is there already
    writer.close()
    ids = [r["point_id"] for r in read_results(out)[1]]
    assert ids == ["a", "b", "c"]
    assert out.read_bytes().endswith(b"\n")


def test_a_file_of_another_sweep_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a")])
    with pytest.raises(ConfigError, match="another sweep"):
        ResultsWriter(out, ("dram.preset",), "f1")
    with pytest.raises(ConfigError, match="another base config"):
        ResultsWriter(out, PATHS, "f2")


def test_parquet_copy_reads_back_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from accelsim.explore.results import write_parquet

    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a", overflow_layer=3), row("b", overflow_layer="")])
    write_parquet(out, tmp_path / "r.parquet")
    columns, rows = read_results(tmp_path / "r.parquet")
    assert columns == read_results(out)[0]
    assert [r["point_id"] for r in rows] == ["a", "b"] and rows[0]["overflow_layer"] == 3


def test_a_new_figure_widens_the_header_instead_of_being_dropped(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a"), row("b", "invalid")])
        writer.write([row("c", energy_pj=2.0)])  # a point whose config has energy
        writer.write([row("d")])
    columns, rows = read_results(out)
    assert columns[-1] == "energy_pj"
    assert [(r["point_id"], r["energy_pj"]) for r in rows] == [
        ("a", ""), ("b", ""), ("c", 2.0), ("d", "")]
    assert not list(tmp_path.glob(".*"))  # the rewrite left nothing beside the file


def test_resuming_an_older_file_keeps_the_new_columns(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    with ResultsWriter(out, PATHS, "f1") as writer:
        writer.write([row("a")])
    writer = ResultsWriter(out, PATHS, "f1")  # a newer accelsim reports more per point
    writer.write([row("b", sram_energy_pj=7.5)])
    writer.write([row("c", sram_energy_pj=8.0)])
    writer.close()
    columns, rows = read_results(out)
    assert "sram_energy_pj" in columns
    assert [r["sram_energy_pj"] for r in rows] == ["", 7.5, 8.0]
    with ResultsWriter(out, PATHS, "f1") as again:
        assert all(again.has(x) for x in "abc") and len(again.done) == 3
