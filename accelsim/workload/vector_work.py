"""Vector work as (elementary operation, count) pairs: scaling and adding them up.

The front-end counts each layer's vector work in
:class:`~accelsim.sim.ops.VectorOp` s (see :mod:`accelsim.workload.activations`
for the activations' counts); compute models give each operation its cycles
and the energy model charges them.
"""

from __future__ import annotations

from collections.abc import Iterable

from accelsim.sim.ops import VectorOp, VectorWork


def scaled(work: VectorWork, elements: int) -> VectorWork:
    """``work`` per element, for ``elements`` elements."""
    return tuple((op, count * elements) for op, count in work) if elements else ()


def combine(*parts: Iterable[tuple[VectorOp, int]]) -> VectorWork:
    """The sum of several works, each operation once, in :class:`VectorOp` order."""
    total: dict[VectorOp, int] = {}
    for part in parts:
        for op, count in part:
            total[op] = total.get(op, 0) + count
    return tuple((op, total[op]) for op in VectorOp if total.get(op))


_A, _M, _X, _D = VectorOp.ADD, VectorOp.MUL, VectorOp.MAX, VectorOp.DIV


def pool_work(mode: str, outputs: int, window: int) -> VectorWork:
    """A pool: a MAX per window element (max), or an ADD per window element and a MUL
    by the precomputed 1 / count per output (average)."""
    if mode == "max":
        return scaled(((_X, window),), outputs)
    return scaled(((_A, window), (_M, 1)), outputs)


def softmax_work(elements: int, rows: int) -> VectorWork:
    """Softmax over ``rows`` rows of ``elements`` in all: per element a MAX (the row's
    max), an ADD (x - max), an EXP, an ADD (the sum) and a MUL (by 1 / sum); per row a
    DIV (that reciprocal)."""
    return combine(scaled(((_X, 1), (_A, 2), (VectorOp.EXP, 1), (_M, 1)), elements),
                   ((_D, rows),) if rows else ())


def copy_work(elements: int) -> VectorWork:
    """Data movement: each element passes through the unit once, no arithmetic."""
    return scaled(((VectorOp.COPY, 1),), elements)


QUANTIZE_PER_ELEMENT: VectorWork = ((_A, 1), (_M, 1), (_X, 2), (VectorOp.CAST, 1))
"""QuantizeLinear, per element: a MUL by 1 / scale, an ADD of the zero point, a clip
to the integer range (two MAX) and a CAST."""

SCALE_SHIFT_PER_ELEMENT: VectorWork = ((_A, 1), (_M, 1))
"""A per-channel scale and shift (an unfolded BatchNormalization): a MUL and an ADD."""
