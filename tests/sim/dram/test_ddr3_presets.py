"""JEDEC DDR3 presets: values by speed bin, page size and density; and the errors."""

from __future__ import annotations

import pytest

from accelsim.errors import ConfigError
from accelsim.hw.ddr3_presets import ddr3_spec, preset_names

# (preset, tCK ps, CL, CWL, tRCD, tRP, tRAS, tRC, tRRD 1K/2K, tFAW 1K/2K, tWR, tWTR, tRTP)
# from JESD79-3F / Micron MT41J datasheets, in clocks.
JEDEC = [
    ("DDR3-800D", 2500, 5, 5, 5, 5, 15, 20, (4, 4), (16, 20), 6, 4, 4),
    ("DDR3-1066F", 1875, 7, 6, 7, 7, 20, 27, (4, 6), (20, 27), 8, 4, 4),
    ("DDR3-1333H", 1500, 9, 7, 9, 9, 24, 33, (4, 5), (20, 30), 10, 5, 5),
    ("DDR3-1600K", 1250, 11, 8, 11, 11, 28, 39, (5, 6), (24, 32), 12, 6, 6),
    ("DDR3-1866M", 1071, 13, 9, 13, 13, 32, 45, (5, 6), (26, 33), 14, 7, 7),
    ("DDR3-2133N", 938, 14, 10, 14, 14, 36, 50, (6, 7), (27, 38), 16, 8, 8),
]


@pytest.mark.parametrize("row", JEDEC, ids=[r[0] for r in JEDEC])
@pytest.mark.parametrize("width,page", [(8, 0), (16, 1)])
def test_speed_bin_values(row: tuple, width: int, page: int) -> None:
    name, tck, cl, cwl, trcd, trp, tras, trc, trrd, tfaw, twr, twtr, trtp = row
    s = ddr3_spec(name, device_width_bits=width)
    t = s.timing
    assert (s.tck_ps, t["cl"], t["cwl"], t["trcd"], t["trp"], t["tras"], t["trc"]) == (
        tck, cl, cwl, trcd, trp, tras, trc)
    assert (t["trrd"], t["tfaw"]) == (trrd[page], tfaw[page])
    assert (t["twr"], t["twtr"], t["trtp"], t["tccd"], s.burst_length) == (twr, twtr, trtp, 4, 8)
    assert t["trefi"] == 7_800_000 // tck


def test_reference_device_matches_readme() -> None:
    s = ddr3_spec("DDR3-1600K", device_width_bits=8, density_gbit=4, bus_width_bits=64)
    t = s.timing
    assert [t[k] for k in ("cl", "cwl", "trcd", "trp", "tras", "trc", "trrd", "tfaw")] == [
        11, 8, 11, 11, 28, 39, 5, 24]
    assert [t[k] for k in ("twr", "twtr", "trtp", "tccd", "trfc", "trefi")] == [
        12, 6, 6, 4, 208, 6240]
    assert (s.devices_per_rank, s.banks, s.rows, s.columns) == (8, 8, 65536, 1024)
    assert s.page_bytes == 1024 and s.row_bytes == 8192 and s.burst_bytes == 64
    assert s.peak_bandwidth_bytes_per_s == pytest.approx(12.8e9)
    assert s.capacity_bytes == 4 << 30


@pytest.mark.parametrize("density,trfc_ns", [(1, 110), (2, 160), (4, 260), (8, 350)])
def test_trfc_by_density(density: int, trfc_ns: int) -> None:
    assert ddr3_spec("DDR3-800D", density_gbit=density).timing["trfc"] == trfc_ns * 1000 // 2500


@pytest.mark.parametrize("density,width,rows,cols,page", [
    (1, 4, 16384, 2048, 1024), (1, 16, 8192, 1024, 2048), (2, 8, 32768, 1024, 1024),
    (4, 16, 32768, 1024, 2048), (8, 4, 65536, 4096, 2048), (8, 8, 65536, 2048, 2048)])
def test_organisation(density: int, width: int, rows: int, cols: int, page: int) -> None:
    s = ddr3_spec("DDR3-1333H", device_width_bits=width, density_gbit=density,
                  bus_width_bits=max(width, 16))
    assert (s.rows, s.columns, s.banks, s.page_bytes) == (rows, cols, 8, page)


@pytest.mark.parametrize("bus,dev,devices", [(64, 16, 4), (64, 4, 16), (8, 8, 1), (16, 8, 2), (32, 4, 8)])
def test_devices_per_rank(bus: int, dev: int, devices: int) -> None:
    assert ddr3_spec("DDR3-1600K", bus_width_bits=bus, device_width_bits=dev).devices_per_rank == devices


@pytest.mark.parametrize("preset,bus,gbps", [
    ("DDR3-1600K", 64, 12.8), ("DDR3-1066F", 8, 2 * 1 / 1.875), ("DDR3-800D", 16, 2 * 2 / 2.5),
    ("DDR3-2133N", 32, 2 * 4 / 0.938)])
def test_peak_bandwidth(preset: str, bus: int, gbps: float) -> None:
    s = ddr3_spec(preset, bus_width_bits=bus)
    assert s.peak_bandwidth_bytes_per_s == pytest.approx(gbps * 1e9)


def test_overrides_and_aliases() -> None:
    s = ddr3_spec("ddr3_1600k", cl=12, refresh_enabled=False, queue_depth=8,
                  address_mapping="row_column_rank_bank", ranks=2, channels=2)
    assert (s.timing["cl"], s.refresh_enabled, s.queue_depth, s.ranks, s.channels) == (
        12, False, 8, 2, 2)
    assert s.mapping.order == ("row", "column", "rank", "bank")
    slow = ddr3_spec("DDR3-1600K", tck_ps=1500)
    # 35 ns, 13.75 ns and CL 13.75 ns re-rounded to 1.5 ns clocks; CWL of the 1.5 ns range
    t = slow.timing
    assert (slow.tck_ps, t["tras"], t["trcd"], t["cl"], t["cwl"]) == (1500, 24, 10, 10, 7)
    assert len(preset_names()) >= 6


@pytest.mark.parametrize("kwargs,match", [
    (dict(preset="DDR3-1700X"), "dram.preset: DDR3 has no speed bin 'DDR3-1700X'; expected one "
                                "of DDR3-800D, DDR3-1066F"),
    (dict(bus_width_bits=8, device_width_bits=16), "x8 DDR3 bus cannot be built from x16"),
    (dict(bus_width_bits=128), "x128 DDR3 bus"),
    (dict(tck_ps=1000), "dram.timing.tck_ps"),
    (dict(tck_ps=5000), "dram.timing.tck_ps"),
    (dict(cl=0), "dram.timing.cl: expected a whole number of clocks from 1 to 16777216, got 0"),
    (dict(trcd=-3), "dram.timing.trcd"),
    (dict(trefi=10**20), "dram.timing.trefi: expected a whole number of clocks from 1 to"),
    (dict(tras=50), "dram.timing.trc: expected trc >= tras"),
    (dict(colour="red"), "dram.timing.colour: DDR3 has no such timing; expected one of tck_ps, cl"),
    (dict(tccd_l=6), "dram.timing.tccd_l: DDR3 has no such timing"),
    (dict(rows=5), "dram.timing.rows: DDR3 has no such timing"),
    (dict(address_mapping="bank_row"), "dram.mapping: 'bank_row' needs at least the row and col"),
    (dict(address_mapping="row_bank_column"), "dram.mapping: row-bank-col does not cover the "
                                              "address bits of rank"),
    (dict(density_gbit=3), "dram.density_gbit: no DDR3 device of 3 Gb"),
    (dict(queue_depth=0), "dram.queue_depth: expected a whole number of bursts from 1 to 1024"),
    (dict(queue_depth=10**9), "dram.queue_depth"),
    (dict(ranks=3), "dram.ranks: expected 1, 2, 4 or 8, got 3"),
])
def test_errors(kwargs: dict, match: str) -> None:
    preset = kwargs.pop("preset", "DDR3-1600K")
    if "address_mapping" in kwargs and "cover" in match:
        kwargs["ranks"] = 2
    with pytest.raises(ConfigError, match=match) as err:
        ddr3_spec(preset, **kwargs)
    assert "\n" not in str(err.value)
