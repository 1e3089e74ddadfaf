"""HBM2 presets (JESD235, pseudo-channel mode) as data: the HBM2 preset family.

Sources: Ramulator 2's ``HBM2`` presets (from JESD235D): the 1600, 2000 and
2400 Mbps bins (CL, CWL, tRCDRD, tRCDWR, tRP, tRAS, tRC, tWR, tRTP, tCCD_S/L,
tWTR_S/L in clocks), tRRD_S = tRRD_L = max(4 nCK, 4 ns), tFAW
max(8 nCK, 15 ns) ("vendor-specific, typical"), tRFC by density (110, 160,
260, 350 ns for 1, 2, 4, 8 Gb), tRFCSB 160 ns, tRREFD 8 ns, tREFI 3.9 us. Per
pseudo-channel: 64 data bits, four bank groups of four banks, 128 columns
of 64 bits (1 KB pages), BL4 (32-byte bursts). Density is per pseudo-channel,
as in Ramulator 2's HBM2 presets (its "8 Gb" has 65,536 rows). With per-bank
refresh each of a pseudo-channel's 16 banks is refreshed in turn every
tREFI / 16.
"""

from __future__ import annotations

from accelsim.hw.dram_presets import Device, PresetFamily, ceil_clocks, register
from accelsim.sim.dram.spec import SpecError
from accelsim.sim.dram.standards.hbm2 import HBM2

TREFI_PS = 3_900_000
TCK_MAX_PS = 2_000

#: name -> tCK ps and the clock timings JESD235 fixes per data rate.
SPEED_BINS: dict[str, tuple[int, dict[str, int]]] = {
    "HBM2-1600": (1250, dict(cl=10, cwl=4, trcdrd=10, trcdwr=8, trp=10, tras=24, trc=34,
                             twr=12, trtp=4, tccd_s=2, tccd_l=4, twtr_s=5, twtr_l=6)),
    "HBM2-2000": (1000, dict(cl=14, cwl=5, trcdrd=14, trcdwr=12, trp=14, tras=34, trc=48,
                             twr=16, trtp=5, tccd_s=2, tccd_l=4, twtr_s=6, twtr_l=8)),
    "HBM2-2400": (833, dict(cl=17, cwl=6, trcdrd=17, trcdwr=14, trp=17, tras=40, trc=57,
                            twr=19, trtp=6, tccd_s=2, tccd_l=4, twtr_s=8, twtr_l=10)),
}

TRFC_PS: dict[int, int] = {1: 110_000, 2: 160_000, 4: 260_000, 8: 350_000}

ORGANISATIONS: dict[tuple[int, int], Device] = {
    (d.density_gbit, 64): d for d in (
        Device(1, 64, 4, 4, 1 << 13, 128), Device(2, 64, 4, 4, 1 << 14, 128),
        Device(4, 64, 4, 4, 1 << 15, 128), Device(8, 64, 4, 4, 1 << 16, 128))}

_LATENCIES = ("cl", "cwl", "tccd_s", "tccd_l")  # kept in clocks at a slower clock


def _resolve(bin_name: str, dev: Device, tck_ps: int | None) -> tuple[int, dict[str, int]]:
    own, clocks = SPEED_BINS[bin_name]
    tck = own if tck_ps is None else tck_ps
    if not isinstance(tck, int) or isinstance(tck, bool) or not own <= tck <= TCK_MAX_PS:
        raise SpecError("timing.tck_ps", f"{bin_name} needs {own} <= tCK <= {TCK_MAX_PS} ps, "
                                         f"got {tck!r}")
    c = ceil_clocks
    # The bin's clock counts are times at its own clock: re-round them at a slower one.
    values = {k: (v if k in _LATENCIES else c(v * own, tck, 1)) for k, v in clocks.items()}
    values["trc"] = max(values["trc"], values["tras"] + values["trp"])
    values.update(
        trrd_s=c(4_000, tck, 4), trrd_l=c(4_000, tck, 4), tfaw=c(15_000, tck, 8),
        trfc=c(TRFC_PS[dev.density_gbit], tck, 1), trfcsb=c(160_000, tck, 1),
        trrefd=c(8_000, tck, 4), trefi=TREFI_PS // tck, trefisb=TREFI_PS // 16 // tck)
    return tck, values


FAMILY = register(PresetFamily(
    standard=HBM2, source="JEDEC JESD235 (via Ramulator 2's HBM2 presets)",
    bins=tuple(SPEED_BINS), default_bin="HBM2-2000", devices=ORGANISATIONS,
    bus_widths=(64,), default_density_gbit=8, default_device_width_bits=64,
    default_bus_width_bits=64, default_mapping="row-rank-bank-col-bg", resolve=_resolve,
    default_ranks=2))
