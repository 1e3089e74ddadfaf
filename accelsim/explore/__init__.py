"""Design-space exploration: sweep spaces, executors, resumable result files, Pareto fronts.

``build_space(...)`` (from ``--set`` options and sweep files) gives a
:class:`SweepSpace`; ``run_sweep(space, out, make_executor("local"))`` runs it
into a results CSV that a rerun resumes; ``pareto_front`` picks the designs no
other design beats on every objective.
"""

from __future__ import annotations

from accelsim.explore.evaluate import preload
from accelsim.explore.executors import DaskExecutor, LocalExecutor, make_executor
from accelsim.explore.pareto import Objective, ParetoResult, pareto_front, pareto_of_file
from accelsim.explore.results import ResultsWriter, read_results, write_parquet
from accelsim.explore.space import Axis, Point, Sample, SweepSpace, parse_set
from accelsim.explore.sweep import SweepSummary, run_sweep
from accelsim.explore.sweepfile import build_space, load_sweep_file

__all__ = ["Axis", "DaskExecutor", "LocalExecutor", "Objective", "ParetoResult", "Point",
           "ResultsWriter", "Sample", "SweepSpace", "SweepSummary", "build_space",
           "load_sweep_file", "make_executor", "pareto_front", "pareto_of_file", "parse_set", "preload",
           "read_results", "run_sweep", "write_parquet"]
