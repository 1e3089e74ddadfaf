"""DRAM currents and voltages per standard, density and width, and the command energies they give.

The command energies follow Micron TN-41-01 "Calculating Memory System Power
for DDR3" (and TN-40-07 for DDR4, the same equations), as DRAMsim3 applies
them (``src/configuration.cc``), rail by rail for parts with several supplies:

- activate (ACT + PRE) above standby: V (IDD0 tRC - IDD3N tRAS - IDD2N tRP);
- read / write burst above active standby: V (IDD4R/W - IDD3N) BL/2, per byte;
- all-bank refresh above active standby: V (IDD5 - IDD3N) tRFC;
- per-bank refresh: V (IDD5PB - IDD2N) tREFIpb, IDD5PB being JEDEC's average
  current with a per-bank refresh every tREFIpb.

Each table is one device (for LPDDR and HBM2 one channel or pseudo-channel)
with the timings of its own IDD test conditions, as TN-41-01 prescribes; a
rank of n devices multiplies the per-command energies by n (per byte they
stay). What is not here: I/O and termination energy (VDDQ, board-dependent),
DDR4's VPP rail (the tables give IPP0 only), and background power.

Sources: DRAMsim3's ``configs/*.ini`` power sections (Micron data sheets) for
DDR3, DDR4 and HBM2; DRAMSys's ``configs/memspec/JEDEC_8Gb_LPDDR4-3200_16bit``
(JESD209-4 currents by rail) for LPDDR4. No public LPDDR5 current table was
at hand: LPDDR5 takes LPDDR4's currents at LPDDR5's core voltage VDD2H =
1.05 V (JESD209-5B), an estimate to replace by your part's data sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from accelsim.sim.dram.spec import DramSpec

DRAMSIM3 = "DRAMsim3 configs/{}.ini (Micron IDD values)"
DRAMSYS_LPDDR4 = "DRAMSys configs/memspec/JEDEC_8Gb_LPDDR4-3200_16bit.json (JESD209-4 IDDs)"


@dataclass(frozen=True)
class Rail:
    """One supply of a device: ``volts`` and its IDD currents in mA (JEDEC names)."""

    name: str
    volts: float
    idd0: float
    idd2n: float
    idd3n: float
    idd4r: float
    idd4w: float
    idd5: float
    idd5pb: float | None = None


@dataclass(frozen=True)
class DramPowerSpec:
    """The currents and IDD-test timings the command energies need, for a rank.

    ``rails``: the supplies; ``tck_ps`` in ps; timings in clocks (``burst_ck`` is
    one burst on the data bus); ``devices_per_rank`` devices share each command;
    a burst moves ``bytes_per_burst`` bytes across the rank. ``trefipb_ck`` is the
    per-bank refresh interval of the IDD5PB test (None: no per-bank figure).
    """

    name: str
    rails: tuple[Rail, ...]
    tck_ps: int
    tras_ck: int
    trp_ck: int
    trfc_ck: int
    burst_ck: int
    devices_per_rank: int
    bytes_per_burst: int
    source: str
    trefipb_ck: int | None = None

    def _pj(self, milliamp_clocks: dict[str, float]) -> float:
        # mA x V = mW, and mW x ns = pJ; summed over the rails.
        total = 0.0
        for rail in self.rails:
            total += (rail.volts * milliamp_clocks[rail.name] * (self.tck_ps / 1000.0)
                      * self.devices_per_rank)
        return total

    @property
    def activate_pj(self) -> float:
        """ACT + PRE above standby: V (IDD0 tRC - IDD3N tRAS - IDD2N tRP)."""
        trc_ck = self.tras_ck + self.trp_ck
        return self._pj({r.name: r.idd0 * trc_ck - (r.idd3n * self.tras_ck + r.idd2n * self.trp_ck)
                         for r in self.rails})

    @property
    def read_pj_per_byte(self) -> float:
        """Read burst above active standby: V (IDD4R - IDD3N) BL/2, per byte."""
        return self._pj({r.name: (r.idd4r - r.idd3n) * self.burst_ck
                         for r in self.rails}) / self.bytes_per_burst

    @property
    def write_pj_per_byte(self) -> float:
        """Write burst above active standby: V (IDD4W - IDD3N) BL/2, per byte."""
        return self._pj({r.name: (r.idd4w - r.idd3n) * self.burst_ck
                         for r in self.rails}) / self.bytes_per_burst

    @property
    def refresh_pj(self) -> float:
        """One all-bank REFRESH above active standby: V (IDD5 - IDD3N) tRFC."""
        return self._pj({r.name: (r.idd5 - r.idd3n) * self.trfc_ck for r in self.rails})

    @property
    def refresh_bank_pj(self) -> float:
        """One per-bank refresh: V (IDD5PB - IDD2N) tREFIpb; without a per-bank figure,
        an all-bank refresh's share of one bank (an estimate)."""
        interval = self.trefipb_ck
        if interval is None or any(r.idd5pb is None for r in self.rails):
            return self.refresh_pj / 16
        return self._pj({r.name: ((r.idd5pb or 0.0) - r.idd2n) * interval for r in self.rails})


def _one_rail(name: str, volts: float, idd0: float, idd2n: float, idd3n: float, idd4r: float,
              idd4w: float, idd5: float, *, tck_ps: int, tras: int, trp: int, trfc: int,
              burst: int, width: int, source: str) -> DramPowerSpec:
    rail = Rail("VDD", volts, idd0, idd2n, idd3n, idd4r, idd4w, idd5)
    return DramPowerSpec(name, (rail,), tck_ps, tras, trp, trfc, burst, 1, width * 2 * burst // 8,
                         source)


def _ddr3(density: int, width: int, mts: int, idd: tuple[float, ...], tck_ps: int, tras: int,
          trp: int, trfc: int) -> DramPowerSpec:
    ini = f"DDR3_{density}Gb_x{width}_{mts}"
    return _one_rail(f"DDR3-{mts} {density}Gb x{width}", 1.35, *idd, tck_ps=tck_ps, tras=tras,
                     trp=trp, trfc=trfc, burst=4, width=width, source=DRAMSIM3.format(ini))


def _ddr4(density: int, width: int, idd: tuple[float, ...], trfc: int) -> DramPowerSpec:
    ini = f"DDR4_{density}Gb_x{width}_2400"
    return _one_rail(f"DDR4-2400 {density}Gb x{width}", 1.2, *idd, tck_ps=833, tras=39, trp=17,
                     trfc=trfc, burst=4, width=width, source=DRAMSIM3.format(ini))


#: Per standard: (density Gb, width) -> one device. IDDs in the order IDD0, IDD2N, IDD3N,
#: IDD4R, IDD4W, IDD5(B/AB), with the IDD test's tCK, tRAS, tRP, tRFC.
TABLES: dict[str, dict[tuple[int, int], DramPowerSpec]] = {
    "DDR3": {
        (1, 8): _ddr3(1, 8, 1333, (33, 17, 23, 72, 77, 155), 1500, 24, 10, 74),
        (4, 4): _ddr3(4, 4, 1600, (55, 32, 38, 147, 118, 235), 1250, 28, 11, 208),
        (4, 8): _ddr3(4, 8, 1600, (55, 32, 38, 157, 125, 235), 1250, 28, 11, 208),
        (4, 16): _ddr3(4, 16, 1600, (66, 32, 47, 235, 171, 235), 1250, 28, 11, 208),
        (8, 4): _ddr3(8, 4, 1600, (67, 36, 51, 125, 125, 245), 1250, 28, 11, 280),
        (8, 8): _ddr3(8, 8, 1600, (67, 36, 51, 125, 125, 245), 1250, 28, 11, 280),
        (8, 16): _ddr3(8, 16, 1600, (67, 36, 51, 185, 185, 270), 1250, 28, 11, 280),
    },
    "DDR4": {
        (4, 4): _ddr4(4, 4, (60, 45, 60, 145, 175, 175), 312),
        (4, 8): _ddr4(4, 8, (60, 45, 60, 145, 175, 175), 312),
        (4, 16): _ddr4(4, 16, (65, 45, 60, 205, 285, 175), 312),
        (8, 4): _ddr4(8, 4, (43, 34, 38, 110, 103, 250), 420),
        (8, 8): _ddr4(8, 8, (48, 34, 43, 135, 123, 250), 420),
        (8, 16): _ddr4(8, 16, (80, 34, 47, 243, 228, 280), 420),
    },
    # One x16 channel, VDD1 and VDD2 (VDDQ is I/O): IDD5 is the all-bank burst
    # current (IDD51/52), IDD5PB the per-bank average at tREFIpb 780 tCK.
    "LPDDR4": {(8, 16): DramPowerSpec(
        "LPDDR4-3200 8Gb x16 channel",
        (Rail("VDD1", 1.8, 3.5, 2.0, 2.25, 2.25, 2.25, 10.0, 2.5),
         Rail("VDD2", 1.1, 45.0, 27.0, 30.0, 275.0, 210.0, 90.0, 30.0)),
        tck_ps=625, tras_ck=68, trp_ck=29, trfc_ck=448, burst_ck=8, devices_per_rank=1,
        bytes_per_burst=32, source=DRAMSYS_LPDDR4, trefipb_ck=780)},
    # One 64-bit pseudo-channel: half of DRAMsim3's 128-bit HBM2 channel (each
    # pseudo-channel has half its data bits and its own banks, 1 KB rows instead of 2).
    "HBM2": {(8, 64): DramPowerSpec(
        "HBM2-2000 8Gb pseudo-channel",
        (Rail("VDD", 1.2, 65 / 2, 40 / 2, 55 / 2, 390 / 2, 500 / 2, 250 / 2),),
        tck_ps=1000, tras_ck=34, trp_ck=14, trfc_ck=260, burst_ck=2, devices_per_rank=1,
        bytes_per_burst=32, source=DRAMSIM3.format("HBM2_8Gb_x128") + ", halved per "
                                                                    "pseudo-channel")},
}
_LP4 = TABLES["LPDDR4"][(8, 16)]
TABLES["LPDDR5"] = {(8, 16): replace(
    _LP4, name="LPDDR5 8Gb x16 channel (estimate)",
    rails=(_LP4.rails[0], replace(_LP4.rails[1], volts=1.05)),
    source=DRAMSYS_LPDDR4 + " at LPDDR5's VDD2H 1.05 V (JESD209-5B): an estimate")}

#: The x64 rank of DDR3-1600 4 Gb x8 devices accelsim's energy defaults assume without a
#: DRAM model (the paper's ideal pipe).
DDR3_1600_4GB_X8 = replace(TABLES["DDR3"][(4, 8)], name="DDR3-1600 4Gb x8, x64 rank of 8 devices",
                           devices_per_rank=8, bytes_per_burst=64)


def rank_power(device: DramPowerSpec, devices_per_rank: int) -> DramPowerSpec:
    """``device``'s figures for a rank of ``devices_per_rank`` such devices.

    Per-byte costs do not change (each device moves its share of the burst);
    an activate or refresh, sent to every device of the rank, scales with
    their number. A x8 bus is one x8 device: 1/8 of the x64 rank's activate.
    """
    if isinstance(devices_per_rank, bool) or not isinstance(devices_per_rank, int) \
            or devices_per_rank < 1:
        raise ValueError(f'"devices_per_rank" must be an integer >= 1, got {devices_per_rank!r}')
    per_device_bytes = device.bytes_per_burst // device.devices_per_rank
    return replace(device, name=f"{device.name.split(',')[0]}, rank of {devices_per_rank}",
                   devices_per_rank=devices_per_rank,
                   bytes_per_burst=per_device_bytes * devices_per_rank)


def dram_power(spec: DramSpec) -> DramPowerSpec:
    """The power figures of a rank of ``spec``: its standard's table for its device's
    density and width, or the nearest one (same width first), named in ``source``."""
    table = TABLES[spec.standard.name]
    key = (spec.density_gbit, spec.device_width_bits)
    if key in table:
        device = table[key]
    else:
        near = min(table, key=lambda k: (k[1] != key[1], abs(k[0] - key[0]), abs(k[1] - key[1])))
        device = replace(table[near], source=f"{table[near].source}; nearest table to "
                                             f"{key[0]} Gb x{key[1]}: {near[0]} Gb x{near[1]}")
    return rank_power(device, spec.devices_per_rank)
