"""The DDR bus between the accelerator and off-chip memory.

:class:`DdrBus` owns the bus as a SimPy resource of capacity one: reads and
writes share it, one transfer at a time. How long a transfer takes is a
:class:`BusTiming` model's business: :class:`IdealPipe` (the paper's "1 GB/s
DDR3 bus", a fixed bandwidth and nothing else) here, or :class:`DramTiming`,
a DRAM model with banks, rows and refresh (any standard, :mod:`accelsim.sim.dram`).
"""

from __future__ import annotations

from typing import Protocol

import simpy

from accelsim.sim.records import StepRecord


class BusTiming(Protocol):
    """When a transfer issued on an idle bus at ``now_ps`` completes."""

    def transfer_end_ps(self, now_ps: int, address: int, nbits: int, is_write: bool) -> int: ...


class IdealPipe:
    """A bus of constant bandwidth with no latency, banks or refresh.

    ``bandwidth_bits_per_s`` in bits per second. A transfer of ``nbits`` takes
    ceil(nbits * 10**12 / bandwidth) ps: at 1 GB/s that is exactly 125 ps a bit.
    """

    def __init__(self, bandwidth_bits_per_s: int) -> None:
        if bandwidth_bits_per_s <= 0:
            raise ValueError(f'"bandwidth_bits_per_s" must be > 0, got {bandwidth_bits_per_s}')
        self.bandwidth_bits_per_s = bandwidth_bits_per_s

    def transfer_end_ps(self, now_ps: int, address: int, nbits: int, is_write: bool) -> int:
        return now_ps + -(-nbits * 10**12 // self.bandwidth_bits_per_s)


class ByteTransfers(Protocol):
    """A DRAM model that moves whole bytes (:class:`accelsim.sim.dram.DramModel`)."""

    def transfer(self, now_ps: int, address: int, nbytes: int, is_write: bool) -> int: ...


class DramTiming:
    """A DRAM model behind the bus: transfers of bits become whole bytes, timed with
    banks, rows, refresh and turnaround by ``model``."""

    def __init__(self, model: ByteTransfers) -> None:
        self.model = model

    def transfer_end_ps(self, now_ps: int, address: int, nbits: int, is_write: bool) -> int:
        if nbits == 0:
            return now_ps
        return self.model.transfer(now_ps, address, -(-nbits // 8), is_write)


class DdrBus:
    """The shared DDR bus: a SimPy resource, a timing model and a log of transfers."""

    def __init__(self, env: simpy.Environment, timing: BusTiming, log: list[StepRecord]) -> None:
        self.env = env
        self.timing = timing
        self.resource = simpy.Resource(env, capacity=1)
        self.log = log

    def transfer(self, layer: int, label: str, nbits: int, is_write: bool, address: int = 0,
                 tensor: str = "", spill: bool = False) -> simpy.events.ProcessGenerator:
        """Move ``nbits`` over the bus once it is free; logs start and end."""
        with self.resource.request() as request:
            yield request
            start = int(self.env.now)
            end = self.timing.transfer_end_ps(start, address, nbits, is_write)
            yield self.env.timeout(end - start)
            self.log.append(StepRecord(layer, "ddr", "write" if is_write else "read", label,
                                       nbits, start, end, tensor, spill))
