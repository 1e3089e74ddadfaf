"""DDR3 main memory as accelsim sees it: DMA transfers and request traces, timed in picoseconds.

:class:`Ddr3Model` models one DDR3 memory system (``spec.channels``
independent channels, each an open-page FR-FCFS controller with its own
front end, see :mod:`accelsim.sim.dram.controller`). It is stateful: open
rows, bank timing, bus direction and the absolute refresh schedule carry over
from one :meth:`Ddr3Model.transfer` to the next. Requests are served in call
order. Time is integer picoseconds outside, DRAM clocks of ``spec.tck_ps``
inside (a request arriving at ``now_ps`` enters at the next clock edge).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Literal, TypeAlias

import numpy as np

from accelsim.sim.dram import compiled
from accelsim.sim.dram.address import AddressMap
from accelsim.sim.dram.compiled import CompiledChannel
from accelsim.sim.dram.controller import NEVER, ChannelController
from accelsim.sim.dram.frontend import Run
from accelsim.sim.dram.spec import Ddr3Spec

REQUEST_BYTES = 64  #: bytes of one trace request (a cache line)

Backend: TypeAlias = Literal["auto", "compiled", "python"]
Channel: TypeAlias = ChannelController | CompiledChannel


def _channel(spec: Ddr3Spec, batching: bool, backend: Backend) -> Channel:
    """One channel controller: compiled when asked or when ``auto`` finds it built, else Python.

    ``batching=False`` asks for the Python per-command reference path.
    """
    if backend not in ("auto", "compiled", "python"):
        raise ValueError(f"backend must be auto, compiled or python, got {backend!r}")
    if backend == "compiled" or (backend == "auto" and batching and compiled.AVAILABLE):
        return CompiledChannel(spec)
    return ChannelController(spec, batching)


@dataclass(frozen=True)
class TraceStats:
    """Outcome of a request trace; times in picoseconds from the first request at 0.

    ``avg_read_latency_ps`` runs from a read's entry into the controller queue
    to its last data beat (None without reads); ``row_hit_rate`` is the share
    of column commands (bursts) that needed no activate.
    """

    requests: int
    bytes: int
    completion_ps: int
    bandwidth_bytes_per_s: float
    avg_read_latency_ps: float | None
    row_hit_rate: float
    reads: int
    writes: int


@dataclass(frozen=True)
class CommandCounts:
    """DRAM commands issued so far, all channels and ranks: ``activates`` (ACT)
    and ``refreshes`` (all-bank REF, one per rank). Subtract two snapshots to
    count what happened between them."""

    activates: int
    refreshes: int

    def __sub__(self, other: CommandCounts) -> CommandCounts:
        return CommandCounts(self.activates - other.activates, self.refreshes - other.refreshes)


def _channel_runs(spec: Ddr3Spec, g0: int, n: int, is_write: bool, avail: int,
                  req_base: int, bursts_per_req: int) -> list[tuple[int, Run]]:
    """Split global bursts g0..g0+n-1 into one contiguous channel-local run per channel."""
    channels = spec.channels
    if channels == 1:
        return [(0, Run(g0, n, is_write, avail, req_base, 0, 1, bursts_per_req))]
    out = []
    for ch in range(channels):
        g1 = g0 + (ch - g0) % channels
        if g1 >= g0 + n:
            continue
        count = (g0 + n - 1 - g1) // channels + 1
        out.append((ch, Run(g1 // channels, count, is_write, avail, req_base, g1 - g0,
                            channels, bursts_per_req)))
    return out


class Ddr3Model:
    """A DDR3 memory system (:class:`Ddr3Spec`) serving DMA transfers and traces.

    ``backend`` chooses the controller: ``compiled`` (:mod:`accelsim.sim.dram.compiled`),
    ``python`` (:mod:`accelsim.sim.dram.controller`) or ``auto``, the compiled one
    when it is built. All give the same results. ``batching=False`` selects the
    Python controller without its closed-form streaming fast path, every burst
    through the clock loop (the reference path, for tests).
    """

    def __init__(self, spec: Ddr3Spec, batching: bool = True, backend: Backend = "auto") -> None:
        if not isinstance(spec, Ddr3Spec):
            raise TypeError(f"spec must be a Ddr3Spec, got {type(spec).__name__}")
        self.spec = spec
        self.batching = batching
        self.backend = backend
        self._channels = [_channel(spec, batching, backend) for _ in range(spec.channels)]

    @property
    def controllers(self) -> tuple[Channel, ...]:
        return tuple(self._channels)

    def command_counts(self) -> CommandCounts:
        """Activates and refreshes issued so far (for energy). A refresh that falls
        due while the channel is idle is counted when the channel next serves a
        transfer, as the controller applies it then."""
        return CommandCounts(activates=sum(c.acts for c in self._channels),
                             refreshes=sum(c.refreshes for c in self._channels))

    def transfer(self, now_ps: int, address: int, nbytes: int, is_write: bool) -> int:
        """Move ``nbytes`` contiguous bytes from byte ``address``, issued at ``now_ps``; return completion, ps.

        The transfer covers every burst the byte range touches (for an
        aligned address, ceil(nbytes / burst bytes) BL8 bursts).
        """
        if now_ps < 0 or address < 0 or nbytes < 0:
            raise ValueError(f"transfer needs now_ps, address, nbytes >= 0, got "
                             f"{now_ps}, {address}, {nbytes}")
        if nbytes == 0:
            return now_ps
        tck = self.spec.tck_ps
        bb = self.spec.burst_bytes
        g0 = address // bb
        n = (address + nbytes + bb - 1) // bb - g0
        start = -(-now_ps // tck)
        # One request: each channel serves its share, and it completes with the last.
        return max(self._channels[ch].transfer(run.local_start, run.count, run.is_write, start)
                   for ch, run in _channel_runs(self.spec, g0, n, bool(is_write), start, 0, n)
                   ) * tck

    def run_trace(self, requests: Sequence[tuple[bool, int]], serial: bool = False) -> TraceStats:
        """Time 64-byte ``(is_write, address)`` requests on a fresh copy of this memory.

        All requests are ready at 0 and enter one per clock, in order, while
        the queue has room; with ``serial`` each is issued when the previous
        one completes (unloaded latency). This model's own state is untouched.
        """
        return simulate_trace(self.spec, requests, serial=serial, batching=self.batching,
                              backend=self.backend)


def simulate_trace(spec: Ddr3Spec, requests: Sequence[tuple[bool, int]], serial: bool = False,
                   batching: bool = True, backend: Backend = "auto") -> TraceStats:
    """Time a request trace on fresh controllers of ``spec``; see :meth:`Ddr3Model.run_trace`."""
    ctrls = [_channel(spec, batching, backend) for _ in range(spec.channels)]
    nreq = len(requests)
    bb = spec.burst_bytes
    bpr = -(-REQUEST_BYTES // bb)
    done = [-1] * nreq
    first_enq = [NEVER] * nreq
    wv = np.fromiter(map(itemgetter(0), requests), dtype=bool, count=nreq)
    if serial:
        avail = 0
        for k, (is_write, address) in enumerate(requests):
            for ch, run in _channel_runs(spec, address // bb, bpr, bool(is_write), avail, k, bpr):
                ctrls[ch].serve([run], done, first_enq)
            avail = done[k]
    else:
        runs = _trace_runs(spec, requests, wv, bpr)
        for ctrl, chan_runs in zip(ctrls, runs):
            ctrl.serve(chan_runs, done, first_enq)
    return _stats(spec, ctrls, wv, done, first_enq)


def _trace_runs(spec: Ddr3Spec, requests: Sequence[tuple[bool, int]], wv: np.ndarray,
                bpr: int) -> list[list[Run]]:
    """The front-end runs of each channel for a trace whose requests are all ready at clock 0.

    ``wv`` is the requests' is_write flags as a bool array.

    A sequential stretch (same direction, each request the next ``bpr``
    bursts) becomes one contiguous run, which the streaming path can look
    ahead into; with one burst per request, the lone requests between
    stretches go into scattered runs (one record per block, not per request).
    """
    channels = spec.channels
    bb = spec.burst_bytes
    nreq = len(requests)
    g = np.fromiter(map(itemgetter(1), requests), dtype=np.int64, count=nreq) // bb
    ws, gs = wv.tolist(), g.tolist()
    # A stretch starts where a request does not continue the previous one.
    starts = np.concatenate(([0], np.flatnonzero((np.diff(g) != bpr) | (wv[1:] != wv[:-1])) + 1))
    ends = np.append(starts[1:], nreq)
    if bpr == 1:  # only stretches of two or more stay runs; the rest is scattered
        keep = ends - starts > 1
        starts, ends = starts[keep], ends[keep]
    bounds = list(zip(starts.tolist(), ends.tolist()))
    runs: list[list[Run]] = [[] for _ in range(channels)]
    # Bank and row of every request's first burst, for the scattered runs' ``placed``.
    pbank, prow = AddressMap(spec).place(g // channels)
    prev = 0
    for k, end in bounds + [(nreq, nreq)]:
        if prev < k:
            blk = range(prev, k)
            for ch in range(channels):
                if channels > 1:
                    mine = [r for r in blk if gs[r] % channels == ch]
                    sc = [(gs[r] // channels, r, ws[r]) for r in mine]
                    placed = [(pbank[r], prow[r], r, ws[r]) for r in mine]
                else:
                    sc = list(zip(gs[prev:k], blk, ws[prev:k]))
                    placed = list(zip(pbank[prev:k], prow[prev:k], blk, ws[prev:k]))
                if sc:
                    runs[ch].append(Run(0, len(sc), sc[0][2], 0, scatter=sc, placed=placed))
        if k < end:
            for ch, run in _channel_runs(spec, gs[k], (end - k) * bpr, ws[k], 0, k, bpr):
                runs[ch].append(run)
        prev = end
    return runs


def _stats(spec: Ddr3Spec, ctrls: list[Channel], wv: np.ndarray,
           done: list[int], first_enq: list[int]) -> TraceStats:
    """The trace's figures; ``wv`` is the requests' is_write flags as a bool array."""
    nreq = len(wv)
    tck = spec.tck_ps
    completion_ps = max(done, default=0) * tck if nreq else 0
    nbytes = nreq * REQUEST_BYTES
    reads = nreq - int(np.count_nonzero(wv))
    if reads == nreq:  # a read-only trace: no mask needed
        lat_sum = sum(done) - sum(first_enq)
    else:
        is_read = (~wv).tolist()
        lat_sum = sum(compress(done, is_read)) - sum(compress(first_enq, is_read))
    acts = sum(c.acts for c in ctrls)
    cols = sum(c.column_commands for c in ctrls)
    return TraceStats(
        requests=nreq,
        bytes=nbytes,
        completion_ps=completion_ps,
        bandwidth_bytes_per_s=nbytes * 1e12 / completion_ps if completion_ps else 0.0,
        avg_read_latency_ps=lat_sum * tck / reads if reads else None,
        row_hit_rate=max(0.0, 1.0 - acts / cols) if cols else 0.0,
        reads=reads,
        writes=nreq - reads,
    )
