"""The ``dram`` section with ``model: dram``: any standard, presets, overrides, one clear error per
mistake (the DDR3-only ``model: ddr3`` section keeps working: test_config_ddr3.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import ConfigError
from accelsim.hw.config import load_hw
from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.hw.factory import build_dram_model

BASE = """\
name: t
sram: {size: 1 MB}
dram: {model: dram, standard: DDR3, preset: DDR3-1600K, density_gbit: 4, device_width_bits: 8,
       bus_width_bits: 64, mapping: row-rank-bank-col}
compute: {model: ideal, throughput: 1 TOPS}
policy: {name: tiled}
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "hw.yaml"
    path.write_text(text)
    return load_hw(path)


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "hw.yaml") in message
    return message


def test_a_ddr3_dram_section_is_the_ddr3_model(tmp_path: Path) -> None:
    spec = build_dram_model(load(tmp_path, BASE)).spec
    assert spec == ddr3_spec("DDR3-1600K")
    legacy = BASE.replace("model: dram, standard: DDR3", "model: ddr3").replace(
        "mapping: row-rank-bank-col", "address_mapping: row_rank_bank_column")
    assert build_dram_model(load(tmp_path, legacy)).spec == spec


def test_the_preset_names_the_standard_and_defaults_fill_the_rest(tmp_path: Path) -> None:
    text = BASE.replace("""{model: dram, standard: DDR3, preset: DDR3-1600K, density_gbit: 4, device_width_bits: 8,
       bus_width_bits: 64, mapping: row-rank-bank-col}""", "{model: dram, preset: ddr3_1333h}")
    spec = build_dram_model(load(tmp_path, text)).spec
    assert spec.standard.name == "DDR3" and spec.tck_ps == 1500 and spec.bus_width_bits == 64
    only_standard = text.replace("preset: ddr3_1333h", "standard: ddr3")
    assert build_dram_model(load(tmp_path, only_standard)).spec == ddr3_spec("DDR3-1600K")


def test_overrides_refresh_and_organisation(tmp_path: Path) -> None:
    text = BASE.replace("mapping: row-rank-bank-col}", """mapping: row-col-rank-bank, ranks: 2,
       channels: 2, refresh: false, queue_depth: 8, timing: {cl: 12, tck_ps: 1500}}""")
    spec = build_dram_model(load(tmp_path, text)).spec
    assert (spec.timing["cl"], spec.tck_ps, spec.refresh, spec.queue_depth) == (12, 1500, "off", 8)
    assert (spec.ranks, spec.channels, spec.mapping.order) == (
        2, 2, ("row", "column", "rank", "bank"))


@pytest.mark.parametrize("replace, fragment", [
    (("standard: DDR3", "standard: DDR9"),
     "dram.standard: unknown standard 'DDR9'; expected one of DDR3"),
    (("preset: DDR3-1600K", "preset: DDR3-1234X"),
     "dram.preset: DDR3 has no speed bin 'DDR3-1234X'; expected one of DDR3-800D, DDR3-1066F"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, timing: {tccd_l: 6}}"),
     "dram.timing.tccd_l: DDR3 has no such timing; expected one of tck_ps, cl, cwl"),
    (("mapping: row-rank-bank-col}", "mapping: row-bank-col, ranks: 2}"),
     "dram.mapping: row-bank-col does not cover the address bits of rank (2 values)"),
    (("mapping: row-rank-bank-col}", "mapping: row-bank-col-bank}"),
     "dram.mapping: field 'bank' appears twice"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col-foo}"),
     "dram.mapping: unknown field 'foo'"),
    (("bus_width_bits: 64", "bus_width_bits: 12"),
     "dram.bus_width_bits: a x12 DDR3 bus cannot be built from x8 devices; expected one of "
     "[8, 16, 32, 64]"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, queue_depth: 1000000000}"),
     "dram.queue_depth: expected a whole number of bursts from 1 to 1024, got 1000000000"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, timing: {cl: 1.0e+20}}"),
     "dram.timing.cl: expected a whole number of clocks from 1 to 16777216, got 1e+20"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, timing: {trefi: 100000000000000000000}}"),
     "dram.timing.trefi: expected a whole number of clocks from 1 to 16777216, got "
     "100000000000000000000"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, pseudo_channels: 2}"),
     "dram.pseudo_channels: DDR3 has ranks, not pseudo_channels"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, refresh: per_bank}"),
     "dram.refresh: DDR3 refreshes all_bank or off, got 'per_bank'"),
    (("mapping: row-rank-bank-col}", "mapping: row-rank-bank-col, colour: red}"),
     "dram.colour: unknown key"),
])
def test_bad_dram_sections_get_one_clear_error(tmp_path: Path, replace, fragment) -> None:
    text = BASE.replace(*replace)
    assert text != BASE
    message = error_for(tmp_path, text)
    assert fragment in message, message
