"""The interface between the simulator and a residency/accounting policy.

A policy decides, layer by layer, what has to move over the DDR bus, what
stays in SRAM and when the compute unit runs: it returns a :class:`LayerPlan`,
a small graph of :class:`Transfer` and :class:`Compute` steps with their
dependencies. The engine runs that graph on the SimPy units, so a policy never
touches simulated time itself: serial accounting (the paper) and overlapped,
double-buffered tiling are both plans, differing only in their ``after`` edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from accelsim.sim.sram import Sram
from accelsim.sim.work import LayerWork


@dataclass(frozen=True)
class Transfer:
    """A DMA transfer of ``bits`` over the DDR bus.

    ``is_write`` is SRAM -> DDR. ``occupy_bits`` are reserved in SRAM when the
    step starts (room for what a read brings in); ``release_bits`` are freed
    when it ends (what a write took out). ``after`` indexes the steps of the
    same plan that must finish first. ``tensor`` names what moves (an
    activation tensor, or "weights:<layer>"); ``spill`` marks an activation
    that goes to DDR only to come back (or comes back), not a model input,
    weight or final output.
    """

    label: str
    bits: int
    is_write: bool
    address: int = 0
    occupy_bits: int = 0
    release_bits: int = 0
    after: tuple[int, ...] = ()
    tensor: str = ""
    spill: bool = False


@dataclass(frozen=True)
class Compute:
    """The compute unit runs ``work``, or the share ``(start, end, total)`` of it
    that one tile is: the tile takes T x end // total - T x start // total of the
    layer's compute time T, so tile times add up to the layer's exactly."""

    label: str
    work: LayerWork
    occupy_bits: int = 0
    release_bits: int = 0
    after: tuple[int, ...] = ()
    share: tuple[int, int, int] = (0, 1, 1)

    def time_ps(self, layer_time_ps: int) -> int:
        start, end, total = self.share
        return layer_time_ps * end // total - layer_time_ps * start // total


Step = Transfer | Compute


@dataclass(frozen=True)
class LayerPlan:
    """What one layer does. ``internal_memory_bits`` is the policy's own figure
    for the memory the layer has in use (the paper's "internal memory" column);
    ``spill`` says the layer overflowed the SRAM."""

    steps: tuple[Step, ...]
    internal_memory_bits: int
    spill: bool
    tiles: int = 1

    @cached_property
    def is_chain(self) -> bool:
        """Each step waits for exactly the one before it (and the first for none)."""
        return bool(self.steps) and all(
            step.after == ((i - 1,) if i else ()) for i, step in enumerate(self.steps))

    @cached_property
    def dependents(self) -> tuple[tuple[int, ...], ...]:
        """For each step, the steps that wait for it, in step order (the order SimPy
        registers them in). Raises ValueError for a step that waits for itself or a
        later step."""
        found: list[list[int]] = [[] for _ in self.steps]
        for i, step in enumerate(self.steps):
            for d in step.after:
                if not 0 <= d < i:
                    raise ValueError(f"step {i} waits for step {d}: "
                                     "a step may only wait for steps before it")
                found[d].append(i)
        return tuple(tuple(d) for d in found)


class ResidencyPolicy(Protocol):
    """Decides each layer's plan; may keep state from one layer to the next."""

    name: str

    def start(self, schedule: Sequence[LayerWork], capacity_bits: int) -> None:
        """See the whole schedule before the run (for liveness and tiling choices)."""
        ...

    def plan(self, index: int, work: LayerWork, sram: Sram) -> LayerPlan:
        """Plan layer ``index`` (1-based). May occupy/release ``sram`` for
        residency that outlives a single step."""
        ...


def chain(*steps: Step) -> tuple[Step, ...]:
    """The steps in a strict sequence, each after the one before it; transfers
    of nothing are dropped."""
    kept = [s for s in steps if not (isinstance(s, Transfer) and s.bits == 0)]
    return tuple(_after(step, (i - 1,)) if i and step.after != (i - 1,) else step
                 for i, step in enumerate(kept))


def _after(step: Step, after: tuple[int, ...]) -> Step:
    """``dataclasses.replace(step, after=after)`` without re-running construction:
    plans are built for every layer of every design point in a sweep, and the other
    fields were checked when ``step`` was made."""
    clone = object.__new__(type(step))
    clone.__dict__.update(step.__dict__, after=after)
    return clone
