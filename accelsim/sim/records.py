"""The event log of a simulation: every transfer and compute step, with its times."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepRecord:
    """One step of one layer as it happened in simulated time.

    ``unit`` is the hardware unit that performed it ("ddr" for DMA transfers
    over the DDR bus, "compute" for the matrix-compute unit); ``action`` is
    "read" (DDR -> SRAM), "write" (SRAM -> DDR) or "compute". ``bits`` is the
    data moved (0 for compute). Times are integer picoseconds.
    """

    layer: int
    unit: str
    action: str
    label: str
    bits: int
    start_ps: int
    end_ps: int
    tensor: str = ""
    spill: bool = False

    @property
    def duration_ps(self) -> int:
        return self.end_ps - self.start_ps
