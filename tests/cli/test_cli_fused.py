"""The fused policy from the command line: a config naming it, a sweep over policies, and
a fusion option on a policy without fusion (one error line, exit 2)."""

from __future__ import annotations

import csv
from pathlib import Path

from cli_process import accelsim, assert_user_error

REPO = Path(__file__).resolve().parents[2]
TILED = (REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml").read_text()


def config(tmp_path: Path, policy: str, size: str = "1 MB") -> Path:
    text = TILED.replace("  name: tiled\n  pipeline_tiles: 8\n", policy).replace(
        "size: 1 MB", f"size: {size}")
    path = tmp_path / "hw.yaml"
    path.write_text(text)
    return path


def test_a_fusion_option_on_the_tiled_policy_is_one_error_line(tmp_path: Path) -> None:
    hw = config(tmp_path, "  name: tiled\n  halo: recompute\n")
    assert_user_error(accelsim("run", "--hw", str(hw)), str(hw),
                      "'halo' is an option of the fused policy")


def test_a_sweep_over_tiled_and_fused(tmp_path: Path) -> None:
    hw = config(tmp_path, "  name: tiled\n", size="64 KB")
    out = tmp_path / "sweep.csv"
    accelsim("sweep", "--hw", str(hw), "--set", "policy.name=tiled,fused", "-o", str(out),
             check=0)
    rows = list(csv.DictReader(out.open()))
    assert sorted(r["policy.name"] for r in rows) == ["fused", "tiled"]
    by = {r["policy.name"]: r for r in rows}
    assert all(r["status"] == "ok" for r in rows)
    assert float(by["fused"]["performance_s"]) <= float(by["tiled"]["performance_s"])
    assert int(by["fused"]["spill_bytes"]) < int(by["tiled"]["spill_bytes"])
