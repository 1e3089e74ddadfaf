"""A systolic matrix-multiply array (TPU-like), timed as SCALE-Sim v3 counts it.

The array has R rows x C columns of multiply-accumulate PEs on one clock and a
dataflow (``accelsim.sim.compute.dataflow``: "ws", "os", "is") that decides
which operand stays in the PEs. A layer with a :class:`ConvGeometry` is mapped
as one matrix product per group (im2col); the fold and cycle counts equal
SCALE-Sim's ``compute_cycles`` (without its memory stalls) on every layer of
the reference run (tests/sim/compute/test_systolic_scalesim.py).

Grouped and depthwise convolutions are not in SCALE-Sim; how their groups
share the array is a named mapping (``GROUP_MAPPINGS``):

- "channel_by_channel" (SCALE-Sim's own convention, used for the reference
  run): each of the G groups runs as a separate layer, one after the other;
  folds and cycles (each with its own "- 1") are summed. A 3x3 depthwise layer
  then uses 9 of R rows and 1 of C columns: 0.9 % of a 32x32 array.
- "diagonal" (block-diagonal weights): all G groups form one matrix product
  (m x G.k) @ (G.k x G.n) whose weight matrix is block-diagonal, each
  group's k x n block on the diagonal and zeros elsewhere. Every output column
  still sums over its own group's window only, so the result is exact. The
  product is tiled by the dataflow's rule as usual, but a tile whose weights
  are all zero is skipped, and a tile streams only the part of the streamed
  dimension that meets its groups (OS streams k, IS streams n: a tile
  touching groups ga..gb streams (gb - ga + 1) x k, resp. x n, elements; WS
  streams m whatever the groups). Tiles run back to back as one layer ("- 1"
  once). Groups may straddle tile borders: partial sums of a column add up
  across row folds, as they do for any layer with k > R. This packs
  floor(R / (K x K)) or more channels per fold where the window sits on the
  rows (WS, IS) and up to C channels per fold where the filters sit on the
  columns (OS). On the paper's first 3x3 depthwise layer (32 channels,
  28 x 28) on a 32x32 array: WS 9 folds, 7,901 cycles instead of 32 folds,
  28,064 cycles; OS 25 folds, 8,749 cycles instead of 56,768.

Layers without geometry (explicit-size tables) run at the ideal rate of
R x C MACs per cycle. A layer with MACs takes at least one cycle (SCALE-Sim's
zero-based count would give 0 for a single 1-cycle fold, possible only on a
1 x 1 array).

A matrix layer's fused activation is applied by a post-processing lane per
column as results leave the array (C lanes, the cycle counts of
:data:`~accelsim.sim.compute.vector.OP_CYCLES`), overlapping the folds: the
layer takes the longer of the two. An array without a vector unit still
runs the vector layers: a pool as a depthwise convolution of ones (its window
reads mapped as MACs, by the group mapping), every other vector layer through
the R lanes that feed the array's rows (one operand per row per cycle), as a
vector unit of R lanes at the array clock would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accelsim.sim.compute.dataflow import DataflowRule, GemmShape, dataflow_rule
from accelsim.sim.compute.timing import (
    cached_estimate,
    ComputeEstimate,
    ceil_div,
    cycles_to_ps,
    require_positive_int,
)
from accelsim.sim.compute.vector import lane_cycles, lane_estimate, lanes_for_vector_work
from accelsim.sim.ops import OpKind
from accelsim.sim.work import ConvGeometry, LayerWork


@dataclass(frozen=True)
class FoldCount:
    """Folds and cycles of one layer on the array (cycles as SCALE-Sim reports them)."""

    folds: int
    cycles: int


GroupMapping = Callable[[DataflowRule, GemmShape, int, int, int], FoldCount]
"""(rule, per-group GEMM, groups, rows, cols) -> FoldCount."""


def map_channel_by_channel(rule: DataflowRule, gemm: GemmShape, groups: int,
                           rows: int, cols: int) -> FoldCount:
    """Each group as its own layer, run back to back: SCALE-Sim's convention."""
    folds = rule.folds(gemm, rows, cols)
    per_group_cycles = folds * rule.cycles_per_fold(gemm, rows, cols) - 1
    return FoldCount(folds=groups * folds, cycles=groups * per_group_cycles)


def _group_span(start: int, stop: int, per_group: int, groups: int) -> tuple[int, int]:
    """First and last group met by elements [start, stop) of a dim of groups x per_group."""
    return start // per_group, min((stop - 1) // per_group, groups - 1)


def map_diagonal(rule: DataflowRule, gemm: GemmShape, groups: int,
                 rows: int, cols: int) -> FoldCount:
    """All groups as one block-diagonal matrix product; all-zero tiles skipped."""
    per_group = {"m": 0, "k": gemm.k_window, "n": gemm.n_filters}
    extent = {rule.rows_dim: rows, rule.cols_dim: cols}
    streamed = rule.streamed_dim
    if streamed == "m":
        # Both pinned dims grow with the groups: count tile pairs sharing a group.
        outer, inner = rule.rows_dim, rule.cols_dim
        folds = 0
        for start in range(0, groups * per_group[outer], extent[outer]):
            stop = min(start + extent[outer], groups * per_group[outer])
            first, last = _group_span(start, stop, per_group[outer], groups)
            low = first * per_group[inner] // extent[inner]
            high = ((last + 1) * per_group[inner] - 1) // extent[inner]
            folds += high - low + 1
        return FoldCount(folds=folds, cycles=folds * rule.cycles_per_fold(gemm, rows, cols) - 1)
    # One pinned dim is m (every tile of it meets every group), the other grows.
    grown = rule.rows_dim if rule.rows_dim != "m" else rule.cols_dim
    m_tiles = ceil_div(gemm.m_pixels, extent["m"])
    folds = cycles = 0
    for start in range(0, groups * per_group[grown], extent[grown]):
        stop = min(start + extent[grown], groups * per_group[grown])
        first, last = _group_span(start, stop, per_group[grown], groups)
        met = GemmShape(gemm.m_pixels, (last - first + 1) * gemm.k_window,
                        (last - first + 1) * gemm.n_filters)
        folds += m_tiles
        cycles += m_tiles * rule.cycles_per_fold(met, rows, cols)
    return FoldCount(folds=folds, cycles=cycles - 1)


GROUP_MAPPINGS: dict[str, GroupMapping] = {
    "channel_by_channel": map_channel_by_channel,
    "diagonal": map_diagonal,
}
"""How the groups of a grouped/depthwise convolution share the array, by name."""


def group_gemm(geometry: ConvGeometry) -> GemmShape:
    """The matrix product one group of ``geometry`` is, in SCALE-Sim's im2col view: the
    output pixels of every image of the batch by the window by the filters. A transposed
    convolution is the product of its input pixels by its input channels by its filters'
    windows (out_c/groups x kh x kw columns), whose results are then added into the
    overlapping output windows (col2im)."""
    g = geometry
    if g.transposed:
        return GemmShape(m_pixels=g.batch * g.in_h * g.in_w, k_window=g.in_channels_per_group,
                         n_filters=g.out_channels_per_group * g.kernel_h * g.kernel_w)
    return GemmShape(
        m_pixels=g.batch * g.out_h * g.out_w,
        k_window=g.kernel_h * g.kernel_w * g.in_channels_per_group,
        n_filters=g.out_channels_per_group,
    )


class SystolicArray:
    """A rows x cols systolic array of MAC PEs on one clock, with one dataflow.

    ``rows``, ``cols``: PEs per column and per row (R and C, counts).
    ``clock_hz``: the array clock in Hz. ``dataflow``: "ws", "os" or "is".
    ``depthwise_mapping``: how the groups of a grouped or depthwise layer share
    the array, "channel_by_channel" (SCALE-Sim) or "diagonal" (block-diagonal
    packing); layers with one group are unaffected.
    """

    def __init__(self, rows: int, cols: int, clock_hz: int, dataflow: str = "ws",
                 depthwise_mapping: str = "channel_by_channel") -> None:
        self.rows = require_positive_int("rows", rows)
        self.cols = require_positive_int("cols", cols)
        self.clock_hz = require_positive_int("clock_hz", clock_hz)
        self.rule = dataflow_rule(dataflow)
        if depthwise_mapping not in GROUP_MAPPINGS:
            raise ValueError(
                f"unknown depthwise_mapping {depthwise_mapping!r}; expected one of "
                f'{", ".join(sorted(GROUP_MAPPINGS))}')
        self.depthwise_mapping = depthwise_mapping
        self._map = GROUP_MAPPINGS[depthwise_mapping]

    @property
    def dataflow(self) -> str:
        return self.rule.name

    @property
    def macs_per_cycle(self) -> int:
        """Peak MACs per cycle: one per PE."""
        return self.rows * self.cols

    def __repr__(self) -> str:
        return (f"SystolicArray(rows={self.rows}, cols={self.cols}, clock_hz={self.clock_hz}, "
                f"dataflow={self.dataflow!r}, depthwise_mapping={self.depthwise_mapping!r})")

    def fold_count(self, work: LayerWork) -> FoldCount:
        """Folds and cycles of ``work``'s products: by geometry if it has one, else at
        R x C MACs/cycle (a pool's products are its window reads)."""
        geometry = work.geometry
        if work.macs == 0 and not (work.op is OpKind.POOL and geometry is not None):
            return FoldCount(folds=0, cycles=0)
        if geometry is None:
            return FoldCount(folds=1, cycles=ceil_div(work.macs, self.macs_per_cycle))
        count = self._map(self.rule, group_gemm(geometry), geometry.groups, self.rows, self.cols)
        return count if count.cycles >= 1 else FoldCount(folds=count.folds, cycles=1)

    def estimate(self, work: LayerWork) -> ComputeEstimate:
        key = ("systolic", self.rows, self.cols, self.clock_hz, self.rule.name,
               self.depthwise_mapping)
        return cached_estimate(key, work, self._estimate)

    def _estimate(self, work: LayerWork) -> ComputeEstimate:
        """Cycles, ps, folds and MAC utilisation of ``work`` on this array."""
        useful = work.macs
        if work.op is OpKind.POOL and work.geometry is not None:
            g = work.geometry
            useful = g.batch * g.out_channels * g.out_h * g.out_w * g.kernel_h * g.kernel_w
            count = self.fold_count(work)
        elif work.op.is_matrix or work.macs:
            count = self.fold_count(work)
            epilogue = ceil_div(lane_cycles(work), self.cols)
            if epilogue > count.cycles:
                count = FoldCount(folds=count.folds, cycles=epilogue)
        else:
            load = lanes_for_vector_work(work, self.rows)
            return lane_estimate(load, self.macs_per_cycle, self.clock_hz, 0, "array")
        slots = self.macs_per_cycle * count.cycles
        return ComputeEstimate(
            cycles=count.cycles,
            time_ps=cycles_to_ps(count.cycles, self.clock_hz),
            folds=count.folds,
            utilization=useful / slots if slots else 0.0,
            unit="array",
        )
