"""From a point of the space to a validated hardware config.

A point's values are written into a deep copy of the base mapping at their
dotted paths, and the result is validated exactly as a hand-written file is
(:func:`accelsim.hw.config.validate_hw`): nothing is patched into a built
config, so no point escapes a check. Model axes are not part of the mapping.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from accelsim.errors import ConfigError
from accelsim.explore.space import Point, Scalar, SweepSpace
from accelsim.hw.config import HwConfig, validate_hw


def merge(base: Mapping[str, Any], values: tuple[tuple[str, Scalar], ...],
          source: str = "base") -> dict[str, Any]:
    """A copy of ``base`` with each hardware ``(path, value)`` set; sections are
    created when missing. A path through something that is not a mapping is a
    ConfigError. ``base`` is never changed, but the copy shares with it the
    sections no path goes through: read it, do not change it."""
    # A deep copy of the whole base per point cost more than validating it.
    data: dict[str, Any] = dict(base)
    copied: set[int] = {id(data)}
    for path, value in values:
        if path.startswith("model."):
            continue
        node = data
        parts = path.split(".")
        for depth, key in enumerate(parts[:-1]):
            child = node.get(key)
            if child is None:
                child = node[key] = {}
                copied.add(id(child))
            elif not isinstance(child, dict):
                where = ".".join(parts[:depth + 1])
                raise ConfigError(f"axis {path}: {source}: {where} is {child!r}, not a section "
                                  "of fields")
            elif id(child) not in copied:
                child = node[key] = dict(child)
                copied.add(id(child))
            node = child
        node[parts[-1]] = copy.deepcopy(value)
    return data


def hw_of(space: SweepSpace, point: Point) -> HwConfig:
    """The validated config of ``point``; ConfigError (one line) when it is not a
    possible machine."""
    return validate_hw(merge(space.base, point.values, space.base_source),
                       f"point {point.id} ({describe(point)})")


def model_params(point: Point) -> tuple[float, float]:
    """``(alpha, rho)`` of the bundled MobileNet at ``point`` (1.0 when not swept)."""
    values = dict(point.values)
    out = []
    for name in ("alpha", "rho"):
        v = values.get(f"model.{name}", 1.0)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise ConfigError(f"point {point.id}: model.{name} must be a number > 0, got {v!r}")
        out.append(float(v))
    return out[0], out[1]


def describe(point: Point) -> str:
    return ", ".join(f"{path}={value}" for path, value in point.values)
