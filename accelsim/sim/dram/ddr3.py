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

from accelsim.sim.dram.controller import NEVER, ChannelController, Run
from accelsim.sim.dram.spec import Ddr3Spec

REQUEST_BYTES = 64  #: bytes of one trace request (a cache line)


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

    ``batching=False`` disables the closed-form streaming fast path and runs
    every burst through the clock loop (the reference path, for tests).
    """

    def __init__(self, spec: Ddr3Spec, batching: bool = True) -> None:
        if not isinstance(spec, Ddr3Spec):
            raise TypeError(f"spec must be a Ddr3Spec, got {type(spec).__name__}")
        self.spec = spec
        self.batching = batching
        self._channels = [ChannelController(spec, batching) for _ in range(spec.channels)]

    @property
    def controllers(self) -> tuple[ChannelController, ...]:
        return tuple(self._channels)

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
        done, first_enq = [-1], [NEVER]
        for ch, run in _channel_runs(self.spec, g0, n, bool(is_write), start, 0, n):
            self._channels[ch].serve([run], done, first_enq)
        return done[0] * tck

    def run_trace(self, requests: Sequence[tuple[bool, int]], serial: bool = False) -> TraceStats:
        """Time 64-byte ``(is_write, address)`` requests on a fresh copy of this memory.

        All requests are ready at 0 and enter one per clock, in order, while
        the queue has room; with ``serial`` each is issued when the previous
        one completes (unloaded latency). This model's own state is untouched.
        """
        return simulate_trace(self.spec, requests, serial=serial, batching=self.batching)


def simulate_trace(spec: Ddr3Spec, requests: Sequence[tuple[bool, int]], serial: bool = False,
                   batching: bool = True) -> TraceStats:
    """Time a request trace on fresh controllers of ``spec``; see :meth:`Ddr3Model.run_trace`."""
    ctrls = [ChannelController(spec, batching) for _ in range(spec.channels)]
    nreq = len(requests)
    bb = spec.burst_bytes
    bpr = -(-REQUEST_BYTES // bb)
    done = [-1] * nreq
    first_enq = [NEVER] * nreq
    reads = 0
    if serial:
        avail = 0
        for k, (is_write, address) in enumerate(requests):
            reads += not is_write
            for ch, run in _channel_runs(spec, address // bb, bpr, bool(is_write), avail, k, bpr):
                ctrls[ch].serve([run], done, first_enq)
            avail = done[k]
    else:
        runs: list[list[Run]] = [[] for _ in ctrls]
        k = 0
        while k < nreq:
            is_write, address = requests[k]
            g0 = address // bb
            end = k + 1
            while end < nreq:  # merge a sequential stretch into one run
                w, a = requests[end]
                if w != is_write or a // bb != g0 + (end - k) * bpr:
                    break
                end += 1
            reads += 0 if is_write else end - k
            for ch, run in _channel_runs(spec, g0, (end - k) * bpr, bool(is_write), 0, k, bpr):
                runs[ch].append(run)
            k = end
        for ctrl, chan_runs in zip(ctrls, runs):
            ctrl.serve(chan_runs, done, first_enq)
    return _stats(spec, ctrls, requests, done, first_enq, reads)


def _stats(spec: Ddr3Spec, ctrls: list[ChannelController], requests: Sequence[tuple[bool, int]],
           done: list[int], first_enq: list[int], reads: int) -> TraceStats:
    nreq = len(requests)
    tck = spec.tck_ps
    completion_ps = max(done, default=0) * tck if nreq else 0
    nbytes = nreq * REQUEST_BYTES
    lat_sum = 0
    for (is_write, _), d, e in zip(requests, done, first_enq):
        if not is_write:
            lat_sum += d - e
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
