"""Hardware configs: the paper's machine, and every kind of bad input reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from hw_files import GOOD, error_for, write

from accelsim.api import bundled_hw_path
from accelsim.errors import ConfigError
from accelsim.hw.config import load_hw



def test_paper_machine() -> None:
    hw = load_hw(bundled_hw_path("1mb_ddr3.yaml"))
    assert hw.sram.size == 8_000_000              # bits; decimal MB
    assert hw.dram.bandwidth == 8 * 10**9          # bits/s
    assert hw.compute.throughput == 10**12 and hw.compute.ops_per_mac == 2
    assert (hw.precision.activation_bits, hw.precision.weight_bits) == (8, 8)
    assert hw.policy.name == "paper" and hw.policy.weight_bits_per_param == 1


def test_binary_sizes_differ_from_decimal(tmp_path: Path) -> None:
    hw = load_hw(write(tmp_path, GOOD.replace("1 MB", "1 MiB")))
    assert hw.sram.size == 8 * 2**20


def test_config_is_frozen() -> None:
    hw = load_hw(bundled_hw_path())
    with pytest.raises(Exception):
        hw.sram.size = 1  # type: ignore[misc]


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    message = error_for(tmp_path, "name: t\nsram: {size: 1 MB\n")
    assert "malformed YAML at line" in message


def test_misspelt_key(tmp_path: Path) -> None:
    assert "sram.sise: unknown key" in error_for(tmp_path, GOOD.replace("size:", "sise:"))


def test_unknown_unit(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace("1 MB", "1 MegaByte"))
    assert "sram.size: expected a size like" in message and "'MegaByte'" in message


def test_negative_size(tmp_path: Path) -> None:
    assert "sram.size: a size must not be negative" in error_for(
        tmp_path, GOOD.replace("1 MB", "-1 MB"))


def test_zero_bandwidth_is_impossible(tmp_path: Path) -> None:
    assert "dram.ideal.bandwidth" in error_for(tmp_path, GOOD.replace("1 GB/s", "0 GB/s"))


def test_bare_number_needs_a_unit(tmp_path: Path) -> None:
    assert "a unit is required" in error_for(tmp_path, GOOD.replace("1 MB", "1000000"))


def test_unknown_model_lists_known(tmp_path: Path) -> None:
    message = error_for(tmp_path, GOOD.replace("model: ideal, bandwidth", "model: hbm, bandwidth"))
    assert "dram: unknown model 'hbm'; expected one of 'ideal'" in message


def test_all_problems_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("1 MB", "lots").replace("1 TOPS", "fast").replace("name: t\n", "")
    message = error_for(tmp_path, text + "colour: blue\n")
    for part in ("sram.size", "compute.ideal.throughput", "name: missing required field",
                 "colour: unknown key"):
        assert part in message


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    assert "expected a mapping" in error_for(tmp_path, "- 1\n- 2\n")
    with pytest.raises(ConfigError, match="no such hardware config file"):
        load_hw(tmp_path / "absent.yaml")
