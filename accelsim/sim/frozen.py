"""Frozen dataclass instances built fast, for results made per layer of every run."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, TypeVar


class _Dataclass(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Any]]


D = TypeVar("D", bound=_Dataclass)


def make(cls: type[D], fields: dict[str, Any], /) -> D:
    """``cls(**fields)`` for a frozen dataclass, every field given: the same object,
    built without the generated ``__init__``'s ``object.__setattr__`` per field
    (several times faster: the fast path builds step records and layer results
    for every design point; a dict display is also cheaper than keywords).
    ``__post_init__`` does not run: only for classes without one, or values known
    to pass its checks."""
    obj = _new(cls)
    obj.__dict__.update(fields)
    if len(fields) != len(cls.__dataclass_fields__):
        raise TypeError(f"{cls.__name__} takes {len(cls.__dataclass_fields__)} fields, "
                        f"got {len(fields)}")
    return obj


_new = object.__new__
