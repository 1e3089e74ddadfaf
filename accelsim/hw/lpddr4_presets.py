"""JEDEC LPDDR4 speed bins and channel organisations as data: the LPDDR4 preset family.

Sources: JEDEC JESD209-4B (LPDDR4): read and write latencies by clock range
(RL with read DBI off, WL set A), the core timing table (tRCD, tRPpb, tRPab,
tRAS, tRRD, tFAW, tWR, tWTR, tRTP, tPPD with their minimum clock counts; tCCD
= BL/2 = 8 for BL16; tDQSCK max 3.5 ns), the refresh table (tRFCab, tRFCpb
by channel density; tREFI 3.904 us = 32 ms / 8192, tREFIpb = tREFI / 8,
tpbR2pbR 90 ns) and the addressing table (one x16 channel of eight banks,
1 K columns, 2 KB pages). The clock values agree with DRAMSys's
``JEDEC_8Gb_LPDDR4-3200_16bit`` memspec (RL 28, WL 14, tRCD 29, tRPpb 29,
tRPab 34, tRAS 68, tRRD 16, tFAW 64, tWR 29, tWTR 16, tRTP 12, tDQSCK 6).

Density is per x16 channel (an "8 Gb" dual-channel die is two 4 Gb
channels). tCK per data rate in integer picoseconds: 1250 (1600), 938
(2133), 750 (2667), 625 (3200), 536 (3733), 469 (4267).
"""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.hw.dram_presets import Device, PresetFamily, ceil_clocks, register
from accelsim.sim.dram.spec import SpecError
from accelsim.sim.dram.standards.lpddr4 import LPDDR4

TREFI_PS = 3_904_000  # tREFI: 32 ms / 8192 refreshes
TCK_MAX_PS = 1_250  # the slowest bin modelled


@dataclass(frozen=True)
class SpeedBin:
    """One LPDDR4 data rate: its clock and read / write latencies (set A, DBI off)."""

    name: str
    tck_ps: int
    rl: int
    wl: int


SPEED_BINS: dict[str, SpeedBin] = {b.name: b for b in (
    SpeedBin("LPDDR4-1600", 1250, 14, 8),
    SpeedBin("LPDDR4-2133", 938, 20, 10),
    SpeedBin("LPDDR4-2667", 750, 24, 12),
    SpeedBin("LPDDR4-3200", 625, 28, 14),
    SpeedBin("LPDDR4-3733", 536, 32, 16),
    SpeedBin("LPDDR4-4267", 469, 36, 18),
)}

#: tRFCab and tRFCpb by channel density (Gb), ps.
TRFC_PS: dict[int, tuple[int, int]] = {2: (130_000, 60_000), 4: (180_000, 90_000),
                                        8: (280_000, 140_000), 16: (380_000, 190_000)}

#: One x16 channel: eight banks, 1 K columns; rows by density.
ORGANISATIONS: dict[tuple[int, int], Device] = {
    (d.density_gbit, 16): d for d in (
        Device(2, 16, 1, 8, 1 << 14, 1 << 10), Device(4, 16, 1, 8, 1 << 15, 1 << 10),
        Device(8, 16, 1, 8, 1 << 16, 1 << 10), Device(16, 16, 1, 8, 1 << 17, 1 << 10),
    )}


def _latencies(tck_ps: int) -> tuple[int, int]:
    """RL and WL of the fastest bin a clock of ``tck_ps`` can serve."""
    for sb in sorted(SPEED_BINS.values(), key=lambda b: -b.tck_ps):
        if tck_ps >= sb.tck_ps:
            return sb.rl, sb.wl
    raise AssertionError("unreachable: the clock is checked against the bin first")


def _resolve(bin_name: str, dev: Device, tck_ps: int | None) -> tuple[int, dict[str, int]]:
    sb = SPEED_BINS[bin_name]
    tck = sb.tck_ps if tck_ps is None else tck_ps
    if not isinstance(tck, int) or isinstance(tck, bool) or not sb.tck_ps <= tck <= TCK_MAX_PS:
        raise SpecError("timing.tck_ps", f"{sb.name} needs {sb.tck_ps} <= tCK <= {TCK_MAX_PS} "
                                         f"ps, got {tck!r}")
    rl, wl = _latencies(tck)
    trfc, trfcpb = TRFC_PS[dev.density_gbit]
    c = ceil_clocks
    trp, tras = c(18_000, tck, 4), c(42_000, tck, 3)
    return tck, dict(
        cl=rl, tdqsck=c(3_500, tck), cwl=wl, trcd=c(18_000, tck, 4), trp=trp,
        trpab=c(21_000, tck, 4), tras=tras, trc=tras + trp, trrd=c(10_000, tck, 4),
        tfaw=c(40_000, tck, 1), twr=c(18_000, tck, 6), twtr=c(10_000, tck, 8),
        trtp=c(7_500, tck, 8), tccd=8, tppd=4, trfc=c(trfc, tck, 1), trfcpb=c(trfcpb, tck, 1),
        tpbr2pbr=c(90_000, tck, 1), trefi=TREFI_PS // tck, trefipb=TREFI_PS // 8 // tck,
        trtrs=1,
    )


FAMILY = register(PresetFamily(
    standard=LPDDR4, source="JEDEC JESD209-4B latency, core timing, refresh and addressing",
    bins=tuple(SPEED_BINS), default_bin="LPDDR4-3200", devices=ORGANISATIONS,
    bus_widths=(16, 32, 64), default_density_gbit=4, default_device_width_bits=16,
    default_bus_width_bits=16, default_mapping="row-rank-bank-col", resolve=_resolve))
