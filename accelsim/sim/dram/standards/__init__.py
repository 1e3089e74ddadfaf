"""The DRAM standards accelsim models, by name: one :class:`~accelsim.sim.dram.standard.Standard`
record each (commands, scopes, timing rules, refresh kinds, burst)."""

from __future__ import annotations

from accelsim.sim.dram.spec import SpecError
from accelsim.sim.dram.standard import Standard
from accelsim.sim.dram.standards.ddr3 import DDR3
from accelsim.sim.dram.standards.ddr4 import DDR4
from accelsim.sim.dram.standards.hbm2 import HBM2
from accelsim.sim.dram.standards.lpddr4 import LPDDR4
from accelsim.sim.dram.standards.lpddr5 import LPDDR5

STANDARDS: dict[str, Standard] = {s.name: s for s in (DDR3, DDR4, LPDDR4, LPDDR5, HBM2)}


def standard_named(name: str) -> Standard:
    """The standard called ``name`` (any case); a SpecError listing the valid ones if none."""
    key = name.strip().upper() if isinstance(name, str) else ""
    if key not in STANDARDS:
        raise SpecError("standard", f"unknown standard {name!r}; expected one of "
                                    f"{', '.join(STANDARDS)}")
    return STANDARDS[key]
