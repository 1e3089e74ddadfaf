"""What both engines do around a prepared schedule's step graphs, written once.

The SimPy engine (:mod:`accelsim.sim.engine`) and the fast path
(:mod:`accelsim.sim.fastpath`) differ only in how they find when each step
starts and ends. Everything else is here: a segment's SRAM changes at its
start, each layer's SRAM window, the DRAM commands each layer caused, and
turning the step records into per-layer results.

A layer's figures when its segment holds other layers too (prefetch, fused
tiles), where its steps interleave with theirs:

- ``start_ps``/``end_ps``: the first start and the last end of its steps;
- ``performance_ps``: its share of the wall time. Every instant of a segment
  goes to the layer the compute unit works for then, or, while the compute unit
  waits, to the layer whose transfer the bus is moving (one of them always
  works: a step waits only for steps that run). The shares add up to the
  segment's time, and ``stall_ps`` (share minus compute) is the time the
  compute unit waited on that layer's transfers. For a layer alone in its
  segment this is its wall time, from its first step's start to its last
  step's end;
- ``sram_peak_bits``: the most the SRAM held from its first step's start to
  its last step's end (the segment's start for its first layer, so that the
  residency set up at the start counts);
- DRAM commands (energy): those issued by its own transfers; static energy
  and estimated refreshes: over its share of the wall time, laid end to end.
"""

from __future__ import annotations

from collections.abc import Sequence

from accelsim.sim.bus import BusTiming
from accelsim.sim.compute.timing import ComputeEstimate, ComputeTiming
from accelsim.sim.dram.memory import CommandCounts
from accelsim.sim.energy_accounting import CommandCounter, EnergyAccounting
from accelsim.sim.policies.base import PreparedSchedule, Segment
from accelsim.sim.records import StepRecord
from accelsim.sim.results import LayerResult, SimulationResult, layer_result
from accelsim.sim.sram import Sram

class CommandMeter:
    """The bus timing of a DRAM model that counts its commands, noting the commands
    each transfer issued while :attr:`deltas` is a list (one entry per call, in call
    order, which is the order the bus's transfers end in: it serves one at a time)."""

    def __init__(self, timing: BusTiming, counter: CommandCounter) -> None:
        self.timing = timing
        self.counter = counter
        self.deltas: list[CommandCounts] | None = None

    def transfer_end_ps(self, now_ps: int, address: int, nbits: int, is_write: bool) -> int:
        if self.deltas is None:
            return self.timing.transfer_end_ps(now_ps, address, nbits, is_write)
        before = self.counter.command_counts()
        end = self.timing.transfer_end_ps(now_ps, address, nbits, is_write)
        self.deltas.append(self.counter.command_counts() - before)
        return end


def metered(timing: BusTiming, energy: EnergyAccounting | None) -> BusTiming:
    """``timing``, behind a :class:`CommandMeter` when ``energy`` counts real commands."""
    if energy is not None and energy.counter is not None:
        return CommandMeter(timing, energy.counter)
    return timing


class RunLedger:
    """One run of ``prepared`` on a machine: call :meth:`begin_segment` and
    :meth:`end_segment` around each segment's steps and, in segments of several
    layers, :meth:`step_begins` before a step occupies its SRAM and
    :meth:`step_ended` after it has released it; then :meth:`result`.

    ``log`` is the run's step log (records appended as steps end), ``bus_timing``
    the timing the engine's bus uses (a :class:`CommandMeter` or not).
    """

    def __init__(self, prepared: PreparedSchedule, sram: Sram, compute_timing: ComputeTiming,
                 activation_bits: int, energy: EnergyAccounting | None,
                 log: list[StepRecord], bus_timing: BusTiming) -> None:
        if sram.capacity_bits != prepared.capacity_bits:
            raise ValueError(f"a schedule prepared for {prepared.capacity_bits} bits of SRAM "
                             f"cannot run on {sram.capacity_bits}")
        self.prepared = prepared
        self.sram = sram
        self.estimates: tuple[ComputeEstimate, ...] = tuple(
            compute_timing.estimate(work) for work in prepared.schedule)
        self.layer_time_ps = tuple(e.time_ps for e in self.estimates)
        self.activation_bits = activation_bits
        self.energy = energy
        self.log = log
        self.meter = bus_timing if isinstance(bus_timing, CommandMeter) else None
        self.counter = energy.counter if energy is not None else None
        self.results: list[LayerResult] = []
        self._start_ps = 0
        self._first_record = 0
        self._commands_before: CommandCounts | None = None
        self._remaining: list[int] = []  # per layer of the segment: steps not ended
        self._open: list[bool] = []       # per layer: its SRAM window is open
        self._peaks: list[int | None] = []

    def begin_segment(self, segment: Segment, now_ps: int) -> None:
        """The segment starts at ``now_ps``: its SRAM changes, its first layer's window."""
        sram = self.sram
        self._start_ps = now_ps
        self._first_record = len(self.log)
        sram.open_window(segment.first_layer)
        if segment.release_at_start_bits:
            sram.release(segment.release_at_start_bits)
        if segment.occupy_at_start_bits:
            sram.occupy(segment.occupy_at_start_bits)
        if len(segment.accounts) == 1:
            if self.counter is not None:
                self._commands_before = self.counter.command_counts()
            return
        n = len(segment.accounts)
        self._remaining = list(segment.steps_of_layer)
        self._open = [True] + [False] * (n - 1)
        self._peaks = [None] * n
        if self.meter is not None:
            self.meter.deltas = []

    def step_begins(self, segment: Segment, i: int) -> None:
        """Step ``i`` of a segment of several layers begins (before it occupies SRAM)."""
        slot = segment.step_layers[i] - segment.first_layer
        if not self._open[slot] and self._peaks[slot] is None:
            self._open[slot] = True
            self.sram.open_window(segment.step_layers[i])

    def step_ended(self, segment: Segment, i: int) -> None:
        """Step ``i`` of a segment of several layers has ended (after its SRAM release)."""
        layer = segment.step_layers[i]
        slot = layer - segment.first_layer
        self._remaining[slot] -= 1
        if not self._remaining[slot] and self._open[slot]:
            self._open[slot] = False
            self._peaks[slot] = self.sram.close_window(layer)

    def end_segment(self, segment: Segment, now_ps: int) -> None:
        """The segment's last step has ended at ``now_ps``: its layers' results."""
        records = self.log[self._first_record:]
        schedule = self.prepared.schedule
        if len(segment.accounts) == 1:
            index = segment.first_layer
            measured = None
            if self.counter is not None and self._commands_before is not None:
                measured = self.counter.command_counts() - self._commands_before
            self.results.append(layer_result(
                index, schedule[index - 1], segment.accounts[0], records, self._start_ps,
                now_ps, now_ps - self._start_ps, (self._start_ps, now_ps),
                self.sram.close_window(index), self.estimates[index - 1],
                self.activation_bits, self.energy, measured))
            return
        for slot, layer in enumerate(segment.layers):  # layers without steps
            if self._open[slot]:
                self._open[slot] = False
                self._peaks[slot] = self.sram.close_window(layer)
            elif self._peaks[slot] is None:
                self._peaks[slot] = self.sram.used_bits
        self._layers_of(segment, records)

    def _layers_of(self, segment: Segment, records: Sequence[StepRecord]) -> None:
        first, n = segment.first_layer, len(segment.accounts)
        own: list[list[StepRecord]] = [[] for _ in range(n)]
        for r in records:
            own[r.layer - first].append(r)
        shares = wall_time_shares(records, first, n)
        measured: list[CommandCounts] | None = None
        if self.meter is not None and self.meter.deltas is not None:
            activates, refreshes = [0] * n, [0] * n
            bus = (r for r in records if r.unit == "ddr")
            for record, delta in zip(bus, self.meter.deltas):
                activates[record.layer - first] += delta.activates
                refreshes[record.layer - first] += delta.refreshes
            measured = [CommandCounts(a, r) for a, r in zip(activates, refreshes)]
            self.meter.deltas = None
        window_start = self._start_ps
        for slot, layer in enumerate(segment.layers):
            mine = own[slot]
            start = min((r.start_ps for r in mine), default=self._start_ps)
            end = max((r.end_ps for r in mine), default=self._start_ps)
            window = (window_start, window_start + shares[slot])
            window_start = window[1]
            self.results.append(layer_result(
                layer, self.prepared.schedule[layer - 1], segment.accounts[slot], mine, start,
                end, shares[slot], window, self._peaks[slot] or 0, self.estimates[layer - 1],
                self.activation_bits, self.energy,
                measured[slot] if measured is not None else None))

    def result(self) -> SimulationResult:
        sram = self.sram
        return SimulationResult(
            layers=tuple(self.results), steps=tuple(self.log),
            sram_occupancy=tuple(sram.occupancy), sram_capacity_bits=sram.capacity_bits,
            sram_peak_bits=sram.peak_bits)


def wall_time_shares(records: Sequence[StepRecord], first_layer: int, n: int) -> list[int]:
    """Each of ``n`` layers' share of the wall time the ``records`` span (see the
    module's docstring): its compute time, plus the time its transfers held the
    bus while the compute unit was idle. Each unit's records do not overlap."""
    computes = sorted((r for r in records if r.unit == "compute"), key=lambda r: r.start_ps)
    shares = [0] * n
    for r in computes:
        shares[r.layer - first_layer] += r.end_ps - r.start_ps
    c = 0
    for r in sorted((r for r in records if r.unit == "ddr"), key=lambda r: r.start_ps):
        idle = r.end_ps - r.start_ps
        while c < len(computes) and computes[c].end_ps <= r.start_ps:
            c += 1
        k = c
        while k < len(computes) and computes[k].start_ps < r.end_ps:
            overlap = min(r.end_ps, computes[k].end_ps) - max(r.start_ps, computes[k].start_ps)
            idle -= max(0, overlap)
            k += 1
        shares[r.layer - first_layer] += idle
    return shares
