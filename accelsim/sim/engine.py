"""The discrete-event run: a schedule of layers on SRAM, DDR bus, DMA and compute unit.

Layers run one after another; inside a layer the policy's plan is a graph of
steps, each a SimPy process that waits for the steps it depends on. Time is
integer picoseconds, so results are exact and bit-for-bit repeatable.
"""

from __future__ import annotations

from collections.abc import Sequence

import simpy

from accelsim.sim.bus import BusTiming, DdrBus
from accelsim.sim.dma import Dma
from accelsim.sim.mcu import ComputeTiming, MatrixComputeUnit
from accelsim.sim.policies.base import Compute, LayerPlan, ResidencyPolicy, Step
from accelsim.sim.records import StepRecord
from accelsim.sim.results import LayerResult, SimulationResult
from accelsim.sim.sram import Sram
from accelsim.sim.work import LayerWork


class Accelerator:
    """The machine: one SRAM, one DDR bus behind one DMA engine, one compute unit."""

    def __init__(self, sram_capacity_bits: int, bus_timing: BusTiming,
                 compute_timing: ComputeTiming, activation_bits: int) -> None:
        if activation_bits <= 0:
            raise ValueError(f'"activation_bits" must be > 0, got {activation_bits}')
        self.env = simpy.Environment()
        self.log: list[StepRecord] = []
        self.sram = Sram(self.env, sram_capacity_bits)
        self.bus = DdrBus(self.env, bus_timing, self.log)
        self.dma = Dma(self.bus, self.sram)
        self.compute = MatrixComputeUnit(self.env, compute_timing, self.log)
        self.activation_bits = activation_bits

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
            processes: list[simpy.Process] = []
            for step in plan.steps:
                waits = [processes[i] for i in step.after]
                processes.append(self.env.process(
                    self._run_step(index, step, waits, estimate.time_ps)))
            if processes:
                yield self.env.all_of(processes)
            results.append(self._layer_result(index, work, plan, start,
                                              self.log[first_record:], estimate.cycles,
                                              estimate.utilization))

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

    def _layer_result(self, index: int, work: LayerWork, plan: LayerPlan, start_ps: int,
                      records: list[StepRecord], compute_cycles: int,
                      utilization: float) -> LayerResult:
        reads = sum(r.bits for r in records if r.action == "read")
        writes = sum(r.bits for r in records if r.action == "write")
        spill_bits = sum(r.bits for r in records if r.spill)
        compute_ps = sum(r.duration_ps for r in records if r.unit == "compute")
        end_ps = int(self.env.now)
        return LayerResult(
            index=index, name=work.name, op=work.op,
            input_fmap_bits=work.input_elems * self.activation_bits,
            output_fmap_bits=work.output_elems * self.activation_bits,
            weight_params=work.weight_params, macs=work.macs,
            internal_memory_bits=plan.internal_memory_bits, data_movement_bits=reads + writes,
            ddr_read_bits=reads, ddr_write_bits=writes, spill_bits=spill_bits,
            spill=plan.spill or spill_bits > 0, tiles=plan.tiles,
            sram_peak_bits=self.sram.window_peak_bits,
            movement_ps=sum(r.duration_ps for r in records if r.unit == "ddr"),
            compute_ps=compute_ps, performance_ps=end_ps - start_ps,
            stall_ps=end_ps - start_ps - compute_ps, start_ps=start_ps, end_ps=end_ps,
            compute_cycles=compute_cycles, utilization=utilization)
