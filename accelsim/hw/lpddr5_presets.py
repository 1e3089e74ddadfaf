"""JEDEC LPDDR5 presets (bank-group mode, WCK:CK 4:1) as data: the LPDDR5 preset family.

Sources: JEDEC JESD209-5B as Ramulator 2's ``LPDDR5`` presets state it: the
LPDDR5-6400 bin (CK 800 MHz, tCK 1.25 ns; RL 17, WL 9 in CK; tRCD 18 ns,
tRPpb 18 ns, tRPab 21 ns, tRAS 42 ns, tWR 34 ns, tRTP 7.5 ns, tPPD 2 CK,
tCCD_S 2 / tCCD_L 4 CK, tWTR_S 6.25 ns / tWTR_L 12.5 ns, BL/n_max 4 CK; tRRD
5 ns, tFAW 20 ns), the refresh table (tRFCab, tRFCpb and tpbR2pbR by density,
tREFI 3.906 us, tpbR2act 7.5 ns) and the BG-mode addressing (one x16 channel
of four bank groups of four banks, 2 KB pages). JESD209-5B's per-bank refresh
covers a pair of banks every 488 ns; accelsim refreshes one bank at a time,
so its tREFIpb is tREFI / 16 (each bank still refreshed every tREFI).

One speed bin is given, the one whose every value has a public source here;
a slower clock (``timing.tck_ps``) re-rounds the nanosecond timings, keeping
the bin's RL and WL. Density is per x16 channel.
"""

from __future__ import annotations

from accelsim.hw.dram_presets import Device, PresetFamily, ceil_clocks, register
from accelsim.sim.dram.spec import SpecError
from accelsim.sim.dram.standards.lpddr5 import LPDDR5

TREFI_PS = 3_906_000  # 32 ms / 8192
TCK_MAX_PS = 5_000

#: name -> (tCK ps, RL, WL) in CK.
SPEED_BINS: dict[str, tuple[int, int, int]] = {"LPDDR5-6400": (1250, 17, 9)}

#: tRFCab, tRFCpb and tpbR2pbR by density (Gb), ps.
TRFC_PS: dict[int, tuple[int, int, int]] = {8: (210_000, 120_000, 90_000),
                                             16: (280_000, 140_000, 90_000)}

ORGANISATIONS: dict[tuple[int, int], Device] = {
    (d.density_gbit, 16): d for d in (Device(8, 16, 4, 4, 1 << 15, 1 << 10),
                                      Device(16, 16, 4, 4, 1 << 16, 1 << 10))}


def _resolve(bin_name: str, dev: Device, tck_ps: int | None) -> tuple[int, dict[str, int]]:
    own, rl, wl = SPEED_BINS[bin_name]
    tck = own if tck_ps is None else tck_ps
    if not isinstance(tck, int) or isinstance(tck, bool) or not own <= tck <= TCK_MAX_PS:
        raise SpecError("timing.tck_ps", f"{bin_name} needs {own} <= tCK <= {TCK_MAX_PS} ps, "
                                         f"got {tck!r}")
    trfc, trfcpb, pbr2pbr = TRFC_PS[dev.density_gbit]
    c = ceil_clocks
    trp, tras = c(18_000, tck, 2), c(42_000, tck, 3)
    return tck, dict(
        cl=rl, cwl=wl, trcd=c(18_000, tck, 2), trp=trp, trpab=c(21_000, tck, 2), tras=tras,
        trc=tras + trp, twr=c(34_000, tck, 3), trtp=max(8, c(7_500, tck, 2)), tppd=2,
        tccd_s=2, tccd_l=4, trrd=c(5_000, tck, 2), twtr_s=c(6_250, tck, 2),
        twtr_l=c(12_500, tck, 4), tbl_max=4, tfaw=c(20_000, tck, 16), trfc=c(trfc, tck, 1),
        trfcpb=c(trfcpb, tck, 1), tpbr2pbr=c(pbr2pbr, tck, 1), tpbr2act=c(7_500, tck, 1),
        trefi=TREFI_PS // tck, trefipb=TREFI_PS // 16 // tck, trtrs=1,
    )


FAMILY = register(PresetFamily(
    standard=LPDDR5, source="JEDEC JESD209-5B (via Ramulator 2's LPDDR5 presets)",
    bins=tuple(SPEED_BINS), default_bin="LPDDR5-6400", devices=ORGANISATIONS,
    bus_widths=(16, 32, 64), default_density_gbit=8, default_device_width_bits=16,
    default_bus_width_bits=16, default_mapping="row-rank-bank-col-bg", resolve=_resolve))
