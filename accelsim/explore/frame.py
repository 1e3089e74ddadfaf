"""A sweep from Python: ``accelsim.sweep(hw, {"sram.size": [...]}) -> DataFrame``.

The same sweep as ``accelsim sweep`` (the same points, the same resumable
results file, the same columns: :data:`accelsim.schema.SWEEP_COLUMNS`, one
column per axis, then :data:`accelsim.schema.RUN_COLUMNS`), called with Python
values instead of ``--set`` strings, and read back as a pandas DataFrame.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accelsim.errors import AccelsimError, ConfigError
from accelsim.explore.space import Axis, Sample, Scalar, SweepSpace

if TYPE_CHECKING:
    import pandas

    from accelsim.hw.config import HwConfig


def sweep(hw: HwConfig | Mapping[str, Any] | str | Path,
          axes: Mapping[str, Scalar | Iterable[Scalar]],
          model: str | Path | None = None, *, sample: int | None = None, seed: int = 0,
          workers: int | None = None, out: str | Path | None = None) -> pandas.DataFrame:
    """Simulate every design of the grid ``axes`` spans around ``hw`` (a config, a
    mapping, a file or a bundled name) and return one row per design.

    ``axes`` maps a dotted path of the config (``"sram.size"``, ``"dram.preset"``)
    or ``"model.alpha"``/``"model.rho"`` (the bundled MobileNet's multipliers) to
    its values (a single value fixes the field). ``model``: a model file (default:
    the bundled MobileNet). ``sample``: that many points drawn at random
    (``seed``). ``workers``: local processes (default: all cores). ``out``: keep
    the results file there (a rerun resumes it); by default a temporary file.
    An impossible design is a row with ``status`` "invalid" and its ``error``.
    """
    from accelsim.explore.evaluate import preload
    from accelsim.explore.executors import make_executor
    from accelsim.explore.results import read_results
    from accelsim.explore.sweep import run_sweep

    base, source = _base(hw)
    space = SweepSpace(base, source, None if model is None else str(model), _axes(axes),
                       None if sample is None else Sample(sample, seed))
    with tempfile.TemporaryDirectory(prefix="accelsim-sweep-") as folder:
        path = Path(out) if out is not None else Path(folder) / "results.csv"
        preload(space)
        pool = make_executor("local", workers)
        try:
            summary = run_sweep(space, path, pool)
        finally:
            pool.close()
        if summary.interrupted:
            raise KeyboardInterrupt
        columns, rows = read_results(path)
    try:
        import pandas
    except ImportError:
        raise AccelsimError("DataFrames need pandas: pip install 'accelsim[pandas]'") from None
    # Empty cells (the figures of an invalid point) as missing values, so that numeric
    # columns stay numeric.
    cleaned = [{k: (None if v == "" else v) for k, v in row.items()} for row in rows]
    return pandas.DataFrame(cleaned, columns=list(columns))


def _base(hw: HwConfig | Mapping[str, Any] | str | Path) -> tuple[dict[str, Any], str]:
    from accelsim.hw.config import HwConfig

    if isinstance(hw, HwConfig):
        return hw.model_dump(mode="json"), f"config {hw.name!r}"
    if isinstance(hw, Mapping):
        return dict(hw), "hardware config mapping"
    from accelsim.explore.sweepfile import read_base
    from accelsim.hw.bundled import resolve

    path = resolve(hw)
    return read_base(path), str(path)


def _axes(axes: Mapping[str, Scalar | Iterable[Scalar]]) -> tuple[Axis, ...]:
    if not isinstance(axes, Mapping) or not axes:
        raise ConfigError("sweep: axes must be a mapping of dotted paths to values, like "
                          "{'sram.size': ['256 KB', '1 MB']}")
    out = []
    for path, values in axes.items():
        if isinstance(values, (str, int, float, bool)):
            values = [values]
        out.append(Axis(str(path), tuple(values)))
    return tuple(out)
