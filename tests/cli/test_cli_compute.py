"""`accelsim run` on the shipped systolic-array configs: cycles, utilisation and energy.

The bundled MobileNet's 27 convolutions are the paper's Table 1, which
SCALE-Sim v3 ran on a 32x32 weight-stationary array
(tests/data/reference/scalesim/): the CSV's compute cycles must be SCALE-Sim's,
without the memory stalls it adds on 8 layers (tests/sim/compute explains why).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "tests" / "data" / "reference" / "scalesim" / "mobilenet_ws32x32.csv"
CONV_OPS = ("conv", "depthwise", "pointwise")
# The shipped configs' energy section (hwconfigs/systolic_32x32_*.yaml), in pJ.
MAC_PJ, SRAM_PJ = 0.23, 12.5
DDR_READ_PJ, DDR_WRITE_PJ, ACTIVATE_PJ, REFRESH_PJ = 100.4, 73.4, 1230.0, 69_100.0
TREFI_PS = 7_800_000  # DDR3-1066: 4,160 clocks of 1,875 ps


def run(hw: str, tmp_path: Path) -> tuple[str, list[dict[str, str]], dict[str, Any]]:
    out_csv, out_json = tmp_path / f"{hw}.csv", tmp_path / f"{hw}.json"
    proc = subprocess.run(
        [sys.executable, "-m", "accelsim", "run", "--hw", f"hwconfigs/{hw}.yaml",
         "--csv", str(out_csv), "--json", str(out_json)],
        cwd=REPO, capture_output=True, text=True, check=False,
        env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out_csv.open()))
    return proc.stdout, rows, json.loads(out_json.read_text())


@pytest.fixture(scope="module")
def array_run(tmp_path_factory: pytest.TempPathFactory):
    return run("systolic_32x32_ws", tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="module")
def vector_run(tmp_path_factory: pytest.TempPathFactory):
    return run("systolic_32x32_vector", tmp_path_factory.mktemp("vector"))


def reference() -> list[dict[str, str]]:
    return [row for row in csv.DictReader(REFERENCE.open()) if row["layer"] != "TOTAL"]


def test_conv_cycles_and_folds_are_scalesims(array_run) -> None:
    _, rows, _ = array_run
    convs = [r for r in rows if r["op"] in CONV_OPS]
    ref = reference()
    assert len(convs) == len(ref) == 27
    assert [r["layer"] for r in convs] == [str(i) for i in range(1, 28)]
    stalled = 0
    for row, expected in zip(convs, ref):
        assert row["layer_name"].split("/")[-2] in expected["layer"], \
            (row["layer_name"], expected["layer"])
        assert int(row["macs"]) == int(expected["macs"])
        assert int(row["compute_cycles"]) == \
            int(expected["compute_cycles"]) - int(expected["stall_cycles"])
        assert int(row["folds"]) == int(expected["folds"])
        assert row["compute_unit"] == "array"
        # At 1 GHz a cycle is 1,000 ps; tiles split the layer's time exactly.
        assert int(row["compute_ps"]) == 1000 * int(row["compute_cycles"])
        stalled += int(expected["stall_cycles"]) > 0
    assert stalled == 8


def test_depthwise_on_the_array_is_under_one_percent_utilised(array_run) -> None:
    stdout, rows, _ = array_run
    depthwise = [r for r in rows if r["op"] == "depthwise"]
    assert len(depthwise) == 13
    assert all(float(r["compute_utilization"]) < 0.01 for r in depthwise)
    pointwise = [r for r in rows if r["op"] == "pointwise"]
    assert all(float(r["compute_utilization"]) > 0.3 for r in pointwise)
    assert "util %" in stdout and "cycles" in stdout and "Compute: " in stdout
    assert "depthwise on the array" in stdout


def test_vector_unit_makes_depthwise_layers_faster(array_run, vector_run) -> None:
    _, on_array, array_doc = array_run
    stdout, on_vector, vector_doc = vector_run
    assert len(on_array) == len(on_vector)
    for a, v in zip(on_array, on_vector):
        assert a["layer_name"] == v["layer_name"]
        if a["op"] == "depthwise":
            assert v["compute_unit"] == "vector"
            assert int(v["compute_ps"]) < int(a["compute_ps"]) / 3
            assert float(v["compute_utilization"]) > 0.99
        elif a["op"] in ("pool", "softmax"):
            assert v["compute_unit"] == "vector"
        else:
            assert v["compute_unit"] == "array"
            assert v["compute_cycles"] == a["compute_cycles"]
    assert vector_doc["totals"]["performance_ps"] < 0.6 * array_doc["totals"]["performance_ps"]
    assert "depthwise on the vector unit" in stdout


@pytest.mark.parametrize("which", ["array_run", "vector_run"])
def test_energy_breakdown_adds_up_and_follows_the_counts(which, request) -> None:
    stdout, rows, doc = request.getfixturevalue(which)
    for r in rows:
        parts = [float(r[f"energy_{p}_pj"]) for p in ("compute", "sram", "ddr", "static")]
        assert float(r["energy_pj"]) == pytest.approx(sum(parts), rel=1e-12)
        # MACs, and vector work at a lane cycle (a MAC's energy) each: Relus, the pool's adds
        # are one cycle each; the softmax's exps and divide are dearer.
        lane_ops = int(r["macs"]) + int(r["vector_ops"])
        if r["op"] == "softmax":
            assert float(r["energy_compute_pj"]) > lane_ops * MAC_PJ > 0
        else:
            assert float(r["energy_compute_pj"]) == pytest.approx(lane_ops * MAC_PJ)
        sram_bytes = int(r["sram_read_bytes"]) + int(r["sram_write_bytes"])
        assert float(r["energy_sram_pj"]) == pytest.approx(sram_bytes * SRAM_PJ)
        assert float(r["energy_ddr_pj"]) == pytest.approx(
            int(r["ddr_read_bytes"]) * DDR_READ_PJ + int(r["ddr_write_bytes"]) * DDR_WRITE_PJ
            + int(r["ddr_activates"]) * ACTIVATE_PJ + int(r["ddr_refreshes"]) * REFRESH_PJ)
        assert float(r["energy_static_pj"]) == 0.0
        # SRAM: DMA fills and drains, plus one read of operands and one write of results.
        assert int(r["sram_write_bytes"]) >= int(r["ddr_read_bytes"])
        assert int(r["sram_read_bytes"]) >= int(r["ddr_write_bytes"])
    totals = doc["totals"]
    assert totals["energy_pj"] == pytest.approx(sum(float(r["energy_pj"]) for r in rows))
    assert totals["energy_pj"] == pytest.approx(
        sum(totals[f"energy_{p}_pj"] for p in ("compute", "sram", "ddr", "static")))
    # Real DDR3 refreshes: one per tREFI of the run (the idle tail may be uncounted).
    assert totals["performance_ps"] // TREFI_PS - 1 <= totals["ddr_refreshes"] \
        <= totals["performance_ps"] // TREFI_PS
    assert totals["ddr_activates"] > 0
    assert f"Energy {totals['energy_pj'] / 1e6:.4g} uJ" in stdout


def test_ddr_energy_scales_with_bytes(array_run) -> None:
    """Per layer, DDR energy less commands is bytes x per-byte cost: twice the bytes,
    twice that energy."""
    _, rows, _ = array_run
    data = [(int(r["ddr_read_bytes"]), float(r["energy_ddr_pj"])
             - int(r["ddr_activates"]) * ACTIVATE_PJ - int(r["ddr_refreshes"]) * REFRESH_PJ)
            for r in rows if int(r["ddr_write_bytes"]) == 0 and int(r["ddr_read_bytes"])]
    assert len(data) > 10
    for nbytes, pj in data:
        assert pj == pytest.approx(nbytes * DDR_READ_PJ)
    big, small = max(data), min(data)
    assert big[1] / small[1] == pytest.approx(big[0] / small[0])
