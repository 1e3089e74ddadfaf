"""A SIMD vector unit for the layers a systolic array serves badly.

The unit has ``lanes`` identical lanes on one clock; each lane does one
operation per cycle (a MAC, a window read-and-compare/add for pooling, one
element of an element-wise or softmax layer). Lanes are spread across
channels: a layer with geometry walks its output pixels one at a time and,
for each, runs ceil(Cout / lanes) channel passes, each lane accumulating its
channel's window of Kh x Kw x Cin_per_group operations. Hence for a depthwise
3x3 layer (Cin_per_group = 1) every output element costs K x K lane cycles:

    cycles = Ho x Wo x ceil(Cout / lanes) x Kh x Kw x Cin_per_group + fill

Pooling uses the same walk with one window read per lane cycle (Cin_per_group
is 1 for pooling geometry). Element-wise layers cost ceil(output elements /
lanes), softmax ceil(input elements / lanes) (exp, sum and scale fused in one
pass: an optimistic model). Layers without geometry cost ceil(MACs / lanes).
``pipeline_fill_cycles`` (read, operate, accumulate, write latency) is paid
once per layer that does any work.

``utilization`` = useful lane operations / (lanes x cycles): the layer's MACs
for MAC layers, window reads for pooling, elements for the others.
``folds`` = channel passes ceil(Cout / lanes) for layers with geometry, 1 for
the others with work, 0 for none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accelsim.sim.compute.timing import (
    cached_estimate,
    ComputeEstimate,
    ceil_div,
    cycles_to_ps,
    require_positive_int,
)
from accelsim.sim.work import LayerWork


@dataclass(frozen=True)
class LaneWork:
    """One layer's load on the lanes, before the pipeline fill."""

    cycles: int
    folds: int
    useful_ops: int


LaneRule = Callable[[LayerWork, int], LaneWork]
"""(layer, lanes) -> LaneWork."""


def _nothing() -> LaneWork:
    return LaneWork(cycles=0, folds=0, useful_ops=0)


def _elements(count: int, lanes: int) -> LaneWork:
    if count == 0:
        return _nothing()
    return LaneWork(cycles=ceil_div(count, lanes), folds=1, useful_ops=count)


def lanes_for_macs(work: LayerWork, lanes: int) -> LaneWork:
    """Convolution-like layers: lanes across output channels, one MAC per lane-cycle."""
    if work.macs == 0:
        return _nothing()
    geometry = work.geometry
    if geometry is None:
        return _elements(work.macs, lanes)
    passes = ceil_div(geometry.out_channels, lanes)
    window = geometry.kernel_h * geometry.kernel_w * geometry.in_channels_per_group
    # A transposed convolution scatters from its input pixels, a convolution gathers
    # into its output pixels.
    pixels = geometry.batch * (geometry.in_h * geometry.in_w if geometry.transposed
                               else geometry.out_h * geometry.out_w)
    return LaneWork(cycles=pixels * passes * window,
                    folds=passes, useful_ops=work.macs)


def lanes_for_pool(work: LayerWork, lanes: int) -> LaneWork:
    """Pooling: lanes across channels, one window element read per lane-cycle."""
    geometry = work.geometry
    if geometry is None:
        return _elements(work.input_elems, lanes)
    passes = ceil_div(geometry.out_channels, lanes)
    window = geometry.kernel_h * geometry.kernel_w
    pixels = geometry.batch * geometry.out_h * geometry.out_w
    return LaneWork(cycles=pixels * passes * window, folds=passes,
                    useful_ops=pixels * geometry.out_channels * window)


def lanes_for_softmax(work: LayerWork, lanes: int) -> LaneWork:
    """Softmax: one fused lane operation per input element."""
    return _elements(work.input_elems, lanes)


def lanes_for_eltwise(work: LayerWork, lanes: int) -> LaneWork:
    """Element-wise (add, multiply, activation): one lane operation per output element."""
    return _elements(work.output_elems, lanes)


LANE_RULES: dict[str, LaneRule] = {
    "pool": lanes_for_pool,
    "softmax": lanes_for_softmax,
    "eltwise": lanes_for_eltwise,
}
"""Per-op lane models; every other op ("conv", "depthwise", "pointwise", "fc", "layer")
uses :func:`lanes_for_macs`."""


class VectorUnit:
    """A SIMD unit of ``lanes`` lanes on one clock (depthwise, pooling, element-wise).

    ``lanes``: operations per cycle (count). ``clock_hz``: clock in Hz.
    ``pipeline_fill_cycles``: cycles from the first operand read to the first
    result written, paid once per layer with work (default 4: read, operate,
    accumulate, write).
    """

    def __init__(self, lanes: int, clock_hz: int, pipeline_fill_cycles: int = 4) -> None:
        self.lanes = require_positive_int("lanes", lanes)
        self.clock_hz = require_positive_int("clock_hz", clock_hz)
        if (isinstance(pipeline_fill_cycles, bool) or not isinstance(pipeline_fill_cycles, int)
                or pipeline_fill_cycles < 0):
            raise ValueError(
                f'"pipeline_fill_cycles" must be an integer >= 0, got {pipeline_fill_cycles!r}')
        self.pipeline_fill_cycles = pipeline_fill_cycles

    def __repr__(self) -> str:
        return (f"VectorUnit(lanes={self.lanes}, clock_hz={self.clock_hz}, "
                f"pipeline_fill_cycles={self.pipeline_fill_cycles})")

    def estimate(self, work: LayerWork) -> ComputeEstimate:
        key = ("vector", self.lanes, self.clock_hz, self.pipeline_fill_cycles)
        return cached_estimate(key, work, self._estimate)

    def _estimate(self, work: LayerWork) -> ComputeEstimate:
        """Cycles, ps, lane passes and lane utilisation of ``work`` on this unit."""
        load = LANE_RULES.get(work.op, lanes_for_macs)(work, self.lanes)
        cycles = load.cycles + self.pipeline_fill_cycles if load.cycles else 0
        return ComputeEstimate(
            cycles=cycles,
            time_ps=cycles_to_ps(cycles, self.clock_hz),
            folds=load.folds,
            utilization=load.useful_ops / (self.lanes * cycles) if cycles else 0.0,
            unit="vector",
        )
