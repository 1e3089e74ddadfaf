"""A SIMD vector unit for the layers a systolic array serves badly.

The unit has ``lanes`` identical lanes on one clock. Each lane is a pipelined
multiply-add datapath with no special-function hardware: it retires one
simple operation per cycle and evaluates divisions and transcendental
functions as short routines of such operations.

Window layers walk their output pixels (every image of the batch) one at a
time and, for each, run ceil(Cout / lanes) channel passes, each lane
accumulating its channel's window. A convolution-like layer (a depthwise
convolution routed here) costs one MAC per lane cycle:

    cycles = N x Ho x Wo x ceil(Cout / lanes) x Kh x Kw x Cin_per_group + fill

(a transposed one walks its input pixels and scatters the same window), and a
pool one window read per lane cycle (N x Ho x Wo x ceil(C / lanes) x Kh x Kw).
A matrix layer's fused activation is applied as results leave the pipeline
and overlaps the MACs: the layer takes the longer of the two.

Every other layer is its vector work (``LayerWork.vector_work``): each
elementary :class:`~accelsim.sim.ops.VectorOp` costs :data:`OP_CYCLES` lane
cycles per element, spread over all lanes:

    cycles = ceil(sum(count x OP_CYCLES[op]) / lanes) + fill

Layers given only by sizes (explicit-size tables) cost ceil(MACs / lanes).
``pipeline_fill_cycles`` (read, operate, accumulate, write latency) is paid
once per layer that does any work.

``utilization`` = useful lane cycles / (lanes x cycles): MACs for MAC layers,
window reads for pooling, the operations' lane cycles for vector work.
``folds`` = channel passes ceil(Cout / lanes) for window layers, 1 for the
others with work, 0 for none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from accelsim.sim.compute.timing import (
    cached_estimate,
    ComputeEstimate,
    ceil_div,
    cycles_to_ps,
    require_positive_int,
)
from accelsim.sim.ops import OpKind, VectorOp
from accelsim.sim.work import LayerWork

OP_CYCLES: Mapping[VectorOp, int] = {
    VectorOp.ADD: 1, VectorOp.MUL: 1, VectorOp.MAX: 1, VectorOp.LOGIC: 1, VectorOp.CAST: 1,
    VectorOp.COPY: 1,
    VectorOp.DIV: 6,
    VectorOp.RSQRT: 8,
    VectorOp.SQRT: 9,
    VectorOp.EXP: 10,
    VectorOp.LOG: 11,
    VectorOp.TANH: 19,
    VectorOp.ERF: 27,
}
"""Lane cycles per element of each elementary operation, on a lane that retires one
multiply-add per cycle and has no special-function unit (why each count):

- add, multiply, max/compare/select, logic, cast, copy: 1 (one pipelined ALU op);
- div: 6: a reciprocal seed (1) refined by two Newton-Raphson steps
  r = r (2 - d r) (2 FMAs each), then a multiply;
- rsqrt: 8: 0.5 x (1), a bit-trick seed (1), two Newton-Raphson steps
  y = y (1.5 - 0.5 x y^2) (3 each); sqrt: an rsqrt times x, 9;
- exp: 10: x log2(e) (1), split into integer n and fraction f (2), 2^f by a
  degree-5 polynomial in Horner form (5 FMAs), 2^n into the exponent (1), a
  clamp of the argument (1);
- log: 11: exponent and mantissa apart (2), a degree-7 polynomial (7), n ln 2
  added back (2);
- tanh: 19: 1 - 2 / (exp(2x) + 1): a multiply, an exp (10), two adds and a
  div (6);
- erf: 27: Abramowitz and Stegun 7.1.26 (error < 1.5e-7): t = 1 / (1 + p|x|)
  (an abs, an FMA and a div: 8), a degree-5 polynomial in t (5), exp(-x^2)
  (11), 1 - poly x exp and the sign (3).

A unit with lookup-table special functions (NVDLA's SDP) runs exp, tanh or erf
in a few cycles: these are the counts for a plain SIMD datapath."""


@dataclass(frozen=True)
class LaneWork:
    """One layer's load on the lanes, before the pipeline fill."""

    cycles: int
    folds: int
    useful_ops: int


LaneRule = Callable[[LayerWork, int, Mapping[VectorOp, int]], LaneWork]
"""(layer, lanes, cycles per operation) -> LaneWork."""

_NOTHING = LaneWork(cycles=0, folds=0, useful_ops=0)


def _elements(count: int, lanes: int) -> LaneWork:
    if count == 0:
        return _NOTHING
    return LaneWork(cycles=ceil_div(count, lanes), folds=1, useful_ops=count)


def lane_cycles(work: LayerWork, op_cycles: Mapping[VectorOp, int] = OP_CYCLES) -> int:
    """Lane cycles of ``work``'s vector work: the sum of count x cycles per operation."""
    return sum(count * op_cycles[op] for op, count in work.vector_work)


def lanes_for_vector_work(work: LayerWork, lanes: int,
                          op_cycles: Mapping[VectorOp, int] = OP_CYCLES) -> LaneWork:
    """Vector work spread over every lane: ceil(lane cycles / lanes)."""
    return _elements(lane_cycles(work, op_cycles), lanes)


def lanes_for_macs(work: LayerWork, lanes: int,
                   op_cycles: Mapping[VectorOp, int] = OP_CYCLES) -> LaneWork:
    """Convolution-like layers: lanes across output channels, one MAC per lane-cycle; the
    fused activation overlaps them."""
    if work.macs == 0:
        return _NOTHING
    geometry = work.geometry
    if geometry is None:
        load = _elements(work.macs, lanes)
    else:
        passes = ceil_div(geometry.out_channels, lanes)
        window = geometry.kernel_h * geometry.kernel_w * geometry.in_channels_per_group
        # A transposed convolution scatters from its input pixels, a convolution gathers
        # into its output pixels.
        pixels = geometry.batch * (geometry.in_h * geometry.in_w if geometry.transposed
                                   else geometry.out_h * geometry.out_w)
        load = LaneWork(cycles=pixels * passes * window, folds=passes, useful_ops=work.macs)
    epilogue = ceil_div(lane_cycles(work, op_cycles), lanes)
    return load if epilogue <= load.cycles else LaneWork(epilogue, load.folds, load.useful_ops)


def lanes_for_pool(work: LayerWork, lanes: int,
                   op_cycles: Mapping[VectorOp, int] = OP_CYCLES) -> LaneWork:
    """Pooling: lanes across channels, one window element read per lane-cycle."""
    geometry = work.geometry
    if geometry is None:
        return lanes_for_vector_work(work, lanes, op_cycles)
    passes = ceil_div(geometry.out_channels, lanes)
    window = geometry.kernel_h * geometry.kernel_w
    pixels = geometry.batch * geometry.out_h * geometry.out_w
    return LaneWork(cycles=pixels * passes * window, folds=passes,
                    useful_ops=pixels * geometry.out_channels * window)


def lane_rule(work: LayerWork) -> LaneRule:
    """How ``work`` is timed on the lanes: matrix kinds (and table rows with MACs) as
    MACs, pools by their windows, everything else by its vector work."""
    if work.op.is_matrix or (work.op is OpKind.LAYER and not work.vector_work):
        return lanes_for_macs
    if work.op is OpKind.POOL:
        return lanes_for_pool
    return lanes_for_vector_work


def check_op_cycles(op_cycles: Mapping[VectorOp, int]) -> Mapping[VectorOp, int]:
    """``op_cycles`` if it gives every VectorOp a whole number of cycles >= 1."""
    for op in VectorOp:
        value = op_cycles.get(op)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f'"op_cycles" must give {op} an integer >= 1, got {value!r}')
    return dict(op_cycles)


class VectorUnit:
    """A SIMD unit of ``lanes`` lanes on one clock (depthwise, pooling, element-wise).

    ``lanes``: operations per cycle (count). ``clock_hz``: clock in Hz.
    ``pipeline_fill_cycles``: cycles from the first operand read to the first
    result written, paid once per layer with work (default 4: read, operate,
    accumulate, write). ``op_cycles``: lane cycles per element of each elementary
    operation (default :data:`OP_CYCLES`).
    """

    def __init__(self, lanes: int, clock_hz: int, pipeline_fill_cycles: int = 4,
                 op_cycles: Mapping[VectorOp, int] = OP_CYCLES) -> None:
        self.lanes = require_positive_int("lanes", lanes)
        self.clock_hz = require_positive_int("clock_hz", clock_hz)
        if (isinstance(pipeline_fill_cycles, bool) or not isinstance(pipeline_fill_cycles, int)
                or pipeline_fill_cycles < 0):
            raise ValueError(
                f'"pipeline_fill_cycles" must be an integer >= 0, got {pipeline_fill_cycles!r}')
        self.pipeline_fill_cycles = pipeline_fill_cycles
        self.op_cycles = check_op_cycles(op_cycles)
        self._key = ("vector", self.lanes, self.clock_hz, self.pipeline_fill_cycles,
                     tuple(self.op_cycles[op] for op in VectorOp))

    def __repr__(self) -> str:
        return (f"VectorUnit(lanes={self.lanes}, clock_hz={self.clock_hz}, "
                f"pipeline_fill_cycles={self.pipeline_fill_cycles})")

    def estimate(self, work: LayerWork) -> ComputeEstimate:
        return cached_estimate(self._key, work, self._estimate)

    def _estimate(self, work: LayerWork) -> ComputeEstimate:
        """Cycles, ps, lane passes and lane utilisation of ``work`` on this unit."""
        load = lane_rule(work)(work, self.lanes, self.op_cycles)
        return lane_estimate(load, self.lanes, self.clock_hz, self.pipeline_fill_cycles,
                             "vector")


def lane_estimate(load: LaneWork, lanes: int, clock_hz: int, fill_cycles: int,
                  unit: str) -> ComputeEstimate:
    """The estimate of ``load`` on ``lanes`` lanes at ``clock_hz``, fill paid once."""
    cycles = load.cycles + fill_cycles if load.cycles else 0
    return ComputeEstimate(
        cycles=cycles,
        time_ps=cycles_to_ps(cycles, clock_hz),
        folds=load.folds,
        utilization=load.useful_ops / (lanes * cycles) if cycles else 0.0,
        unit=unit,
    )
