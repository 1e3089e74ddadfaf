"""``accelsim diff`` as CI runs it: every format parsed back, tolerances per column,
missing columns and rows, non-finite cells, and bad input as one line with exit 2."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_inprocess import CliResult, run_cli

GOLDEN = Path(__file__).resolve().parents[1] / "golden/mobilenet_cifar10__1mb_ddr3.csv"


def write_table(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None,
                bom: bool = False) -> Path:
    columns = columns if columns is not None else list(rows[0])
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def golden_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(GOLDEN.open(newline="")))


@pytest.fixture()
def changed(tmp_path: Path) -> tuple[Path, Path]:
    """EXPECTED (the golden table) and an ACTUAL with one changed cell (layer 23's
    data movement, +1000 bits), no energy_pj column and no layer 30."""
    rows = golden_rows()
    rows[22]["data_movement_bits"] = str(int(rows[22]["data_movement_bits"]) + 1000)
    columns = [c for c in rows[0] if c != "energy_pj"]
    return GOLDEN, write_table(tmp_path / "actual.csv", rows[:-1], columns)


def assert_one_line_error(done: CliResult, *fragments: str) -> None:
    assert done.code == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("accelsim: error: "), done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


EXPECTED_DIFFERENCES = {("cell", "23", "data_movement_bits", "8136192", "8137192"),
                        ("missing_column", "", "energy_pj", "present", "missing"),
                        ("missing_row", "30", "", "present", "missing")}


def test_json_lists_each_difference_with_its_line(changed: tuple[Path, Path]) -> None:
    done = run_cli("diff", *map(str, changed), "--format", "json")
    assert done.code == 1, done
    doc = json.loads(done.stdout)
    assert not doc["equal"] and doc["key"] == "layer" and doc["expected_rows"] == 30
    assert {(d["kind"], d["key"], d["column"], d["expected"], d["actual"])
            for d in doc["differences"]} == EXPECTED_DIFFERENCES
    assert doc["missing_columns"] == ["energy_pj"]
    lines = {d["kind"]: d["line"] for d in doc["differences"]}
    assert lines == {"cell": 24, "missing_column": 1, "missing_row": 31}  # header is line 1
    assert doc["compared_cells"] == 29 * (len(golden_rows()[0]) - 2)


def test_markdown_is_a_table_of_the_differences(changed: tuple[Path, Path]) -> None:
    done = run_cli("diff", *map(str, changed), "--format", "markdown")
    assert done.code == 1, done
    assert done.stdout.startswith("### accelsim diff: 3 differences\n")
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]
    assert cells[0] == ["layer", "column", "expected", "actual"]
    assert set(cells[1]) == {"---"}
    assert {tuple(row) for row in cells[2:]} == {
        ("23", "data_movement_bits", "8136192", "8137192"),
        ("(every row)", "energy_pj", "present", "missing"), ("30", "(row)", "present", "missing")}


def test_junit_has_a_case_per_expected_row_and_fails_the_changed_ones(
        changed: tuple[Path, Path]) -> None:
    done = run_cli("diff", *map(str, changed), "--format", "junit")
    assert done.code == 1, done
    root = ET.fromstring(done.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert len(cases) == 30 + 2 and suite.get("tests") == "32" and suite.get("failures") == "3"
    failed = {name for name, case in cases.items() if case.find("failure") is not None}
    assert failed == {"layer=23", "layer=30", "columns"}
    failure = cases["layer=23"].find("failure")
    assert failure is not None and "data_movement_bits" in (failure.get("message") or "")
    assert "8137192" in (failure.text or "")


def test_github_annotations_point_at_the_lines(changed: tuple[Path, Path]) -> None:
    expected, actual = changed
    done = run_cli("diff", str(expected), str(actual), "--format", "github")
    assert done.code == 1, done
    pattern = re.compile(r"::error file=(?P<file>[^,]*),line=(?P<line>\d+),title=[^:]*::(?P<msg>.*)")
    errors = [m.groupdict() for line in done.stdout.splitlines() if (m := pattern.fullmatch(line))]
    assert len(errors) == 3, done.stdout
    by_line = {int(e["line"]): e for e in errors}
    assert by_line[24]["file"] == str(actual) and "8137192" in by_line[24]["msg"]
    assert by_line[31]["file"] == str(expected) and "row missing" in by_line[31]["msg"]
    assert "energy_pj" in by_line[1]["msg"]
    assert done.stdout.splitlines()[-1].startswith("accelsim diff: 3 differences")


def test_equal_tables_in_every_format_exit_0(tmp_path: Path) -> None:
    for fmt in ("text", "markdown", "json", "junit", "github"):
        done = run_cli("diff", str(GOLDEN), str(GOLDEN), "--format", fmt)
        assert done.code == 0, (fmt, done)
    assert json.loads(run_cli("diff", str(GOLDEN), str(GOLDEN), "--format", "json").stdout)["equal"]
    notice = run_cli("diff", str(GOLDEN), str(GOLDEN), "--format", "github").stdout
    assert "::error" not in notice and notice.startswith("::notice ")


def test_out_writes_the_report_and_prints_one_line(changed: tuple[Path, Path],
                                                   tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    done = run_cli("diff", *map(str, changed), "--format", "junit", "--out", str(report))
    assert done.code == 1, done
    assert ET.parse(report).getroot().tag == "testsuites"
    assert len(done.stdout.splitlines()) == 1 and str(report) in done.stdout


def test_tolerance_per_column_and_ignored_columns(tmp_path: Path) -> None:
    rows = golden_rows()
    for row in rows:
        row["performance_s"] = repr(float(row["performance_s"]) * 1.001)
        row["macs"] = str(int(row["macs"]) + 5)
    actual = write_table(tmp_path / "a.csv", rows)
    assert run_cli("diff", str(GOLDEN), str(actual)).code == 1
    loose = ("--rtol-col", "performance_s=0.01", "--atol-col", "macs=5")
    assert run_cli("diff", str(GOLDEN), str(actual), *loose).code == 0
    assert run_cli("diff", str(GOLDEN), str(actual), "--rtol-col", "performance_s=1e-4",
                   "--atol-col", "macs=5").code == 1
    assert run_cli("diff", str(GOLDEN), str(actual), "--ignore", "performance_s",
                   "--ignore", "macs").code == 0
    done = run_cli("diff", str(GOLDEN), str(actual), "--ignore", "macs", "--format", "json")
    doc = json.loads(done.stdout)
    assert doc["ignored_columns"] == ["macs"]
    assert {d["column"] for d in doc["differences"]} == {"performance_s"}


def test_tables_sharing_only_the_key_differ(tmp_path: Path) -> None:
    """Issue 13: "0 cells in 0 shared columns agree" with exit 0."""
    other = write_table(tmp_path / "other.csv", [{"layer": r["layer"], "x": "1"}
                                                 for r in golden_rows()])
    done = run_cli("diff", str(GOLDEN), str(other), "--format", "json")
    assert done.code == 1
    assert len(json.loads(done.stdout)["missing_columns"]) == len(golden_rows()[0]) - 1


def test_identical_non_finite_cells_agree_and_others_do_not(tmp_path: Path) -> None:
    table = [{"layer": "1", "a": "inf", "b": "-inf", "c": "nan", "d": "1e400"}]
    expected = write_table(tmp_path / "e.csv", table)
    same = write_table(tmp_path / "s.csv", [{"layer": "1", "a": "inf", "b": "-inf",
                                             "c": "NaN", "d": "inf"}])
    assert run_cli("diff", str(expected), str(same)).code == 0
    for column, value in (("a", "-inf"), ("b", "1e308"), ("c", "0"), ("a", "nan")):
        other = write_table(tmp_path / "o.csv", [{**table[0], column: value}])
        done = run_cli("diff", str(expected), str(other), "--rtol", "1", "--format", "json")
        assert done.code == 1, (column, value)
        assert [d["column"] for d in json.loads(done.stdout)["differences"]] == [column]


def test_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    with_bom = write_table(tmp_path / "bom.csv", golden_rows(), bom=True)
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run_cli("diff", str(with_bom), str(GOLDEN)).code == 0
    assert run_cli("diff", str(GOLDEN), str(with_bom)).code == 0


def test_digit_separators_are_text_not_numbers(tmp_path: Path) -> None:
    expected = write_table(tmp_path / "e.csv", [{"layer": "1", "a": "28"}])
    actual = write_table(tmp_path / "a.csv", [{"layer": "1", "a": "2_8"}])
    assert run_cli("diff", str(expected), str(actual), "--rtol", "0.5").code == 1


def test_rows_only_in_actual_differ(tmp_path: Path) -> None:
    rows = golden_rows()
    longer = write_table(tmp_path / "a.csv", [*rows, {**rows[-1], "layer": "31"}])
    done = run_cli("diff", str(GOLDEN), str(longer), "--format", "json")
    assert done.code == 1
    assert [(d["kind"], d["key"]) for d in json.loads(done.stdout)["differences"]] == [
        ("extra_row", "31")]


@pytest.mark.parametrize("args, fragments", [
    (("--rtol", "nan"), ("--rtol", "nan")),
    (("--atol", "-1"), ("--atol", ">= 0")),
    (("--rtol-col", "macs"), ("--rtol-col", "COLUMN=NUMBER")),
    (("--rtol-col", "macs=lots"), ("--rtol-col", "macs=lots")),
    (("--rtol-col", "macs=nan"), ("--rtol-col macs", "nan")),
    (("--atol-col", "nope=1"), ("--atol-col", "nope", "no such column")),
    (("--atol-col", "macs=1", "--atol-col", "macs=2"), ("macs", "twice")),
    (("--ignore", "nope"), ("--ignore", "nope")),
    (("--ignore", "layer"), ("--ignore", "key column")),
    (("--ignore", "macs", "--rtol-col", "macs=1"), ("macs", "--ignore")),
    (("--format", "xml"), ("--format", "xml")),
    (("--out", "/nonexistent-folder/r.md"), ("--out", "does not exist")),
    (("--key", "nope"), ("nope",)),
])
def test_bad_options_are_one_line_and_exit_2(args: tuple[str, ...],
                                             fragments: tuple[str, ...]) -> None:
    assert_one_line_error(run_cli("diff", str(GOLDEN), str(GOLDEN), *args), *fragments)


def test_comparisons_that_cannot_fail_are_refused(tmp_path: Path) -> None:
    keys = write_table(tmp_path / "k.csv", [{"layer": "1"}])
    assert_one_line_error(run_cli("diff", str(keys), str(keys)), "k.csv", "besides the key")
    empty = tmp_path / "e.csv"
    empty.write_text("layer,a\n")
    assert_one_line_error(run_cli("diff", str(empty), str(empty)), "e.csv", "no rows")


def test_out_naming_an_input_is_refused_and_leaves_it(changed: tuple[Path, Path]) -> None:
    expected, actual = changed
    before = actual.read_bytes()
    assert_one_line_error(run_cli("diff", str(expected), str(actual), "--out", str(actual)),
                          "--out", "input")
    assert actual.read_bytes() == before
