"""JEDEC DDR3 speed bins and device organisations as data, and the factory of :class:`Ddr3Spec`.

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

from accelsim.errors import ConfigError
from accelsim.sim.dram.spec import Ddr3Spec

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


@dataclass(frozen=True)
class DeviceOrganisation:
    """One DDR3 device: density, data width, banks, rows, columns; page = columns x width."""

    density_gbit: int
    width_bits: int
    banks: int
    rows: int
    columns: int

    @property
    def page_bytes(self) -> int:
        return self.columns * self.width_bits // 8


#: JESD79-3F table 2 (addressing): (density Gb, width) -> organisation.
ORGANISATIONS: dict[tuple[int, int], DeviceOrganisation] = {
    (o.density_gbit, o.width_bits): o for o in (
        DeviceOrganisation(1, 4, 8, 1 << 14, 1 << 11),
        DeviceOrganisation(1, 8, 8, 1 << 14, 1 << 10),
        DeviceOrganisation(1, 16, 8, 1 << 13, 1 << 10),
        DeviceOrganisation(2, 4, 8, 1 << 15, 1 << 11),
        DeviceOrganisation(2, 8, 8, 1 << 15, 1 << 10),
        DeviceOrganisation(2, 16, 8, 1 << 14, 1 << 10),
        DeviceOrganisation(4, 4, 8, 1 << 16, 1 << 11),
        DeviceOrganisation(4, 8, 8, 1 << 16, 1 << 10),
        DeviceOrganisation(4, 16, 8, 1 << 15, 1 << 10),
        DeviceOrganisation(8, 4, 8, 1 << 16, 1 << 12),
        DeviceOrganisation(8, 8, 8, 1 << 16, 1 << 11),
        DeviceOrganisation(8, 16, 8, 1 << 16, 1 << 10),
    )}


def _clocks(t_ps: int, tck_ps: int, min_clocks: int = 1) -> int:
    """JEDEC rounding of a time to clocks: ceil(t / tCK - 0.01), at least ``min_clocks``."""
    return max(min_clocks, -(-(100 * t_ps - tck_ps) // (100 * tck_ps)))


#: JESD79-3F CWL by clock: (shortest tCK in ps the CWL serves, CWL in clocks).
CWL_BY_TCK: tuple[tuple[int, int], ...] = (
    (2500, 5), (1875, 6), (1500, 7), (1250, 8), (1071, 9), (938, 10))


def _cwl(tck_ps: int) -> int:
    for tck_min, cwl in CWL_BY_TCK:
        if tck_ps >= tck_min:
            return cwl
    return CWL_BY_TCK[-1][1]


def _bin_named(preset: str) -> SpeedBin:
    key = preset.strip().upper().replace("_", "-")
    if not key.startswith("DDR3-"):
        key = "DDR3-" + key
    if key not in SPEED_BINS:
        raise ConfigError(f"ddr3.preset: unknown speed bin {preset!r}; expected one of "
                          f"{', '.join(SPEED_BINS)}")
    return SPEED_BINS[key]


def ddr3_spec(preset: str, *, device_width_bits: int = 8, density_gbit: int = 4,
              bus_width_bits: int = 64, ranks: int = 1, channels: int = 1,
              **overrides: object) -> Ddr3Spec:
    """The :class:`Ddr3Spec` of speed bin ``preset`` (e.g. "DDR3-1600K") on the given devices and bus.

    ``overrides`` replace any other :class:`Ddr3Spec` field (timings in clocks,
    ``tck_ps``, ``refresh_enabled``, ``queue_depth``, ``address_mapping``...).
    A slower ``tck_ps`` than the bin's is allowed (timings given in ns are
    re-rounded to it); a faster one, or one beyond JEDEC's 3.3 ns, is not.
    """
    sb = _bin_named(preset)
    org = ORGANISATIONS.get((density_gbit, device_width_bits))
    if org is None:
        raise ConfigError(
            f"ddr3: no JEDEC DDR3 device of {density_gbit!r} Gb x{device_width_bits!r}; expected "
            f"density in {sorted({d for d, _ in ORGANISATIONS})} and width in {sorted({w for _, w in ORGANISATIONS})}")
    if not isinstance(bus_width_bits, int) or bus_width_bits % device_width_bits or not (
            8 <= bus_width_bits <= 64):
        raise ConfigError(f"ddr3.bus_width_bits: a x{bus_width_bits} bus cannot be built from "
                          f"x{device_width_bits} devices (expected a multiple of {device_width_bits} "
                          "between 8 and 64)")
    fields = Ddr3Spec.field_names()
    fixed = {"device_width_bits", "density_gbit", "bus_width_bits", "ranks", "channels",
             "banks", "rows", "columns", "name"}
    unknown = sorted(k for k in overrides if k not in fields or k in fixed)
    if unknown:
        allowed = sorted(set(fields) - fixed)
        raise ConfigError(f"ddr3: unknown override field(s) {', '.join(unknown)}; expected any of "
                          f"{', '.join(allowed)} (device_width_bits, density_gbit, bus_width_bits, "
                          "ranks and channels are arguments)")
    tck = overrides.get("tck_ps", sb.tck_ps)
    if not isinstance(tck, int) or isinstance(tck, bool) or not sb.tck_ps <= tck <= TCK_MAX_PS:
        raise ConfigError(f"ddr3.tck_ps: {preset} needs {sb.tck_ps} <= tCK <= {TCK_MAX_PS} ps, "
                          f"got {tck!r}")
    two_k = org.page_bytes >= 2048
    # The bin's CL/tRCD/tRP clocks are times at its own tCK; re-round them for a slower clock.
    tcl_ps, trcd_ps, trp_ps = sb.cl * sb.tck_ps, sb.trcd * sb.tck_ps, sb.trp * sb.tck_ps
    values: dict[str, object] = dict(
        name=f"{sb.name} {density_gbit}Gb x{device_width_bits} x{bus_width_bits}",
        tck_ps=tck,
        cl=_clocks(tcl_ps, tck), cwl=_cwl(tck), trcd=_clocks(trcd_ps, tck), trp=_clocks(trp_ps, tck),
        tras=_clocks(sb.tras_ps, tck),
        # tRC in clocks can round below tRAS + tRP at a slower tCK; a bank needs both.
        trc=max(_clocks(sb.trc_ps, tck), _clocks(sb.tras_ps, tck) + _clocks(trp_ps, tck)),
        trrd=_clocks(sb.trrd_2k_ps if two_k else sb.trrd_1k_ps, tck, 4),
        tfaw=_clocks(sb.tfaw_2k_ps if two_k else sb.tfaw_1k_ps, tck),
        twr=_clocks(sb.twr_ps, tck),
        twtr=_clocks(sb.twtr_ps, tck, 4),
        trtp=_clocks(sb.trtp_ps, tck, 4),
        tccd=sb.tccd,
        trfc=_clocks(TRFC_PS[density_gbit], tck),
        trefi=TREFI_PS // tck,
        device_width_bits=device_width_bits, density_gbit=density_gbit,
        banks=org.banks, rows=org.rows, columns=org.columns,
        bus_width_bits=bus_width_bits, ranks=ranks, channels=channels,
    )
    values.update(overrides)
    return Ddr3Spec(**values)  # type: ignore[arg-type]


def preset_names() -> tuple[str, ...]:
    return tuple(SPEED_BINS)
