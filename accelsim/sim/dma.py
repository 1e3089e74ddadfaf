"""The DMA engine: moves data between DDR and SRAM over the shared bus.

A read reserves its room in SRAM when it starts (data lands as it arrives); a
write frees its room when it ends (the data has left). The bus decides how long
the move takes.
"""

from __future__ import annotations

import simpy

from accelsim.sim.bus import DdrBus
from accelsim.sim.policies.base import Transfer
from accelsim.sim.sram import Sram


class Dma:
    """One DMA engine between the DDR bus and the SRAM."""

    def __init__(self, bus: DdrBus, sram: Sram) -> None:
        self.bus = bus
        self.sram = sram

    def move(self, layer: int, step: Transfer) -> simpy.events.ProcessGenerator:
        self.sram.occupy(step.occupy_bits)
        yield from self.bus.transfer(layer, step.label, step.bits, step.is_write, step.address,
                                     step.tensor, step.spill)
        self.sram.release(step.release_bits)
