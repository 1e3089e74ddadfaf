"""End-to-end results as golden files per (model, hwconfig), through the CLI.

Regenerate only on purpose: ``pytest tests/report/test_golden_runs.py --regen-golden``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accelsim.report.diff import diff_tables

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"

CASES = [
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "1mb_ddr3"),
    ("paper_layer_sizes", "accelsim/data/paper/paper_layer_sizes.csv", "1mb_ddr3"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "1mb_ddr3_1066_tiled"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "edge_ddr3_1600"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "systolic_32x32_ws"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "systolic_32x32_vector"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "edge_lpddr4"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "server_ddr4"),
    ("mobilenet_cifar10", "models/mobilenet_cifar10.onnx", "hbm2_accelerator"),
]


@pytest.mark.parametrize("model_name, model, hw", CASES)
def test_run_matches_golden(model_name, model, hw, tmp_path, regen_golden) -> None:
    out = tmp_path / "run.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "accelsim", "run", "--hw", f"hwconfigs/{hw}.yaml",
         "--model", model, "--csv", str(out), "--quiet"],
        cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    golden = GOLDEN / f"{model_name}__{hw}.csv"
    if regen_golden:
        shutil.copyfile(out, golden)
        pytest.skip(f"regenerated {golden.name}")
    assert out.read_text().splitlines()[0] == golden.read_text().splitlines()[0], \
        "columns changed: regenerate the golden files on purpose with --regen-golden"
    result = diff_tables(golden, out, rtol=0.0, atol=0.0)
    assert result.differences == ()
    assert result.compared_cells > 20 * 20
