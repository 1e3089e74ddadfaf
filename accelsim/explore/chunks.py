"""Cutting a stream of design points into chunks for workers.

Chunks grow once the first results show how long a point takes, aiming at
about :data:`CHUNK_SECONDS` of work each (small first chunks show progress at
once; larger ones keep the per-task overhead below the work). Points are
pulled from the space one chunk at a time, so a sweep of millions of points
never holds them all; points handed back (their worker died under them) run
again before new ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from accelsim.explore.evaluate import PointData

CHUNK_SECONDS = 0.5
FIRST_CHUNK = 2
MAX_CHUNK = 512


class ChunkPlanner:
    """Cuts ``points`` into chunks sized from the observed time per point; ``total``,
    when known, is about how many points the stream holds (near its end, smaller
    chunks keep every worker busy to the last point)."""

    def __init__(self, points: Iterable[PointData], workers: int,
                 total: int | None = None) -> None:
        self._points: Iterator[PointData] = iter(points)
        self._again: deque[PointData] = deque()
        self._exhausted = False
        self._total = total
        self._taken = 0
        self.workers = max(1, workers)
        self.seconds_per_point: float | None = None

    def take(self) -> list[PointData]:
        """The next chunk (points handed back first); empty when none are left."""
        if self.seconds_per_point is None:
            size = FIRST_CHUNK
        else:
            size = int(CHUNK_SECONDS / max(self.seconds_per_point, 1e-6))
            if self._total is not None:
                size = min(size, max(1, (self._total - self._taken) // (2 * self.workers)))
            size = max(1, min(size, MAX_CHUNK))
        chunk: list[PointData] = []
        while self._again and len(chunk) < size:
            chunk.append(self._again.popleft())
        while not self._exhausted and len(chunk) < size:
            point = next(self._points, None)
            if point is None:
                self._exhausted = True
            else:
                chunk.append(point)
                self._taken += 1
        return chunk

    def put_back(self, points: Iterable[PointData]) -> None:
        """Run ``points`` again, before any new point."""
        self._again.extend(points)

    def observe(self, points: int, seconds: float) -> None:
        if points:
            estimate = seconds / points
            self.seconds_per_point = (estimate if self.seconds_per_point is None
                                      else 0.5 * (self.seconds_per_point + estimate))
