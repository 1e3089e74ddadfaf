"""One DDR3 channel's memory controller: open page, FR-FCFS, bounded queue, all-bank refresh.

Models the controller the reference simulators (DRAMsim3, Ramulator 2) use
(see tests/data/reference/ddr3/README.md), clock by clock of the DRAM clock.
Within each clock, in this order:

1. A refresh falls due every ``trefi`` clocks by absolute time (k * tREFI);
   from then its rank's requests are not scheduled until the REF.
2. Front end: the next burst enters the queue if it has arrived and the
   queue holds fewer than ``spec.queue_depth`` bursts (one per clock); it can
   be scheduled from the next clock.
3. At most one command is issued. A pending refresh comes first (PREA when a
   bank of the rank is open, then REF, ranks in order). Else FR-FCFS: the
   oldest row hit whose RD/WR is ready; else the oldest request whose ACT
   (closed bank) or PRE (bank open on another row, no queued hits) is ready.

A read completes at RD + CL + BL/2, a write at WR + CWL + BL/2, clocks.
Legality comes from the rules of :mod:`accelsim.sim.dram.timing` only, as
applied by :class:`~accelsim.sim.dram.state.ChannelState` (this class adds the
scheduler on top of that state).

The loop is event driven, not clock by clock: each bank's candidates (its
oldest read hit and write hit, or the ACT/PRE of its oldest burst) sit in
:class:`~accelsim.sim.dram.candidates.Candidates`, whose minimum is the next
command and its clock. Clocks where nothing can be issued are jumped over,
stopping at every clock where a burst enters, a refresh falls due or a
refresh command becomes legal, so the order above holds exactly.

With ``batching`` on, the controller also fast-forwards streaming phases
(:mod:`accelsim.sim.dram.streaming`): while every queued burst is a row hit
of one rank in one direction and the bursts about to enter are hits too, the
column commands are tCCD apart and are computed in closed form, up to the next
row change or refresh. Off, it is the per-command path.
"""

from __future__ import annotations

from collections import deque
from heapq import heappop, heapreplace

from accelsim.sim.dram.candidates import NEVER, Candidates
from accelsim.sim.dram.frontend import Run, placed
from accelsim.sim.dram.spec import Ddr3Spec
from accelsim.sim.dram.state import ChannelState
from accelsim.sim.dram.timing import Cmd

__all__ = ["NEVER", "ChannelController", "Run"]

_ACT, _PRE, _PREA, _RD, _WR, _REF = (int(c) for c in Cmd)


class ChannelController(ChannelState):
    """The scheduler of one channel on top of its :class:`ChannelState`; ``serve`` runs bursts.

    ``done[req]`` (completion clock, max over bursts) and ``first_enq[req]``
    (first enqueue clock) are filled in for every request id the runs name.
    """

    def __init__(self, spec: Ddr3Spec, batching: bool = True) -> None:
        super().__init__(spec)
        self.batching = batching
        self._batch_mark = (-1, -1, -1)  # (acts, refreshes, column commands) at the last failed batch
        self.cands = Candidates(self)

    def _refresh_step(self, c: int) -> bool:
        """Issue the first ready PREA/REF of a pending rank at clock ``c``; whether one was issued."""
        for r in range(self.nranks):
            if self.ref_pending[r]:
                cmd = self._refresh_cmd(r)
                if self.rank_time(r, cmd) <= c:
                    self.issue(cmd, r, -1, c)
                    if cmd == _REF:
                        self.ref_pending[r] = False
                        self.ref_due[r] += self.trefi
                        self.cands.set_rank(r)
                    return True
        return False

    def transfer(self, local_start: int, count: int, is_write: bool, avail: int) -> int:
        """Serve one request of ``count`` contiguous channel-local bursts from clock
        ``avail``; return its completion clock."""
        done, first_enq = [-1], [NEVER]
        self.serve([Run(local_start, count, is_write, avail, 0, 0, 1, count)], done, first_enq)
        return done[0]

    # --- the event loop ---------------------------------------------------
    def serve(self, runs: list[Run], done: list[int], first_enq: list[int]) -> None:
        """Run ``runs`` (in order) to the issue of their last column command."""
        if self.batching:
            from accelsim.sim.dram.streaming import try_batch
        fe = deque(r for r in runs if r.count > 0)
        c = self.cycle
        if self.qlen == 0 and fe and fe[0].avail > c:
            self._skip_idle_refreshes(fe[0].avail)
            c = self.cycle
        amap, depth, bank_q, nq, bank_rows = self.amap, self.depth, self.bank_q, self.nq, self.bank_rows
        rank_of, open_row, nhit, lat = self.rank_of, self.open_row, self.nhit, self.lat
        bn, faw, fc = self.bn, self.faw, self.faw_cycles
        bank_rules, rank_rules, multi = self._bank_rules, self._rank_rules, self.nranks > 1
        pending, ref_due = self.ref_pending, self.ref_due
        cands = self.cands
        w, stb, scmd, srn, sidx = cands.w, cands.stb, cands.scmd, cands.srn, cands.sidx
        heap = cands.heap
        slast = [self.last[r] for r in cands.slot_rank]
        sh, low, smask, sb = cands.shift, cands.low_mask, cands.slot_mask, cands.slot_bits
        empty, miss, set_bank = cands.empty, cands.miss, cands.set_bank
        banks = self.spec.banks
        rs, rm, bs, bm, ws, wm = amap._rs, amap._rm, amap._bs, amap._bm, amap._ws, amap._wm
        col_cmd = (_RD, _WR)
        cands.set_all()
        qlen, seq, hits = self.qlen, self.seq, sum(nhit)
        npending = sum(pending)
        due_min = self._due_min()
        special = c if npending else due_min  # refresh work is looked at from this clock
        pos = 0  # the front end's next burst is run[pos], from clock avail
        run = fe[0] if fe else None
        avail, sc = (run.avail, placed(run, amap)) if run is not None else (NEVER, None)
        nacts = ncols = 0  # not yet added to self.acts, self.column_commands
        log = self.log
        extra = multi or log is not None
        while qlen or fe:
            if hits == qlen and self.batching and (qlen == depth or run is None):
                self.acts += nacts
                self.column_commands += ncols
                nacts = ncols = 0
                mark = self._batch_mark
                if (self.acts != mark[0] or self.refreshes != mark[1]
                        or self.column_commands >= mark[2] + 8):
                    self.qlen, self.seq = qlen, seq
                    state = try_batch(self, c, fe, pos, done, first_enq)
                    if state is not None:
                        c, pos = state
                        qlen, seq, hits = self.qlen, self.seq, sum(nhit)
                        run = fe[0] if fe else None
                        avail, sc = ((run.avail, placed(run, amap)) if run is not None
                                     else (NEVER, None))
                        cands.set_all()
                        continue
                    self._batch_mark = (self.acts, self.refreshes, self.column_commands)
            # Front end. (It may run before a refresh falls due this clock: the
            # rank's slots are cleared then anyway.)
            if qlen < depth and avail <= c:
                if sc is None:
                    local, req, wr = run.local_start + pos, run.req_of(pos), run.is_write  # type: ignore[union-attr]
                    b = ((local >> rs) & rm) * banks + ((local >> bs) & bm)
                    row = (local >> ws) & wm
                else:
                    b, row, req, wr = sc[pos]
                q = bank_q[b]
                q.append((seq, row, wr, c, req))
                bank_rows[b].append(row)
                seq += 1
                nq[b][wr] += 1
                qlen += 1
                if first_enq[req] > c:
                    first_enq[req] = c
                if open_row[b] == row:
                    nhit[b] += 1
                    hits += 1
                    if nhit[b] == 1 or w[2 * b + wr] == empty[2 * b + wr]:  # no older hit its way
                        set_bank(b)
                elif len(q) == 1:
                    set_bank(b)
                pos += 1
                if pos == run.count:  # type: ignore[union-attr]
                    fe.popleft()
                    pos = 0
                    run = fe[0] if fe else None
                    avail, sc = (run.avail, placed(run, amap)) if run is not None else (NEVER, None)
            if c >= special:  # a refresh falls due or is pending
                if c >= due_min:
                    for r in range(self.nranks):
                        if not pending[r] and c >= ref_due[r]:
                            pending[r] = True
                            cands.set_rank(r)
                    npending = sum(pending)
                    due_min = self._due_min()
                refreshed = npending and self._refresh_step(c)
                npending = sum(pending)
                due_min = self._due_min()
                special = c + 1 if npending else due_min
                if refreshed:
                    hits = sum(nhit)
                    c += 1
                    continue
            # FR-FCFS: the smallest slot. Its rank part and the clock are folded in
            # now; if that moves it, it goes back and the new smallest is looked at.
            while True:
                m = heap[0]
                s = m & smask
                if w[s] != m:  # stale entry
                    heappop(heap)
                    continue
                t = m >> sh
                cmd = scmd[s]
                # A slot's clock is never below its bank part (stb); check the rest.
                if t >= c and t >= srn[s][cmd]:
                    break
                t = srn[s][cmd]
                if t < c:
                    t = c
                if t < stb[s]:
                    t = stb[s]
                w[s] = v = (t << sh) | (m & low)
                heapreplace(heap, v)
            if t > c:  # nothing ready now: jump to the next event, or issue at t
                if t >= special or (avail <= t and qlen < depth):
                    nxt = min(due_min, self._refresh_next(c) if npending else NEVER,
                              max(avail, c + 1) if qlen < depth else NEVER)
                    if nxt <= t:
                        if nxt >= NEVER:
                            raise RuntimeError("DDR3 controller stalled with work queued (model bug)")
                        c = nxt
                        continue
                c = t
            # Issue slot s at clock c (ChannelController.issue, inlined). Its heap
            # entry, still on top, is replaced by the bank's next slot value or popped.
            b = s >> 1
            bnb = bn[b]
            for n, d in bank_rules[cmd]:
                d += c
                if bnb[n] < d:
                    bnb[n] = d
            rnr = srn[s]
            for n, d in rank_rules[cmd]:
                d += c
                if rnr[n] < d:
                    rnr[n] = d
            slast[s][cmd] = c  # clocks only grow here
            q = bank_q[b]
            if cmd >= _RD:
                e = q.pop(sidx[s])
                del bank_rows[b][sidx[s]]
                wr = e[2]
                nq[b][wr] -= 1
                nhit[b] -= 1
                hits -= 1
                qlen -= 1
                ncols += 1
                end = c + lat[wr]
                req = e[4]
                if done[req] < end:
                    done[req] = end
                if nhit[b]:
                    heappop(heap)
                    set_bank(b)
                else:  # no hit left: the bank's oldest burst (if any) waits for its PRE
                    w[s], stb[s] = empty[s], NEVER
                    if q:
                        s0 = s & ~1
                        e = q[0]
                        tb = bnb[_PRE] if bnb[_PRE] > e[3] else e[3] + 1
                        stb[s0], scmd[s0] = tb, _PRE
                        w[s0] = v = (tb << sh) | miss | (e[0] << sb) | s0
                        heapreplace(heap, v)
                    else:
                        heappop(heap)
            elif cmd == _ACT:
                row = q[0][1]
                open_row[b] = row
                n = bank_rows[b].count(row)
                nhit[b] = n
                hits += n
                window = faw[rank_of[b]]
                del window[0]
                window.append(c)
                if rnr[_ACT] < window[0] + fc:  # fold tFAW into the rank's ACT time
                    rnr[_ACT] = window[0] + fc
                nacts += 1
                if n == 1:  # the oldest burst, which the ACT was for, is the only hit
                    e = q[0]
                    wr = e[2]
                    c2 = col_cmd[wr]
                    if wr:
                        w[s], stb[s] = empty[s], NEVER
                    s1 = s | wr
                    tb = bnb[c2]  # > its entry clock, as tRCD >= 1
                    stb[s1], scmd[s1], sidx[s1] = tb, c2, 0
                    tr = rnr[c2]
                    w[s1] = v = ((tb if tb > tr else tr) << sh) | (e[0] << sb) | s1
                    heapreplace(heap, v)
                else:
                    heappop(heap)
                    set_bank(b)
            else:  # PRE: the same oldest burst now waits for its ACT
                open_row[b] = -1
                tb = bnb[_ACT]  # > its entry clock, as tRP >= 1
                stb[s], scmd[s] = tb, _ACT
                tr = rnr[_ACT]
                w[s] = v = ((tb if tb > tr else tr) << sh) | (m & low)
                heapreplace(heap, v)
            if extra:  # more ranks, or a command log
                if multi:
                    self._other_ranks(cmd, rank_of[b], c)
                if log is not None:
                    log.append((c, Cmd(cmd).name, rank_of[b], b))
            c += 1
        self.qlen, self.seq = qlen, seq
        self.acts += nacts
        self.column_commands += ncols
        self.cycle = c
