"""Bad input to ``accelsim run`` and ``verify``: one line naming the file, exit 2, quickly.

Run in-process (``cli_inprocess``): these are about messages, not processes.
"""

from __future__ import annotations

from pathlib import Path

from cli_inprocess import assert_one_line_error, run_cli

REPO = Path(__file__).resolve().parents[2]
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"


def test_a_config_too_small_for_the_model_is_named(tmp_path: Path) -> None:
    hw = tmp_path / "tiny.yaml"
    hw.write_text(TILED.read_text().replace("size: 1 MB", "size: 8 b"))
    assert_one_line_error(run_cli("run", "--hw", str(hw), "-q"),
                          f"{hw}: SRAM of 8 bits", "too small for layer 1")
