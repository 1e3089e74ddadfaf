"""The explicit registry of ONNX lowerings: op type -> one small function.

Each op-family module decorates its functions with :func:`lowering`; the
loader imports those modules by name, so the set of supported ops is exactly
what is registered here (no discovery by class or file names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accelsim.workload.onnx.graph import GraphState, Node

LowerFn = Callable[["Node", "GraphState"], None]

_LOWERINGS: dict[str, LowerFn] = {}


def lowering(*op_types: str) -> Callable[[LowerFn], LowerFn]:
    """Register the decorated function as the lowering of ``op_types`` (default ONNX domain)."""
    if not op_types:
        raise ValueError("lowering() needs at least one op type")

    def register(fn: LowerFn) -> LowerFn:
        for op_type in op_types:
            if op_type in _LOWERINGS:
                raise ValueError(f"op type {op_type!r} already has a lowering "
                                 f"({_LOWERINGS[op_type].__qualname__})")
            _LOWERINGS[op_type] = fn
        return fn

    return register


def lowering_for(op_type: str) -> LowerFn | None:
    """The lowering registered for ``op_type``, or None."""
    return _LOWERINGS.get(op_type)


def supported_ops() -> tuple[str, ...]:
    """Every op type with a lowering, sorted."""
    return tuple(sorted(_LOWERINGS))
