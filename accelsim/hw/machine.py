"""A configured machine as the fused policy sees it: peak DDR rate, compute times, runs.

The fused policy (``sim/policies/fused.py``) estimates plans from the bus's
peak rate and each layer's compute time, and checks its choice by running
plans on the machine's fast path. This is that machine, built from a
validated config; it compares and hashes by the config's content, so that
prepared schedules are cached per machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from accelsim.hw.config import HwConfig, IdealDram
from accelsim.sim.compute.timing import ComputeTiming
from accelsim.sim.policies import PreparedSchedule
from accelsim.sim.results import SimulationResult
from accelsim.sim.units import PS_PER_S
from accelsim.sim.work import LayerWork


@dataclass(frozen=True)
class ConfiguredMachine:
    """The machine of ``hw`` (``key``: its canonical JSON, what it compares by)."""

    key: str
    hw: HwConfig = field(compare=False, hash=False, repr=False)

    @staticmethod
    def of(hw: HwConfig) -> ConfiguredMachine:
        return ConfiguredMachine(hw.model_dump_json(exclude={"name", "description"}), hw)

    @cached_property
    def _compute(self) -> ComputeTiming:
        from accelsim.hw.factory import build_compute_timing

        return build_compute_timing(self.hw)

    @cached_property
    def peak_bits_per_s(self) -> float:
        dram = self.hw.dram
        if isinstance(dram, IdealDram):
            return float(dram.bandwidth)
        return dram.spec.peak_bandwidth_bytes_per_s * 8

    def ddr_ps(self, bits: int) -> int:
        return int(bits * PS_PER_S / self.peak_bits_per_s)

    def layer_time_ps(self, work: LayerWork) -> int:
        return self._compute.estimate(work).time_ps

    def run(self, prepared: PreparedSchedule) -> SimulationResult:
        from accelsim.hw.factory import build_fast_accelerator

        return build_fast_accelerator(self.hw).run(prepared)
