"""Closed-form fast-forward of a DDR3 channel while it streams row hits.

The fast path of :class:`accelsim.sim.dram.controller.ChannelController`.
When, at the start of clock ``c``,

* no refresh is pending and none falls due during the stretch,
* the queue is full (or the front end has nothing more to send),
* every queued burst is a row hit of one rank in one direction, and
* the bursts the front end will push meanwhile are hits of open rows too,

the controller would issue exactly one RD (or WR) every tCCD clocks, oldest
first, and nothing else: ACT/PRE have no candidate, and each freed queue slot
is refilled on the next clock by another hit. So the K column commands are at
``t0 + j * tCCD``, with ``t0`` the rank's next legal column clock; the stretch
ends just before the first burst that is not a hit would enter the queue (a
row change) or at the next refresh, and the clock loop takes over there. Cost
is O(queue depth + row segments) per stretch instead of one loop turn per burst.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accelsim.sim.dram.controller import ChannelController
    from accelsim.sim.dram.frontend import Run

_MIN_BATCH = 3
_MAX_SEGMENTS = 256


def _record(run: Run, first: int, n: int, enq0: int | None, enq_step: int, done0: int,
            done_step: int, done: list[int], first_enq: list[int]) -> None:
    """Bursts ``first .. first+n-1`` of ``run`` entered at enq0 + k*enq_step, finished at done0 + k*done_step."""
    if n <= 0:
        return
    r_first, r_last = run.req_of(first), run.req_of(first + n - 1)
    if run.bursts_per_req == 1 and run.req_stride == 1:  # one burst per request
        done[r_first:r_last + 1] = range(done0, done0 + n * done_step, done_step)
        if enq0 is not None:
            first_enq[r_first:r_last + 1] = range(enq0, enq0 + n * enq_step, enq_step)
        return
    if r_first == r_last:  # one request (a DMA transfer): O(1)
        end = done0 + (n - 1) * done_step
        if done[r_first] < end:
            done[r_first] = end
        if enq0 is not None and first_enq[r_first] > enq0:
            first_enq[r_first] = enq0
        return
    for k in range(n):
        req = run.req_of(first + k)
        end = done0 + k * done_step
        if done[req] < end:
            done[req] = end
        if enq0 is not None:
            t = enq0 + k * enq_step
            if first_enq[req] > t:
                first_enq[req] = t


def try_batch(ctrl: ChannelController, c: int, fe: deque[Run], pos: int,
              done: list[int], first_enq: list[int]) -> tuple[int, int] | None:
    """Fast-forward a streaming stretch from clock ``c``; return (next clock, front-end position)."""
    from accelsim.sim.dram.timing import Cmd

    if ctrl.qlen == 0 or any(ctrl.ref_pending):
        return None
    open_row, bank_q, nq, bn = ctrl.open_row, ctrl.bank_q, ctrl.nq, ctrl.bn
    for b in range(ctrl.nbanks):  # cheap early exit: a miss is usually the youngest entry
        q = bank_q[b]
        if q and (q[-1][1] != open_row[b] or q[0][1] != open_row[b]):
            return None
    used: list[int] = []  # banks with queued bursts
    rank = direction = -1
    for b in range(ctrl.nbanks):
        q = bank_q[b]
        if not q:
            continue
        rd, wr = nq[b]
        w = 1 if wr else 0
        if rd and wr:
            return None
        if direction < 0:
            direction = w
        elif direction != w:
            return None
        orow = open_row[b]
        for e in q:
            if e[1] != orow:
                return None
        r = ctrl.rank_of[b]
        if rank < 0:
            rank = r
        elif rank != r:
            return None
        used.append(b)
    # Queued bursts oldest first, with their banks.
    if len(used) == 1:
        entries, banks = list(bank_q[used[0]]), [used[0]] * ctrl.qlen
    else:
        pairs = sorted((e, b) for b in used for e in bank_q[b])
        entries, banks = [p[0] for p in pairs], [p[1] for p in pairs]
    cmd = int(Cmd.WR) if direction else int(Cmd.RD)
    tccd = ctrl.tccd
    t0 = max(c, ctrl.rn[rank][cmd])
    nqueued = len(entries)
    k_max = 1 << 62  # limited by the first queued burst whose bank is not ready in time
    for j, b in enumerate(banks):
        if bn[b][cmd] > t0 + j * tccd:
            k_max = j
            break
    # The bursts the front end will push: count the hits (H) and note their banks.
    segments: list[tuple[int, int, int]] = []  # (first index in run, length, bank)
    hits = 0
    run: Run | None = None
    if fe:
        run = fe[0]
        if run.avail <= c and run.is_write == bool(direction) and run.scatter is None:
            amap = ctrl.amap
            left = run.count - pos
            local = run.local_start + pos
            while hits < left and len(segments) < _MAX_SEGMENTS:
                bank, r, row = amap.decode(local)
                if r != rank or open_row[bank] != row:
                    break
                if bn[bank][cmd] > t0 + (nqueued + hits) * tccd:
                    break
                seg = min(amap.segment_left(local), left - hits)
                segments.append((pos + hits, seg, bank))
                hits += seg
                local += seg
        k = min(k_max, hits + 1)  # every burst pushed during the stretch must be a hit
    else:
        k = min(k_max, nqueued)
    due = min(ctrl.ref_due)
    if due <= t0:
        return None
    k = min(k, (due - 1 - t0) // tccd + 1)
    if k < _MIN_BATCH:
        return None

    # Apply: K column commands at t0 + j * tCCD.
    lat = ctrl.lat[direction]
    t_last = t0 + (k - 1) * tccd
    last_t: dict[int, int] = {}
    n_old = min(k, nqueued)
    for j in range(n_old):
        e = entries[j]
        t = t0 + j * tccd
        last_t[banks[j]] = t
        if done[e[4]] < t + lat:
            done[e[4]] = t + lat
    n_new_issued = k - n_old  # pushed during the stretch and issued in it
    n_pushed = k - 1 if fe else 0  # bursts pushed during the stretch
    run = fe[0] if fe else None
    for first, seg, bank in segments:
        i_lo = first - pos
        if i_lo < n_new_issued:
            i_hi = min(i_lo + seg, n_new_issued) - 1
            last_t[bank] = t0 + (nqueued + i_hi) * tccd
    if run is not None and n_new_issued > 0:
        _record(run, pos, n_new_issued, t0 + 1, tccd, t0 + nqueued * tccd + lat, tccd,
                done, first_enq)
    for bank, t in last_t.items():
        ctrl.issue(cmd, rank, bank, t)
    ctrl.column_commands += k

    # Rebuild the queue: old entries not issued, then pushed bursts not issued.
    bank_rows = ctrl.bank_rows
    for b in range(ctrl.nbanks):
        bank_q[b].clear()
        bank_rows[b].clear()
        nq[b][0] = nq[b][1] = 0
    remaining = list(zip(entries[n_old:], banks[n_old:]))
    if run is not None:
        amap = ctrl.amap
        for i in range(n_new_issued, n_pushed):
            local = run.local_start + pos + i
            bank, r, row = amap.decode(local)
            req = run.req_of(pos + i)
            enq = t0 + i * tccd + 1
            if first_enq[req] > enq:
                first_enq[req] = enq
            remaining.append(((ctrl.seq, row, run.is_write, enq, req), bank))
            ctrl.seq += 1
        pos += n_pushed
        if pos == run.count:
            fe.popleft()
            pos = 0
    for e, b in remaining:
        bank_q[b].append(e)
        bank_rows[b].append(e[1])
        nq[b][e[2]] += 1
    for b in range(ctrl.nbanks):
        ctrl.nhit[b] = len(bank_q[b])  # every burst left is a hit
    ctrl.qlen = len(remaining)
    return t_last + 1, pos
