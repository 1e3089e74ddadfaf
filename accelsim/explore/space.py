"""A design space: a base hardware mapping, a model, and axes to sweep.

An axis is a dotted path into the hardware YAML mapping (``sram.size``,
``dram.preset``, ``compute.throughput``: any field the config accepts, today's
or tomorrow's) or a parameter of the bundled MobileNet (``model.alpha``, the
width multiplier, and ``model.rho``, the resolution multiplier), with the list
of values to try. The space is the product of its axes, optionally a random
sample of it with a seed. Every point has an id: a stable hash of its swept
values, so a rerun of the same sweep recognises the points it has done.

Axes come from ``--set PATH=V1,V2,...`` (or ``PATH=START:STOP:STEP``) and from
sweep files (``accelsim.explore.sweepfile``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accelsim.errors import ConfigError

Scalar = str | int | float | bool
MODEL_PREFIX = "model."
MODEL_AXES = ("alpha", "rho")
"""Parameters of the bundled MobileNet that a sweep may vary."""
MAX_POINTS = 10_000_000


@dataclass(frozen=True)
class Axis:
    """One swept parameter: a dotted ``path`` and the ``values`` it takes, in order."""

    path: str
    values: tuple[Scalar, ...]

    def __post_init__(self) -> None:
        check_path(self.path)
        if not self.values:
            raise ConfigError(f"axis {self.path}: no values to sweep")
        if len(set(map(_canonical, self.values))) != len(self.values):
            raise ConfigError(f"axis {self.path}: a value appears twice in {list(self.values)}")

    @property
    def is_model(self) -> bool:
        return self.path.startswith(MODEL_PREFIX)


@dataclass(frozen=True)
class Sample:
    """Draw ``n`` distinct points of the product at random, reproducibly from ``seed``."""

    n: int
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, int) or self.n < 1:
            raise ConfigError(f"sample.n must be an integer >= 1, got {self.n!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ConfigError(f"sample.seed must be an integer, got {self.seed!r}")


@dataclass(frozen=True)
class Point:
    """One design: its id and the value of every axis (by path, in axis order)."""

    id: str
    values: tuple[tuple[str, Scalar], ...]

    def value(self, path: str) -> Scalar:
        return dict(self.values)[path]


@dataclass(frozen=True)
class SweepSpace:
    """What to sweep. ``base`` is the parsed hardware mapping every point starts
    from (``base_source`` names it in messages); ``model`` a model file, or None
    for the bundled MobileNet (whose ``model.alpha``/``model.rho`` may be axes)."""

    base: Mapping[str, Any]
    base_source: str
    model: str | None
    axes: tuple[Axis, ...]
    sample: Sample | None = None
    _paths: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        paths = tuple(a.path for a in self.axes)
        object.__setattr__(self, "_paths", paths)
        seen: set[str] = set()
        for path in paths:
            if path in seen:
                raise ConfigError(f"axis {path} is given twice")
            seen.add(path)
        for a, b in itertools.permutations(paths, 2):
            if b.startswith(a + "."):
                raise ConfigError(f"axes {a} and {b} overlap (one is inside the other)")
        if self.model is not None and any(a.is_model for a in self.axes):
            raise ConfigError(f"{', '.join(a.path for a in self.axes if a.is_model)}: model "
                              f"axes vary the bundled MobileNet; drop --model {self.model}")
        if self.grid_size > MAX_POINTS and self.sample is None:
            raise ConfigError(f"the sweep has {self.grid_size:,} points (more than "
                              f"{MAX_POINTS:,}); sample it (sample: {{n: ..., seed: ...}})")

    @property
    def paths(self) -> tuple[str, ...]:
        return self._paths

    @property
    def grid_size(self) -> int:
        return math.prod(len(a.values) for a in self.axes)

    @property
    def size(self) -> int:
        """How many points the sweep has (after sampling)."""
        return min(self.grid_size, self.sample.n) if self.sample else self.grid_size

    def points(self) -> Iterator[Point]:
        """Every point, in grid order (the last axis varies fastest) or, when
        sampled, in the order drawn."""
        if self.sample is None or self.sample.n >= self.grid_size:
            for combo in itertools.product(*(a.values for a in self.axes)):
                yield make_point(self.paths, combo)
            return
        indices = random.Random(self.sample.seed).sample(range(self.grid_size), self.sample.n)
        for index in indices:
            digits: list[Scalar] = []
            for axis in reversed(self.axes):
                index, digit = divmod(index, len(axis.values))
                digits.append(axis.values[digit])
            yield make_point(self.paths, tuple(reversed(digits)))

    def fingerprint(self) -> str:
        """A short hash of what every point shares (the base mapping and the model):
        a results file records it, so that a resumed sweep is the same sweep."""
        blob = json.dumps({"base": self.base, "model": self.model}, sort_keys=True,
                          default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


def make_point(paths: Sequence[str], combo: Sequence[Scalar]) -> Point:
    values = tuple(zip(paths, combo))
    return Point(point_id(values), values)


def point_id(values: Sequence[tuple[str, Scalar]]) -> str:
    """A stable hash of the swept values (order-free; 1 and 1.0 are the same value)."""
    blob = json.dumps(sorted((path, _canonical(v)) for path, v in values))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _canonical(value: Scalar) -> str:
    if isinstance(value, bool):
        return f"b:{value}"
    if isinstance(value, (int, float)):
        return f"n:{float(value)!r}"
    return f"s:{value}"


def check_path(path: object) -> str:
    """A dotted path of identifiers: ``sram.size``, ``dram.timing.cl``, ``model.alpha``."""
    if not isinstance(path, str) or not path:
        raise ConfigError(f"axis path must be a dotted name like sram.size, got {path!r}")
    parts = path.split(".")
    if any(not p or not p.replace("_", "a").isalnum() for p in parts):
        raise ConfigError(f"axis path {path!r}: expected a dotted name like sram.size")
    if path.startswith(MODEL_PREFIX) and (len(parts) != 2 or parts[1] not in MODEL_AXES):
        raise ConfigError(f"axis {path}: unknown model parameter; the bundled MobileNet has "
                          f"{', '.join(MODEL_PREFIX + p for p in MODEL_AXES)}")
    if path == "model":
        raise ConfigError(f"axis path {path!r}: expected model.alpha or model.rho")
    return path


def parse_scalar(text: str) -> Scalar:
    """A value as written on the command line: an integer, a decimal number,
    true/false, or else the text itself ("256 KB", "DDR3-1600K")."""
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^(?P<start>{_NUMBER}):(?P<stop>{_NUMBER}):(?P<step>{_NUMBER})"
                    r"(?:\s*(?P<unit>[A-Za-z][A-Za-z/]*))?$")


def parse_set(text: str) -> Axis:
    """``PATH=V1,V2,...`` or ``PATH=START:STOP:STEP[ UNIT]`` (inclusive of STOP;
    ``sram.size=128:1024:128KiB`` gives "128 KiB", ..., "1024 KiB")."""
    path, sep, rest = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ConfigError(f"--set {text!r}: expected PATH=VALUE[,VALUE...], like "
                          "sram.size=256KB,512KB")
    check_path(path)
    items = [item.strip() for item in rest.split(",")]
    if not rest.strip() or any(not item for item in items):
        raise ConfigError(f"--set {text!r}: empty value in the list for {path}")
    ranged = _RANGE.match(items[0]) if len(items) == 1 else None
    if ranged:
        bounds = [parse_scalar(ranged[k]) for k in ("start", "stop", "step")]
        return Axis(path, number_range(path, bounds, ranged["unit"]))
    return Axis(path, tuple(parse_scalar(item) for item in items))


def number_range(path: str, bounds: Sequence[object], unit: str | None = None
                 ) -> tuple[Scalar, ...]:
    """START, START+STEP, ... up to and including STOP (within rounding); exact
    decimal steps, so 0.25:1.0:0.25 gives 0.25, 0.5, 0.75, 1.0. With a ``unit``
    each value becomes text: ``256 KiB``."""
    if len(bounds) != 3 or any(isinstance(b, bool) or not isinstance(b, (int, float))
                               for b in bounds):
        raise ConfigError(f"axis {path}: a range is [start, stop, step] numbers, got "
                          f"{list(bounds)!r}")
    try:
        start, stop, step = (Decimal(str(b)) for b in bounds)
    except InvalidOperation:
        raise ConfigError(f"axis {path}: bad range {list(bounds)!r}") from None
    if step <= 0 or stop < start:
        raise ConfigError(f"axis {path}: a range needs step > 0 and stop >= start, got "
                          f"{list(bounds)!r}")
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS:
        raise ConfigError(f"axis {path}: range {list(bounds)!r} has {count:,} values")
    integral = all(isinstance(b, int) for b in bounds)
    values: list[Scalar] = []
    for k in range(count):
        d = start + k * step
        number: Scalar = int(d) if integral else float(d)
        values.append(f"{number} {unit}" if unit else number)
    return tuple(values)
