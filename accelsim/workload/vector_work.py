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
