"""Bad input to ``accelsim run`` and ``verify``: one line naming the file, exit 2, quickly.

Run in-process (``cli_inprocess``): these are about messages, not processes.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from cli_inprocess import assert_one_line_error, run_cli

REPO = Path(__file__).resolve().parents[2]
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"


def test_a_config_too_small_for_the_model_is_named(tmp_path: Path) -> None:
    hw = tmp_path / "tiny.yaml"
    hw.write_text(TILED.read_text().replace("size: 1 MB", "size: 8 b"))
    assert_one_line_error(run_cli("run", "--hw", str(hw), "-q"),
                          f"{hw}: SRAM of 8 bits", "too small for layer 1")


def test_a_run_beyond_what_a_timed_dram_simulates_is_refused_before_it_runs(
        tmp_path: Path) -> None:
    # One 1x3x2**10x2**10 Conv to 65,536 channels: 68 GB of output through a DDR3 model
    # that simulates every burst (hours), on an SRAM big enough to tile it. Refused at
    # once, in a run and as a sweep point; the ideal pipe times it in a second.
    table = tmp_path / "wide.csv"
    table.write_text("type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n"
                     "conv,3,65536,1024,1024,3,1,1\n")
    hw = tmp_path / "big.yaml"
    hw.write_text(TILED.read_text().replace("size: 1 MB", "size: 1 TiB"))
    assert_one_line_error(run_cli("run", "--hw", str(hw), "--model", str(table), "-q"),
                          f"{hw}: the run moves 68,724,391,936 bytes over DDR (the limit is "
                          "passed at layer 1",
                          "(16 GiB) a timed DRAM model simulates", "dram.model: ideal",
                          seconds=20)
    out = tmp_path / "r.csv"
    done = run_cli("sweep", "--hw", str(hw), "--model", str(table), "--set",
                   "sram.size=512GiB,1TiB", "--out", str(out), "-j", "1", "-q")
    assert done.code == 0 and done.seconds < 30, done.stderr
    assert "2 invalid" in done.said
    ideal = tmp_path / "ideal.yaml"
    config = yaml.safe_load(hw.read_text())
    config["dram"] = {"model": "ideal", "bandwidth": "1 GB/s"}
    ideal.write_text(yaml.safe_dump(config))
    assert run_cli("run", "--hw", str(ideal), "--model", str(table), "-q").code == 0
