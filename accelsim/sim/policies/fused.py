"""Depth-first layer fusion: runs of layers executed tile by tile, on top of the tiled plan.

The fused policy starts from the tiled policy's plan for the same schedule and
SRAM (:mod:`.tiled`) and replaces runs of its layers by fused groups
(:mod:`.fusion_groups`, :mod:`.fusion_plan`) where that pays: a group's
intermediate tensors never exist in full, only the rows its tiles need, so
they neither take the SRAM nor go to DDR. Everything a group meets at its
borders is what the tiled plan had there (a tensor kept on chip stays on
chip, a tensor in DDR is read from, or written to, the same place), so the
rest of the tiled plan runs unchanged around it; a run whose borders the
group could not honour exactly is not fused.

Which runs, how high their tiles, and whether their weights stay for all
tiles or come again for each: a dynamic program over the layer order picks,
at each layer, either the tiled plan of the layer or a fused group starting
there, minimising the estimated latency (``objective: latency``: DDR bits at
the bus's peak rate against compute time, overlapped by the tiles), DDR bits
(``ddr``) or, as DDR bits dominate it, energy (``energy``). The estimate is
then checked on the machine itself (a compiler's autotuning step): the fused
plan and the tiled plan run on the machine's fast path, a group that ran
slower than the tiled layers it replaced goes back to them, and if the whole
run is still not better than the tiled plan's, the tiled plan is the answer.
So ``fused`` is never slower (or, by its objective, never dearer) than
``tiled`` on the same machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar, Protocol

from accelsim.sim.policies.base import (
    Compute,
    LayerAccount,
    PreparedSchedule,
    Segment,
    Transfer,
)
from accelsim.sim.policies.fusion_groups import HALO_MODES, Group, ScheduleGraph
from accelsim.sim.policies.fusion_plan import (
    WEIGHT_MODES,
    Boundary,
    GroupFigures,
    GroupSteps,
    walk,
)
from accelsim.sim.policies.tiled import TiledPolicy
from accelsim.sim.work import LayerWork

if TYPE_CHECKING:
    from accelsim.sim.results import SimulationResult

OBJECTIVES = ("latency", "ddr", "energy")
MAX_GROUP_LAYERS = 32
"""The longest run of layers one group may be (bounds the planner's work)."""
TILE_COUNTS = (1, 2, 4, 8, 16, 32, 64)
"""Tile counts weighed for a group (band heights ceil(rows / count))."""


class Machine(Protocol):
    """What the fused policy knows of the machine it plans for (hashable by value, so
    that prepared schedules can be cached by it): the DDR bus's peak time for a number
    of bits, a layer's compute time, and a run of a prepared schedule on fresh units."""

    def __hash__(self) -> int: ...

    def ddr_ps(self, bits: int) -> int: ...

    def layer_time_ps(self, work: LayerWork) -> int: ...

    def run(self, prepared: PreparedSchedule) -> SimulationResult: ...


@dataclass(frozen=True)
class FusedPolicy:
    """Depth-first fusion over the tiled policy's plan (module docstring).

    ``halo``: rows shared by neighbouring tiles kept on chip (``cache``) or computed
    again (``recompute``); ``objective``: what the plan minimises; ``machine``: the
    machine planned for (without one, plans are weighed and checked by their DDR bits);
    ``activation_bits``, ``weight_bits``, ``pipeline_tiles`` as for :class:`TiledPolicy`.
    """

    activation_bits: int
    weight_bits: int
    machine: Machine | None = None
    halo: str = "cache"
    objective: str = "latency"
    pipeline_tiles: int = 8
    name: ClassVar[str] = "fused"

    def __post_init__(self) -> None:
        if self.halo not in HALO_MODES:
            raise ValueError(f'"halo" must be one of {", ".join(HALO_MODES)}, got {self.halo!r}')
        if self.objective not in OBJECTIVES:
            raise ValueError(f'"objective" must be one of {", ".join(OBJECTIVES)}, '
                             f"got {self.objective!r}")

    @property
    def tiled(self) -> TiledPolicy:
        return TiledPolicy(self.activation_bits, self.weight_bits, self.pipeline_tiles)

    def prepare(self, schedule: Sequence[LayerWork], capacity_bits: int) -> PreparedSchedule:
        return _prepare(self, tuple(schedule), capacity_bits)


@lru_cache(maxsize=256)
def _tiled_plan(policy: TiledPolicy, schedule: tuple[LayerWork, ...],
                capacity_bits: int) -> PreparedSchedule:
    return policy.prepare(schedule, capacity_bits)


@lru_cache(maxsize=256)
def _prepare(policy: FusedPolicy, schedule: tuple[LayerWork, ...],
             capacity_bits: int) -> PreparedSchedule:
    base = _tiled_plan(policy.tiled, schedule, capacity_bits)
    options = _options(schedule, capacity_bits, policy.tiled, policy.halo)
    if not options.groups:
        return base
    chosen = _choose(policy, options, base)
    if not chosen:
        return base
    return _judged(policy, options, base, chosen)


# -- what the tiled plan says at every layer -------------------------------------------------
class _TiledFacts:
    """Facts of the tiled plan that fused groups must honour."""

    def __init__(self, base: PreparedSchedule, graph: ScheduleGraph) -> None:
        n = len(base.schedule)
        self.segment_of = [0] * n
        self.starts: set[int] = set()
        self.ends: set[int] = set()
        self.carry_before = [0] * n  # SRAM held when the segment starting here starts
        net = 0
        self.net_prefix = [0]
        for s, segment in enumerate(base.segments):
            first = segment.first_layer - 1
            self.starts.add(first)
            self.ends.add(first + len(segment.accounts) - 1)
            self.carry_before[first] = net
            delta = segment.occupy_at_start_bits - segment.release_at_start_bits + sum(
                step.occupy_bits - step.release_bits for step in segment.steps)
            net += delta
            for layer in segment.layers:
                self.segment_of[layer - 1] = s
            self.net_prefix += [self.net_prefix[-1]] * (len(segment.accounts) - 1)
            self.net_prefix.append(net)
        self.read_by: dict[str, set[int]] = {}
        self.written_by: dict[str, set[int]] = {}
        self.address: dict[str, int] = {}
        per_layer = [0] * n
        spilled = [0] * n
        for segment in base.segments:
            for step, layer in zip(segment.steps, segment.step_layers):
                if not isinstance(step, Transfer):
                    continue
                per_layer[layer - 1] += step.bits
                spilled[layer - 1] += step.bits if step.spill else 0
                if step.tensor:
                    where = self.written_by if step.is_write else self.read_by
                    where.setdefault(step.tensor, set()).add(layer - 1)
                    self.address[step.tensor] = min(step.address,
                                                    self.address.get(step.tensor, step.address))
        self.last_reader = {name: max(r) for name, r in graph.readers.items()}
        self.ddr_prefix = [0]
        self.spill_prefix = [0]
        for bits, spill in zip(per_layer, spilled):
            self.ddr_prefix.append(self.ddr_prefix[-1] + bits)
            self.spill_prefix.append(self.spill_prefix[-1] + spill)

    def spill_bits(self, first: int, last: int) -> int:
        """Activation bits the tiled plan sends out and brings back for layers first..last."""
        return self.spill_prefix[last + 1] - self.spill_prefix[first]

    def ddr_bits(self, first: int, last: int) -> int:
        """DDR bits the tiled plan moves for layers first..last."""
        return self.ddr_prefix[last + 1] - self.ddr_prefix[first]

    def net(self, first: int, last: int) -> int:
        """SRAM the tiled plan's layers first..last leave held (net of what they free)."""
        return self.net_prefix[last + 1] - self.net_prefix[first]


def _boundary(group: Group, facts: _TiledFacts, graph: ScheduleGraph) -> tuple[Boundary, int] | None:
    """The group's borders as the tiled plan has them, and the bits it reserves for its
    output; None when the group could not leave the SRAM as the tiled layers do."""
    first, last = group.first, group.last
    span = range(first, last + 1)
    resident = set()
    releases = []
    for name, rows, bits in zip(group.inputs, group.rows, group.row_bits):
        if any(layer in span for layer in facts.read_by.get(name, ())):
            continue
        resident.add(name)
        if facts.last_reader.get(name, -1) <= last:
            releases.append((name, rows * bits))
    out = group.tensors[group.output]
    read_later = any(r > last for r in graph.readers.get(out, ()))
    written = any(layer in span for layer in facts.written_by.get(out, ()))
    kept = read_later and not written
    if not kept and not written:
        return None
    reserve = group.out_rows * group.row_bits[group.output] if kept else 0
    if reserve - sum(bits for _n, bits in releases) != facts.net(first, last):
        return None
    for name in (*group.inputs, out):
        if name not in resident and name not in facts.address and not (name == out and kept):
            return None
    weights = tuple(facts.address.get(f"weights:{layer + 1}", 0) for layer in span)
    spill = frozenset(n for n in (*group.inputs, out)
                      if n in graph.readers and n in set(graph.outputs))
    return Boundary(frozenset(resident), tuple(releases), tuple(facts.address.items()),
                    spill, kept, weights), reserve


# -- the candidate groups, machine-independent and cached ---------------------------------------
@dataclass(frozen=True)
class _Variant:
    first: int
    last: int
    rows_per_tile: int
    weights_mode: str
    figures: GroupFigures


@dataclass(frozen=True)
class _Options:
    graph: ScheduleGraph
    facts: _TiledFacts
    groups: tuple[_Variant, ...]
    boundaries: dict[tuple[int, int], tuple[Boundary, int]]


def _weight_bits(graph: ScheduleGraph, group: Group, weight_bits: int) -> tuple[int, ...]:
    return tuple((graph.schedule[i].weight_params + graph.schedule[i].bias_params) * weight_bits
                 for i in group.layers)


@lru_cache(maxsize=64)
def _options(schedule: tuple[LayerWork, ...], capacity_bits: int, tiled: TiledPolicy,
             halo: str) -> _Options:
    """Every fitting group variant of ``schedule`` on this SRAM, around the tiled plan."""
    base = _tiled_plan(tiled, schedule, capacity_bits)
    weight_bits, pipeline_tiles = tiled.weight_bits, tiled.pipeline_tiles
    graph = ScheduleGraph(schedule, tiled.activation_bits)
    facts = _TiledFacts(base, graph)
    variants: list[_Variant] = []
    boundaries: dict[tuple[int, int], tuple[Boundary, int]] = {}
    n = len(schedule)
    for first in range(n):
        if first not in facts.starts or graph.views[first].maps is None:
            continue
        misses = 0
        for last in range(first + 1, min(n, first + MAX_GROUP_LAYERS)):
            if graph.views[last].maps is None:
                break
            if last not in facts.ends or not facts.spill_bits(first, last):
                continue  # without activations through DDR a group has nothing to save
            group = graph.group(first, last)
            if group is None:
                if graph.views[last].ends_group:
                    break
                continue
            found = _boundary(group, facts, graph)
            if found is None:
                continue
            boundary, reserve = found
            weights = _weight_bits(graph, group, weight_bits)
            if facts.ddr_bits(first, last) <= _least_ddr_bits(group, boundary, weights):
                continue  # the tiled layers move nothing a group would not: no gain
            budget = capacity_bits - facts.carry_before[first] - reserve
            fitting = _fitting(group, halo, weights, boundary, budget, pipeline_tiles)
            if fitting:
                misses = 0
                boundaries[(first, last)] = found
                variants += [_Variant(first, last, rpt, mode, fig) for rpt, mode, fig in fitting]
            else:
                misses += 1
                if misses >= 3:
                    break
            if graph.views[last].ends_group:
                break
    return _Options(graph, facts, tuple(variants), boundaries)


def _least_ddr_bits(group: Group, boundary: Boundary, weights: Sequence[int]) -> int:
    """The fewest DDR bits any plan of the group moves: its weights once, its inputs in
    DDR and its output (unless kept on chip) once."""
    bits = sum(weights) + sum(rows * row_bits for name, rows, row_bits
                              in zip(group.inputs, group.rows, group.row_bits)
                              if name not in boundary.resident)
    if not boundary.output_kept:
        bits += group.out_rows * group.row_bits[group.output]
    return bits


def _fitting(group: Group, halo: str, weights: tuple[int, ...], boundary: Boundary,
             budget: int, pipeline_tiles: int) -> list[tuple[int, str, GroupFigures]]:
    """For each weight mode, the fitting band height with the fewest tiles, and the one
    nearest ``pipeline_tiles`` tiles when that is more."""
    found: list[tuple[int, str, GroupFigures]] = []
    heights = {-(-group.out_rows // c) for c in TILE_COUNTS if c <= group.out_rows}
    order = sorted(heights, reverse=True) if len(group.tile_heights()) > 1 else [group.out_rows]
    for mode in WEIGHT_MODES:
        if (sum(weights) if mode == "resident" else max(
                a + b for a, b in zip(weights, (*weights[1:], weights[0])))) > budget:
            continue
        if mode == "per_tile" and len(order) == 1 and found:
            continue  # one tile: the same traffic as resident weights
        picked = []
        for rpt in order:
            fig = walk(group, group.tiles(rpt, halo), halo, mode, weights, boundary,
                       budget_bits=budget)
            if isinstance(fig, GroupFigures):
                picked.append((rpt, mode, fig))
                if fig.tiles >= pipeline_tiles or len(picked) == 2:
                    break
        found += picked
    return found


# -- the choice ---------------------------------------------------------------------------
def _estimate_ps(ddr_ps: int, compute_ps: int, tiles: int) -> int:
    """A run's time when DDR and compute overlap tile by tile: the longer of the two,
    plus the shorter's share of one tile (filling and draining the pipeline)."""
    return max(ddr_ps, compute_ps) + min(ddr_ps, compute_ps) // max(1, tiles)


Cost = tuple[int, int]


def _choose(policy: FusedPolicy, options: _Options, base: PreparedSchedule) -> list[_Variant]:
    """The groups the dynamic program keeps (in layer order): the cheapest way through
    the schedule, at each segment start either the tiled segment or a group starting
    there. A cost is (the objective's figure, the other figure as a tie-break)."""
    schedule = base.schedule
    n = len(schedule)
    machine = policy.machine
    time = [machine.layer_time_ps(w) if machine is not None else 0 for w in schedule]
    by_latency = policy.objective == "latency" and machine is not None

    def cost(ddr_bits: int, compute_ps: int, tiles: int) -> Cost:
        if by_latency and machine is not None:
            return (_estimate_ps(machine.ddr_ps(ddr_bits), compute_ps, tiles), ddr_bits)
        return (ddr_bits, compute_ps)

    tiled: dict[int, tuple[int, Cost]] = {}  # segment start -> (next start, its cost)
    for segment in base.segments:
        bits = sum(s.bits for s in segment.steps if isinstance(s, Transfer))
        computes = [s.time_ps(time[layer - 1])
                    for s, layer in zip(segment.steps, segment.step_layers)
                    if isinstance(s, Compute)]
        first = segment.first_layer - 1
        tiled[first] = (first + len(segment.accounts), cost(bits, sum(computes),
                                                             max(1, len(computes))))
    by_first: dict[int, list[_Variant]] = {}
    for v in options.groups:
        by_first.setdefault(v.first, []).append(v)
    best: list[Cost] = [(0, 0)] * (n + 1)
    pick: list[_Variant | None] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        if i not in tiled:
            continue
        end, c = tiled[i]
        best[i] = (c[0] + best[end][0], c[1] + best[end][1])
        for v in by_first.get(i, ()):
            compute = sum(time[layer] * rows // max(1, options.graph.views[layer].out_rows)
                          for layer, rows in zip(range(v.first, v.last + 1),
                                                 v.figures.computed_rows))
            c = cost(v.figures.ddr_bits, compute, v.figures.tiles)
            total = (c[0] + best[v.last + 1][0], c[1] + best[v.last + 1][1])
            if total < best[i]:
                best[i], pick[i] = total, v
    chosen = []
    i = 0
    while i < n:
        picked = pick[i]
        if picked is None:
            i = tiled[i][0]
        else:
            chosen.append(picked)
            i = picked.last + 1
    return chosen


def _assemble(policy: FusedPolicy, options: _Options, base: PreparedSchedule,
              chosen: Sequence[_Variant]) -> PreparedSchedule:
    """The tiled plan with ``chosen`` groups in place of their layers; groups numbered
    in order (a layer the tiled plan runs alone is a group of its own)."""
    schedule = base.schedule
    by_first = {v.first: v for v in chosen}
    segments: list[Segment] = []
    group_no = 0
    s = 0
    while s < len(base.segments):
        segment = base.segments[s]
        first = segment.first_layer - 1
        v = by_first.get(first)
        if v is None:
            accounts = []
            for account in segment.accounts:
                group_no += 1
                accounts.append(replace(account, group=group_no))
            segments.append(replace(segment, accounts=tuple(accounts)))
            s += 1
            continue
        group_no += 1
        segments.append(_group_segment(policy, options, v, group_no))
        while s < len(base.segments) and base.segments[s].first_layer - 1 <= v.last:
            s += 1
    return PreparedSchedule(policy.name, schedule, base.capacity_bits, tuple(segments))


def _group_segment(policy: FusedPolicy, options: _Options, v: _Variant,
                   group_no: int) -> Segment:
    graph = options.graph
    group = graph.group(v.first, v.last)
    assert group is not None
    boundary, reserve = options.boundaries[(v.first, v.last)]
    works = graph.schedule[v.first:v.last + 1]
    built = walk(group, group.tiles(v.rows_per_tile, policy.halo), policy.halo, v.weights_mode,
                 _weight_bits(graph, group, policy.weight_bits), boundary, works)
    assert isinstance(built, GroupSteps)
    accounts = []
    for work, layer, rows in zip(works, group.layers, built.figures.computed_rows):
        out_rows = max(1, graph.views[layer].out_rows)
        recomputed = work.macs * rows // out_rows - work.macs if rows > out_rows else 0
        accounts.append(LayerAccount(built.figures.peak_bits + reserve, False,
                                     built.figures.tiles, group_no, recomputed))
    return Segment(v.first + 1, tuple(accounts), built.steps, built.step_layers,
                   occupy_at_start_bits=reserve)


def _judged(policy: FusedPolicy, options: _Options, base: PreparedSchedule,
            chosen: list[_Variant]) -> PreparedSchedule:
    """The chosen plan, checked on the machine against the tiled plan (module docstring)."""
    plan = _assemble(policy, options, base, chosen)
    machine = policy.machine
    if policy.objective == "ddr" or machine is None:
        return plan if plan.ddr_bits <= base.ddr_bits else base
    tiled_run = machine.run(base)
    fused_run = machine.run(plan)
    if policy.objective == "latency":
        tiled_layer = [layer.performance_ps for layer in tiled_run.layers]
        fused_layer = [layer.performance_ps for layer in fused_run.layers]
        kept = [v for v in chosen if sum(fused_layer[v.first:v.last + 1])
                <= sum(tiled_layer[v.first:v.last + 1])]
        if kept != chosen:
            if not kept:
                return base
            plan = _assemble(policy, options, base, kept)
            fused_run = machine.run(plan)
        return plan if fused_run.total_ps <= tiled_run.total_ps else base
    return plan if fused_run.energy.total_pj <= tiled_run.energy.total_pj else base
