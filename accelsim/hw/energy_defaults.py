"""Default per-event energy costs, each number next to the source it comes from.

Logic and SRAM: M. Horowitz, "Computing's energy problem (and what we can do
about it)", ISSCC 2014, pp. 10-14 (45 nm, 0.9 V). DRAM: the command energies
of :mod:`accelsim.hw.dram_power` (Micron TN-41-01's equations on each
standard's currents); without a DRAM model (the paper's ideal pipe) those of
a x64 rank of 4 Gb x8 DDR3-1600 devices, the device of accelsim's DDR3
reference (IDD values as in DRAMsim3's ``configs/DDR3_4Gb_x8_1600.ini``).

What is not here: DDR I/O and termination energy (TN-41-01's DQ/ODT terms
depend on the board; add them to the per-byte costs when known) and the
accelerator's static power (no published figure; 0 mW by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from accelsim.hw.dram_power import DDR3_1600_4GB_X8, DramPowerSpec
from accelsim.sim.energy import EnergyCosts

HOROWITZ_2014 = ('M. Horowitz, "Computing\'s energy problem (and what we can do about it)", '
                 "ISSCC 2014, 45 nm, 0.9 V")


@dataclass(frozen=True)
class CostFigure:
    """One published number: ``value`` in ``unit``, from ``source``."""

    value: float
    unit: str
    source: str


# Arithmetic, per operation.
OP_ENERGY: dict[str, CostFigure] = {
    "int8_add": CostFigure(0.03, "pJ", HOROWITZ_2014),
    "int8_mult": CostFigure(0.2, "pJ", HOROWITZ_2014),
    "int32_add": CostFigure(0.1, "pJ", HOROWITZ_2014),
    "int32_mult": CostFigure(3.1, "pJ", HOROWITZ_2014),
    "fp16_add": CostFigure(0.4, "pJ", HOROWITZ_2014),
    "fp16_mult": CostFigure(1.1, "pJ", HOROWITZ_2014),
    "fp32_add": CostFigure(0.9, "pJ", HOROWITZ_2014),
    "fp32_mult": CostFigure(3.7, "pJ", HOROWITZ_2014),
}

MAC_PRECISIONS: tuple[str, ...] = tuple(sorted({name.rsplit("_", 1)[0] for name in OP_ENERGY}))
"""Precisions with both a multiply and an add figure: "fp16", "fp32", "int32", "int8"."""

# SRAM, one 64-bit read, by array size in bytes (KB read as KiB).
SRAM_READ_64BIT: dict[int, CostFigure] = {
    8 * 1024: CostFigure(10.0, "pJ", HOROWITZ_2014),
    32 * 1024: CostFigure(20.0, "pJ", HOROWITZ_2014),
    1024 * 1024: CostFigure(100.0, "pJ", HOROWITZ_2014),
}

# DRAM, one 64-bit access, all-in (core + I/O): a range, for comparison only.
DRAM_ACCESS_64BIT_LOW = CostFigure(1300.0, "pJ", HOROWITZ_2014)
DRAM_ACCESS_64BIT_HIGH = CostFigure(2600.0, "pJ", HOROWITZ_2014)


def default_mac_precision(activation_bits: int, weight_bits: int) -> str:
    """int8 for operands of at most 8 bits; int32 otherwise (Horowitz gives no
    16-bit integer figure, so the next wider one: an overestimate)."""
    return "int8" if max(activation_bits, weight_bits) <= 8 else "int32"


def mac_pj(precision: str) -> float:
    """One MAC = one multiply + one add at ``precision`` ("int8", "int32", "fp16", "fp32").

    Accumulating in a wider register costs more (an int32 add is 0.1 pJ).
    """
    try:
        return OP_ENERGY[f"{precision}_mult"].value + OP_ENERGY[f"{precision}_add"].value
    except KeyError:
        raise ValueError(f'unknown precision {precision!r}; expected one of '
                         f'{", ".join(MAC_PRECISIONS)}') from None


def sram_pj_per_byte(size_bytes: int) -> float:
    """Energy per byte read from an SRAM of ``size_bytes``, from Horowitz's three points.

    The 64-bit read energies (8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ) lie close
    to a power law in size, so we interpolate linearly in log(size) vs
    log(energy) between neighbouring points, extend the first and last
    segments beyond them, and divide by 8 bytes. Writes are taken to cost the
    same (Horowitz gives reads only).
    """
    if isinstance(size_bytes, bool) or not isinstance(size_bytes, int) or size_bytes < 1:
        raise ValueError(f'"size_bytes" must be an integer >= 1, got {size_bytes!r}')
    points = sorted((size, figure.value) for size, figure in SRAM_READ_64BIT.items())
    segment = 0
    while segment < len(points) - 2 and size_bytes > points[segment + 1][0]:
        segment += 1
    (size_a, pj_a), (size_b, pj_b) = points[segment], points[segment + 1]
    slope = math.log(pj_b / pj_a) / math.log(size_b / size_a)
    pj_per_read = pj_a * math.exp(slope * math.log(size_bytes / size_a))
    return pj_per_read / 8.0


@lru_cache(maxsize=1024)  # pure, and asked once per design point of a sweep
def default_energy_costs(sram_bytes: int = 1_000_000, precision: str = "int8",
                         ddr: DramPowerSpec = DDR3_1600_4GB_X8,
                         static_mw: float = 0.0, per_bank_refresh: bool = False) -> EnergyCosts:
    """Costs for an accelerator with ``sram_bytes`` of SRAM (the paper's 1 MB by default)
    and DRAM ranks of ``ddr``; its refresh command is a per-bank one with
    ``per_bank_refresh``."""
    sram = sram_pj_per_byte(sram_bytes)
    return EnergyCosts(
        mac_pj=mac_pj(precision),
        sram_read_pj_per_byte=sram,
        sram_write_pj_per_byte=sram,
        ddr_read_pj_per_byte=ddr.read_pj_per_byte,
        ddr_write_pj_per_byte=ddr.write_pj_per_byte,
        ddr_activate_pj=ddr.activate_pj,
        ddr_refresh_pj=ddr.refresh_bank_pj if per_bank_refresh else ddr.refresh_pj,
        static_mw=static_mw,
    )
