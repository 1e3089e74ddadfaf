"""Which runs of layers can be fused, and which rows each tile of a fused group needs.

A fused group is a run of consecutive layers of the schedule executed tile by
tile: each tile is a band of output rows of the group's last layer, and
computes, layer by layer from the group's first, exactly the rows of every
tensor that band needs (:class:`~accelsim.sim.ops.RowDependence` says which
input rows a band of output rows reads). Rows are axis -2 of a tensor (H of
NCHW), a band covers every image of a batch.

A run can be fused when every tensor made inside it, but its last layer's
output, is read only inside it (nothing else has to be written out), every
edge inside it keeps the tensor's shape (a reshape moves rows), and every
layer maps rows by a window or row by row. A layer that needs its whole input
(``RowDependence.WHOLE``, or a window of one output row over several input
rows: global pooling) can only end a group, which then runs as one tile.

Halo rows (rows two neighbouring tiles both need) are either kept on chip
from one tile to the next (``cache``: every row is computed, and read from
DDR, once) or computed again by every tile that needs them (``recompute``:
tiles hold nothing between them, and re-read their input rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from math import prod

from accelsim.sim.ops import OperandRole, RowDependence
from accelsim.sim.work import LayerWork

MODEL_INPUT = "#input"
"""The name of the schedule's input when its first layer names none."""

HALO_MODES = ("cache", "recompute")


def tensor_names(schedule: Sequence[LayerWork]) -> tuple[tuple[tuple[str, ...], ...],
                                                          tuple[str, ...]]:
    """Each layer's input names and output name, as the tiled policy resolves them: an
    empty input list is the previous layer's output (the model input for the first),
    an empty output name is ``#<index>``."""
    outputs = tuple(w.output or f"#{i}" for i, w in enumerate(schedule, start=1))
    inputs = tuple(w.inputs or ((outputs[i - 1],) if i else (MODEL_INPUT,))
                   for i, w in enumerate(schedule))
    return inputs, outputs


@dataclass(frozen=True)
class RowMap:
    """How a layer's output rows map to the rows of one of its inputs: through a window
    (``kernel``, ``stride``, ``dilation``, ``pad_top``), row for row, or not at all
    (the whole input for any band)."""

    kind: str  # "window", "same" or "whole"
    in_rows: int
    kernel: int = 1
    stride: int = 1
    dilation: int = 1
    pad_top: int = 0

    def rows(self, first: int, end: int) -> tuple[int, int]:
        """Input rows [a, b) that output rows [first, end) read (empty: a == b)."""
        if first >= end:
            return (0, 0)
        if self.kind == "same":
            return (first, end)
        if self.kind == "whole":
            return (0, self.in_rows)
        top = first * self.stride - self.pad_top
        bottom = (end - 1) * self.stride - self.pad_top + (self.kernel - 1) * self.dilation + 1
        top, bottom = max(0, top), min(self.in_rows, bottom)
        return (top, bottom) if top < bottom else (0, 0)


def _rows_of(shape: tuple[int, ...]) -> tuple[int, int] | None:
    """(rows, elements per row) of a tensor shape, or None without a row axis."""
    if len(shape) < 2 or shape[-2] < 1:
        return None
    return shape[-2], prod(shape) // shape[-2]


@dataclass(frozen=True)
class LayerView:
    """One layer as fusion sees it: its tensors, their rows, and its row maps (None when
    the layer cannot be in a group of several layers)."""

    inputs: tuple[str, ...]
    output: str
    out_rows: int
    out_row_bits: int
    in_rows: tuple[int, ...]
    in_row_bits: tuple[int, ...]
    maps: tuple[RowMap, ...] | None
    ends_group: bool  # needs its whole input: may only be a group's last layer


def _view(work: LayerWork, inputs: tuple[str, ...], output: str,
          activation_bits: int) -> LayerView:
    out = _rows_of(work.output_shape)
    ins = [_rows_of(s) for s in work.input_shapes]
    if out is None or len(ins) != len(inputs) or any(i is None for i in ins):
        return LayerView(inputs, output, 1, work.output_elems * activation_bits, (), (), None,
                         True)
    in_rows = tuple(i[0] for i in ins if i is not None)
    in_row_bits = tuple(i[1] * activation_bits for i in ins if i is not None)
    out_rows, out_row_elems = out
    maps: tuple[RowMap, ...] | None = None
    ends = False
    g = work.geometry
    if work.rows is RowDependence.WINDOW and g is not None and not g.transposed \
            and len(inputs) == 1 and g.out_h == out_rows and g.in_h == in_rows[0]:
        maps = (RowMap("window", in_rows[0], g.kernel_h, g.stride_h, g.dilation_h, g.pads[0]),)
        ends = out_rows == 1 and in_rows[0] > 1
    elif work.rows is RowDependence.SAME:
        roles = [o.role for o in work.operands if not o.is_parameter]
        maps = tuple(RowMap("same" if rows == out_rows and role is OperandRole.ACTIVATION
                            else "whole", rows) for rows, role in zip(in_rows, roles))
    elif work.rows is RowDependence.WHOLE:
        maps = tuple(RowMap("whole", rows) for rows in in_rows)
        ends = True
    return LayerView(inputs, output, out_rows, out_row_elems * activation_bits, in_rows,
                     in_row_bits, maps, ends or (maps is not None and
                                                 any(m.kind == "whole" and m.in_rows > 1
                                                     for m in maps)))


class ScheduleGraph:
    """The schedule's tensors and who reads them, for finding fusable runs."""

    def __init__(self, schedule: Sequence[LayerWork], activation_bits: int) -> None:
        self.schedule = tuple(schedule)
        self.inputs, self.outputs = tensor_names(schedule)
        readers: dict[str, list[int]] = {}
        for i, names in enumerate(self.inputs):
            for name in names:
                readers.setdefault(name, []).append(i)
        self.readers = {name: tuple(r) for name, r in readers.items()}
        self.views = tuple(_view(w, ins, out, activation_bits)
                           for w, ins, out in zip(schedule, self.inputs, self.outputs))
        self.model_outputs = frozenset(o for o in self.outputs if o not in self.readers)
        self.shapes = {o: w.output_shape for o, w in zip(self.outputs, schedule)}

    def group(self, first: int, last: int) -> Group | None:
        """Layers ``first``..``last`` (0-based, inclusive, at least two) as a fused group,
        or None when they cannot be fused."""
        views = self.views[first:last + 1]
        produced = {v.output: first + k for k, v in enumerate(views)}
        for k, v in enumerate(views):
            i = first + k
            if v.maps is None or (v.ends_group and i != last):
                return None
            for j, name in enumerate(v.inputs):
                if name in produced and self.shapes[name] != self.schedule[i].input_shapes[j]:
                    return None  # a reshape between them: rows do not line up
            if i != last and (v.output in self.model_outputs or any(
                    r > last for r in self.readers.get(v.output, ()))):
                return None  # would have to be written out
        return Group(self, first, last)


@dataclass(frozen=True)
class TileRows:
    """What one tile of a group does, per tensor of the group (``Group.tensors``): the
    rows it needs (``need``), and per layer the rows it computes (``computed``)."""

    need: tuple[tuple[int, int], ...]
    computed: tuple[tuple[int, int], ...]
    fetched: tuple[tuple[int, int], ...]  # per tensor: rows read in (group inputs)


class Group:
    """Layers ``first``..``last`` of a :class:`ScheduleGraph` as one fused group.

    ``tensors``: the group's inputs (tensors it reads but does not make), then each
    layer's output in layer order; ``rows`` and ``row_bits`` of each.
    """

    def __init__(self, graph: ScheduleGraph, first: int, last: int) -> None:
        self.graph = graph
        self.first = first
        self.last = last
        views = graph.views[first:last + 1]
        produced = [v.output for v in views]
        outside: list[str] = []
        rows: dict[str, tuple[int, int]] = {}
        for v in views:
            for name, r, rb in zip(v.inputs, v.in_rows, v.in_row_bits):
                if name not in produced and name not in outside:
                    outside.append(name)
                    rows[name] = (r, rb)
        for v in views:
            rows[v.output] = (v.out_rows, v.out_row_bits)
        self.inputs = tuple(outside)
        self.tensors = (*outside, *produced)
        self.index = {name: i for i, name in enumerate(self.tensors)}
        self.rows = tuple(rows[t][0] for t in self.tensors)
        self.row_bits = tuple(rows[t][1] for t in self.tensors)
        self.layers = tuple(range(first, last + 1))
        # per layer of the group: (its input tensors' ids, their row maps, its output's id)
        self.edges = tuple((tuple(self.index[n] for n in v.inputs), v.maps,
                            self.index[v.output]) for v in views)
        self.last_reader = self._last_readers()

    def _last_readers(self) -> tuple[int, ...]:
        """For each tensor, the group-local layer that reads it last (-1: none in the group)."""
        last = [-1] * len(self.tensors)
        for k, (ins, _maps, _out) in enumerate(self.edges):
            for t in ins:
                last[t] = k
        return tuple(last)

    @property
    def output(self) -> int:
        return len(self.tensors) - 1

    @cached_property
    def out_rows(self) -> int:
        return self.rows[self.output]

    def tile_heights(self) -> tuple[int, ...]:
        """Band heights worth weighing: those that make 1, 2, 3, 4, 6, 8, ... tiles."""
        rows = self.out_rows
        if any(self.graph.views[i].ends_group for i in self.layers):
            return (rows,)
        counts = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128]
        return tuple(sorted({-(-rows // n) for n in counts if n <= rows}, reverse=True))

    def tiles(self, rows_per_tile: int, halo: str) -> tuple[TileRows, ...]:
        """The rows of every tile of bands of ``rows_per_tile`` output rows."""
        n_t = len(self.tensors)
        bands = [(r, min(r + rows_per_tile, self.out_rows))
                 for r in range(0, self.out_rows, rows_per_tile)]
        needs = [self._needs(b, last=(j == len(bands) - 1), first=(j == 0))
                 for j, b in enumerate(bands)]
        tiles = []
        done = [0] * n_t  # cache: rows below this are on chip already
        for j, need in enumerate(needs):
            if halo == "cache" and j == len(needs) - 1:
                # the last tile makes every row not made yet (and holds what it needs)
                new = tuple((d, rows) for d, rows in zip(done, self.rows))
                need = tuple((min(lo, d) if hi > lo else d, rows)
                             for (lo, hi), d, rows in zip(need, done, self.rows))
            elif halo == "cache":
                # from the first row not made yet: rows on chip stay one run
                new = tuple((done[t], hi) if hi > done[t] else (hi, hi)
                            for t, (_lo, hi) in enumerate(need))
                done = [max(d, hi) for d, (_lo, hi) in zip(done, need)]
            else:
                new = need
            computed = tuple(new[out] for _ins, _maps, out in self.edges)
            fetched = tuple(new[t] if t < len(self.inputs) else (0, 0) for t in range(n_t))
            tiles.append(TileRows(need, computed, fetched))
        return tuple(tiles)

    def _needs(self, band: tuple[int, int], last: bool, first: bool) -> tuple[tuple[int, int], ...]:
        """Rows of every tensor that output rows ``band`` need; the first tile starts every
        tensor at row 0 and the last ends it at its last row, so that every row is made."""
        need: list[tuple[int, int] | None] = [None] * len(self.tensors)
        need[self.output] = band
        for ins, maps, out in reversed(self.edges):
            mine = need[out]
            if mine is None:
                mine = (0, 0)
            if first and mine[1] > mine[0]:
                mine = (0, mine[1])
            if last:
                mine = (mine[0] if mine[1] > mine[0] else self.rows[out], self.rows[out])
            need[out] = mine
            assert maps is not None  # groups hold only layers with row maps
            for t, m in zip(ins, maps):
                a, b = m.rows(*mine)
                have = need[t]
                if have is None or have[0] >= have[1]:
                    need[t] = (a, b)
                elif a < b:
                    need[t] = (min(a, have[0]), max(b, have[1]))
        result = []
        for t, r in enumerate(need):
            r = r or (0, 0)
            if t < len(self.inputs):
                if first and r[1] > r[0]:
                    r = (0, r[1])
                if last:
                    r = (r[0] if r[1] > r[0] else self.rows[t], self.rows[t])
            result.append(r)
        return tuple(result)
