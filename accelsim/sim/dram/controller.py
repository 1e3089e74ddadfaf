"""One DRAM channel's memory controller: open page, FR-FCFS, bounded queue, refresh.

Models the controller the reference simulators (DRAMsim3, Ramulator 2) use,
clock by clock of the DRAM clock, for any standard of
:mod:`accelsim.sim.dram.standards`. Within each clock, in this order:

1. A refresh falls due every refresh interval by absolute time (k x tREFI,
   or k x tREFIpb for per-bank refresh); from then its rank's (or, per bank,
   its bank's) requests are not scheduled until the refresh is issued.
2. Front end: the next burst enters the queue if it has arrived and the queue
   holds fewer than ``spec.queue_depth`` bursts (one per clock); it can be
   scheduled from the next clock.
3. At most one command per command bus (one bus; HBM2 has a row and a column
   bus). For each free bus, in turn: a pending refresh first (ranks in order:
   the precharge that closes what it needs closed, then the refresh), else
   FR-FCFS: among the commands ready now, the oldest row hit (RD/WR), else the
   oldest request's ACT (bank closed) or PRE (bank open on another row, no
   queued hits). A bank offers the RD of its oldest read hit and the WR of its
   oldest write hit, or else the ACT/PRE of its oldest burst.

A read completes at RD + read latency, a write at WR + write latency, clocks.
Legality comes from the rule tables only (:mod:`accelsim.sim.dram.rules`,
applied by :class:`~accelsim.sim.dram.state.ChannelState`). Clocks where
nothing can be issued are jumped over, stopping at every clock where a burst
enters, a refresh falls due or a refresh command becomes legal, so the order
above holds exactly.

This is the reference model, written to be read; the compiled controller
(:mod:`accelsim.sim.dram.compiled`) runs the same model in C, faster. Tests
hold the two equal command for command.
"""

from __future__ import annotations

from collections import deque

from accelsim.sim.dram.frontend import Run, placed
from accelsim.sim.dram.spec import DramSpec
from accelsim.sim.dram.state import NEVER, ChannelState

__all__ = ["NEVER", "ChannelController", "Run"]

Entry = tuple[int, int, bool, int, int]  # seq, row, is_write, admission clock, request id
_SEQ_BITS = 48  # admission numbers (ages) stay below 2**48
_MISS = 1 << _SEQ_BITS  # row hits sort before misses of the same clock
_KEY_SHIFT = _SEQ_BITS + 1


class ChannelController(ChannelState):
    """The scheduler of one channel on top of its :class:`ChannelState`; ``serve`` runs bursts.

    ``bank_q[bank]`` holds the bank's queued bursts, oldest first (see
    :data:`accelsim.sim.dram.frontend.ENTRY_FIELDS`); ``rhit[bank]`` /
    ``whit[bank]`` index its oldest read / write hit of the open row (-1: none).
    """

    def __init__(self, spec: DramSpec) -> None:
        super().__init__(spec)
        self.depth = spec.queue_depth
        self.bank_q: list[list[Entry]] = [[] for _ in range(self.nbanks)]
        self.rhit = [-1] * self.nbanks
        self.whit = [-1] * self.nbanks
        self.qlen = 0
        self.seq = 0
        self.lat = (self.tables.read_latency, self.tables.write_latency)

    # --- bank state ---------------------------------------------------------
    def _next_hit(self, b: int, start: int, is_write: bool) -> int:
        row = self.open_row[b]
        q = self.bank_q[b]
        for i in range(start, len(q)):
            if q[i][2] == is_write and q[i][1] == row:
                return i
        return -1

    def issue(self, cmd: int, rank: int, bank: int, t: int, row: int = -1) -> None:
        super().issue(cmd, rank, bank, t, row)
        if cmd == self.ACT:
            self.rhit[bank] = self._next_hit(bank, 0, False)
            self.whit[bank] = self._next_hit(bank, 0, True)
        elif cmd == self.PRE:
            self.rhit[bank] = self.whit[bank] = -1
        elif cmd == self.PREA:
            base = rank * self.banks_per_rank
            for b in range(base, base + self.banks_per_rank):
                self.rhit[b] = self.whit[b] = -1

    def _admit(self, b: int, row: int, is_write: bool, c: int, req: int,
               first_enq: list[int]) -> None:
        q = self.bank_q[b]
        q.append((self.seq, row, is_write, c, req))
        self.seq += 1
        self.qlen += 1
        if row == self.open_row[b]:
            hits = self.whit if is_write else self.rhit
            if hits[b] < 0:
                hits[b] = len(q) - 1
        if first_enq[req] > c:
            first_enq[req] = c

    def _column(self, b: int, i: int, c: int, done: list[int]) -> None:
        """Bank ``b``'s queued burst ``i`` leaves with its RD/WR at clock ``c``."""
        e = self.bank_q[b].pop(i)
        self.qlen -= 1
        end = c + self.lat[e[2]]
        if done[e[4]] < end:
            done[e[4]] = end
        same, other = (self.whit, self.rhit) if e[2] else (self.rhit, self.whit)
        same[b] = self._next_hit(b, i, e[2])
        if other[b] > i:
            other[b] -= 1

    # --- refresh ----------------------------------------------------------------
    def _blocked(self, b: int) -> bool:
        r = self.rank_of[b]
        return self.ref_pending[r] and (not self.tables.refresh_per_bank or self.ref_bank[r] == b)

    def _refresh_command(self, r: int) -> tuple[int, int]:
        """(command, flat bank or -1) that rank ``r``'s pending refresh needs next."""
        t = self.tables
        if t.refresh_per_bank:
            b = self.ref_bank[r]
            return (t.refresh_precharge if self.open_row[b] >= 0 else t.refresh_command), b
        return (t.refresh_precharge if self.rank_open(r) else t.refresh_command), -1

    def _refresh_done(self, r: int) -> None:
        self.ref_pending[r] = False
        self.ref_due[r] += self.refresh_interval
        if self.tables.refresh_per_bank:
            base = r * self.banks_per_rank
            self.ref_bank[r] = base + (self.ref_bank[r] - base + 1) % self.banks_per_rank

    def _skip_idle_refreshes(self, until: int) -> None:
        """Apply, in one step, all-bank refreshes of an idle rank with all banks closed
        that fall due before ``until``: they land on their due clocks."""
        t = self.tables
        if t.refresh_per_bank or t.refresh_command < 0:
            return
        for r in range(self.nranks):
            due = self.ref_due[r]
            k = (until - due) // self.refresh_interval
            if (k >= 2 and not self.ref_pending[r] and not self.rank_open(r)
                    and self.earliest(t.refresh_command, r) <= due and due >= self.cycle):
                at = due + (k - 1) * self.refresh_interval  # REFs land on their due clocks
                self.issue(t.refresh_command, r, -1, at)
                self.refreshes += k - 1
                self.ref_due[r] = at + self.refresh_interval
                self.cycle = max(self.cycle, at + 1)

    # --- one command --------------------------------------------------------------
    def _step(self, c: int, used: int, done: list[int]) -> tuple[int, int]:
        """Issue the command this clock's scheduling order picks among the free buses
        (``used``: a bit per busy bus). Return (its bus, c), or (-1, the earliest
        clock at which a candidate becomes ready)."""
        bus = self.tables.bus
        pending = any(self.ref_pending)
        if pending:
            for r in range(self.nranks):
                if self.ref_pending[r]:
                    cmd, b = self._refresh_command(r)
                    if not used >> bus[cmd] & 1 and self.earliest(cmd, r, b) <= c:
                        self.issue(cmd, r, b, c)
                        if cmd == self.tables.refresh_command:
                            self._refresh_done(r)
                        return bus[cmd], c
        # FR-FCFS: the candidate of smallest (clock, miss, age), as one integer key.
        RD, WR, PRE, ACT = self.RD, self.WR, self.PRE, self.ACT
        rd_free, wr_free = not used >> bus[RD] & 1, not used >> bus[WR] & 1
        act_free, pre_free = not used >> bus[ACT] & 1, not used >> bus[PRE] & 1
        bn, gn, rn, cn = self.bn, self.gn, self.rn, self.cn
        rank_of, group_of, open_row = self.rank_of, self.group_of, self.open_row
        best = NEVER << _KEY_SHIFT
        pick = (-1, -1, -1)  # bank, queue index, command
        for b, q in enumerate(self.bank_q):
            if not q or (pending and self._blocked(b)):
                continue
            bnb, gnb, rnr = bn[b], gn[group_of[b]], rn[rank_of[b]]
            rh, wh = self.rhit[b], self.whit[b]
            if rh >= 0 or wh >= 0:
                for i, cmd, free in ((rh, RD, rd_free), (wh, WR, wr_free)):
                    if i >= 0 and free:
                        e = q[i]
                        t = max(e[3] + 1, c, bnb[cmd], gnb[cmd], rnr[cmd], cn[cmd])
                        key = t << _KEY_SHIFT | e[0]
                        if key < best:
                            best, pick = key, (b, i, cmd)
            else:
                cmd = PRE if open_row[b] >= 0 else ACT
                if pre_free if cmd == PRE else act_free:
                    e = q[0]
                    t = max(e[3] + 1, c, bnb[cmd], gnb[cmd], rnr[cmd], cn[cmd])
                    key = t << _KEY_SHIFT | _MISS | e[0]
                    if key < best:
                        best, pick = key, (b, 0, cmd)
        t = best >> _KEY_SHIFT
        if t > c:
            return -1, t
        b, i, cmd = pick
        self.issue(cmd, rank_of[b], b, c, self.bank_q[b][i][1])
        if cmd == RD or cmd == WR:
            self._column(b, i, c, done)
        return bus[cmd], c

    def _next_event(self, c: int, run: Run | None) -> int:
        """The next clock after ``c`` at which a refresh falls due, a pending refresh's
        command becomes legal, or the front end can admit a burst."""
        t = NEVER
        for r in range(self.nranks):
            if self.ref_pending[r]:
                cmd, b = self._refresh_command(r)
                t = min(t, max(c + 1, self.earliest(cmd, r, b)))
            else:
                t = min(t, self.ref_due[r])
        if run is not None and self.qlen < self.depth:
            t = min(t, max(run.avail, c + 1))
        return t

    # --- the event loop ---------------------------------------------------------
    def transfer(self, local_start: int, count: int, is_write: bool, avail: int) -> int:
        """Serve one request of ``count`` contiguous channel-local bursts from clock
        ``avail``; return its completion clock."""
        done, first_enq = [-1], [NEVER]
        self.serve([Run(local_start, count, is_write, avail, 0, 0, 1, count)], done, first_enq)
        return done[0]

    def serve(self, runs: list[Run], done: list[int], first_enq: list[int]) -> None:
        """Run ``runs`` (in order) to the issue of their last column command; fill in
        ``done[req]`` (completion clock, max over bursts) and ``first_enq[req]`` (first
        admission clock) for every request id the runs name."""
        fe = deque(r for r in runs if r.count > 0)
        c = self.cycle
        if self.qlen == 0 and fe and fe[0].avail > c:
            self._skip_idle_refreshes(fe[0].avail)
            c = self.cycle
        amap = self.amap
        run = fe.popleft() if fe else None
        sc = placed(run, amap) if run is not None else None
        pos = 0
        nbus = self.tables.nbus
        while self.qlen or run is not None:
            for r in range(self.nranks):  # 1. refresh falls due
                if not self.ref_pending[r] and c >= self.ref_due[r]:
                    self.ref_pending[r] = True
            if run is not None and self.qlen < self.depth and run.avail <= c:  # 2. front end
                if sc is None:
                    local = run.local_start + pos
                    b, _, row = amap.decode(local)
                    req, wr = run.req_of(pos), run.is_write
                else:
                    b, row, req, wr = sc[pos]
                self._admit(b, row, wr, c, req, first_enq)
                pos += 1
                if pos == run.count:
                    run = fe.popleft() if fe else None
                    sc = placed(run, amap) if run is not None else None
                    pos = 0
            used = 0  # 3. at most one command per bus
            ready = NEVER
            for _ in range(nbus):
                bus, ready = self._step(c, used, done)
                if bus < 0:
                    break
                used |= 1 << bus
            if used:
                c += 1
                continue
            nxt = min(ready, self._next_event(c, run))  # 4. nothing now: jump
            if nxt >= NEVER:
                raise RuntimeError("DRAM controller stalled with work queued (model bug)")
            c = nxt
        self.cycle = c
