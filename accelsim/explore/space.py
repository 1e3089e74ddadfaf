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
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from accelsim.errors import ConfigError, quoted
from accelsim.limits import MAX_GRID_POINTS

Scalar = str | int | float | bool
MODEL_PREFIX = "model."
MODEL_AXES = ("alpha", "rho")
"""Parameters of the bundled MobileNet that a sweep may vary."""
MAX_POINTS = MAX_GRID_POINTS
"""Points a sweep runs in full, and values of one axis; beyond, it must be sampled."""


class ValueRange(Sequence[Scalar]):
    """START, START+STEP, ... (``count`` values) as a sequence computed on demand, so
    that a long range costs no memory. Exact decimal steps; with a ``unit`` each
    value is text ("256 KiB"); ``integral`` ranges give ints, others floats."""

    def __init__(self, start: Decimal, step: Decimal, count: int, integral: bool,
                 unit: str | None = None) -> None:
        self.start, self.step, self.length = start, step, count
        self.integral, self.unit = integral, unit

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> Scalar: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Scalar]: ...

    def __getitem__(self, index: int | slice) -> Scalar | Sequence[Scalar]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self.length)))
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        d = self.start + index * self.step
        number: Scalar = int(d) if self.integral else float(d)
        return f"{number} {self.unit}" if self.unit else number

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ValueRange):
            return (self.start, self.step, self.length, self.integral, self.unit) == \
                (other.start, other.step, other.length, other.integral, other.unit)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self.length and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.start, self.step, self.length, self.integral, self.unit))

    def __repr__(self) -> str:
        return f"ValueRange({self[0]!r} .. {self[-1]!r}, {self.length:,} values)"


@dataclass(frozen=True)
class Axis:
    """One swept parameter: a dotted ``path`` and the ``values`` it takes, in order."""

    path: str
    values: Sequence[Scalar]

    def __post_init__(self) -> None:
        check_path(self.path)
        if not self.values:
            raise ConfigError(f"axis {self.path}: no values to sweep")
        if len(self.values) > MAX_POINTS:
            raise ConfigError(f"axis {self.path}: {len(self.values):,} values, more than "
                              f"{MAX_POINTS:,}")
        if isinstance(self.values, ValueRange):
            return  # distinct by construction (number_range checks the rounding)
        seen: set[str] = set()
        for value in self.values:
            key = _canonical(value)
            if key in seen:
                raise ConfigError(f"axis {self.path}: the value {value!r} appears twice")
            seen.add(key)

    @property
    def is_model(self) -> bool:
        return self.path.startswith(MODEL_PREFIX)


@dataclass(frozen=True)
class Sample:
    """Draw ``n`` distinct points of the product at random, reproducibly from ``seed``."""

    n: int
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, int) or not \
                1 <= self.n <= MAX_POINTS:
            raise ConfigError(f"sample.n must be an integer from 1 to {MAX_POINTS:,}, got "
                              f"{self.n!r}")
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
    for the bundled MobileNet (whose ``model.alpha``/``model.rho`` may be axes);
    ``model_digest`` a hash of the model's content (the fingerprint holds it, so
    that a replaced model file is another sweep); ``model_origin`` says where the
    model was given, for messages ("--model", "the sweep file's model:")."""

    base: Mapping[str, Any]
    base_source: str
    model: str | None
    axes: tuple[Axis, ...]
    sample: Sample | None = None
    model_digest: str = ""
    model_origin: str = "--model"
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
                              f"axes vary the bundled MobileNet, and {self.model_origin} "
                              f"names {self.model}; drop one or the other")
        grid = self.grid_size
        if grid > MAX_POINTS and self.sample is None:
            raise ConfigError(f"the sweep has {grid:,} points (more than {MAX_POINTS:,}); "
                              "sample it (--sample N, or sample: {n: ..., seed: ...})")
        if self.sample is not None and self.sample.n > grid:
            raise ConfigError(f"sample.n is {self.sample.n:,} but the grid has only {grid:,} "
                              "points; drop the sample to run them all")

    @property
    def paths(self) -> tuple[str, ...]:
        return self._paths

    @property
    def grid_size(self) -> int:
        return math.prod(len(a.values) for a in self.axes)

    @property
    def size(self) -> int:
        """How many points the sweep has (after sampling)."""
        return self.sample.n if self.sample else self.grid_size

    def points(self) -> Iterator[Point]:
        """Every point, in grid order (the last axis varies fastest) or, when
        sampled, in the order drawn; one at a time, whatever the grid's size."""
        indices: Iterator[int] | Sequence[int]
        if self.sample is None:
            indices = range(self.grid_size)
        else:
            indices = sample_indices(self.grid_size, self.sample.n, self.sample.seed)
        for index in indices:
            yield make_point(self.paths, self.combo(index))

    def combo(self, index: int) -> tuple[Scalar, ...]:
        """The axis values of grid point ``index`` (mixed radix, last axis fastest)."""
        digits: list[Scalar] = []
        for axis in reversed(self.axes):
            index, digit = divmod(index, len(axis.values))
            digits.append(axis.values[digit])
        return tuple(reversed(digits))

    def fingerprint(self) -> str:
        """A short hash of what every point shares (the base mapping and the model's
        content): a results file records it, so that a resumed sweep is the same sweep."""
        blob = json.dumps({"base": self.base, "model": self.model_digest or self.model},
                          sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


def sample_indices(grid: int, n: int, seed: int) -> Sequence[int]:
    """``n`` distinct indices below ``grid``, reproducibly from ``seed``: the
    standard library's sample where the grid fits it, else drawn one by one
    (any grid size: a 10**20-point grid is fine, since n is small)."""
    rng = random.Random(seed)
    if grid <= sys.maxsize:
        return rng.sample(range(grid), n)
    drawn: dict[int, None] = {}
    while len(drawn) < n:
        drawn[rng.randrange(grid)] = None
    return list(drawn)


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
                 ) -> ValueRange:
    """START, START+STEP, ... up to and including STOP (within rounding); exact
    decimal steps, so 0.25:1.0:0.25 gives 0.25, 0.5, 0.75, 1.0. With a ``unit``
    each value becomes text: ``256 KiB``. Values are computed as they are used."""
    if len(bounds) != 3 or any(isinstance(b, bool) or not isinstance(b, (int, float))
                               for b in bounds):
        raise ConfigError(f"axis {path}: a range is [start, stop, step] numbers, got "
                          f"{quoted(list(bounds))}")
    if any(isinstance(b, float) and not math.isfinite(b) for b in bounds):
        raise ConfigError(f"axis {path}: a range needs finite numbers, got {list(bounds)!r}")
    start, stop, step = (Decimal(str(b)) for b in bounds)
    if step <= 0 or stop < start:
        raise ConfigError(f"axis {path}: a range needs step > 0 and stop >= start, got "
                          f"{list(bounds)!r}")
    try:
        steps = (stop - start) / step
    except ArithmeticError:  # beyond Decimal's exponents: no sane range
        raise ConfigError(f"axis {path}: bad range {list(bounds)!r}") from None
    if steps >= MAX_POINTS:
        raise ConfigError(f"axis {path}: range {list(bounds)!r} has more than "
                          f"{MAX_POINTS:,} values")
    count = int(steps) + 1
    integral = all(isinstance(b, int) for b in bounds)
    if not integral and count > 1:
        # Floats round monotonically, so values collide first at the end of larger size.
        ends = ((start, start + step), (start + (count - 2) * step, start + (count - 1) * step))
        if any(float(a) == float(b) for a, b in ends):
            raise ConfigError(f"axis {path}: range {list(bounds)!r} has steps too small for "
                              "its values to differ")
    return ValueRange(start, step, count, integral, unit)
