"""JEDEC DDR4 speed bins and device organisations as data: the DDR4 preset family.

Sources: JEDEC JESD79-4B (DDR4 SDRAM): the speed-bin tables (CL-nRCD-nRP of
each bin, tRAS), the timing-parameter tables (tCCD_L, tRRD_S/L and tFAW by
page size, tWR, tWTR_S/L, tRTP), tRFC1 by density and tREFI 7.8 us (0-85 C),
the CWL table (first set, 1 tCK write preamble) and the addressing table;
the bin letters follow JEDEC's CL naming (P = 15, R = 16, T = 17, U = 18 at
2400), as in Micron's MT40A datasheets (e.g. -083E: DDR4-2400R, 16-16-16).
The clock values agree with Ramulator 2's ``DDR4`` presets and DRAMsim3's
``configs/DDR4_*.ini`` (DDR4-2400 x8: tRRD_S 4, tRRD_L 6, tFAW 26, tCCD_L 6,
tWTR_S 3, tWTR_L 9, tRTP 9, tWR 18, tRFC 8 Gb 350 ns). Nanosecond values become
clocks by JEDEC's rounding with its minimum clock counts.

tCK per bin in integer picoseconds: 1250 (1600), 1071 (1866), 938 (2133), 833
(2400), 750 (2666), 682 (2933), 625 (3200).
"""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.hw.dram_presets import Device, PresetFamily, ceil_clocks, register
from accelsim.sim.dram.spec import SpecError
from accelsim.sim.dram.standards.ddr4 import DDR4

TREFI_PS = 7_800_000  # 7.8 us, 0..85 C
TCK_MAX_PS = 1_600  # JEDEC tCK(avg) max of the DDR4 speed bins (1.6 ns at 1250 MT/s)


@dataclass(frozen=True)
class Rate:
    """What a DDR4 data rate fixes for all its bins: clock, CWL and the ns timings,
    with the page-size dependent ones for 1/2 KB, 1 KB and 2 KB pages (ps)."""

    mts: int
    tck_ps: int
    cwl: int
    tras_ps: int
    tccd_l_ps: int
    trrd_s_ps: tuple[int, int, int]
    trrd_l_ps: tuple[int, int, int]
    tfaw_ps: tuple[int, int, int]


#: JESD79-4B timing tables per data rate (1/2 KB, 1 KB, 2 KB pages).
RATES: dict[int, Rate] = {r.mts: r for r in (
    Rate(1600, 1250, 9, 35_000, 6_250, (5_000, 5_000, 6_000), (6_000, 6_000, 7_500),
         (20_000, 25_000, 35_000)),
    Rate(1866, 1071, 10, 34_000, 5_355, (4_200, 4_200, 5_300), (5_300, 5_300, 6_400),
         (17_000, 23_000, 30_000)),
    Rate(2133, 938, 11, 33_000, 5_355, (3_700, 3_700, 5_300), (5_300, 5_300, 6_400),
         (15_000, 21_000, 30_000)),
    Rate(2400, 833, 12, 32_000, 5_000, (3_300, 3_300, 5_300), (4_900, 4_900, 6_400),
         (13_000, 21_000, 30_000)),
    Rate(2666, 750, 14, 32_000, 5_000, (3_000, 3_000, 5_300), (4_900, 4_900, 6_400),
         (12_000, 21_000, 30_000)),
    Rate(2933, 682, 16, 32_000, 5_000, (2_700, 2_700, 5_300), (4_900, 4_900, 6_400),
         (10_875, 21_000, 30_000)),
    Rate(3200, 625, 16, 32_000, 5_000, (2_500, 2_500, 5_300), (4_900, 4_900, 6_400),
         (10_000, 21_000, 30_000)),
)}
#: Minimum clock counts of tFAW by page size (1/2 KB, 1 KB, 2 KB).
TFAW_MIN_CLOCKS = (16, 20, 28)

#: JESD79-4B speed bins: name -> (data rate, CL = nRCD = nRP in clocks).
SPEED_BINS: dict[str, tuple[int, int]] = {
    "DDR4-1600J": (1600, 10), "DDR4-1600K": (1600, 11), "DDR4-1600L": (1600, 12),
    "DDR4-1866L": (1866, 12), "DDR4-1866M": (1866, 13), "DDR4-1866N": (1866, 14),
    "DDR4-2133N": (2133, 14), "DDR4-2133P": (2133, 15), "DDR4-2133R": (2133, 16),
    "DDR4-2400P": (2400, 15), "DDR4-2400R": (2400, 16), "DDR4-2400T": (2400, 17),
    "DDR4-2400U": (2400, 18),
    "DDR4-2666T": (2666, 17), "DDR4-2666U": (2666, 18), "DDR4-2666V": (2666, 19),
    "DDR4-2666W": (2666, 20),
    "DDR4-2933V": (2933, 19), "DDR4-2933W": (2933, 20), "DDR4-2933Y": (2933, 21),
    "DDR4-2933AA": (2933, 22),
    "DDR4-3200W": (3200, 20), "DDR4-3200AA": (3200, 22), "DDR4-3200AC": (3200, 24),
}

#: tRFC1 by device density (Gb), ps (JESD79-4B).
TRFC_PS: dict[int, int] = {2: 160_000, 4: 260_000, 8: 350_000, 16: 550_000}

#: JESD79-4B addressing: (density Gb, width) -> organisation. x4/x8: 4 bank groups of 4
#: banks; x16: 2 of 4. Pages: 512 B (x4), 1 KB (x8), 2 KB (x16).
ORGANISATIONS: dict[tuple[int, int], Device] = {
    (d.density_gbit, d.width_bits): d for d in (
        Device(2, 4, 4, 4, 1 << 15, 1 << 10), Device(2, 8, 4, 4, 1 << 14, 1 << 10),
        Device(2, 16, 2, 4, 1 << 14, 1 << 10),
        Device(4, 4, 4, 4, 1 << 16, 1 << 10), Device(4, 8, 4, 4, 1 << 15, 1 << 10),
        Device(4, 16, 2, 4, 1 << 15, 1 << 10),
        Device(8, 4, 4, 4, 1 << 17, 1 << 10), Device(8, 8, 4, 4, 1 << 16, 1 << 10),
        Device(8, 16, 2, 4, 1 << 16, 1 << 10),
        Device(16, 4, 4, 4, 1 << 18, 1 << 10), Device(16, 8, 4, 4, 1 << 17, 1 << 10),
        Device(16, 16, 2, 4, 1 << 17, 1 << 10),
    )}


def _cwl(tck_ps: int) -> int:
    """The first-set CWL of the fastest rate whose clock ``tck_ps`` can serve."""
    for rate in sorted(RATES.values(), key=lambda r: -r.tck_ps):
        if tck_ps >= rate.tck_ps:
            return rate.cwl
    return RATES[3200].cwl


def _resolve(bin_name: str, dev: Device, tck_ps: int | None) -> tuple[int, dict[str, int]]:
    """Clock timings of ``bin_name`` on ``dev`` at ``tck_ps`` (the bin's own clock when None):
    a slower clock re-rounds the nanosecond timings; a faster one is refused."""
    mts, cl = SPEED_BINS[bin_name]
    rate = RATES[mts]
    tck = rate.tck_ps if tck_ps is None else tck_ps
    if not isinstance(tck, int) or isinstance(tck, bool) or not rate.tck_ps <= tck <= TCK_MAX_PS:
        raise SpecError("timing.tck_ps", f"{bin_name} needs {rate.tck_ps} <= tCK <= "
                                         f"{TCK_MAX_PS} ps, got {tck!r}")
    page = {512: 0, 1024: 1, 2048: 2}[dev.page_bytes]
    c = ceil_clocks
    taa_ps = cl * rate.tck_ps  # CL, tRCD and tRP of the bin, as times
    trp = c(taa_ps, tck, 1)
    tras = c(rate.tras_ps, tck, 1)
    return tck, dict(
        cl=trp, cwl=_cwl(tck), trcd=trp, trp=trp, tras=tras, trc=tras + trp,
        trrd_s=c(rate.trrd_s_ps[page], tck, 4), trrd_l=c(rate.trrd_l_ps[page], tck, 4),
        tfaw=c(rate.tfaw_ps[page], tck, TFAW_MIN_CLOCKS[page]),
        twr=c(15_000, tck, 1), twtr_s=c(2_500, tck, 2), twtr_l=c(7_500, tck, 4),
        trtp=c(7_500, tck, 4), tccd_s=4, tccd_l=c(rate.tccd_l_ps, tck, 5),
        trfc=c(TRFC_PS[dev.density_gbit], tck, 1), trefi=TREFI_PS // tck, trtrs=1,
    )


FAMILY = register(PresetFamily(
    standard=DDR4, source="JEDEC JESD79-4B speed bins, timing and addressing tables",
    bins=tuple(SPEED_BINS), default_bin="DDR4-2400R", devices=ORGANISATIONS,
    bus_widths=(8, 16, 32, 64), default_density_gbit=8, default_device_width_bits=8,
    default_bus_width_bits=64, default_mapping="row-rank-bg-bank-col", resolve=_resolve))
