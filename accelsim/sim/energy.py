"""Per-layer energy of an accelerator from event counts and per-event costs.

Energy = sum over event kinds of (count x cost) + static power x duration:
MACs in the compute unit, vector lane operations (each elementary vector
operation weighed by its lane cycles: an exp is ten), bytes read and written
in on-chip SRAM, bytes read
and written over the DDR bus, DDR row activations and refresh commands, and
the leakage/clock power of the whole chip over the layer's duration.

Units: costs and results are floats in picojoules (static power in mW).
Published per-access costs have two or three significant digits, so integer
femtojoules would add false precision; floats are still bit-for-bit
repeatable because each breakdown is computed in one fixed order from
integer counts. Note 1 mW x 1 ps = 10^-15 J = 0.001 pJ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from accelsim.sim.frozen import make


def _check_cost(name: str, value: object) -> None:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or value < 0):
        raise ValueError(f'"{name}" must be a finite number >= 0, got {value!r}')


@dataclass(frozen=True)
class EnergyCosts:
    """Energy of each event kind, for one accelerator and DRAM device.

    ``mac_pj``: one multiply-accumulate at the datapath's precision, pJ.
    ``sram_read_pj_per_byte`` / ``sram_write_pj_per_byte``: on-chip SRAM, pJ/byte.
    ``ddr_read_pj_per_byte`` / ``ddr_write_pj_per_byte``: DRAM burst data, pJ/byte.
    ``ddr_activate_pj``: one row activation (ACT + PRE) across the rank, pJ.
    ``ddr_refresh_pj``: one all-bank REFRESH command across the rank, pJ.
    ``static_mw``: chip static (leakage, clock tree) power, mW.
    ``vector_op_pj``: one vector lane cycle (a simple operation on one element), pJ;
    None takes ``mac_pj`` (a lane is a multiply-add datapath).
    """

    mac_pj: float
    sram_read_pj_per_byte: float
    sram_write_pj_per_byte: float
    ddr_read_pj_per_byte: float
    ddr_write_pj_per_byte: float
    ddr_activate_pj: float
    ddr_refresh_pj: float
    static_mw: float = 0.0
    vector_op_pj: float | None = None

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None or field.name != "vector_op_pj":
                _check_cost(field.name, value)

    @property
    def vector_lane_pj(self) -> float:
        """Energy of one vector lane cycle, pJ."""
        return self.mac_pj if self.vector_op_pj is None else self.vector_op_pj


@dataclass(frozen=True)
class EnergyBreakdown:
    """Energy of one layer (or a sum of layers) by where it is spent, in pJ.

    ``ddr_pj`` includes data bursts, activations and refreshes; ``static_pj``
    is static power x duration; ``total_pj`` is the sum of the four.
    """

    compute_pj: float
    sram_pj: float
    ddr_pj: float
    static_pj: float
    total_pj: float

    def __post_init__(self) -> None:
        values = (self.compute_pj, self.sram_pj, self.ddr_pj, self.static_pj, self.total_pj)
        if all(type(v) is float and 0.0 <= v < math.inf for v in values):
            return  # the common case, checked cheaply: breakdowns are built per layer
        for field in fields(self):
            _check_cost(field.name, getattr(self, field.name))

    def __add__(self, other: EnergyBreakdown) -> EnergyBreakdown:
        if not isinstance(other, EnergyBreakdown):
            return NotImplemented
        return EnergyBreakdown(
            compute_pj=self.compute_pj + other.compute_pj,
            sram_pj=self.sram_pj + other.sram_pj,
            ddr_pj=self.ddr_pj + other.ddr_pj,
            static_pj=self.static_pj + other.static_pj,
            total_pj=self.total_pj + other.total_pj,
        )


ZERO_ENERGY = EnergyBreakdown(0.0, 0.0, 0.0, 0.0, 0.0)
"""The neutral element: ``sum(breakdowns, ZERO_ENERGY)``."""


def layer_energy(macs: int, sram_read_bytes: int, sram_write_bytes: int,
                 ddr_read_bytes: int, ddr_write_bytes: int, ddr_activates: int,
                 refreshes: int, duration_ps: int, costs: EnergyCosts,
                 vector_lane_ops: int = 0) -> EnergyBreakdown:
    """Energy of one layer from its event counts (all integers >= 0) and ``costs``.

    ``duration_ps`` is the layer's wall time in picoseconds, charged at
    ``costs.static_mw``. ``vector_lane_ops``: lane cycles of vector work, charged
    with the MACs as compute energy.
    """
    values = (macs, sram_read_bytes, sram_write_bytes, ddr_read_bytes, ddr_write_bytes,
              ddr_activates, refreshes, duration_ps, vector_lane_ops)
    for value in values:  # a plain loop is the cheapest check: this runs per layer
        if type(value) is not int or value < 0:
            names = ("macs", "sram_read_bytes", "sram_write_bytes", "ddr_read_bytes",
                     "ddr_write_bytes", "ddr_activates", "refreshes", "duration_ps",
                     "vector_lane_ops")
            for name, count in zip(names, values):
                if type(count) is not int or count < 0:
                    raise ValueError(f'"{name}" must be an integer >= 0, got {count!r}')
    if not isinstance(costs, EnergyCosts):
        raise ValueError(f'"costs" must be an EnergyCosts, got {costs!r}')
    compute_pj = macs * costs.mac_pj + vector_lane_ops * costs.vector_lane_pj
    sram_pj = (sram_read_bytes * costs.sram_read_pj_per_byte
               + sram_write_bytes * costs.sram_write_pj_per_byte)
    ddr_pj = (ddr_read_bytes * costs.ddr_read_pj_per_byte
              + ddr_write_bytes * costs.ddr_write_pj_per_byte
              + ddr_activates * costs.ddr_activate_pj
              + refreshes * costs.ddr_refresh_pj)
    static_pj = costs.static_mw * duration_ps / 1000.0
    total_pj = compute_pj + sram_pj + ddr_pj + static_pj
    if not total_pj < math.inf:
        # A product overflowed: the checks name it.
        return EnergyBreakdown(compute_pj, sram_pj, ddr_pj, static_pj, total_pj)
    # Counts and costs are >= 0, so every part is, and a finite total means finite
    # parts: EnergyBreakdown's checks hold, so it is built without them (per layer).
    return make(EnergyBreakdown, {"compute_pj": compute_pj, "sram_pj": sram_pj,
                                  "ddr_pj": ddr_pj, "static_pj": static_pj,
                                  "total_pj": total_pj})
