"""JEDEC DDR3 speed bins and device organisations as data: the DDR3 preset family.

Sources: JEDEC JESD79-3F (DDR3 SDRAM standard) speed-bin tables (CL-tRCD-tRP
in clocks, tRAS/tRC/tRRD/tFAW/tWR/tWTR/tRTP in ns, tRFC by density, tREFI
7.8 us at normal temperature) and Micron's MT41J/MT41K DDR3 datasheets; they
agree with Ramulator 2's ``dram/ddr3`` presets and DRAMsim3's
``configs/DDR3_*.ini`` (e.g. DDR3-1600K x8: tRRD 5, tFAW 24, tRFC 208 for 4 Gb).
tRRD and tFAW depend on the page size (1 KB: x4/x8 up to 4 Gb; 2 KB: x16,
and all 8 Gb parts). Nanosecond values become clocks by JEDEC's rounding,
``ceil(t / tCK - 0.01)``, with the JEDEC minimum clock counts applied.

tCK is an exact integer of picoseconds per bin: 2500 (800), 1875 (1066),
1500 (1333), 1250 (1600), 1071 (1866: 1.0714 ns truncated; JEDEC's tCK(avg)
min is 1.07 ns) and 938 (2133: 0.9375 ns rounded up, JEDEC's 0.938 ns).
"""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.hw.dram_presets import Device, PresetFamily, ceil_clocks, dram_spec, register
from accelsim.sim.dram.spec import DramSpec, SpecError
from accelsim.sim.dram.standards.ddr3 import DDR3

TREFI_PS = 7_800_000  # 7.8 us, 0..85 C
TCK_MAX_PS = 3_300  # JEDEC tCK(avg) max with the DLL on


@dataclass(frozen=True)
class SpeedBin:
    """One JEDEC DDR3 speed bin: clock, CAS latencies in clocks, analog timings in ps.

    ``*_1k`` / ``*_2k`` are for 1 KB / 2 KB pages.
    """

    name: str
    tck_ps: int
    cl: int
    cwl: int
    trcd: int
    trp: int
    tras_ps: int
    trc_ps: int
    trrd_1k_ps: int
    trrd_2k_ps: int
    tfaw_1k_ps: int
    tfaw_2k_ps: int
    twr_ps: int = 15_000
    twtr_ps: int = 7_500
    trtp_ps: int = 7_500
    tccd: int = 4


#: JESD79-3F tables 67-71 (bins D/F/H/K/M/N) and the tRRD/tFAW rows of table 72.
SPEED_BINS: dict[str, SpeedBin] = {b.name: b for b in (
    #        name          tCK   CL CWL RCD RP  tRAS    tRC    tRRD1K tRRD2K tFAW1K  tFAW2K
    SpeedBin("DDR3-800D",  2500, 5, 5, 5, 5, 37_500, 50_000, 10_000, 10_000, 40_000, 50_000),
    SpeedBin("DDR3-1066F", 1875, 7, 6, 7, 7, 37_500, 50_625, 7_500, 10_000, 37_500, 50_000),
    SpeedBin("DDR3-1333H", 1500, 9, 7, 9, 9, 36_000, 49_500, 6_000, 7_500, 30_000, 45_000),
    SpeedBin("DDR3-1600K", 1250, 11, 8, 11, 11, 35_000, 48_750, 6_000, 7_500, 30_000, 40_000),
    SpeedBin("DDR3-1866M", 1071, 13, 9, 13, 13, 34_000, 47_910, 5_000, 6_000, 27_000, 35_000),
    SpeedBin("DDR3-2133N", 938, 14, 10, 14, 14, 33_000, 46_090, 5_000, 6_000, 25_000, 35_000),
)}

#: tRFC by device density (Gb), ps (JESD79-3F table 45).
TRFC_PS: dict[int, int] = {1: 110_000, 2: 160_000, 4: 260_000, 8: 350_000}


def _ddr3(density_gbit: int, width_bits: int, rows: int, columns: int) -> Device:
    return Device(density_gbit, width_bits, 1, 8, rows, columns)  # eight banks, no bank groups


#: JESD79-3F table 2 (addressing): (density Gb, width) -> organisation.
ORGANISATIONS: dict[tuple[int, int], Device] = {
    (o.density_gbit, o.width_bits): o for o in (
        _ddr3(1, 4, 1 << 14, 1 << 11),
        _ddr3(1, 8, 1 << 14, 1 << 10),
        _ddr3(1, 16, 1 << 13, 1 << 10),
        _ddr3(2, 4, 1 << 15, 1 << 11),
        _ddr3(2, 8, 1 << 15, 1 << 10),
        _ddr3(2, 16, 1 << 14, 1 << 10),
        _ddr3(4, 4, 1 << 16, 1 << 11),
        _ddr3(4, 8, 1 << 16, 1 << 10),
        _ddr3(4, 16, 1 << 15, 1 << 10),
        _ddr3(8, 4, 1 << 16, 1 << 12),
        _ddr3(8, 8, 1 << 16, 1 << 11),
        _ddr3(8, 16, 1 << 16, 1 << 10),
    )}


#: JESD79-3F CWL by clock: (shortest tCK in ps the CWL serves, CWL in clocks).
CWL_BY_TCK: tuple[tuple[int, int], ...] = (
    (2500, 5), (1875, 6), (1500, 7), (1250, 8), (1071, 9), (938, 10))


def _cwl(tck_ps: int) -> int:
    for tck_min, cwl in CWL_BY_TCK:
        if tck_ps >= tck_min:
            return cwl
    return CWL_BY_TCK[-1][1]


def _resolve(bin_name: str, org: Device, tck_ps: int | None) -> tuple[int, dict[str, int]]:
    """The clock timings of speed bin ``bin_name`` on device ``org`` at ``tck_ps`` (the
    bin's own clock when None): a slower clock re-rounds the bin's nanosecond timings;
    a faster one, or one beyond JEDEC's 3.3 ns, is refused."""
    sb = SPEED_BINS[bin_name]
    tck = sb.tck_ps if tck_ps is None else tck_ps
    if not isinstance(tck, int) or isinstance(tck, bool) or not sb.tck_ps <= tck <= TCK_MAX_PS:
        raise SpecError("timing.tck_ps", f"{sb.name} needs {sb.tck_ps} <= tCK <= {TCK_MAX_PS} "
                                         f"ps, got {tck!r}")
    two_k = org.page_bytes >= 2048
    # The bin's CL/tRCD/tRP clocks are times at its own tCK; re-round them for a slower clock.
    tcl_ps, trcd_ps, trp_ps = sb.cl * sb.tck_ps, sb.trcd * sb.tck_ps, sb.trp * sb.tck_ps
    c = ceil_clocks
    return tck, dict(
        cl=c(tcl_ps, tck, 1), cwl=_cwl(tck), trcd=c(trcd_ps, tck, 1), trp=c(trp_ps, tck, 1),
        tras=c(sb.tras_ps, tck, 1),
        # tRC in clocks can round below tRAS + tRP at a slower tCK; a bank needs both.
        trc=max(c(sb.trc_ps, tck, 1), c(sb.tras_ps, tck, 1) + c(trp_ps, tck, 1)),
        trrd=c(sb.trrd_2k_ps if two_k else sb.trrd_1k_ps, tck, 4),
        tfaw=c(sb.tfaw_2k_ps if two_k else sb.tfaw_1k_ps, tck, 1),
        twr=c(sb.twr_ps, tck, 1),
        twtr=c(sb.twtr_ps, tck, 4),
        trtp=c(sb.trtp_ps, tck, 4),
        tccd=sb.tccd,
        trfc=c(TRFC_PS[org.density_gbit], tck, 1),
        trefi=TREFI_PS // tck,
        trtrs=1,
    )


FAMILY = register(PresetFamily(
    standard=DDR3, source="JEDEC JESD79-3F speed bins and addressing; Micron MT41J/MT41K",
    bins=tuple(SPEED_BINS), default_bin="DDR3-1600K", devices=ORGANISATIONS,
    bus_widths=(8, 16, 32, 64), default_density_gbit=4, default_device_width_bits=8,
    default_bus_width_bits=64, default_mapping="row_rank_bank_column", resolve=_resolve))

#: ``ddr3_spec`` keywords other than timings, by their DramSpec names.
_CONTROLLER_KEYWORDS = ("refresh_enabled", "refresh", "queue_depth", "address_mapping", "mapping")


def ddr3_spec(preset: str, *, device_width_bits: int = 8, density_gbit: int = 4,
              bus_width_bits: int = 64, ranks: int = 1, channels: int = 1,
              **overrides: object) -> DramSpec:
    """The DDR3 :class:`DramSpec` of speed bin ``preset`` (e.g. "DDR3-1600K") on the given
    devices and bus; :func:`accelsim.hw.dram_presets.dram_spec` with DDR3's keywords.

    ``overrides`` are timings in clocks by name (``cl=12``), ``tck_ps``, and
    ``refresh_enabled`` (bool), ``queue_depth``, ``address_mapping``.
    """
    timing = {k: v for k, v in overrides.items() if k not in _CONTROLLER_KEYWORDS}
    refresh = overrides.get("refresh")
    if "refresh_enabled" in overrides:
        refresh = "all_bank" if overrides["refresh_enabled"] else "off"
    mapping = overrides.get("address_mapping", overrides.get("mapping"))
    return dram_spec(DDR3, preset, density_gbit=density_gbit, device_width_bits=device_width_bits,
                     bus_width_bits=bus_width_bits, ranks=ranks, channels=channels,
                     refresh=refresh,  # type: ignore[arg-type]
                     queue_depth=overrides.get("queue_depth", 32),  # type: ignore[arg-type]
                     mapping=mapping, timing=timing)  # type: ignore[arg-type]


def preset_names() -> tuple[str, ...]:
    return tuple(SPEED_BINS)
