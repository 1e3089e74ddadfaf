"""DRAM main memory as accelsim sees it: DMA transfers and request traces, timed in picoseconds.

:class:`DramModel` models one DRAM memory system of any standard
(``spec.channels`` independent channels, each an open-page FR-FCFS controller
with its own front end, see :mod:`accelsim.sim.dram.controller`). It is
stateful: open rows, bank timing, bus direction and the absolute refresh
schedule carry over from one :meth:`DramModel.transfer` to the next. Requests
are served in call order. Time is integer picoseconds outside, DRAM clocks of
``spec.tck_ps`` inside (a request arriving at ``now_ps`` enters at the next
clock edge).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Literal, TypeAlias

import numpy as np

from accelsim.sim.dram import compiled
from accelsim.sim.dram.address import AddressMap
from accelsim.sim.dram.compiled import CompiledChannel
from accelsim.sim.dram.controller import ChannelController
from accelsim.sim.dram.frontend import Run
from accelsim.sim.dram.spec import DramSpec
from accelsim.sim.dram.state import NEVER

Backend: TypeAlias = Literal["auto", "compiled", "python"]
Channel: TypeAlias = ChannelController | CompiledChannel
#: A trace request: (is_write, byte address) or (is_write, byte address, bytes).
Request: TypeAlias = tuple[bool, int] | tuple[bool, int, int]


def _channel(spec: DramSpec, backend: Backend) -> Channel:
    """One channel controller: compiled when asked or when ``auto`` finds it built, else Python."""
    if backend not in ("auto", "compiled", "python"):
        raise ValueError(f"backend must be auto, compiled or python, got {backend!r}")
    if backend == "compiled" or (backend == "auto" and compiled.AVAILABLE):
        return CompiledChannel(spec)
    return ChannelController(spec)


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
    and ``refreshes`` (refresh commands, all-bank or per-bank). Subtract two
    snapshots to count what happened between them."""

    activates: int
    refreshes: int

    def __sub__(self, other: CommandCounts) -> CommandCounts:
        return CommandCounts(self.activates - other.activates, self.refreshes - other.refreshes)


def _channel_runs(amap: AddressMap, g0: int, n: int, is_write: bool, avail: int,
                  req_base: int, bursts_per_req: int) -> list[tuple[int, Run]]:
    """Global bursts g0 .. g0+n-1 (requests of ``bursts_per_req`` bursts from request
    ``req_base``) as runs of channel-local bursts, each tagged with its channel."""
    channels = amap.channels
    if channels == 1:
        return [(0, Run(g0, n, is_write, avail, req_base, 0, 1, bursts_per_req))]
    if amap.channel_shift == 0:
        # Channels interleave burst by burst: a channel's i-th burst is global burst
        # g1 + i * channels, g1 its first.
        return [(ch, Run(first, count, is_write, avail, req_base, (ch - g0) % channels,
                         channels, bursts_per_req))
                for ch, first, count in amap.channel_ranges(g0, n)]
    if bursts_per_req >= n:  # one request: which of its bursts is which does not matter
        return [(ch, Run(first, count, is_write, avail, req_base, 0, 1, n))
                for ch, first, count in amap.channel_ranges(g0, n)]
    # Channels interleave in blocks: one run per block, each within one channel.
    block = 1 << amap.channel_shift
    out = []
    g = g0
    while g < g0 + n:
        length = min(block - (g & (block - 1)), g0 + n - g)
        ch, local = amap.split(g)
        out.append((ch, Run(local, length, is_write, avail, req_base, g - g0, 1, bursts_per_req)))
        g += length
    return out


class DramModel:
    """A DRAM memory system (:class:`DramSpec`) serving DMA transfers and traces.

    ``backend`` chooses the controller: ``compiled`` (:mod:`accelsim.sim.dram.compiled`),
    ``python`` (:mod:`accelsim.sim.dram.controller`, the reference) or ``auto``, the
    compiled one when it is built. Both give the same results.
    """

    def __init__(self, spec: DramSpec, backend: Backend = "auto") -> None:
        if not isinstance(spec, DramSpec):
            raise TypeError(f"spec must be a DramSpec, got {type(spec).__name__}")
        self.spec = spec
        self.backend = backend
        self.amap = AddressMap(spec)
        self._channels = [_channel(spec, backend) for _ in range(spec.channels)]

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
        """Move ``nbytes`` contiguous bytes from byte ``address``, issued at ``now_ps``;
        return its completion, ps. The transfer covers every burst the byte range
        touches (for an aligned address, ceil(nbytes / burst bytes) bursts)."""
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
                   for ch, run in _channel_runs(self.amap, g0, n, bool(is_write), start, 0, n)
                   ) * tck

    def run_trace(self, requests: Sequence[Request], serial: bool = False) -> TraceStats:
        """Time ``requests`` on a fresh copy of this memory; see :func:`simulate_trace`."""
        return simulate_trace(self.spec, requests, serial=serial, backend=self.backend)


def simulate_trace(spec: DramSpec, requests: Sequence[Request], serial: bool = False,
                   backend: Backend = "auto") -> TraceStats:
    """Time a request trace on fresh controllers of ``spec``.

    Each request is ``(is_write, address)``, one burst (``spec.burst_bytes``) from
    ``address``, or ``(is_write, address, nbytes)``: every burst the byte range
    touches. All requests are ready at 0 and enter one burst per clock, in order,
    while the queue has room; with ``serial`` each is issued when the previous one
    completes (unloaded latency).
    """
    ctrls = [_channel(spec, backend) for _ in range(spec.channels)]
    amap = AddressMap(spec)
    nreq = len(requests)
    bb = spec.burst_bytes
    wv = np.fromiter((r[0] for r in requests), dtype=bool, count=nreq)
    addr = np.fromiter((r[1] for r in requests), dtype=np.uint64, count=nreq)  # 64-bit addresses
    size = np.fromiter((r[2] if len(r) > 2 else bb for r in requests),
                       dtype=np.int64, count=nreq)
    g = (addr // np.uint64(bb)).astype(np.int64)
    nb = ((addr % np.uint64(bb)).astype(np.int64) + size + bb - 1) // bb
    done = [-1] * nreq
    first_enq = [NEVER] * nreq
    if serial:
        avail = 0
        for k, (is_write, first, count) in enumerate(zip(wv.tolist(), g.tolist(), nb.tolist())):
            for ch, run in _channel_runs(amap, first, count, is_write, avail, k, count):
                ctrls[ch].serve([run], done, first_enq)
            avail = done[k]
    else:
        for ctrl, chan_runs in zip(ctrls, _trace_runs(amap, wv, g, nb)):
            ctrl.serve(chan_runs, done, first_enq)
    return _stats(spec, ctrls, wv, size, done, first_enq)


def _trace_runs(amap: AddressMap, wv: np.ndarray, g: np.ndarray, nb: np.ndarray
                ) -> list[list[Run]]:
    """The front-end runs of each channel for a trace whose requests are all ready at
    clock 0: request i is ``nb[i]`` bursts from global burst ``g[i]``, a write if ``wv[i]``.

    A sequential stretch (same direction and size, each request the next bursts)
    becomes one contiguous run, which the controller can look ahead into; the lone
    one-burst requests between stretches go into scattered runs (one record per
    block, not per request).
    """
    channels = amap.channels
    nreq = len(wv)
    ws, gs, ns = wv.tolist(), g.tolist(), nb.tolist()
    # A stretch starts where a request does not continue the previous one.
    if nreq:
        breaks = (np.diff(g) != nb[:-1]) | (wv[1:] != wv[:-1]) | (nb[1:] != nb[:-1])
        starts = np.concatenate(([0], np.flatnonzero(breaks) + 1))
    else:
        starts = np.zeros(0, dtype=np.int64)
    ends = np.append(starts[1:], nreq)
    single = nb[starts] == 1 if nreq else np.zeros(0, dtype=bool)
    keep = ~single | (ends - starts > 1)  # lone one-burst requests are scattered instead
    bounds = list(zip(starts[keep].tolist(), ends[keep].tolist()))
    runs: list[list[Run]] = [[] for _ in range(channels)]
    chan, local = amap.split_array(g)
    pbank, prow = amap.place(local)  # bank and row of every request's first burst
    cs, ls = chan.tolist(), local.tolist()
    prev = 0
    for k, end in bounds + [(nreq, nreq)]:
        if prev < k:  # lone one-burst requests prev .. k-1
            per: list[list[int]] = [[] for _ in range(channels)]
            for r in range(prev, k):
                per[cs[r]].append(r)
            for ch, mine in enumerate(per):
                if mine:
                    sc = [(ls[r], r, ws[r]) for r in mine]
                    placed = [(pbank[r], prow[r], r, ws[r]) for r in mine]
                    runs[ch].append(Run(0, len(sc), sc[0][2], 0, scatter=sc, placed=placed))
        if k < end:
            for ch, run in _channel_runs(amap, gs[k], (end - k) * ns[k], ws[k], 0, k, ns[k]):
                runs[ch].append(run)
        prev = end
    return runs


def _stats(spec: DramSpec, ctrls: Sequence[Channel], wv: np.ndarray, size: np.ndarray,
           done: list[int], first_enq: list[int]) -> TraceStats:
    """The trace's figures; ``wv`` is the requests' is_write flags, ``size`` their bytes."""
    nreq = len(wv)
    tck = spec.tck_ps
    completion_ps = max(done, default=0) * tck if nreq else 0
    nbytes = int(size.sum())
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
