"""The Dask executor: the same chunks of points as tasks on a ``dask.distributed`` cluster.

The sweep's task (base config, lowered model, axis paths) is scattered to
every worker once, so workers need accelsim installed but not the model file.
Only a bounded number of chunks is in flight, and every future still pending
is cancelled when the sweep stops for any reason (Ctrl-C, an error, the
caller dropping the results), so an interrupted sweep leaves the cluster idle.
A chunk whose worker the cluster killed (Dask's ``KilledWorker``: a point that
ate its memory, say) is split and its points run one by one; a point that
kills a worker alone gets a ``failed`` row. Any other failure of the cluster
itself stops the sweep with one error line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from accelsim.errors import AccelsimError, ConfigError, one_line
from accelsim.explore.chunks import ChunkPlanner
from accelsim.explore.evaluate import PointData, SweepTask, failed_row, timed_chunk

Rows = list[dict[str, Any]]


class ClusterError(AccelsimError):
    """The Dask cluster failed to run the sweep's tasks."""


def check_scheduler_address(address: str) -> str:
    """``tcp://host:8786``-like text, or a one-line ConfigError."""
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"--scheduler {address!r}: not an address like "
                          f"tcp://10.0.0.1:8786 ({exc})") from None
    if not parts.hostname or port is None or parts.scheme not in ("tcp", "tls", "inproc",
                                                                   "ws", "wss", "ucx"):
        raise ConfigError(f"--scheduler {address!r}: not an address like tcp://10.0.0.1:8786")
    return address


class DaskExecutor:
    """Chunks as tasks on a Dask distributed cluster at ``scheduler``
    (``tcp://host:8786``), or on a ``distributed.Client`` given directly."""

    def __init__(self, scheduler: str | None = None, client: Any = None) -> None:
        try:
            import distributed
        except ImportError:
            raise ConfigError("--executor dask needs Dask: pip install 'accelsim[dask]'") \
                from None
        self._distributed = distributed
        self._own_client = client is None
        if client is None:
            if not scheduler:
                raise ConfigError("--executor dask needs --scheduler ADDRESS "
                                  "(like tcp://127.0.0.1:8786)")
            check_scheduler_address(scheduler)
            try:
                client = distributed.Client(scheduler, timeout="10s")
            except Exception as exc:  # OSError, TimeoutError, ValueError from its parsers
                raise ConfigError(f"--scheduler {scheduler}: cannot reach the Dask "
                                  f"scheduler ({one_line(exc)})") from None
        self.client = client
        self.workers = max(1, sum(client.nthreads().values()))

    def run(self, task: SweepTask, points: Iterable[PointData],
            total: int | None = None) -> Iterator[Rows]:
        planner = ChunkPlanner(points, self.workers, total)
        [task_future] = self.client.scatter([task], broadcast=True)
        chunks: dict[str, list[PointData]] = {}
        pending = self._distributed.as_completed()
        futures: dict[str, Any] = {}

        def submit(chunk: list[PointData]) -> None:
            future = self.client.submit(timed_chunk, task_future, chunk, pure=False)
            chunks[future.key] = chunk
            futures[future.key] = future
            pending.add(future)

        try:
            for _ in range(2 * self.workers):
                chunk = planner.take()
                if not chunk:
                    break
                submit(chunk)
            for future in pending:
                chunk = chunks.pop(future.key)
                futures.pop(future.key, None)
                try:
                    rows, seconds = future.result()
                except self._distributed.KilledWorker as exc:
                    if len(chunk) > 1:
                        for point in chunk:  # find the point that kills workers
                            submit([point])
                        continue
                    rows, seconds = [failed_row(task, chunk[0], "it killed its Dask "
                                                f"worker ({one_line(exc)})")], 0.0
                except Exception as exc:
                    raise ClusterError(f"the Dask cluster failed to run a chunk of points "
                                       f"({one_line(exc)})") from None
                if seconds > 0:  # a failed row says nothing of how long points take
                    planner.observe(len(chunk), seconds)
                chunk = planner.take()
                if chunk:
                    submit(chunk)
                yield rows
        finally:
            # An interrupted sweep leaves nothing running on the cluster.
            if futures:
                self.client.cancel(list(futures.values()), force=True)
            self.client.cancel([task_future], force=True)

    def close(self) -> None:
        if self._own_client:
            self.client.close()
