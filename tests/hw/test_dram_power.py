"""DRAM command energies per standard: TN-41-01's equations on each table's currents, rank by
rank, and the table a config's DRAM gets (its density and width, or the nearest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hw_files import write

from accelsim.hw.config import load_hw
from accelsim.hw.dram_power import TABLES, dram_power
from accelsim.hw.dram_presets import dram_spec
from accelsim.hw.factory import build_energy_costs


def test_ddr4_energies_follow_tn_41_01_on_the_data_sheet_currents() -> None:
    p = TABLES["DDR4"][(8, 8)]  # VDD 1.2, IDD0 48, IDD2N 34, IDD3N 43, IDD4R 135, IDD4W 123, IDD5 250
    tck_ns = 0.833
    assert p.activate_pj == pytest.approx(1.2 * (48 * 56 - 43 * 39 - 34 * 17) * tck_ns)
    assert p.read_pj_per_byte == pytest.approx(1.2 * (135 - 43) * 4 * tck_ns / 8)
    assert p.write_pj_per_byte == pytest.approx(1.2 * (123 - 43) * 4 * tck_ns / 8)
    assert p.refresh_pj == pytest.approx(1.2 * (250 - 43) * 420 * tck_ns)


def test_lpddr4_energies_add_up_both_core_rails() -> None:
    p = TABLES["LPDDR4"][(8, 16)]
    # VDD1 1.8 V and VDD2 1.1 V currents (mA) at tCK 0.625 ns, BL16 = 8 clocks, 32 bytes.
    read = (1.8 * (2.25 - 2.25) + 1.1 * (275 - 30)) * 8 * 0.625 / 32
    assert p.read_pj_per_byte == pytest.approx(read)
    act = (1.8 * (3.5 * 97 - 2.25 * 68 - 2.0 * 29) + 1.1 * (45 * 97 - 30 * 68 - 27 * 29)) * 0.625
    assert p.activate_pj == pytest.approx(act)
    assert p.refresh_pj == pytest.approx((1.8 * (10 - 2.25) + 1.1 * (90 - 30)) * 448 * 0.625)
    # Per bank: the average IDD5PB above standby over one tREFIpb (780 clocks).
    assert p.refresh_bank_pj == pytest.approx((1.8 * (2.5 - 2.0) + 1.1 * (30 - 27)) * 780 * 0.625)
    lp5 = TABLES["LPDDR5"][(8, 16)]  # the estimate: the same currents, VDD2 at 1.05 V
    assert lp5.read_pj_per_byte == pytest.approx(read * 1.05 / 1.1)


def test_hbm2_is_per_pseudo_channel() -> None:
    p = TABLES["HBM2"][(8, 64)]  # half of DRAMsim3's 128-bit channel: IDD4R 195, IDD3N 27.5 mA
    assert p.read_pj_per_byte == pytest.approx(1.2 * (390 - 55) * 2 * 1.0 / 64)
    assert dram_power(dram_spec("HBM2")).devices_per_rank == 1


@pytest.mark.parametrize("standard,kw,table,devices", [
    ("DDR4", dict(density_gbit=8, device_width_bits=16), (8, 16), 4),
    ("DDR4", dict(density_gbit=16, device_width_bits=4), (8, 4), 16),
    ("DDR3", dict(density_gbit=2, device_width_bits=8, bus_width_bits=32), (1, 8), 4),
    ("LPDDR4", dict(density_gbit=4, bus_width_bits=32), (8, 16), 2),
])
def test_a_rank_gets_its_device_table_or_the_nearest(standard: str, kw: dict, table: tuple,
                                                     devices: int) -> None:
    rank = dram_power(dram_spec(standard, **kw))
    device = TABLES[standard][table]
    assert rank.devices_per_rank == devices
    assert rank.activate_pj == pytest.approx(device.activate_pj * devices)
    assert rank.read_pj_per_byte == pytest.approx(device.read_pj_per_byte)
    exact = (kw["density_gbit"], kw.get("device_width_bits", 16)) == table
    assert ("nearest table" in rank.source) != exact


def test_a_config_prices_its_own_standard_and_refresh_kind(tmp_path: Path) -> None:
    text = """\
name: t
sram: {size: 1 MB}
dram: {model: dram, standard: LPDDR4, refresh: per_bank}
compute: {model: ideal, throughput: 1 TOPS}
policy: {name: tiled}
"""
    costs = build_energy_costs(load_hw(write(tmp_path, text)))
    p = TABLES["LPDDR4"][(8, 16)]
    assert costs.ddr_read_pj_per_byte == pytest.approx(p.read_pj_per_byte)
    assert costs.ddr_refresh_pj == pytest.approx(p.refresh_bank_pj)
    all_bank = build_energy_costs(load_hw(write(tmp_path, text.replace("per_bank", "all_bank"))))
    assert all_bank.ddr_refresh_pj == pytest.approx(p.refresh_pj)
