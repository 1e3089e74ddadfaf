"""The DMA engine: moves data between DDR and SRAM over the shared bus.

A read reserves its room in SRAM when it starts (data lands as it arrives); a
write frees its room when it ends (the data has left). The bus decides how long
the move takes.
"""

from __future__ import annotations

import simpy

from accelsim.sim.bus import DdrBus
from accelsim.sim.sram import Sram


class Dma:
    """One DMA engine between the DDR bus and the SRAM."""

    def __init__(self, bus: DdrBus, sram: Sram) -> None:
        self.bus = bus
        self.sram = sram

    def move(self, layer: int, label: str, bits: int, is_write: bool, address: int = 0,
             occupy_bits: int = 0, release_bits: int = 0) -> simpy.events.ProcessGenerator:
        self.sram.occupy(occupy_bits)
        yield from self.bus.transfer(layer, label, bits, is_write, address)
        self.sram.release(release_bits)
