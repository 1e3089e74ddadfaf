"""The interface between the simulator and a residency/accounting policy.

A policy decides what has to move over the DDR bus, what stays in SRAM and
when the compute unit runs. Its :meth:`Policy.prepare` sees the whole
schedule and the SRAM size once and returns a :class:`PreparedSchedule`:
:class:`Segment` after :class:`Segment`, each a graph of :class:`Transfer` and
:class:`Compute` steps over one or more consecutive layers, with their
dependencies. The engines run those graphs on the units, so a policy never
touches simulated time itself: serial accounting (the paper), overlapped,
double-buffered tiling, prefetch across layers and fused tiles are all
plans, differing only in their ``after`` edges. A prepared schedule is
immutable: sweeps prepare once per schedule and SRAM size and run it on any
number of machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from accelsim.errors import AccelsimError
from accelsim.sim.work import LayerWork


class SramTooSmallError(AccelsimError):
    """A layer cannot run on this SRAM at all under the policy: impossible hardware."""


class TooManyTilesError(AccelsimError):
    """A layer would fit the SRAM only in more tiles than a plan may have."""


def sram_too_small(policy: str, capacity_bits: int, index: int, work: LayerWork,
                   need_bits: int, what: str) -> SramTooSmallError:
    """The one-line error every policy gives for an SRAM too small for layer ``index``:
    ``need_bits`` is the least SRAM it runs on, ``what`` says what needs it."""
    return SramTooSmallError(
        f"SRAM of {_bits(capacity_bits)} is too small for layer {index} ({work.name!r}) under "
        f"the {policy} policy: {what} need at least {_bits(need_bits)}")


def _bits(bits: int) -> str:
    """ "4,928 bits (616 bytes)", "1 bit (1 byte)" """
    nbytes = -(-bits // 8)
    return (f"{bits:,} bit{'' if bits == 1 else 's'} "
            f"({nbytes:,} byte{'' if nbytes == 1 else 's'})")


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
    """What one layer does, as a policy builds it: its steps (``after`` indexing this
    plan's own steps), ``internal_memory_bits``, the policy's own figure for the
    memory the layer has in use (the paper's "internal memory" column), and
    whether the layer overflowed the SRAM (``spill``)."""

    steps: tuple[Step, ...]
    internal_memory_bits: int
    spill: bool
    tiles: int = 1


@dataclass(frozen=True)
class LayerAccount:
    """A policy's own figures for one layer, beside what its steps did.

    ``internal_memory_bits`` and ``spill`` as in :class:`LayerPlan`; ``tiles``: how
    many pieces the layer ran in; ``group``: the 1-based run of layers it was
    scheduled with (a layer run alone is a group of its own); ``recomputed_macs``:
    MACs computed more than once (halo rows a fused tile recomputes).
    """

    internal_memory_bits: int
    spill: bool
    tiles: int = 1
    group: int = 0
    recomputed_macs: int = 0


@dataclass(frozen=True)
class Segment:
    """Consecutive layers run as one graph of steps: the engine starts a segment when
    the one before it has ended, and ends it when its last step has.

    ``steps``' ``after`` edges index this segment's steps, so a step may wait for a
    step of an earlier layer of the segment (a prefetch, a fused tile).
    ``step_layers`` gives each step's layer (1-based, ``first_layer`` up to
    ``first_layer + len(accounts) - 1``); ``accounts`` the policy's figures for
    each of those layers. At the segment's start, before any step, the SRAM
    releases ``release_at_start_bits`` then reserves ``occupy_at_start_bits``
    (residency decided for the whole segment: the paper's resident set, a tensor
    kept on chip for a later layer); both are charged to the first layer.
    """

    first_layer: int
    accounts: tuple[LayerAccount, ...]
    steps: tuple[Step, ...]
    step_layers: tuple[int, ...]
    release_at_start_bits: int = 0
    occupy_at_start_bits: int = 0

    def __post_init__(self) -> None:
        if not self.accounts:
            raise ValueError("a segment needs at least one layer")
        if len(self.step_layers) != len(self.steps):
            raise ValueError(f"{len(self.steps)} steps but {len(self.step_layers)} step layers")
        last = self.first_layer + len(self.accounts) - 1
        for layer in self.step_layers:
            if not self.first_layer <= layer <= last:
                raise ValueError(f"a step of layer {layer} in a segment of layers "
                                 f"{self.first_layer}..{last}")
        if self.release_at_start_bits < 0 or self.occupy_at_start_bits < 0:
            raise ValueError("SRAM changes at a segment's start must be >= 0 bits")

    @staticmethod
    def of_layer(index: int, plan: LayerPlan, group: int = 0, release_at_start_bits: int = 0,
                 occupy_at_start_bits: int = 0, recomputed_macs: int = 0) -> Segment:
        """Layer ``index`` alone, as ``plan`` says."""
        account = LayerAccount(plan.internal_memory_bits, plan.spill, plan.tiles,
                               group or index, recomputed_macs)
        return Segment(index, (account,), plan.steps, (index,) * len(plan.steps),
                       release_at_start_bits, occupy_at_start_bits)

    @property
    def layers(self) -> range:
        """The 1-based indices of the segment's layers."""
        return range(self.first_layer, self.first_layer + len(self.accounts))

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

    @cached_property
    def steps_of_layer(self) -> tuple[int, ...]:
        """How many steps each layer of the segment has, in layer order."""
        counts = [0] * len(self.accounts)
        for layer in self.step_layers:
            counts[layer - self.first_layer] += 1
        return tuple(counts)


@dataclass(frozen=True)
class PreparedSchedule:
    """A policy's whole plan for one schedule on one SRAM size: immutable, so one
    prepared schedule serves any number of runs (machines that differ only in
    their DRAM or compute unit), in any number of threads.

    ``segments`` cover the layers of ``schedule`` in order, each exactly once.
    ``capacity_bits`` is the SRAM size it was prepared for.
    """

    policy: str
    schedule: tuple[LayerWork, ...]
    capacity_bits: int
    segments: tuple[Segment, ...]

    def __post_init__(self) -> None:
        expected = 1
        for segment in self.segments:
            if segment.first_layer != expected:
                raise ValueError(f"segment starts at layer {segment.first_layer}, "
                                 f"expected {expected}")
            expected += len(segment.accounts)
        if expected != len(self.schedule) + 1:
            raise ValueError(f"segments cover {expected - 1} of {len(self.schedule)} layers")

    @cached_property
    def ddr_bits(self) -> int:
        """Bits the plan moves over the DDR bus, reads and writes (computed once)."""
        return sum(step.bits for segment in self.segments for step in segment.steps
                   if isinstance(step, Transfer))


class Policy(Protocol):
    """A residency/accounting policy: frozen settings (hashable, so that prepared
    schedules can be cached by them), a ``name``, and a pure ``prepare``."""

    @property
    def name(self) -> str: ...

    def __hash__(self) -> int: ...

    def prepare(self, schedule: Sequence[LayerWork], capacity_bits: int) -> PreparedSchedule:
        """The whole run's plan for ``schedule`` on an SRAM of ``capacity_bits`` bits.
        Raises :class:`~accelsim.errors.AccelsimError` for an SRAM too small."""
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
