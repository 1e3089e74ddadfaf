"""A whole sweep: check the space, skip what the results file has, run the rest.

``run_sweep(space, out, executor)`` returns a :class:`SweepSummary`; it never
prints. ``progress(done, total)`` is called as rows are written. The space is
checked as a whole before the first point runs (``explore.preflight``), then
streamed: points are drawn one chunk at a time, so a sweep's memory does not
grow with its size. Interrupting it (KeyboardInterrupt) leaves every finished
point in the file; running the same sweep again finishes the others, and
retries the points that failed (a limit, a crash) rather than being invalid.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from accelsim.explore.evaluate import PointData, SweepTask
from accelsim.explore.executors import Executor
from accelsim.explore.preflight import check_space
from accelsim.explore.results import ResultsWriter
from accelsim.explore.rows import FAILED, INVALID
from accelsim.explore.space import SweepSpace

Progress = Callable[[int, int], None]
MAX_ERRORS = 5
"""Messages of invalid and failed points a summary keeps."""


@dataclass
class SweepSummary:
    """How a sweep went: ``total`` points, ``skipped`` already in the file, ``ran``
    now, of which ``invalid`` were impossible designs and ``failed`` could not be
    finished (first messages in ``errors``); ``seconds`` of wall time."""

    out: Path
    total: int
    skipped: int = 0
    ran: int = 0
    invalid: int = 0
    failed: int = 0
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
    check_space(space)
    task = SweepTask.of(space)
    started = time.perf_counter()
    summary = SweepSummary(out, space.size)
    with ResultsWriter(out, space.paths, task.fingerprint) as writer:

        def todo() -> Iterator[PointData]:
            for point in space.points():
                if writer.has(point.id):
                    summary.skipped += 1
                else:
                    yield point.id, point.values

        try:
            if progress:
                progress(0, summary.total)
            left = max(0, summary.total - len(writer.done))
            for rows in executor.run(task, todo(), left):
                writer.write(rows)
                summary.ran += len(rows)
                for row in rows:
                    if row["status"] in (INVALID, FAILED):
                        if row["status"] == INVALID:
                            summary.invalid += 1
                        else:
                            summary.failed += 1
                        if len(summary.errors) < MAX_ERRORS:
                            summary.errors.append(row["error"])
                if progress:
                    progress(summary.skipped + summary.ran, summary.total)
        except KeyboardInterrupt:
            summary.interrupted = True
    summary.seconds = time.perf_counter() - started
    return summary
