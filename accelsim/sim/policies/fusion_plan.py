"""The steps of one fused group, tile by tile, and the SRAM they can need at most.

The group runs as a program of positions, one per (tile, layer) in that
order: at each, the DMA brings what the layer reads first in this tile (its
weights, new rows of the group's inputs kept in DDR), then the compute unit
makes the layer's rows of the tile. Each position's loads start when the
compute two positions before it has ended, so they overlap the compute of
the position before (one position of prefetch); the compute waits for its
loads and the compute before it. The group's output goes out band by band
(each band's write overlaps the next tile's compute; a band's compute waits
for the write two bands back) unless it stays on chip for a later layer.

Rows are released when no later tile needs them (halo ``cache``) or at the
end of each tile (``recompute``). Weights stay from their first tile to the
last (``resident``) or are fetched again for every tile (``per_tile``).

The same walk that builds the steps bounds the SRAM the group can hold at any
instant: the most held at one position plus the next position's loads in
flight plus two output bands not yet written. A plan is offered only when that
bound fits, so the SRAM is never overrun whatever the DRAM's timing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accelsim.sim.policies.base import Compute, Step, Transfer
from accelsim.sim.policies.fusion_groups import Group, TileRows
from accelsim.sim.work import LayerWork

WEIGHT_MODES = ("resident", "per_tile")


@dataclass(frozen=True)
class Boundary:
    """How a group meets the rest of the schedule (what the plan around it decided).

    ``resident``: the group inputs already whole in SRAM (no reads); ``releases``:
    those of them the group frees when it ends (it reads them last), with their
    bits; ``address``: the DDR byte address of every tensor read or written
    (inputs, the output) and ``spill`` whether that tensor is an activation that
    went out only to come back; ``output_kept``: the output stays on chip (its bits
    reserved when the group starts) instead of being written; ``weight_address``
    of each layer's weights.
    """

    resident: frozenset[str]
    releases: tuple[tuple[str, int], ...]
    address: tuple[tuple[str, int], ...]
    spill: frozenset[str]
    output_kept: bool
    weight_address: tuple[int, ...]


@dataclass(frozen=True)
class GroupFigures:
    """A candidate plan's figures, without its steps: whether it fits, the SRAM bound,
    its DDR bits, the rows each layer computes in all (more than its rows when halo
    rows are recomputed), and its tile count."""

    peak_bits: int
    ddr_bits: int
    computed_rows: tuple[int, ...]
    tiles: int


@dataclass(frozen=True)
class GroupSteps:
    steps: tuple[Step, ...]
    step_layers: tuple[int, ...]
    figures: GroupFigures


def walk(group: Group, tiles: Sequence[TileRows], halo: str, weights_mode: str,
         weight_bits: Sequence[int], boundary: Boundary,
         works: Sequence[LayerWork] | None = None,
         budget_bits: int | None = None) -> GroupSteps | GroupFigures | None:
    """Walk the group's program: its figures, and its steps when ``works`` (the group's
    layers) is given; None as soon as the SRAM bound passes ``budget_bits``."""
    build = works is not None
    n_tiles = len(tiles)
    m = len(group.layers)
    n_in = len(group.inputs)
    row_bits = group.row_bits
    out = group.output
    address = dict(boundary.address)
    releases = dict(boundary.releases)
    first_reader = [-1] * len(group.tensors)
    for k, (ins, _maps, _o) in enumerate(group.edges):
        for t in ins:
            if first_reader[t] < 0:
                first_reader[t] = k
    resident = [t < n_in and group.tensors[t] in boundary.resident
                for t in range(len(group.tensors))]
    held = [(0, 0)] * len(group.tensors)  # rows of each tensor on chip
    held_bits = 0                         # all the group holds but output bands
    band_bits = 0
    peak = 0
    ddr = 0
    computed = [0] * m
    steps: list[Step] = []
    layers: list[int] = []
    compute_at: list[int] = []  # step index of each position's compute
    write_at: list[int] = []    # step index of each band's write
    last_p = n_tiles * m - 1

    def add(step: Step, layer: int) -> int:
        steps.append(step)
        layers.append(layer)
        return len(steps) - 1

    positions = [(j, k) for j in range(n_tiles) for k in range(m)]
    plans = []
    for p, (j, k) in enumerate(positions):  # first pass: each position's loads
        tile = tiles[j]
        loads: list[tuple[str, str, int, int, bool]] = []  # (label, tensor, bits, address, spill)
        w = weight_bits[k]
        if w and (weights_mode == "per_tile" or j == 0):
            loads.append(("weights", f"weights:{group.layers[k] + 1}", w,
                          boundary.weight_address[k], False))
        for t in dict.fromkeys(group.edges[k][0]):
            if t < n_in and first_reader[t] == k and not resident[t]:
                a, b = tile.fetched[t]
                if b > a:
                    name = group.tensors[t]
                    loads.append((f"rows {a}-{b - 1} of {name}", name, (b - a) * row_bits[t],
                                  address[name] + a * row_bits[t] // 8,
                                  name in boundary.spill))
        plans.append(loads)
    for p, (j, k) in enumerate(positions):
        tile = tiles[j]
        ins, _maps, o = group.edges[k]
        loads = plans[p]
        load_bits = sum(x[2] for x in loads)
        for t in dict.fromkeys(ins):  # rows read in this tile
            if t < n_in and not resident[t] and first_reader[t] == k:
                a, b = tile.fetched[t]
                if b > a:
                    held[t] = (held[t][0] if held[t][1] > held[t][0] else a, b)
        a, b = tile.computed[k]
        rows = max(0, b - a)
        computed[k] += rows
        occupy = 0
        if o == out:
            if not boundary.output_kept:
                occupy = rows * row_bits[o]
        else:
            occupy = rows * row_bits[o]
            if rows:
                held[o] = (held[o][0] if held[o][1] > held[o][0] else a, b)
        next_loads = sum(x[2] for x in plans[p + 1]) if p < last_p else 0
        now = held_bits + load_bits + occupy
        peak = max(peak, now + next_loads)
        if budget_bits is not None and peak + 2 * band_bits > budget_bits:
            return None
        held_bits = now
        ddr += load_bits
        # what this compute frees: its weights when done with them, the rows no later
        # tile needs of what it reads last, resident inputs it reads last
        release = 0
        w = weight_bits[k]
        if w and (weights_mode == "per_tile" or j == n_tiles - 1):
            release += w
        freed_resident = 0
        for t in set(ins):
            if group.last_reader[t] != k:
                continue
            if resident[t]:
                if j == n_tiles - 1:
                    freed_resident += releases.get(group.tensors[t], 0)
                continue
            lo, hi = held[t]
            if halo == "cache" and j < n_tiles - 1:
                nxt = tiles[j + 1].need[t]
                keep_from = min(max(nxt[0], lo), hi) if nxt[1] > nxt[0] else hi
            else:
                keep_from = hi
            if keep_from > lo:
                release += (keep_from - lo) * row_bits[t]
                held[t] = (keep_from, hi)
        held_bits -= release
        release += freed_resident
        if o == out and not boundary.output_kept and rows:
            band = rows * row_bits[o]
            held_bits -= band  # moves to the write buffer
            band_bits = max(band_bits, band)
            ddr += band
        if build:
            assert works is not None
            after_loads = (compute_at[-2],) if len(compute_at) >= 2 else ()
            load_idx = [add(Transfer(label, bits, is_write=False, address=addr,
                                     occupy_bits=bits, after=after_loads, tensor=tensor,
                                     spill=spill), group.layers[k] + 1)
                        for label, tensor, bits, addr, spill in loads]
            deps = load_idx + compute_at[-1:]
            if o == out and j >= 2 and write_at[j - 2] >= 0:
                deps.append(write_at[j - 2])
            work = works[k]
            label = work.name if n_tiles == 1 else f"{work.name} tile {j + 1}/{n_tiles}"
            total = max(1, group.rows[o])
            done = computed[k] - rows
            compute_at.append(add(Compute(
                label, work, occupy_bits=occupy, release_bits=release,
                after=tuple(sorted(deps)), share=(done, done + rows, total)),
                group.layers[k] + 1))
            if o == out:
                if not boundary.output_kept and rows:
                    name = group.tensors[o]
                    write_at.append(add(Transfer(
                        f"rows {a}-{b - 1} of {name}", rows * row_bits[o], is_write=True,
                        address=address[name] + a * row_bits[o] // 8,
                        release_bits=rows * row_bits[o], after=(compute_at[-1],), tensor=name,
                        spill=name in boundary.spill), group.layers[k] + 1))
                else:
                    write_at.append(-1)
    figures = GroupFigures(peak + 2 * band_bits, ddr, tuple(computed), n_tiles)
    if not build:
        return figures
    return GroupSteps(tuple(steps), tuple(layers), figures)
