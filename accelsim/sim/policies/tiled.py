"""SRAM managed as an accelerator's compiler manages it: liveness, tiling, double buffering.

- A tensor lives in SRAM from the layer that produces it to its last use, then
  its space is freed. Weights are fetched per layer.
- A layer's output stays on chip for the next layer when that pays: the choice
  of which outputs to keep is made for the whole chain at once (a dynamic
  program over "input resident or not"), minimising DDR traffic, so a larger
  SRAM can never cost more traffic than a smaller one.
- A layer whose working set does not fit is tiled (:mod:`.tiling`), and its
  tiles are double-buffered: the DMA of tile j+1 overlaps the compute of tile j
  and the write-back of tile j-1.
- A tensor that cannot stay (an output too large to keep, an input of a layer
  other than the next, a tensor with several consumers) is spilled: written to
  DDR and read back where needed. Those transfers are marked ``spill``.

The SRAM's capacity is never exceeded: every plan reserves space before it
is used (:class:`~accelsim.sim.sram.Sram` raises otherwise). Sizes are bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from accelsim.errors import AccelsimError
from accelsim.sim.policies.base import (
    Compute,
    LayerPlan,
    PreparedSchedule,
    Segment,
    Step,
    TooManyTilesError,
    Transfer,
    sram_too_small,
)
from accelsim.sim.policies.tiling import (
    MAX_TILES,
    TileShape,
    Tiling,
    band_input_rows,
    best_tiling,
    resident_bits,
    smallest_buffer_bits,
    tiles_needed,
)
from accelsim.sim.work import LayerWork

MODEL_INPUT = "#input"
LINE_BYTES = 64  # DDR regions start on 64-byte lines


def _align(nbytes: int) -> int:
    return -(-nbytes // LINE_BYTES) * LINE_BYTES


def _split(total: int, parts: Sequence[int]) -> list[int]:
    """``total`` divided in proportion to ``parts``, exactly (cumulative flooring)."""
    whole = sum(parts)
    out, done, acc = [], 0, 0
    for part in parts:
        acc += part
        share = total * acc // whole if whole else 0
        out.append(share - done)
        done = share
    return out


@dataclass(frozen=True)
class _LayerChoice:
    """What the whole-schedule pass decided for one layer. ``inputs`` and
    ``input_bits`` name and size every tensor the layer reads (a residual Add
    reads two)."""

    tiling: Tiling
    inputs: tuple[str, ...]
    input_bits: tuple[int, ...]
    output: str


@dataclass(frozen=True)
class TiledPolicy:
    """Liveness-driven residency with DDR-traffic-optimal tiling and double buffering.

    ``activation_bits``/``weight_bits``: precision of stored elements.
    ``pipeline_tiles``: among equally cheap tilings, aim for this many tiles so
    that DMA and compute overlap even when a layer would fit whole.
    """

    activation_bits: int
    weight_bits: int
    pipeline_tiles: int = 8
    name: ClassVar[str] = "tiled"

    def __post_init__(self) -> None:
        for field in ("activation_bits", "weight_bits", "pipeline_tiles"):
            value = getattr(self, field)
            if value <= 0:
                raise ValueError(f'"{field}" must be > 0, got {value}')

    def prepare(self, schedule: Sequence[LayerWork], capacity_bits: int) -> PreparedSchedule:
        planner = _Planner(self, schedule, capacity_bits)
        segments = []
        for index, work in enumerate(schedule, start=1):
            kept = planner.choices[index - 1].tiling.output_kept
            # An output kept for the next layer is reserved when its layer starts.
            segments.append(Segment.of_layer(
                index, planner.build_plan(index, work),
                occupy_at_start_bits=planner.shapes[index - 1].output_bits if kept else 0))
        return PreparedSchedule(self.name, tuple(schedule), capacity_bits, tuple(segments))


class _Planner:
    """The whole-schedule decisions of one :meth:`TiledPolicy.prepare`, and the plans
    built from them."""

    def __init__(self, policy: TiledPolicy, schedule: Sequence[LayerWork],
                 capacity_bits: int) -> None:
        self.activation_bits = policy.activation_bits
        self.weight_bits = policy.weight_bits
        self.pipeline_tiles = policy.pipeline_tiles
        self.choices: list[_LayerChoice] = []
        self._weight_address: list[int] = []
        self._tensor_address: dict[str, int] = {}
        self.shapes: list[TileShape] = []
        self._produced: set[str] = set()
        self._consumed_later: set[str] = set()
        self._decide(schedule, capacity_bits)

    # -- whole-schedule decisions -------------------------------------------------------
    def _decide(self, schedule: Sequence[LayerWork], capacity_bits: int) -> None:
        n = len(schedule)
        outputs = [w.output or f"#{i}" for i, w in enumerate(schedule, start=1)]
        inputs = [w.inputs or ((outputs[i - 1],) if i else (MODEL_INPUT,))
                  for i, w in enumerate(schedule)]
        consumers: dict[str, list[int]] = {}
        for i, names in enumerate(inputs):
            for name in names:
                consumers.setdefault(name, []).append(i)
        self._produced = set(outputs)
        self._consumed_later = set(consumers)
        shapes = [TileShape.of(w, self.activation_bits, self.weight_bits) for w in schedule]
        self.shapes = shapes

        for i, shape in enumerate(shapes):  # the first layer that cannot run at all
            # (pipeline_tiles picks among fitting tilings, so any value tells whether one
            # fits; this one shares best_tiling's cache with the choice made below)
            if best_tiling(shape, capacity_bits, False, False, self.pipeline_tiles) is None:
                raise _cannot_run(capacity_bits, i + 1, schedule[i], shape)

        def can_keep(i: int) -> bool:
            """Layer i's output may stay on chip: its only reader is layer i+1, as its
            single input."""
            return (i + 1 < n and consumers.get(outputs[i]) == [i + 1]
                    and inputs[i + 1] == (outputs[i],))

        # cost[i][s] = least DDR bits of layers i.. with layer i's input resident (s=1) or not.
        inf = float("inf")
        cost = [[inf, inf] for _ in range(n + 1)]
        cost[n] = [0, 0]
        pick: list[list[Tiling | None]] = [[None, None] for _ in range(n)]
        for i in range(n - 1, -1, -1):
            for s in (0, 1):
                if s and not (i > 0 and can_keep(i - 1)):
                    continue
                for k in ((0, 1) if can_keep(i) else (0,)):
                    tiling = best_tiling(shapes[i], capacity_bits, bool(s), bool(k),
                                         self.pipeline_tiles)
                    if tiling is None:
                        continue
                    total = tiling.ddr_bits + cost[i + 1][k]
                    if total < cost[i][s]:
                        cost[i][s], pick[i][s] = total, tiling
        size = {name: w.output_elems * self.activation_bits for name, w in zip(outputs, schedule)}
        self.choices = []
        s = 0
        for i in range(n):
            tiling = pick[i][s]
            assert tiling is not None  # cost[i][s] is finite along the chosen path
            known = sum(size[name] for name in inputs[i] if name in size)
            unknown = [name for name in inputs[i] if name not in size]  # model inputs
            rest = _split(max(0, schedule[i].input_elems * self.activation_bits - known),
                          [1] * len(unknown)) if unknown else []
            bits = tuple(size[name] if name in size else rest[unknown.index(name)]
                         for name in inputs[i])
            self.choices.append(_LayerChoice(tiling, inputs[i], bits, outputs[i]))
            s = int(tiling.output_kept)
        self._layout(shapes)

    def _layout(self, shapes: Sequence[TileShape]) -> None:
        """DDR addresses: all weights first, then every activation tensor."""
        address = 0
        self._weight_address = []
        for shape in shapes:
            self._weight_address.append(address)
            address += _align(-(-shape.weight_bits // 8))
        self._tensor_address = {}
        for choice, shape in zip(self.choices, shapes):
            for name, bits in (*zip(choice.inputs, choice.input_bits),
                               (choice.output, shape.output_bits)):
                if name not in self._tensor_address:
                    self._tensor_address[name] = address
                    address += _align(-(-bits // 8))

    # -- one layer ----------------------------------------------------------------------
    def build_plan(self, index: int, work: LayerWork) -> LayerPlan:
        choice = self.choices[index - 1]
        t = choice.tiling
        shape = self.shapes[index - 1]
        act = self.activation_bits
        bands = [(r, min(r + t.rows_per_tile, shape.out_h))
                 for r in range(0, shape.out_h, t.rows_per_tile)]
        groups = [(c, min(c + t.channels_per_tile, shape.out_c))
                  for c in range(0, shape.out_c, t.channels_per_tile)]
        band_rows = band_input_rows(shape, t.rows_per_tile)
        band_offset = [sum(band_rows[:j]) * shape.in_c * shape.in_w * act // 8
                       for j in range(len(bands))]
        weights = _split(shape.weight_bits, [c1 - c0 for c0, c1 in groups])
        if t.order == "channels_outer":
            order = [(g, b) for g in range(len(groups)) for b in range(len(bands))]
        else:
            order = [(g, b) for b in range(len(bands)) for g in range(len(groups))]
        out_bits = [(groups[g][1] - groups[g][0]) * (bands[b][1] - bands[b][0]) * shape.out_w
                    * act for g, b in order]
        time_share = _split(10**9, out_bits) if sum(out_bits) else [0] * len(order)

        resident_in = shape.input_bits if t.input_resident else 0
        out_spill = choice.output in self._consumed_later
        steps: list[Step] = []
        compute_at: list[int] = []
        store_at: list[int | None] = []
        shares_done = 0
        in_done = 0  # input bits read so far, for each tensor's cumulative share
        band_loaded = 0
        for j, (g, b) in enumerate(order):
            c0, c1 = groups[g]
            first_of_band = t.order == "rows_outer" and g == 0
            last_of_band = t.order == "rows_outer" and g == len(groups) - 1
            loads: list[Transfer] = []
            release = 0
            if not t.input_resident:
                if t.order == "channels_outer":
                    channels = shape.input_channels_for(c1 - c0)
                    bits = channels * band_rows[b] * shape.in_w * act
                    offset = band_offset[b] + (shape.input_channels_for(c0) if shape.groups > 1
                                               else 0) * band_rows[b] * shape.in_w * act // 8
                    reads = self._reads(choice, in_done, bits, offset,
                                        f"input band {b + 1}/{len(bands)}")
                    in_done += bits
                    loads += reads
                    release += sum(r.bits for r in reads)
                elif first_of_band:
                    bits = shape.in_c * band_rows[b] * shape.in_w * act
                    reads = self._reads(choice, in_done, bits, band_offset[b],
                                        f"input band {b + 1}/{len(bands)}")
                    in_done += bits
                    loads += reads
                    band_loaded = sum(r.bits for r in reads)
                if last_of_band:
                    release += band_loaded
            w_load, w_release = self._weight_step(index, t, g, b, j, len(order), weights,
                                                  len(bands), len(groups))
            if w_load is not None:
                loads.append(w_load)
            release += w_release
            after_compute = [compute_at[j - 2]] if j >= 2 else []
            load_idx = []
            for load in loads:
                steps.append(replace(load, after=tuple(after_compute)))
                load_idx.append(len(steps) - 1)
            deps = load_idx + ([compute_at[j - 1]] if j else [])
            if j >= 2 and store_at[j - 2] is not None:
                deps.append(store_at[j - 2])  # type: ignore[arg-type]
            last = j == len(order) - 1
            out_tile = 0 if t.output_kept else out_bits[j]
            steps.append(Compute(
                f"{work.name} tile {j + 1}/{len(order)}" if len(order) > 1 else work.name,
                work, occupy_bits=out_tile,
                release_bits=release + (resident_in if last else 0),
                after=tuple(sorted(set(deps))),
                share=(shares_done, shares_done + time_share[j], 10**9)))
            shares_done += time_share[j]
            compute_at.append(len(steps) - 1)
            if t.output_kept:
                store_at.append(None)
            else:
                offset = sum(out_bits[:j]) // 8
                steps.append(Transfer(
                    f"output tile {j + 1}/{len(order)}", out_bits[j], is_write=True,
                    address=self._tensor_address[choice.output] + offset,
                    release_bits=out_bits[j], after=(len(steps) - 1,), tensor=choice.output,
                    spill=out_spill))
                store_at.append(len(steps) - 1)
        internal = resident_bits(shape, t.input_resident, t.output_kept) + t.buffer_bits
        return LayerPlan(tuple(steps), internal, spill=False, tiles=t.tiles)

    def _reads(self, choice: _LayerChoice, done_bits: int, bits: int, offset_bytes: int,
               label: str) -> list[Transfer]:
        """The reads of one input slice: every input tensor gives its share (the two
        operands of an Add, the parts of a Concat, the scale vector of a
        squeeze-and-excitation Mul), from the same place in each. Shares are cumulative
        over the layer (``done_bits`` already read), so each tensor is read whole."""
        total = sum(choice.input_bits)
        reads = []
        for tensor, size in zip(choice.inputs, choice.input_bits):
            part = (size * (done_bits + bits) // total - size * done_bits // total
                    if total else 0)
            if part:
                offset = offset_bytes * size // total if total else 0
                reads.append(Transfer(
                    label if len(choice.inputs) == 1 else f"{label} of {tensor}", part,
                    is_write=False, address=self._tensor_address[tensor] + offset,
                    occupy_bits=part, tensor=tensor, spill=tensor in self._produced))
        return reads

    def _weight_step(self, index: int, t: Tiling, g: int, b: int, j: int, tiles: int,
                     weights: list[int], n_bands: int, n_groups: int
                     ) -> tuple[Transfer | None, int]:
        """The weight load of tile j (if any) and the weight bits its compute frees."""
        held_once = n_groups == 1  # a single weight group stays for the whole layer
        if t.order == "channels_outer" or held_once:
            load = (b == 0) if t.order == "channels_outer" else (j == 0)
            free = (b == n_bands - 1) if t.order == "channels_outer" else (j == tiles - 1)
        else:
            load, free = True, True
        bits = weights[g]
        offset = sum(weights[:g]) // 8
        step = Transfer(f"weights group {g + 1}/{n_groups}", bits, is_write=False,
                        address=self._weight_address[index - 1] + offset, occupy_bits=bits,
                        tensor=f"weights:{index}") if load and bits else None
        return step, bits if free else 0


def min_capacity_bits(shape: TileShape) -> int:
    """The least SRAM on which a layer runs at all, in at most MAX_TILES tiles."""
    return smallest_buffer_bits(shape, False, False)


def _cannot_run(capacity_bits: int, index: int, work: LayerWork,
                shape: TileShape) -> AccelsimError:
    """Why layer ``index`` fits no tiling: the SRAM, or the cap on tiles."""
    if tiles_needed(shape, capacity_bits):
        return TooManyTilesError(
            f"layer {index} ({work.name!r}) fits an SRAM of {capacity_bits:,} bits only in "
            f"more than {MAX_TILES:,} tiles, the most a layer's plan may have: its tensors "
            "are too large for this SRAM")
    return sram_too_small("tiled", capacity_bits, index, work, min_capacity_bits(shape),
                          "its smallest double-buffered tiles")
