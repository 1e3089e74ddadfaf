"""DDR3 sections of hardware configs: presets, overrides, and one clear error per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import ConfigError
from accelsim.hw.config import load_hw
from accelsim.hw.factory import build_dram_model

BASE = """\
name: t
sram: {size: 1 MB}
dram: {model: ddr3, preset: DDR3-1066F, bus_width_bits: 8, device_width_bits: 8}
compute: {model: ideal, throughput: 1 TOPS}
policy: {name: tiled}
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "hw.yaml"
    path.write_text(text)
    return load_hw(path)


def test_paper_bus_is_about_1_gb_per_s(tmp_path: Path) -> None:
    spec = build_dram_model(load(tmp_path, BASE)).spec
    assert spec.tck_ps == 1875 and spec.bus_width_bits == 8
    assert spec.peak_bandwidth_bytes_per_s == pytest.approx(1.0667e9, rel=1e-3)


def test_overrides_and_underscore_names(tmp_path: Path) -> None:
    text = BASE.replace("DDR3-1066F", "DDR3_1600K").replace(
        "device_width_bits: 8}", "device_width_bits: 8, timing: {cl: 12}, refresh: false}")
    spec = build_dram_model(load(tmp_path, text)).spec
    assert spec.timing["cl"] == 12 and spec.refresh_enabled is False and spec.tck_ps == 1250


@pytest.mark.parametrize("replace, fragment", [
    (("DDR3-1066F", "DDR3-1234X"), "dram.ddr3.preset: DDR3 has no speed bin 'DDR3-1234X'"),
    (("bus_width_bits: 8, device_width_bits: 8", "bus_width_bits: 8, device_width_bits: 16"),
     "cannot be built from x16 devices"),
    (("device_width_bits: 8}", "device_width_bits: 8, timing: {tck_ps: 1000}}"), "tck_ps"),
    (("device_width_bits: 8}", "device_width_bits: 8, timing: {trcd: -3}}"),
     "dram.ddr3.timing.trcd: expected a whole number of clocks from 1 to"),
    (("device_width_bits: 8}", "device_width_bits: 8, timing: {tfoo: 3}}"),
     "dram.ddr3.timing.tfoo: DDR3 has no such timing"),
    (("device_width_bits: 8}", "device_width_bits: 8, timing: {cl: 100000000000000000000}}"),
     "dram.ddr3.timing.cl: expected a whole number of clocks from 1 to 16777216, got "
     "100000000000000000000"),
    (("device_width_bits: 8}", "device_width_bits: 8, timing: {trefi: 1.0e+20}}"),
     "dram.ddr3.timing.trefi: expected a whole number of clocks"),
    (("device_width_bits: 8}", "device_width_bits: 8, queue_depth: 1000000000}"),
     "dram.ddr3.queue_depth: expected a whole number of bursts from 1 to 1024, got 1000000000"),
    (("device_width_bits: 8}", "device_width_bits: 8, colour: red}"), "dram.ddr3.colour"),
])
def test_bad_ddr3_configs_get_one_clear_error(tmp_path: Path, replace, fragment) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, BASE.replace(*replace))
    message = str(info.value)
    assert fragment in message, message
    assert "\n" not in message and str(tmp_path / "hw.yaml") in message
