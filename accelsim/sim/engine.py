"""The discrete-event run: a prepared schedule on SRAM, DDR bus, DMA and compute unit.

Segments (one layer, or several whose steps interleave) run one after another;
inside a segment the plan is a graph of steps, each a SimPy process that waits
for the steps it depends on. Time is integer picoseconds, so results are exact
and bit-for-bit repeatable. The bookkeeping around the steps (SRAM residency at a
segment's start, layer windows, records to per-layer results and energy) is the
run ledger's, shared with the fast path: see ``sim/ledger.py``.
"""

from __future__ import annotations

import simpy

from accelsim.sim.bus import BusTiming, DdrBus
from accelsim.sim.dma import Dma
from accelsim.sim.energy_accounting import EnergyAccounting
from accelsim.sim.mcu import ComputeTiming, MatrixComputeUnit
from accelsim.sim.ledger import RunLedger, metered
from accelsim.sim.policies.base import Compute, PreparedSchedule, Segment, Step
from accelsim.sim.records import StepRecord
from accelsim.sim.results import SimulationResult
from accelsim.sim.sram import Sram


class Accelerator:
    """The machine: one SRAM, one DDR bus behind one DMA engine, one compute unit.

    ``energy``, when given, charges each layer's energy (costs, precisions and
    where DDR command counts come from); without it layers report zero energy.
    """

    def __init__(self, sram_capacity_bits: int, bus_timing: BusTiming,
                 compute_timing: ComputeTiming, activation_bits: int,
                 energy: EnergyAccounting | None = None) -> None:
        if activation_bits <= 0:
            raise ValueError(f'"activation_bits" must be > 0, got {activation_bits}')
        self.env = simpy.Environment()
        self.log: list[StepRecord] = []
        self.sram = Sram(self.env, sram_capacity_bits)
        self.bus = DdrBus(self.env, metered(bus_timing, energy), self.log)
        self.dma = Dma(self.bus, self.sram)
        self.compute = MatrixComputeUnit(self.env, compute_timing, self.log)
        self.activation_bits = activation_bits
        self.energy = energy

    def run(self, prepared: PreparedSchedule) -> SimulationResult:
        """Simulate ``prepared`` (a policy's plan for this SRAM size); call once per
        Accelerator."""
        ledger = RunLedger(prepared, self.sram, self.compute.timing, self.activation_bits,
                           self.energy, self.log, self.bus.timing)
        self.env.process(self._run_segments(ledger))
        self.env.run()
        return ledger.result()

    def _run_segments(self, ledger: RunLedger) -> simpy.events.ProcessGenerator:
        for segment in ledger.prepared.segments:
            ledger.begin_segment(segment, int(self.env.now))
            processes: list[simpy.Process] = []
            shared = len(segment.accounts) > 1
            for i, step in enumerate(segment.steps):
                waits = [processes[d] for d in step.after]
                processes.append(self.env.process(self._run_step(ledger, segment, i, step, waits,
                                                                 shared)))
            if processes:
                yield self.env.all_of(processes)
            ledger.end_segment(segment, int(self.env.now))

    def _run_step(self, ledger: RunLedger, segment: Segment, i: int, step: Step,
                  waits: list[simpy.Process], shared: bool) -> simpy.events.ProcessGenerator:
        if waits:
            yield self.env.all_of(waits)
        if shared:
            ledger.step_begins(segment, i)
        layer = segment.step_layers[i]
        if isinstance(step, Compute):
            self.sram.occupy(step.occupy_bits)
            yield from self.compute.execute(layer, step.label,
                                            step.time_ps(ledger.layer_time_ps[layer - 1]))
            self.sram.release(step.release_bits)
        else:
            yield from self.dma.move(layer, step)
        if shared:
            ledger.step_ended(segment, i)
