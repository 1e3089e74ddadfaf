"""Design-space exploration: sweep spaces, executors, resumable result files, Pareto fronts.

``build_space(...)`` (from ``--set`` options and sweep files) gives a
:class:`SweepSpace`; ``run_sweep(space, out, make_executor("local"))`` runs it
into a results CSV that a rerun resumes; ``pareto_front`` picks the designs no
other design beats on every objective.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported when first used: `accelsim pareto` reads a results file without loading
# the simulator that the sweep modules bring in.
_EXPORTS = {
    "preload": "evaluate",
    "DaskExecutor": "executors", "LocalExecutor": "executors", "make_executor": "executors",
    "Objective": "pareto", "ParetoResult": "pareto", "pareto_front": "pareto",
    "pareto_of_file": "pareto",
    "ResultsWriter": "results", "read_results": "results", "write_parquet": "results",
    "check_results_path": "results", "check_space": "preflight",
    "Axis": "space", "Point": "space", "Sample": "space", "SweepSpace": "space",
    "parse_set": "space",
    "SweepSummary": "sweep", "run_sweep": "sweep",
    "build_space": "sweepfile", "load_sweep_file": "sweepfile",
}

if TYPE_CHECKING:
    from accelsim.explore.evaluate import preload
    from accelsim.explore.executors import DaskExecutor, LocalExecutor, make_executor
    from accelsim.explore.pareto import Objective, ParetoResult, pareto_front, pareto_of_file
    from accelsim.explore.preflight import check_space
    from accelsim.explore.results import (
        ResultsWriter,
        check_results_path,
        read_results,
        write_parquet,
    )
    from accelsim.explore.space import Axis, Point, Sample, SweepSpace, parse_set
    from accelsim.explore.sweep import SweepSummary, run_sweep
    from accelsim.explore.sweepfile import build_space, load_sweep_file


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'accelsim.explore' has no attribute {name!r}")
    return getattr(importlib.import_module(f"accelsim.explore.{module}"), name)


__all__ = sorted(_EXPORTS)
