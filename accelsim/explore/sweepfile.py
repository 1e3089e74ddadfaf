"""Sweep files and ``--set`` options to a :class:`SweepSpace`.

A sweep file is YAML::

    base: hwconfigs/1mb_ddr3.yaml      # a hardware config file (relative to the sweep
                                       # file), or an inline mapping of one
    model: my.onnx                     # optional (relative to the sweep file); default:
                                       # the bundled MobileNet, whose model.alpha and
                                       # model.rho may then be axes
    axes:
      sram.size: [256 KB, 512 KB, 1 MB]
      compute.throughput: {range: [1, 4, 1], unit: TOPS}   # "1 TOPS" ... "4 TOPS"
      dram.preset: DDR3-1600K          # a single value fixes a field
    sample: {n: 200, seed: 1}          # optional: 200 points drawn at random

Every problem is one :class:`ConfigError` line naming the file and the key.
A model file is named by its absolute path (workers elsewhere, on Dask, never
resolve it against their own folder) and known by a hash of its content, so
that replacing the file makes another sweep rather than mixing two models'
rows under one hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from accelsim.api import bundled_model_path
from accelsim.errors import ConfigError, ModelError, quoted
from accelsim.explore.space import Axis, Sample, Scalar, SweepSpace, number_range, parse_set
from accelsim.hw.config import read_yaml

SWEEP_KEYS = ("base", "model", "axes", "sample")


def read_base(path: Path) -> dict[str, Any]:
    """A hardware config file as a plain mapping (validated later, point by point)."""
    data = read_yaml(path, "hardware config file")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections (sram, dram, compute, "
                          f"policy), got {type(data).__name__}")
    return data


def axis_of(path: str, spec: object, source: str) -> Axis:
    """An axis from its sweep-file form: a list, one value, or {range: [...], unit: ...}
    or {values: [...]}."""
    where = f"{source}: axes.{path}"
    if isinstance(spec, dict):
        unknown = set(spec) - {"range", "unit", "values"}
        if unknown or ("range" in spec) == ("values" in spec):
            raise ConfigError(f"{where}: expected a list, a value, {{range: [start, stop, "
                              f"step], unit: ...}} or {{values: [...]}}, got {quoted(spec)}")
        if "values" in spec:
            return axis_of(path, spec["values"], source)
        unit = spec.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise ConfigError(f"{where}: unit must be text like KiB or TOPS, got {quoted(unit)}")
        bounds = spec["range"]
        if not isinstance(bounds, list):
            raise ConfigError(f"{where}: range must be [start, stop, step], got {quoted(bounds)}")
        try:
            return Axis(path, number_range(path, bounds, unit))
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
    values: list[Scalar] = []
    for value in spec if isinstance(spec, list) else [spec]:
        if value is None or not isinstance(value, (str, int, float, bool)):
            raise ConfigError(f"{where}: values must be numbers, text or true/false, got "
                              f"{quoted(value)}")
        if isinstance(value, float) and value != value:
            raise ConfigError(f"{where}: a value is .nan, which is no number to sweep")
        values.append(value)
    try:
        return Axis(path, tuple(values))
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def load_sweep_file(path: Path) -> tuple[dict[str, Any], str, str | None, list[Axis],
                                         Sample | None]:
    """Parse a sweep file into (base mapping, base source, model path, axes, sample)."""
    data = read_yaml(path, "sweep file")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with base and axes, got "
                          f"{type(data).__name__}")
    unknown = sorted(set(map(str, data)) - set(SWEEP_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}; a sweep file has "
                          f"{', '.join(SWEEP_KEYS)}")
    base_spec = data.get("base")
    if isinstance(base_spec, str):
        base_path = (path.parent / base_spec)
        base, base_source = read_base(base_path), str(base_path)
    elif isinstance(base_spec, dict):
        base, base_source = base_spec, f"{path}: base"
    else:
        raise ConfigError(f"{path}: base must be a hardware config file or a mapping, got "
                          f"{quoted(base_spec)}")
    model = data.get("model")
    if model is not None and not isinstance(model, str):
        raise ConfigError(f"{path}: model must be a file name, got {quoted(model)}")
    model_path = resolve_model(model, path.parent) if model else None
    axes_spec = data.get("axes")
    if not isinstance(axes_spec, dict) or not axes_spec:
        raise ConfigError(f"{path}: axes must be a mapping of path: values, got "
                          f"{quoted(axes_spec)}")
    axes = [axis_of(str(p), spec, str(path)) for p, spec in axes_spec.items()]
    sample = None
    sample_spec = data.get("sample")
    if sample_spec is not None:
        if not isinstance(sample_spec, dict) or set(sample_spec) - {"n", "seed"} \
                or "n" not in sample_spec:
            raise ConfigError(f"{path}: sample must be {{n: COUNT, seed: SEED}}, got "
                              f"{quoted(sample_spec)}")
        try:
            sample = Sample(sample_spec["n"], sample_spec.get("seed", 0))
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return base, base_source, model_path, axes, sample


def build_space(hw: Path | None = None, sweep_file: Path | None = None,
                model: Path | None = None, sets: Sequence[str] = (),
                sample_n: int | None = None, seed: int | None = None) -> SweepSpace:
    """The space of a command line: a sweep file and/or a base config, ``--set``
    axes (added to the file's, or replacing one of the same path), a model and
    sampling options (overriding the file's)."""
    base: Mapping[str, Any] | None = None
    base_source = ""
    model_path: str | None = None
    origin = "--model"
    axes: dict[str, Axis] = {}
    sample: Sample | None = None
    if sweep_file is not None:
        base, base_source, model_path, file_axes, sample = load_sweep_file(sweep_file)
        axes = {a.path: a for a in file_axes}
        origin = f"the model: of {sweep_file}"
    if hw is not None:
        base, base_source = read_base(hw), str(hw)
    if base is None:
        raise ConfigError("a sweep needs a base config: --hw FILE or a sweep file with base:")
    if model is not None:
        model_path, origin = resolve_model(str(model), Path.cwd()), "--model"
    for text in sets:
        axis = parse_set(text)
        axes[axis.path] = axis
    if not axes:
        raise ConfigError("nothing to sweep: give --set PATH=V1,V2,... or a sweep file with axes")
    if sample_n is not None:
        sample = Sample(sample_n, seed if seed is not None else 0)
    elif seed is not None and sample is not None:
        sample = Sample(sample.n, seed)
    return SweepSpace(base, base_source, model_path, tuple(axes.values()), sample,
                      model_digest=model_digest(model_path), model_origin=origin)


def resolve_model(model: str, folder: Path) -> str:
    """A model file as an absolute path (from ``folder`` when relative); a name that is
    no file (a bundled model's name, say) is kept as written, for the loader to resolve."""
    candidate = Path(model).expanduser()
    if not candidate.is_absolute():
        candidate = folder / candidate
    return str(candidate.resolve()) if candidate.exists() else model


def model_digest(model: str | None) -> str:
    """A hash of the model's content (the bundled MobileNet's file when ``model`` is
    None): two files of one path are two sweeps."""
    path = bundled_model_path() if model is None else Path(model)
    if not path.is_file():
        return f"name:{model}"
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return digest.hexdigest()[:16]


__all__ = ["Scalar", "build_space", "load_sweep_file", "model_digest", "read_base",
           "resolve_model"]
