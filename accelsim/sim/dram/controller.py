"""One DDR3 channel's memory controller: open page, FR-FCFS, bounded queue, all-bank refresh.

Models the controller the reference simulators (DRAMsim3, Ramulator 2) use
(see tests/data/reference/ddr3/README.md), cycle by cycle of the DRAM clock:

* Front end: bursts enter the queue in order, at most one per clock, while
  the queue holds fewer than ``spec.queue_depth`` bursts; a burst can be
  scheduled from the clock after it entered.
* Each clock at most one command is issued. A due refresh comes first (PREA
  when a bank of the rank is open, then REF) and blocks its rank's requests.
  Then FR-FCFS: the oldest row hit whose RD/WR is ready; else the oldest
  request whose ACT (closed bank) or PRE (bank open on another row with no
  pending hits) is ready.
* Refresh is due every ``trefi`` clocks by absolute time (k * tREFI).
* A read completes at RD + CL + BL/2, a write at WR + CWL + BL/2, clocks.

Clocks where nothing can happen are skipped, not visited. Legality comes
from the rules of :mod:`accelsim.sim.dram.timing` only.

With ``batching`` on, the controller also fast-forwards streaming phases
(:mod:`accelsim.sim.dram.streaming`): while every queued burst is a row hit
of one rank in one direction and the bursts about to enter are hits too, the
column commands are tCCD apart and are computed in closed form, up to the next
row change or refresh. Off, it is the per-request reference path.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from accelsim.sim.dram.address import AddressMap
from accelsim.sim.dram.spec import Ddr3Spec
from accelsim.sim.dram.timing import (Cmd, Scope, read_latency, timing_rules, window_rules,
                                      write_latency)

NEVER = 1 << 62  # a cycle later than any simulation

_ACT, _PRE, _PREA, _RD, _WR, _REF = (int(c) for c in Cmd)


@dataclass
class Run:
    """Contiguous channel-local bursts of one direction, available from cycle ``avail``.

    Burst i of the run belongs to request
    ``req_base + (req_offset + i * req_stride) // bursts_per_req``.
    """

    local_start: int
    count: int
    is_write: bool
    avail: int
    req_base: int = 0
    req_offset: int = 0
    req_stride: int = 1
    bursts_per_req: int = 1

    def req_of(self, i: int) -> int:
        return self.req_base + (self.req_offset + i * self.req_stride) // self.bursts_per_req


class Entry:
    """One queued burst: age ``seq``, flat ``bank``, ``rank``, ``row``, direction, enqueue clock, request."""

    __slots__ = ("seq", "bank", "rank", "row", "is_write", "enq", "req")

    def __init__(self, seq: int, bank: int, rank: int, row: int, is_write: bool,
                 enq: int, req: int) -> None:
        self.seq, self.bank, self.rank, self.row = seq, bank, rank, row
        self.is_write, self.enq, self.req = is_write, enq, req


class ChannelController:
    """The controller and DRAM state of one channel; ``serve`` runs bursts through it.

    ``done[req]`` (completion clock, max over bursts) and ``first_enq[req]``
    (first enqueue clock) are filled in for every request id the runs name.
    """

    def __init__(self, spec: Ddr3Spec, batching: bool = True) -> None:
        self.spec = spec
        self.amap = AddressMap(spec)
        self.batching = batching
        nb, nr = spec.ranks * spec.banks, spec.ranks
        self.nbanks, self.nranks = nb, nr
        self.rank_of = [b // spec.banks for b in range(nb)]
        self.depth = spec.queue_depth
        self.tccd = spec.tccd
        self.trefi = spec.trefi
        self.lat = (read_latency(spec), write_latency(spec))
        ncmd = len(Cmd)
        eff: list[list[list[tuple[int, int]]]] = [[[] for _ in Scope] for _ in range(ncmd)]
        for rule in timing_rules(spec):
            eff[rule.prev][rule.scope].append((int(rule.next), rule.cycles))
        self._eff = eff
        # Smallest delay any rule puts after each command: after issuing it at c,
        # no command it enables can be legal before c + gap.
        self._gap = [max([1] + [min([d for scope in eff[cmd] for _, d in scope] or [1])])
                     for cmd in range(ncmd)]
        self._batch_mark = (-1, -1, -1)  # (acts, refreshes, column commands) at the last failed batch
        (faw,) = window_rules(spec)
        self.faw_cycles = faw.cycles
        self.faw_count = faw.count
        self.bn = [[0] * ncmd for _ in range(nb)]
        self.rn = [[0] * ncmd for _ in range(nr)]
        self.faw = [[-NEVER] * faw.count for _ in range(nr)]
        self.open_row = [-1] * nb
        self.bank_q: list[list[Entry]] = [[] for _ in range(nb)]
        self.nq = [[0, 0] for _ in range(nb)]  # queued reads, writes per bank
        self.nhit = [0] * nb  # queued bursts per bank that hit its open row
        self.qlen = 0
        self.seq = 0
        self.cycle = 0
        self.ref_due = [spec.trefi if spec.refresh_enabled else NEVER] * nr
        self.ref_pending = [False] * nr
        self.acts = 0
        self.column_commands = 0
        self.refreshes = 0
        self.log: list[tuple[int, str, int, int]] | None = None  # (cycle, cmd, rank, bank) if set

    # --- state changes --------------------------------------------------
    def issue(self, cmd: int, rank: int, bank: int, t: int, row: int = -1) -> None:
        """Apply ``cmd`` issued at clock ``t`` to ``bank`` (flat; -1 for rank commands)."""
        eff = self._eff[cmd]
        if bank >= 0:
            nxt = self.bn[bank]
            for n, d in eff[Scope.BANK]:
                if nxt[n] < t + d:
                    nxt[n] = t + d
        nxt = self.rn[rank]
        for n, d in eff[Scope.RANK]:
            if nxt[n] < t + d:
                nxt[n] = t + d
        if self.nranks > 1:
            for other in range(self.nranks):
                if other != rank:
                    nxt = self.rn[other]
                    for n, d in eff[Scope.OTHER_RANKS]:
                        if nxt[n] < t + d:
                            nxt[n] = t + d
        if cmd == _ACT:
            self.open_row[bank] = row
            self.nhit[bank] = sum(1 for e in self.bank_q[bank] if e.row == row)
            window = self.faw[rank]
            window.pop(0)
            window.append(t)
            self.acts += 1
        elif cmd == _PRE:
            self.open_row[bank] = -1
            self.nhit[bank] = 0
        elif cmd == _PREA:
            base = rank * self.spec.banks
            for b in range(base, base + self.spec.banks):
                self.open_row[b] = -1
                self.nhit[b] = 0
        elif cmd == _REF:
            self.refreshes += 1
        if self.log is not None:
            self.log.append((t, Cmd(cmd).name, rank, bank))

    def earliest(self, cmd: Cmd, rank: int, bank: int = -1) -> int:
        """First clock at which the timing rules allow ``cmd`` (bank = index within the rank)."""
        t = self.rn[rank][cmd]
        if bank >= 0:
            t = max(t, self.bn[rank * self.spec.banks + bank][cmd])
        if cmd == Cmd.ACT:
            t = max(t, self.faw[rank][0] + self.faw_cycles)
        return max(t, 0)

    def is_ready(self, cmd: Cmd, rank: int, bank: int, t: int) -> bool:
        """Whether the timing rules allow ``cmd`` at clock ``t`` (ignores bank open/closed state)."""
        return t >= self.earliest(cmd, rank, bank)

    def _rank_open(self, rank: int) -> bool:
        base = rank * self.spec.banks
        return any(r >= 0 for r in self.open_row[base:base + self.spec.banks])

    def _skip_idle_refreshes(self, until: int) -> None:
        """Apply, in one step, refreshes of an idle rank with all banks closed before ``until``."""
        for r in range(self.nranks):
            due = self.ref_due[r]
            k = (until - due) // self.trefi
            if (k >= 2 and not self.ref_pending[r] and not self._rank_open(r)
                    and self.rn[r][_REF] <= due and due >= self.cycle):
                t = due + (k - 1) * self.trefi  # REFs land on their due clocks
                self.issue(_REF, r, -1, t)
                self.refreshes += k - 1
                self.ref_due[r] = t + self.trefi
                self.cycle = max(self.cycle, t + 1)

    # --- the clock loop ---------------------------------------------------
    def serve(self, runs: list[Run], done: list[int], first_enq: list[int]) -> None:
        """Run ``runs`` (in order) to the issue of their last column command."""
        if self.batching:
            from accelsim.sim.dram.streaming import try_batch
        fe = deque(r for r in runs if r.count > 0)
        pos = 0
        amap, depth, bank_q, nq = self.amap, self.depth, self.bank_q, self.nq
        bn, rn, open_row, rank_of = self.bn, self.rn, self.open_row, self.rank_of
        nbanks, nranks = self.nbanks, self.nranks
        pending, ref_due = self.ref_pending, self.ref_due
        nhit = self.nhit
        faw, faw_cycles = self.faw, self.faw_cycles
        c = self.cycle
        if self.qlen == 0 and fe and fe[0].avail > c:
            self.cycle = c
            self._skip_idle_refreshes(fe[0].avail)
            c = self.cycle
        while fe or self.qlen:
            if self.batching and (self.qlen == depth or not fe):
                mark = self._batch_mark
                if (self.acts != mark[0] or self.refreshes != mark[1]
                        or self.column_commands >= mark[2] + 8):
                    state = try_batch(self, c, fe, pos, done, first_enq)
                    if state is not None:
                        c, pos = state
                        continue
                    self._batch_mark = (self.acts, self.refreshes, self.column_commands)
            for r in range(nranks):
                if not pending[r] and c >= ref_due[r]:
                    pending[r] = True
            progressed = False
            if fe and self.qlen < depth and fe[0].avail <= c:
                run = fe[0]
                local = run.local_start + pos
                bank, rank, row = amap.decode(local)
                req = run.req_of(pos)
                entry = Entry(self.seq, bank, rank, row, run.is_write, c, req)
                self.seq += 1
                bank_q[bank].append(entry)
                nq[bank][run.is_write] += 1
                if open_row[bank] == row:
                    nhit[bank] += 1
                self.qlen += 1
                if first_enq[req] > c:
                    first_enq[req] = c
                pos += 1
                if pos == run.count:
                    fe.popleft()
                    pos = 0
                progressed = True
            nxt = NEVER
            # Refresh first: PREA while a bank is open, then REF.
            issued = False
            for r in range(nranks):
                if pending[r]:
                    cmd = _PREA if self._rank_open(r) else _REF
                    t = rn[r][cmd]
                    if t <= c:
                        self.issue(cmd, r, -1, c)
                        if cmd == _REF:
                            pending[r] = False
                            ref_due[r] += self.trefi
                        issued = True
                        nxt = c + 1  # requests were not looked at this clock
                        break
                    if t < nxt:
                        nxt = t
            if not issued:
                hit: Entry | None = None
                hit_i = 0
                miss: Entry | None = None
                miss_cmd = 0
                nready = 0
                for b in range(nbanks):
                    q = bank_q[b]
                    if not q:
                        continue
                    r = rank_of[b]
                    if pending[r]:
                        continue
                    orow = open_row[b]
                    if orow >= 0 and nhit[b]:
                        want_rd, want_wr = nq[b][0] > 0, nq[b][1] > 0
                        for i, e in enumerate(q):
                            if e.row != orow:
                                continue
                            if e.is_write:
                                if not want_wr:
                                    continue
                                want_wr = False
                                cmd = _WR
                            else:
                                if not want_rd:
                                    continue
                                want_rd = False
                                cmd = _RD
                            if e.enq >= c:
                                t = c + 1
                            else:
                                t = bn[b][cmd]
                                if rn[r][cmd] > t:
                                    t = rn[r][cmd]
                            if t <= c:
                                nready += 1
                                if hit is None or e.seq < hit.seq:
                                    hit, hit_i = e, i
                            elif t < nxt:
                                nxt = t
                            if not (want_rd or want_wr):
                                break
                        continue
                    cmd = _PRE if orow >= 0 else _ACT
                    e = q[0]
                    if e.enq >= c:
                        t = c + 1
                    else:
                        t = bn[b][cmd]
                        if rn[r][cmd] > t:
                            t = rn[r][cmd]
                        if cmd == _ACT:
                            w = faw[r][0] + faw_cycles
                            if w > t:
                                t = w
                    if t <= c:
                        nready += 1
                        if miss is None or e.seq < miss.seq:
                            miss, miss_cmd = e, cmd
                    elif t < nxt:
                        nxt = t
                if hit is not None:
                    b = hit.bank
                    cmd = _WR if hit.is_write else _RD
                    self.issue(cmd, hit.rank, b, c)
                    bank_q[b].pop(hit_i)
                    nq[b][hit.is_write] -= 1
                    nhit[b] -= 1
                    self.qlen -= 1
                    self.column_commands += 1
                    end = c + self.lat[hit.is_write]
                    if done[hit.req] < end:
                        done[hit.req] = end
                    issued = True
                elif miss is not None:
                    cmd = miss_cmd
                    self.issue(cmd, miss.rank, miss.bank, c, miss.row)
                    issued = True
                if nready > 1:
                    nxt = c + 1  # the ready candidates not chosen try again next clock
            if issued:
                # Candidates seen this clock keep their times as lower bounds (rules
                # only push times later); new ones wait at least the command's gap.
                gap = c + self._gap[cmd]
                if gap < nxt:
                    nxt = gap
            elif progressed:
                c += 1
                continue
            if fe and self.qlen < depth and fe[0].avail < nxt:
                nxt = fe[0].avail
            for r in range(nranks):
                if not pending[r] and ref_due[r] < nxt:
                    nxt = ref_due[r]
            if progressed and nxt > c + 1:
                nxt = c + 1
            if nxt >= NEVER:
                if not (fe or self.qlen):
                    c += 1
                    break
                raise RuntimeError("DDR3 controller stalled with work queued (model bug)")
            c = nxt if nxt > c else c + 1
        self.cycle = c
