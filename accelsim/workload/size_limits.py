"""Model sizes beyond any hardware, refused where a model is read (README "Limits").

A tensor of more elements than :data:`~accelsim.limits.MAX_TENSOR_ELEMENTS`
(a 1x3x2**31x2**31 input, a Conv padded by 1e9), or a network of more layers
than :data:`~accelsim.limits.MAX_LAYERS`, is an error naming the node (or row)
before anything is simulated, so that no later stage is asked to tile,
schedule or execute it.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod

from accelsim.errors import ModelError
from accelsim.limits import MAX_LAYERS, MAX_TENSOR_ELEMENTS


def check_tensor(where: str, what: str, shape: Sequence[int]) -> None:
    """Refuse a tensor ``shape`` (``what`` says which, ``where`` the file and node)
    with a negative dimension or more elements than the bound."""
    if any(dim < 0 for dim in shape):
        raise ModelError(f"{where}: {what} has shape {tuple(shape)}; expected no negative "
                         "dimension")
    elements = prod(shape)
    if elements > MAX_TENSOR_ELEMENTS:
        raise ModelError(f"{where}: {what} has shape {tuple(shape)}, {elements:,} elements; "
                         f"beyond the limit of {MAX_TENSOR_ELEMENTS:,} (2**40) elements of one "
                         "tensor (see Limits in the README)")


def check_layer_count(where: str, count: int, what: str = "nodes") -> None:
    if count > MAX_LAYERS:
        raise ModelError(f"{where}: more than {MAX_LAYERS:,} {what}; beyond the limit of a "
                         "network (see Limits in the README)")
