"""The accelsim command as users run it: a real subprocess, real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from cli_process import accelsim, assert_user_error

REPO = Path(__file__).resolve().parents[2]
HW = "hwconfigs/1mb_ddr3.yaml"


def test_run_prints_both_tables_and_the_overflow(tmp_path: Path) -> None:
    proc = accelsim("run", "--hw", HW, "--csv", str(tmp_path / "r.csv"),
                    "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Memory (bits)" in out and "Timing (seconds)" in out
    assert "SPILL" in out
    assert "SRAM overflowed at layer 23" in out
    rows = list(csv.DictReader((tmp_path / "r.csv").open()))
    assert len(rows) == 30
    for column in ("model", "hw", "layer", "layer_name", "op", "input_fmap_bits",
                   "output_fmap_bits", "weight_params",
                   "macs", "internal_memory_bits", "data_movement_bits", "spill",
                   "data_movement_s", "compute_s", "performance_s"):
        assert column in rows[0]
    assert [r["layer"] for r in rows if r["spill"] == "1"] == ["23"]
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["totals"]["spilled_layers"] == [23]
    assert doc["layers"][22]["data_movement_bits"] == 8_136_192
    assert {s["unit"] for s in doc["steps"]} == {"ddr", "compute"}


def test_run_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert accelsim("run", "--hw", HW, "--json", str(tmp_path / f"{name}.json"),
                        "-q").returncode == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_run_from_another_folder_finds_the_bundled_model(tmp_path: Path) -> None:
    proc = accelsim("run", "--hw", str(REPO / HW), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_run_on_a_layer_table(tmp_path: Path) -> None:
    proc = accelsim("run", "--hw", HW, "--model", "accelsim/data/paper/table1_layers.csv")
    assert proc.returncode == 0, proc.stderr
    assert "SRAM overflowed at layer 23" in proc.stdout


@pytest.mark.parametrize("yaml_text, fragment", [
    ("name: x\nsram: {size: 1 MB\n", "malformed YAML"),
    ("name: x\nsram: {sise: 1 MB}\n", "sram.sise: unknown key"),
    ("name: x\nsram: {size: 1 MegaByte}\n", "'MegaByte'"),
    ("name: x\nsram: {size: -1 MB}\n", "must not be negative"),
])
def test_bad_hw_config(tmp_path: Path, yaml_text: str, fragment: str) -> None:
    path = tmp_path / "hw.yaml"
    path.write_text(yaml_text)
    out = tmp_path / "out.csv"
    assert_user_error(accelsim("run", "--hw", str(path), "--csv", str(out)), str(path), fragment)
    assert not out.exists()


def test_missing_and_corrupt_onnx(tmp_path: Path) -> None:
    assert_user_error(accelsim("run", "--hw", HW, "--model", str(tmp_path / "none.onnx")),
                      "none.onnx")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes((REPO / "models/mobilenet_cifar10.onnx").read_bytes()[:5000])
    out = tmp_path / "out.json"
    assert_user_error(accelsim("run", "--hw", HW, "--model", str(corrupt), "--json", str(out)),
                      "corrupt.onnx")
    assert not out.exists()


def test_unsupported_op_names_node_and_op(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Hardmax", ["x"], ["y"], name="the_hardmax")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    path = tmp_path / "hardmax.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    assert_user_error(accelsim("run", "--hw", HW, "--model", str(path)), "the_hardmax", "Hardmax",
                      "Conv")


def test_output_into_missing_folder_fails_before_work(tmp_path: Path) -> None:
    assert_user_error(accelsim("run", "--hw", HW, "--csv", str(tmp_path / "no" / "r.csv")),
                      "does not exist")


def test_diff_exit_codes_and_named_cell(tmp_path: Path) -> None:
    table = tmp_path / "a.csv"
    assert accelsim("run", "--hw", HW, "--csv", str(table), "-q").returncode == 0
    same = accelsim("diff", str(table), str(table))
    assert same.returncode == 0, same.stdout + same.stderr
    rows = list(csv.DictReader(table.open()))
    rows[22]["data_movement_bits"] = str(int(rows[22]["data_movement_bits"]) + 1000)
    changed = tmp_path / "b.csv"
    with changed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    proc = accelsim("diff", str(table), str(changed))
    assert proc.returncode == 1
    assert "data_movement_bits" in proc.stdout and "8136192" in proc.stdout
    assert "8137192" in proc.stdout and "23" in proc.stdout
    assert accelsim("diff", str(table), str(changed), "--atol", "1000").returncode == 0
    assert_user_error(accelsim("diff", str(table), str(tmp_path / "none.csv")), "none.csv")
    assert_user_error(accelsim("diff", str(table), str(changed), "--key", "nope"), "nope")


def test_reproduce_paper() -> None:
    proc = accelsim("reproduce", "paper")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "51 of 54 cells agree" in proc.stdout
    assert "79 of 81 cells agree" in proc.stdout
    assert "UNEXPLAINED" not in proc.stdout
    assert "layer 7's row" in proc.stdout


def test_model_command_regenerates_the_bundled_model_bit_for_bit(tmp_path: Path) -> None:
    out = tmp_path / "m.onnx"
    proc = accelsim("model", "mobilenet", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == (REPO / "models/mobilenet_cifar10.onnx").read_bytes()
    smaller = tmp_path / "half.onnx"
    assert accelsim("model", "mobilenet", "--alpha", "0.5", "--rho", "0.5",
                    "-o", str(smaller)).returncode == 0
    assert smaller.stat().st_size < out.stat().st_size
    assert_user_error(accelsim("model", "mobilenet", "--alpha", "0", "-o", str(out)), "alpha", "> 0")


def test_timeline_is_a_chrome_trace_of_every_step(tmp_path: Path) -> None:
    trace, doc_path = tmp_path / "t.json", tmp_path / "r.json"
    proc = accelsim("run", "--hw", "hwconfigs/1mb_ddr3_1066_tiled.yaml", "-q",
                    "--timeline", str(trace), "--json", str(doc_path))
    assert proc.returncode == 0, proc.stderr
    events = json.loads(trace.read_text())["traceEvents"]
    slices = [e for e in events if e["ph"] == "X"]
    steps = json.loads(doc_path.read_text())["steps"]
    assert len(slices) == len(steps)
    assert {e["tid"] for e in slices} == {1, 2}
    assert sum(e["args"]["end_ps"] - e["args"]["start_ps"] for e in slices) == \
        sum(s["end_ps"] - s["start_ps"] for s in steps)
    assert any(e["ph"] == "C" for e in events)


def test_usage_mistakes_are_one_line_with_status_2() -> None:
    assert_user_error(accelsim("run"), "Missing option '--hw'")
    assert_user_error(accelsim("run", "--hw", HW, "--bogus"), "No such option: --bogus")
    assert_user_error(accelsim("nosuch"), "No such command 'nosuch'")
    assert accelsim("--help").returncode == 0
