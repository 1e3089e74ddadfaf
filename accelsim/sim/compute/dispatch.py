"""A systolic array with a vector unit beside it: each layer runs on the unit its op calls for.

Real inference accelerators pair their matrix array with a SIMD vector unit
(the TPU's vector unit, NVDLA's SDP/PDP, Eyeriss v2's...): pooling,
element-wise layers and softmax have no matrix product to map, and a
depthwise convolution fills 9 of an array's rows and 1 of its columns. The
engine still has one compute resource (layers run one after another), so
this model only decides, per layer, whose timing applies; the estimate's
``unit`` ("array" or "vector") names where the layer ran.
"""

from __future__ import annotations

from collections.abc import Iterable

from accelsim.sim.compute.timing import ComputeEstimate, ComputeTiming
from accelsim.sim.ops import VECTOR_KINDS
from accelsim.sim.work import LayerWork

VECTOR_OPS: frozenset[str] = frozenset(VECTOR_KINDS)
"""Kinds a vector unit takes when there is one (every vector kind: pooling, element-wise,
softmax, normalisation, reductions, resizing, data movement, embeddings); "depthwise"
joins them on request."""


class DispatchTiming:
    """Route each layer by ``work.op``: ops in ``vector_ops`` to ``vector``, the rest to ``array``.

    ``array`` and ``vector`` are any compute-timing models (normally a
    :class:`~accelsim.sim.compute.systolic.SystolicArray` and a
    :class:`~accelsim.sim.compute.vector.VectorUnit`); ``vector_ops`` are
    :class:`LayerWork` op names ("pool", "eltwise", "softmax", "depthwise"...).
    """

    def __init__(self, array: ComputeTiming, vector: ComputeTiming,
                 vector_ops: Iterable[str] = VECTOR_OPS) -> None:
        self.array = array
        self.vector = vector
        self.vector_ops = frozenset(vector_ops)
        for op in self.vector_ops:
            if not isinstance(op, str) or not op:
                raise ValueError(f'"vector_ops" must be op names, got {op!r}')

    def __repr__(self) -> str:
        return (f"DispatchTiming(array={self.array!r}, vector={self.vector!r}, "
                f"vector_ops={sorted(self.vector_ops)!r})")

    def unit_for(self, work: LayerWork) -> ComputeTiming:
        """The timing model ``work`` runs on."""
        return self.vector if work.op in self.vector_ops else self.array

    def estimate(self, work: LayerWork) -> ComputeEstimate:
        """The estimate of the unit ``work`` is routed to."""
        return self.unit_for(work).estimate(work)
