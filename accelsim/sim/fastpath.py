"""The engine's run without SimPy: the same plans on the same units, for sweeps.

:class:`FastAccelerator` returns exactly the :class:`SimulationResult` that
:class:`~accelsim.sim.engine.Accelerator` returns (every field, every step
record, the SRAM occupancy series) for the same schedule, policy and units,
and calls a stateful DRAM model in the same order with the same arguments.
It is a single-purpose event loop that replays the events SimPy would
process, in SimPy's order, and nothing else.

Everything around the steps (a segment's SRAM changes, layer windows, records
to layer results) is the run ledger's (``sim/ledger.py``), which both engines
call at the same points; this module only finds when each step starts and ends.

Why the order is SimPy's. SimPy processes events by (time, priority, event
id), ids counting up as events are scheduled. In the engine each step of a
segment is a process that (1) waits on ``all_of`` its ``after`` steps, (2)
occupies its SRAM and requests its unit (a capacity-one FIFO
``simpy.Resource``), (3) when granted, computes its end and sleeps until
then, (4) logs its record, releases the unit and its SRAM and ends. The
events behind those actions, and what this loop does for each:

- ``Initialize`` (URGENT, at the segment start): runs before any NORMAL event of
  that instant, in step order; a step without ``after`` edges begins (2)
  there, so here those steps begin at once, in step order.
- the ``all_of`` condition of a step: scheduled when its last ``after`` step's
  process event is processed; processing it begins the step -> ``_READY``.
- the request: scheduled when granted, which is at the request if the unit is
  free, else when the holder's release event is processed (or an earlier
  request finds the unit freed first: the head of the queue is always the
  one granted); processing it computes the end -> ``_GRANT``.
- the timeout that ends the hold -> ``_TIMEOUT``: logs, frees the unit (SimPy
  removes the user at once and schedules a release event) and the SRAM.
- the release event and the process event: scheduled one right after the
  other by the same resumption, so no event can fall between them; they are
  one ``_FINISH`` here: grant the head of the unit's queue if the unit is
  still free, then run the process event's callbacks in their registration
  order: the segment's ``all_of`` first, then each waiting step's condition in
  step order.

The segment's ``all_of`` fires when its last step ends, and nothing else is
pending then, so segments are independent event loops run one after another.
Events this loop skips (``Initialize`` of a waiting step, the segment's
condition) have no effect but an event id, and skipping ids keeps the
relative order of the rest. A segment whose steps form a chain (each waits
for the one before, as all of the paper policy's do) needs no queue at all:
one step is active at a time and both units are free whenever one is asked.
Occupying or releasing 0 bits changes nothing in the SRAM, so it is skipped.
Time is integer picoseconds, as in the engine.

``tests/sim/test_fastpath.py`` checks ``fast == simpy`` on random step graphs
full of ties (segments of one layer and of several), and on random networks
under every policy, on an ideal pipe and on the DDR3 model.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heappush
from typing import TYPE_CHECKING, cast

from accelsim.sim.bus import BusTiming
from accelsim.sim.compute.timing import ComputeTiming
from accelsim.sim.energy_accounting import EnergyAccounting
from accelsim.sim.frozen import make
from accelsim.sim.ledger import RunLedger, metered
from accelsim.sim.policies.base import Compute, PreparedSchedule, Segment, Transfer
from accelsim.sim.records import StepRecord
from accelsim.sim.results import SimulationResult
from accelsim.sim.sram import Sram

if TYPE_CHECKING:
    import simpy

_READY, _GRANT, _TIMEOUT, _FINISH = range(4)
_BUS, _COMPUTE = 0, 1


def _record(layer: int, unit: str, action: str, label: str, bits: int, start_ps: int,
            end_ps: int, tensor: str = "", spill: bool = False) -> StepRecord:
    """``StepRecord(...)``, built faster (one per step of every run)."""
    return make(StepRecord, {"layer": layer, "unit": unit, "action": action, "label": label,
                             "bits": bits, "start_ps": start_ps, "end_ps": end_ps,
                             "tensor": tensor, "spill": spill})


class _Clock:
    """The simulated time the SRAM stamps its occupancy changes with, in ps
    (what :class:`~accelsim.sim.sram.Sram` reads from a SimPy environment)."""

    def __init__(self) -> None:
        self.now = 0


class FastAccelerator:
    """The machine of :class:`~accelsim.sim.engine.Accelerator` (same arguments, same
    units, same result), simulated by a plain event loop instead of SimPy."""

    def __init__(self, sram_capacity_bits: int, bus_timing: BusTiming,
                 compute_timing: ComputeTiming, activation_bits: int,
                 energy: EnergyAccounting | None = None) -> None:
        if activation_bits <= 0:
            raise ValueError(f'"activation_bits" must be > 0, got {activation_bits}')
        self.clock = _Clock()
        self.log: list[StepRecord] = []
        # Sram only reads ``env.now``; the clock stands in for the environment.
        self.sram = Sram(cast("simpy.Environment", self.clock), sram_capacity_bits)
        self.bus_timing = metered(bus_timing, energy)
        self.compute_timing = compute_timing
        self.activation_bits = activation_bits
        self.energy = energy

    def run(self, prepared: PreparedSchedule) -> SimulationResult:
        """Simulate ``prepared`` (a policy's plan for this SRAM size); call once per
        FastAccelerator."""
        ledger = RunLedger(prepared, self.sram, self.compute_timing, self.activation_bits,
                           self.energy, self.log, self.bus_timing)
        layer_time_ps = ledger.layer_time_ps
        for segment in prepared.segments:
            ledger.begin_segment(segment, self.clock.now)
            alone = len(segment.accounts) == 1
            if alone and segment.is_chain:
                self._run_chain(segment, layer_time_ps)
            elif segment.steps:
                self._run_graph(segment, layer_time_ps, None if alone else ledger)
            ledger.end_segment(segment, self.clock.now)
        return ledger.result()

    def _run_chain(self, segment: Segment, layer_time_ps: tuple[int, ...]) -> None:
        """Run a one-layer segment whose steps run strictly one after another (the
        paper's plans).

        Each step waits for the one before, so one step at a time is active and the
        units are always free when asked: a step occupies its SRAM and starts when
        the one before ends, and ends, logs and releases its SRAM ``duration`` later.
        """
        clock, sram, log = self.clock, self.sram, self.log
        transfer_end_ps = self.bus_timing.transfer_end_ps
        now = clock.now
        for step, layer in zip(segment.steps, segment.step_layers):
            if step.occupy_bits:  # occupying or releasing nothing changes nothing
                sram.occupy(step.occupy_bits)
            if isinstance(step, Transfer):
                end = transfer_end_ps(now, step.address, step.bits, step.is_write)
                record = _record(layer, "ddr", "write" if step.is_write else "read",
                                 step.label, step.bits, now, end, step.tensor, step.spill)
            else:
                end = now + step.time_ps(layer_time_ps[layer - 1])
                record = _record(layer, "compute", "compute", step.label, 0, now, end)
            if end < now:
                raise ValueError(f"Negative delay {end - now}")  # as simpy.Timeout
            clock.now = now = end
            log.append(record)
            if step.release_bits:
                sram.release(step.release_bits)

    def _run_graph(self, segment: Segment, layer_time_ps: tuple[int, ...],
                   ledger: RunLedger | None) -> None:
        """Run one segment's step graph from ``clock.now`` until its last step ends;
        ``ledger`` (segments of several layers) is told when each step begins and ends."""
        steps = segment.steps
        layers = segment.step_layers
        n = len(steps)
        clock, sram, log = self.clock, self.sram, self.log
        transfer_end_ps = self.bus_timing.transfer_end_ps
        try:
            dependents = segment.dependents
        except ValueError as exc:
            raise ValueError(f"layer {segment.first_layer}: {exc}") from None
        unit = [_COMPUTE if isinstance(step, Compute) else _BUS for step in steps]
        waiting = [len(step.after) for step in steps]
        busy = [False, False]
        queues: tuple[deque[int], deque[int]] = (deque(), deque())
        start_ps = [0] * n
        heap: list[tuple[int, int, int, int]] = []
        eid = 0
        now = clock.now

        def begin(i: int) -> None:
            """Step ``i`` occupies its SRAM and requests its unit at ``now``."""
            nonlocal eid
            if ledger is not None:
                ledger.step_begins(segment, i)
            if steps[i].occupy_bits:
                sram.occupy(steps[i].occupy_bits)
            u = unit[i]
            queue = queues[u]
            queue.append(i)
            if not busy[u]:
                busy[u] = True
                heappush(heap, (now, eid, _GRANT, queue.popleft()))
                eid += 1

        for i in range(n):
            if not waiting[i]:
                begin(i)
        done = 0
        while heap:
            now, _, kind, i = heappop(heap)
            clock.now = now
            if kind == _GRANT:
                step = steps[i]
                start_ps[i] = now
                if unit[i] == _BUS:
                    xfer = cast(Transfer, step)
                    end = transfer_end_ps(now, xfer.address, xfer.bits, xfer.is_write)
                else:
                    end = now + cast(Compute, step).time_ps(layer_time_ps[layers[i] - 1])
                if end < now:
                    raise ValueError(f"Negative delay {end - now}")  # as simpy.Timeout
                heappush(heap, (end, eid, _TIMEOUT, i))
                eid += 1
            elif kind == _TIMEOUT:
                step = steps[i]
                if isinstance(step, Transfer):
                    log.append(_record(layers[i], "ddr", "write" if step.is_write else "read",
                                       step.label, step.bits, start_ps[i], now,
                                       step.tensor, step.spill))
                else:
                    log.append(_record(layers[i], "compute", "compute", step.label, 0,
                                       start_ps[i], now))
                busy[unit[i]] = False
                if step.release_bits:
                    sram.release(step.release_bits)
                if ledger is not None:
                    ledger.step_ended(segment, i)
                heappush(heap, (now, eid, _FINISH, i))
                eid += 1
            elif kind == _FINISH:
                u = unit[i]
                if not busy[u] and queues[u]:
                    busy[u] = True
                    heappush(heap, (now, eid, _GRANT, queues[u].popleft()))
                    eid += 1
                done += 1
                for d in dependents[i]:
                    waiting[d] -= 1
                    if not waiting[d]:
                        heappush(heap, (now, eid, _READY, d))
                        eid += 1
            else:  # _READY
                begin(i)
        if done != n:  # unreachable: every step waits only for earlier ones
            raise RuntimeError(f"layer {segment.first_layer}: {n - done} of {n} steps never ran")
