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
    assert (s.tck_ps, s.cl, s.cwl, s.trcd, s.trp, s.tras, s.trc) == (tck, cl, cwl, trcd, trp, tras, trc)
    assert (s.trrd, s.tfaw) == (trrd[page], tfaw[page])
    assert (s.twr, s.twtr, s.trtp, s.tccd, s.burst_length) == (twr, twtr, trtp, 4, 8)
    assert s.trefi == 7_800_000 // tck


def test_reference_device_matches_readme() -> None:
    s = ddr3_spec("DDR3-1600K", device_width_bits=8, density_gbit=4, bus_width_bits=64)
    assert (s.cl, s.cwl, s.trcd, s.trp, s.tras, s.trc, s.trrd, s.tfaw) == (11, 8, 11, 11, 28, 39, 5, 24)
    assert (s.twr, s.twtr, s.trtp, s.tccd, s.trfc, s.trefi) == (12, 6, 6, 4, 208, 6240)
    assert (s.devices_per_rank, s.banks, s.rows, s.columns) == (8, 8, 65536, 1024)
    assert s.page_bytes == 1024 and s.row_bytes == 8192 and s.burst_bytes == 64
    assert s.peak_bandwidth_bytes_per_s == pytest.approx(12.8e9)
    assert s.capacity_bytes == 4 << 30


@pytest.mark.parametrize("density,trfc_ns", [(1, 110), (2, 160), (4, 260), (8, 350)])
def test_trfc_by_density(density: int, trfc_ns: int) -> None:
    assert ddr3_spec("DDR3-800D", density_gbit=density).trfc == trfc_ns * 1000 // 2500


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
    assert (s.cl, s.refresh_enabled, s.queue_depth, s.ranks, s.channels) == (12, False, 8, 2, 2)
    slow = ddr3_spec("DDR3-1600K", tck_ps=1500)
    # 35 ns, 13.75 ns and CL 13.75 ns re-rounded to 1.5 ns clocks; CWL of the 1.5 ns range
    assert (slow.tck_ps, slow.tras, slow.trcd, slow.cl, slow.cwl) == (1500, 24, 10, 10, 7)
    assert len(preset_names()) >= 6


@pytest.mark.parametrize("kwargs,match", [
    (dict(preset="DDR3-1700X"), "DDR3-800D, DDR3-1066F"),
    (dict(bus_width_bits=8, device_width_bits=16), "x8 bus cannot be built from x16"),
    (dict(bus_width_bits=128), "x128 bus"),
    (dict(tck_ps=1000), "tck_ps"),
    (dict(tck_ps=5000), "tck_ps"),
    (dict(cl=0), "ddr3.cl"),
    (dict(trcd=-3), "ddr3.trcd"),
    (dict(colour="red"), "unknown override field"),
    (dict(rows=5), "unknown override field"),
    (dict(address_mapping="bank_row"), "address_mapping"),
    (dict(density_gbit=3), "no JEDEC DDR3 device"),
    (dict(queue_depth=0), "queue_depth"),
    (dict(ranks=3), "ddr3.ranks"),
])
def test_errors(kwargs: dict, match: str) -> None:
    preset = kwargs.pop("preset", "DDR3-1600K")
    with pytest.raises(ConfigError, match=match) as err:
        ddr3_spec(preset, **kwargs)
    assert "\n" not in str(err.value)
