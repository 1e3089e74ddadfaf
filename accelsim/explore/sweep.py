"""A whole sweep: check the space, skip what the results file has, run the rest.

``run_sweep(space, out, executor)`` returns a :class:`SweepSummary`; it never
prints. ``progress(done, total)`` is called as rows are written. Interrupting
it (KeyboardInterrupt) leaves every finished point in the file; running the
same sweep again finishes the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from accelsim.explore.evaluate import PointData, SweepTask
from accelsim.explore.executors import Executor
from accelsim.explore.points import check_axes
from accelsim.explore.results import ResultsWriter
from accelsim.explore.rows import INVALID
from accelsim.explore.space import SweepSpace

Progress = Callable[[int, int], None]


@dataclass
class SweepSummary:
    """How a sweep went: ``total`` points, ``skipped`` already in the file, ``ran``
    now, of which ``invalid`` were impossible designs (first messages in ``errors``);
    ``seconds`` of wall time."""

    out: Path
    total: int
    skipped: int = 0
    ran: int = 0
    invalid: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def points_per_s(self) -> float:
        return self.ran / self.seconds if self.seconds > 0 else 0.0

    @property
    def complete(self) -> bool:
        return self.skipped + self.ran == self.total


def run_sweep(space: SweepSpace, out: Path, executor: Executor,
              progress: Progress | None = None) -> SweepSummary:
    """Run every point of ``space`` not yet in ``out``, appending rows as they finish."""
    check_axes(space)
    task = SweepTask.of(space)
    started = time.perf_counter()
    summary = SweepSummary(out, space.size)
    with ResultsWriter(out, space.paths, task.fingerprint) as writer:
        todo: list[PointData] = []
        for point in space.points():
            if point.id in writer.done:
                summary.skipped += 1
            else:
                todo.append((point.id, point.values))
        try:
            if progress:
                progress(summary.skipped, summary.total)
            for rows in executor.run(task, todo):
                writer.write(rows)
                summary.ran += len(rows)
                for row in rows:
                    if row["status"] == INVALID:
                        summary.invalid += 1
                        if len(summary.errors) < 5:
                            summary.errors.append(row["error"])
                if progress:
                    progress(summary.skipped + summary.ran, summary.total)
        except KeyboardInterrupt:
            summary.interrupted = True
    summary.seconds = time.perf_counter() - started
    return summary
