"""What is checked before the first point of a sweep runs: the sweep as a whole.

A point that is an impossible design gets an ``invalid`` row and the sweep
goes on; but an axis that can never give a valid design is a mistake in the
sweep, and running it would only write a file of invalid rows (nine million
of them, for ``sram.size=1:9000000:1XB``). So, before anything runs:

- the base config must be valid on its own;
- each hardware axis is tried on the base, one value at a time (at most
  :data:`PROBES` values, spread over the axis), alone and then with every
  other axis at its first value (``compute.rows`` is a field only once
  ``compute.model`` is ``systolic``): an axis whose path is an unknown key
  either way names no field, and an axis whose every value tried has a
  problem of its own either way (at its path, or in the section that holds
  it) can never be valid; each is one error line. A value whose only
  problems lie elsewhere may be made valid by another axis, so it passes;
- each model axis must have at least one number > 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from accelsim.errors import ConfigError
from accelsim.explore.points import merge
from accelsim.explore.space import Axis, Scalar, SweepSpace
from accelsim.hw.config import config_problems, validate_hw

PROBES = 1000
"""Values of one axis tried before the sweep starts (all of a shorter axis)."""


def check_space(space: SweepSpace) -> None:
    """Refuse a sweep that is wrong as a whole, in one ConfigError line."""
    validate_hw(dict(space.base), space.base_source)
    for axis in space.axes:
        if axis.is_model:
            _check_model_axis(axis)
        else:
            _check_hw_axis(space, axis)


def spread(values: Sequence[Scalar], count: int = PROBES) -> list[Scalar]:
    """All of ``values``, or ``count`` of them evenly spread, first and last included."""
    n = len(values)
    if n <= count:
        return list(values)
    return [values[(i * (n - 1)) // (count - 1)] for i in range(count)]


def _check_hw_axis(space: SweepSpace, axis: Axis) -> None:
    others = tuple((a.path, a.values[0]) for a in space.axes
                   if a.path != axis.path and not a.is_model)
    own: str | None = None
    tried = spread(axis.values)
    for value in tried:
        # Alone on the base first; then with every other axis at its first value, which
        # may be what makes it valid (compute.rows needs compute.model: systolic).
        for context in ((), others) if others else ((),):
            problem, unknown = _own_problem(space, axis, value, context)
            if problem is None:
                return
            if unknown and context == others:
                raise ConfigError(f"axis {axis.path}: no such field in the hardware config "
                                  f"{space.base_source} ({problem})")
        own = own or problem
    what = (f"{len(tried):,} tried of {len(axis.values):,}" if len(tried) < len(axis.values)
            else f"{len(axis.values):,} tried")
    raise ConfigError(f"axis {axis.path}: no value gives a valid config ({what}); the first: "
                      f"{space.base_source}: {own}")


def _own_problem(space: SweepSpace, axis: Axis, value: Scalar,
                 context: tuple[tuple[str, Scalar], ...]) -> tuple[str | None, bool]:
    """The first problem of ``axis`` = ``value`` (with ``context`` set too) that is the
    axis's own, and whether it is an unknown key at its path; (None, False) when the
    value has no problem of its own."""
    mapping = merge(space.base, ((axis.path, value), *context), space.base_source)
    for loc, text in config_problems(mapping):
        path = _field_path(loc, mapping)
        if text.endswith(": unknown key") and (axis.path + ".").startswith(path + "."):
            return _without_tags(text, loc, path), True
        if _related(path, axis.path):
            return text, False
    return None, False


def _check_model_axis(axis: Axis) -> None:
    for value in spread(axis.values):
        if not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0:
            return
    raise ConfigError(f"axis {axis.path}: no value is a number > 0 (got {axis.values[0]!r} "
                      "first)")


def _field_path(loc: tuple[str, ...], mapping: Mapping[str, Any]) -> str:
    """``loc`` as a dotted path of the mapping's keys: the union tags pydantic puts in
    a location ("ideal" in dram.ideal.bandwidth) are dropped."""
    parts: list[str] = []
    node: Any = mapping
    for part in loc:
        if isinstance(node, Mapping) and part not in node and part in map(str, node.values()):
            continue  # the tag of the union member the section chose
        parts.append(part)
        node = node.get(part) if isinstance(node, Mapping) else None
    return ".".join(parts)


def _related(field: str, axis: str) -> bool:
    """A problem at ``field`` is the axis's own: at its path, inside it, or in a
    section that holds it (a whole-section check, such as a DDR3 spec's)."""
    return field == axis or field.startswith(axis + ".") or axis.startswith(field + ".") \
        or not field


def _without_tags(text: str, loc: tuple[str, ...], path: str) -> str:
    dotted = ".".join(loc)
    return path + text[len(dotted):] if text.startswith(dotted) else text
