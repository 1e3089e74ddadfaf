"""The discrete-event run: a schedule of layers on SRAM, DDR bus, DMA and compute unit.

Layers run one after another; inside a layer the policy's plan is a graph of
steps, each a SimPy process that waits for the steps it depends on. Time is
integer picoseconds, so results are exact and bit-for-bit repeatable. Each
layer's energy is counted from what it did (its step records and, on DDR3,
the commands the DRAM model issued meanwhile): see ``sim/energy_accounting.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import simpy

from accelsim.sim.bus import BusTiming, DdrBus
from accelsim.sim.dma import Dma
from accelsim.sim.energy_accounting import EnergyAccounting
from accelsim.sim.mcu import ComputeTiming, MatrixComputeUnit
from accelsim.sim.policies.base import Compute, ResidencyPolicy, Step
from accelsim.sim.records import StepRecord
from accelsim.sim.results import LayerResult, SimulationResult, layer_result
from accelsim.sim.sram import Sram
from accelsim.sim.work import LayerWork


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
        self.bus = DdrBus(self.env, bus_timing, self.log)
        self.dma = Dma(self.bus, self.sram)
        self.compute = MatrixComputeUnit(self.env, compute_timing, self.log)
        self.activation_bits = activation_bits
        self.energy = energy

    def run(self, schedule: Sequence[LayerWork], policy: ResidencyPolicy) -> SimulationResult:
        """Simulate the whole schedule under ``policy``; call once per Accelerator."""
        results: list[LayerResult] = []
        policy.start(schedule, self.sram.capacity_bits)
        self.env.process(self._run_schedule(schedule, policy, results))
        self.env.run()
        return SimulationResult(
            layers=tuple(results), steps=tuple(self.log),
            sram_occupancy=tuple(self.sram.occupancy),
            sram_capacity_bits=self.sram.capacity_bits, sram_peak_bits=self.sram.peak_bits)

    def _run_schedule(self, schedule: Sequence[LayerWork], policy: ResidencyPolicy,
                      results: list[LayerResult]) -> simpy.events.ProcessGenerator:
        for index, work in enumerate(schedule, start=1):
            start = int(self.env.now)
            first_record = len(self.log)
            self.sram.start_window()
            plan = policy.plan(index, work, self.sram)
            estimate = self.compute.timing.estimate(work)
            counter = self.energy.counter if self.energy is not None else None
            commands_before = counter.command_counts() if counter is not None else None
            processes: list[simpy.Process] = []
            for step in plan.steps:
                waits = [processes[i] for i in step.after]
                processes.append(self.env.process(
                    self._run_step(index, step, waits, estimate.time_ps)))
            if processes:
                yield self.env.all_of(processes)
            measured = (counter.command_counts() - commands_before
                        if counter is not None and commands_before is not None else None)
            results.append(layer_result(
                index, work, plan, self.log[first_record:], start, int(self.env.now),
                self.sram.window_peak_bits, estimate, self.activation_bits, self.energy,
                measured))

    def _run_step(self, layer: int, step: Step, waits: list[simpy.Process],
                  layer_time_ps: int) -> simpy.events.ProcessGenerator:
        if waits:
            yield self.env.all_of(waits)
        if isinstance(step, Compute):
            self.sram.occupy(step.occupy_bits)
            yield from self.compute.execute(layer, step.label, step.time_ps(layer_time_ps))
            self.sram.release(step.release_bits)
        else:
            yield from self.dma.move(layer, step)
