"""load_hw by path, bundled name or mapping; configs that dump, reload and change only
through validation; exact quantity texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import accelsim
from accelsim.errors import ConfigError
from accelsim.hw.bundled import bundled_configs, resolve
from accelsim.hw.config import HwConfig, load_hw
from accelsim.quantity import (
    exact_energy,
    exact_frequency,
    exact_ops,
    exact_power,
    exact_rate,
    exact_size,
    parse_energy_fj,
    parse_frequency_hz,
    parse_ops_per_s,
    parse_power_nw,
    parse_rate_bits_per_s,
    parse_size_bits,
)

REPO = Path(__file__).resolve().parents[2]


def test_a_bundled_name_a_path_and_a_mapping_give_the_same_config(tmp_path: Path,
                                                                  monkeypatch) -> None:
    by_path = load_hw(REPO / "hwconfigs" / "1mb_ddr3.yaml")
    monkeypatch.chdir(tmp_path)
    assert load_hw("1mb_ddr3") == load_hw("1mb_ddr3.yaml") == by_path
    assert load_hw(by_path.model_dump()) == by_path and load_hw(by_path) is by_path
    (tmp_path / "1mb_ddr3.yaml").write_text((REPO / "hwconfigs" / "edge_ddr3_1600.yaml")
                                            .read_text())
    assert load_hw("1mb_ddr3.yaml").name == "edge-512kib-ddr3-1600-x32"  # a path wins
    with pytest.raises(ConfigError, match="no bundled hardware config.*1mb_ddr3_1066_tiled"):
        load_hw("nope")
    with pytest.raises(ConfigError, match="no such hardware config file"):
        load_hw("nowhere/nope.yaml")
    with pytest.raises(ConfigError, match="hardware config mapping: sram: missing"):
        load_hw({"name": "x"})


@pytest.mark.parametrize("name", [c.name for c in bundled_configs()])
def test_every_bundled_config_dumps_and_validates_back_to_itself(name: str) -> None:
    hw = load_hw(name)
    assert HwConfig.model_validate(hw.model_dump()) == hw
    assert HwConfig.model_validate(hw.model_dump(mode="json")) == hw
    assert resolve(name).parent.name == "hwconfigs"
    text = repr(hw)
    assert "\n" not in text and len(text) < 200 and hw.name in text


def test_with_values_validates_like_a_file_and_names_the_field() -> None:
    hw = accelsim.load_hw("1mb_ddr3_1066_tiled")
    bigger = hw.with_values({"sram.size": "2 MB", "dram.preset": "DDR3-1600K"})
    assert bigger.sram.size == 16_000_000 and bigger.dram.preset == "DDR3-1600K"
    assert hw.sram.size == 8_000_000  # frozen: a new config
    with pytest.raises(ConfigError, match=r"sram\.size: expected a size like .*'2 XB'"):
        hw.with_values({"sram.size": "2 XB"})
    with pytest.raises(ConfigError, match=r"sram\.sise: unknown key"):
        hw.with_values({"sram.sise": "2 MB"})
    with pytest.raises(ConfigError, match="not a section"):
        hw.with_values({"name.x": 1})


def test_model_copy_with_an_update_is_validated() -> None:
    hw = accelsim.load_hw("1mb_ddr3")
    assert hw.model_copy(update={"sram": {"size": "4 MB"}}).sram.size == 32_000_000
    assert hw.model_copy(update={"sram": hw.sram}) == hw
    with pytest.raises(ConfigError, match=r"sram\.size: .*a unit is required"):
        hw.model_copy(update={"sram": {"size": 5}})
    assert hw.model_copy() == hw


@given(st.integers(min_value=0, max_value=2**60))
def test_exact_texts_read_back_to_the_same_integer(value: int) -> None:
    for show, parse in ((exact_size, parse_size_bits), (exact_rate, parse_rate_bits_per_s),
                        (exact_ops, parse_ops_per_s), (exact_frequency, parse_frequency_hz),
                        (exact_energy, parse_energy_fj), (exact_power, parse_power_nw)):
        assert parse(show(value)) == value, (show.__name__, value, show(value))


def test_exact_texts_are_the_ones_people_write() -> None:
    assert [exact_size(8 * n) for n in (10**6, 2**20, 512_000, 1536)] == \
        ["1 MB", "1 MiB", "512 KB", "1.5 KiB"]
    assert (exact_rate(8 * 10**9), exact_ops(10**12), exact_frequency(10**9)) == \
        ("1 GB/s", "1 TOPS", "1 GHz")
    assert (exact_energy(230), exact_energy(12_500), exact_size(13)) == \
        ("230 fJ", "12.5 pJ", "13 b")
