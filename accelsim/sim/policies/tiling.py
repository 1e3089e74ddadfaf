"""How a layer is cut into tiles when its working set does not fit in SRAM.

A tiling splits the output into ``row_tiles`` bands of output rows (each
needing its input rows plus the kernel's halo) and ``channel_tiles`` groups
of output channels (each needing its share of the weights; a depthwise or
pooling group needs only its own input channels). Two loop orders:

- ``channels_outer``: a weight group is fetched once and stays while every
  row band streams past it; the input is re-read once per channel group
  (depthwise: once in all).
- ``rows_outer``: an input band is fetched once and stays while every weight
  group streams past it; weights are re-read once per band unless there is a
  single group.

Tiles are double-buffered (two of each buffer) so the DMA of the next tile
overlaps the compute of this one and the write-back of the previous one. An
input already resident in SRAM is not fetched; an output kept for the next
layer is not written. :func:`best_tiling` picks, among the tilings that fit,
the one that moves the fewest DDR bits; among those, the one whose tile count
is nearest ``pipeline_tiles`` (enough tiles that loading, computing and
writing back overlap, few enough that per-tile overheads stay small), then
the fewer tiles.

Sizes are bits. Input rows outside the map (padding) are zeros made on chip,
never fetched.

The search is bounded whatever the tensor sizes: a layer runs in at most
:data:`MAX_TILES` tiles, and at most :data:`MAX_CANDIDATES` band heights (and
as many channel-group sizes) are weighed, spread over the range when a map
has more distinct ones (a 2^31-row map has about 92,000). A layer that could
run only in more tiles is refused (:func:`tiles_needed`), never tiled forever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import gcd

from accelsim.sim.work import LayerWork

ORDERS = ("channels_outer", "rows_outer")

MAX_TILES = 4096
"""The most tiles (row bands x channel groups) a layer's plan may have: its steps are
a few per tile, so this bounds the work of planning and simulating one layer."""

MAX_CANDIDATES = 256
"""The most band heights (and channel-group sizes) the search weighs for one layer."""


@dataclass(frozen=True)
class TileShape:
    """The parts of a layer's shape that tiling depends on (bits per element applied)."""

    in_c: int
    in_h: int
    in_w: int
    out_c: int
    out_h: int
    out_w: int
    kernel_h: int
    stride_h: int
    dilation_h: int
    pad_top: int
    groups: int
    activation_bits: int
    weight_bits: int  # all of the layer's weights (and biases), in bits
    stream: bool = False  # rows map proportionally, not through a kernel

    @staticmethod
    def of(work: LayerWork, activation_bits: int, weight_bits: int) -> TileShape:
        """The tiling view of a layer. A layer without geometry (an element-wise Add
        or Mul, a Concat, a softmax, an explicit-size table row) is a stream: every
        slice of its output reads the matching slice of all its inputs together."""
        weight_bits = (work.weight_params + work.bias_params) * weight_bits
        if work.geometry is None:
            return _stream_shape(max(work.input_elems, 1), max(work.output_elems, 1),
                                 activation_bits, weight_bits)
        g = work.geometry
        # The images of a batch sit side by side: rows and their halos are per image,
        # so a band of rows covers every image (``batch`` x the width).
        # A transposed convolution's rows map proportionally (a stream of its channels).
        return TileShape(
            in_c=g.in_channels, in_h=g.in_h, in_w=g.in_w * g.batch, out_c=g.out_channels,
            out_h=g.out_h, out_w=g.out_w * g.batch,
            kernel_h=1 if g.transposed else g.kernel_h,
            stride_h=1 if g.transposed else g.stride_h,
            dilation_h=1 if g.transposed else g.dilation_h,
            pad_top=0 if g.transposed else g.pads[0], groups=g.groups,
            activation_bits=activation_bits, weight_bits=weight_bits, stream=g.transposed)

    @property
    def input_bits(self) -> int:
        return self.in_c * self.in_h * self.in_w * self.activation_bits

    @property
    def output_bits(self) -> int:
        return self.out_c * self.out_h * self.out_w * self.activation_bits

    def input_rows(self, first_out_row: int, end_out_row: int) -> int:
        """Input rows (inside the map) that output rows [first, end) read."""
        if self.stream:
            return (-(-end_out_row * self.in_h // self.out_h)
                    - first_out_row * self.in_h // self.out_h)
        top = first_out_row * self.stride_h - self.pad_top
        bottom = (end_out_row - 1) * self.stride_h - self.pad_top + \
            (self.kernel_h - 1) * self.dilation_h + 1
        return max(0, min(self.in_h, bottom) - max(0, top))

    def input_channels_for(self, out_channels: int) -> int:
        """Input channels that a group of ``out_channels`` output channels reads."""
        if self.groups == 1:
            return self.in_c
        per_group_out = self.out_c // self.groups
        groups_touched = -(-out_channels // per_group_out)
        return min(self.in_c, groups_touched * (self.in_c // self.groups))


STREAM_ROWS = 1024
"""A stream is cut into at most about this many rows (tiling granularity)."""


def _stream_shape(input_elems: int, output_elems: int, activation_bits: int,
                  weight_bits: int) -> TileShape:
    """A stream as rows of ``w`` elements, ``w`` dividing both sizes so that bits stay
    exact; output rows [a, b) read input rows [a*in/out, ceil(b*in/out)): every slice
    of the output reads the matching slice of the inputs (both operands of an Add)."""
    common = gcd(input_elems, output_elems)
    # The narrowest row that keeps the output within STREAM_ROWS rows, looked for
    # among a bounded run of widths (else the whole stream is one row).
    narrowest = output_elems // (STREAM_ROWS + 1) + 1
    width = next((d for d in range(narrowest, min(common, narrowest + 4096) + 1)
                  if common % d == 0), common)
    return TileShape(in_c=1, in_h=input_elems // width, in_w=width, out_c=1,
                     out_h=output_elems // width, out_w=width, kernel_h=1, stride_h=1,
                     dilation_h=1, pad_top=0, groups=1, activation_bits=activation_bits,
                     weight_bits=weight_bits, stream=True)


@dataclass(frozen=True)
class Tiling:
    """A chosen way to run one layer. Bits are DDR traffic of the layer itself."""

    rows_per_tile: int
    channels_per_tile: int
    row_tiles: int
    channel_tiles: int
    order: str
    input_read_bits: int
    weight_read_bits: int
    output_write_bits: int
    buffer_bits: int
    input_resident: bool
    output_kept: bool

    @property
    def tiles(self) -> int:
        return self.row_tiles * self.channel_tiles

    @property
    def ddr_bits(self) -> int:
        return self.input_read_bits + self.weight_read_bits + self.output_write_bits


@lru_cache(maxsize=4096)
def tile_sizes(extent: int, max_tiles: int = MAX_TILES) -> tuple[int, ...]:
    """Tile sizes ceil(extent / n) for n = 1..max_tiles, distinct, largest first: all of
    them when there are at most :data:`MAX_CANDIDATES`, else those of n = 1..128 and
    of n spread geometrically from there to ``max_tiles`` (work bounded whatever
    ``extent``)."""
    sizes: list[int] = []
    n = 1
    while n <= min(extent, max_tiles) and len(sizes) <= MAX_CANDIDATES:
        size = -(-extent // n)
        sizes.append(size)
        n = -(-extent // (size - 1)) if size > 1 else extent + 1
    if len(sizes) <= MAX_CANDIDATES:
        return tuple(sizes)
    top = min(extent, max_tiles)
    counts = set(range(1, 129))
    half = MAX_CANDIDATES - 128
    counts.update(round(128 * (top / 128) ** (i / half)) for i in range(1, half + 1))
    return tuple(sorted({-(-extent // c) for c in counts if c <= top}, reverse=True))


@lru_cache(maxsize=65536)
def band_input_rows(s: TileShape, rows_per_tile: int) -> tuple[int, ...]:
    """Input rows each band of ``rows_per_tile`` output rows reads, top to bottom."""
    return tuple(s.input_rows(r, min(r + rows_per_tile, s.out_h))
                 for r in range(0, s.out_h, rows_per_tile))


@lru_cache(maxsize=1 << 18)  # pure, and the same tilings are weighed at every SRAM size
def _evaluate(s: TileShape, rpt: int, cpt: int, order: str, input_resident: bool,
              output_kept: bool) -> Tiling:
    row_tiles = -(-s.out_h // rpt)
    channel_tiles = -(-s.out_c // cpt)
    band_rows = band_input_rows(s, rpt)
    in_rows_total = sum(band_rows)
    in_band_max = max(band_rows)
    act = s.activation_bits
    w_group = -(-s.weight_bits * cpt // s.out_c)
    out_tile = cpt * rpt * s.out_w * act
    if s.groups == 1:
        in_channels_all_groups = s.in_c * channel_tiles
    else:
        in_channels_all_groups = s.in_c
    in_channels_tile = s.input_channels_for(cpt)
    if order == "channels_outer":
        input_reads = in_channels_all_groups * in_rows_total * s.in_w * act
        weight_reads = s.weight_bits
        in_tile = in_channels_tile * in_band_max * s.in_w * act
    else:
        input_reads = s.in_c * in_rows_total * s.in_w * act
        weight_reads = s.weight_bits * (row_tiles if channel_tiles > 1 else 1)
        in_tile = s.in_c * in_band_max * s.in_w * act
    if input_resident:
        input_reads, in_tile = 0, 0
    output_writes = 0 if output_kept else s.output_bits
    if output_kept:
        out_tile = 0
    copies = 2 if row_tiles * channel_tiles > 1 else 1
    return Tiling(rpt, cpt, row_tiles, channel_tiles, order, input_reads, weight_reads,
                  output_writes, copies * (in_tile + w_group + out_tile), input_resident,
                  output_kept)


def resident_bits(s: TileShape, input_resident: bool, output_kept: bool) -> int:
    """SRAM held for the whole layer by resident tensors (the input kept from the
    previous layer, the output kept for the next)."""
    return (s.input_bits if input_resident else 0) + (s.output_bits if output_kept else 0)


def _rank(t: Tiling, pipeline_tiles: int) -> tuple[int, int, int]:
    return (t.ddr_bits, abs(t.tiles - pipeline_tiles), t.tiles)


@lru_cache(maxsize=65536)
def best_tiling(s: TileShape, capacity_bits: int, input_resident: bool, output_kept: bool,
                pipeline_tiles: int = 1) -> Tiling | None:
    """The fitting tiling with the least DDR traffic (then fewest tiles), or None.

    For a fixed band height and order, traffic never falls as channel groups
    get smaller while the buffer never grows: the largest group that fits is
    the cheapest, and the smaller groups that cost the same form a run after it,
    within which the tile count nearest ``pipeline_tiles`` is taken. Both are
    binary searches per band height.
    """
    budget = capacity_bits - resident_bits(s, input_resident, output_kept)
    if budget < 0:
        return None

    seen: dict[tuple[int, int, str], Tiling] = {}

    def at(index: int, rpt: int, order: str) -> Tiling:
        key = (index, rpt, order)
        if key not in seen:
            seen[key] = _evaluate(s, rpt, sizes[index], order, input_resident, output_kept)
        return seen[key]

    sizes: tuple[int, ...] = ()

    def first(lo: int, hi: int, test: Callable[[int], bool]) -> int:
        """Smallest index in [lo, hi] where ``test`` holds (it holds at hi)."""
        while lo < hi:
            mid = (lo + hi) // 2
            if test(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    best: Tiling | None = None
    for rpt in tile_sizes(s.out_h):
        # Largest first: the buffer grows with the group size. Row bands and channel
        # groups together stay within MAX_TILES.
        sizes = tile_sizes(s.out_c, MAX_TILES // -(-s.out_h // rpt))
        last = len(sizes) - 1
        for order in ORDERS if last else ORDERS[:1]:
            if at(last, rpt, order).buffer_bits > budget:
                continue
            cheapest = first(0, last, lambda i: at(i, rpt, order).buffer_bits <= budget)
            bits = at(cheapest, rpt, order).ddr_bits
            # The run of equally cheap groups ends before the first costlier one.
            if at(last, rpt, order).ddr_bits == bits:
                run_end = last
            else:
                run_end = first(cheapest, last, lambda i: at(i, rpt, order).ddr_bits > bits) - 1
            near = first(cheapest, run_end,
                         lambda i: at(i, rpt, order).tiles >= pipeline_tiles)
            for index in {near, max(cheapest, near - 1)}:
                candidate = at(index, rpt, order)
                if best is None or _rank(candidate, pipeline_tiles) < _rank(best,
                                                                            pipeline_tiles):
                    best = candidate
    return best


def smallest_buffer_bits(s: TileShape, input_resident: bool, output_kept: bool) -> int:
    """The least SRAM, beyond resident tensors, that some tiling within :data:`MAX_TILES`
    needs: with it :func:`best_tiling` finds one, with a bit less none."""
    least: int | None = None
    for rpt in tile_sizes(s.out_h):
        smallest_group = tile_sizes(s.out_c, MAX_TILES // -(-s.out_h // rpt))[-1]
        for order in ORDERS:
            bits = _evaluate(s, rpt, smallest_group, order, input_resident,
                             output_kept).buffer_bits
            least = bits if least is None else min(least, bits)
    assert least is not None  # tile_sizes is never empty
    return least


def tiles_needed(s: TileShape, capacity_bits: int) -> bool:
    """Whether a layer that fits no tiling within :data:`MAX_TILES` would fit in finer
    ones (double-buffered single-row, single-channel tiles): the cap, not the SRAM,
    stops it."""
    if s.stream:
        in_rows = min(s.in_h, -(-s.in_h // s.out_h) + 1)
    else:
        in_rows = min(s.in_h, (s.kernel_h - 1) * s.dilation_h + 1)
    act = s.activation_bits
    tile = (s.input_channels_for(1) * in_rows * s.in_w * act + -(-s.weight_bits // s.out_c)
            + s.out_w * act)
    return 2 * tile <= capacity_bits
