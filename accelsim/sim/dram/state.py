"""The DRAM-side state of one DDR3 channel: bank and rank timing, open rows, queues, refresh.

:class:`ChannelState` holds what the JEDEC timing rules
(:mod:`accelsim.sim.dram.timing`) leave behind after each command: per bank
and per rank the first clock each command may issue, the four-activate
window, the open row of each bank, the per-bank queues of bursts waiting in
the controller and the absolute refresh schedule. :meth:`ChannelState.issue`
applies one command; the scheduler that decides which command to issue is
:class:`accelsim.sim.dram.controller.ChannelController`. All times are DRAM
clocks.
"""

from __future__ import annotations

from accelsim.sim.dram.address import AddressMap
from accelsim.sim.dram.candidates import NEVER
from accelsim.sim.dram.spec import Ddr3Spec
from accelsim.sim.dram.timing import (Cmd, Scope, read_latency, timing_rules, window_rules,
                                      write_latency)

_ACT, _PRE, _PREA, _RD, _WR, _REF = (int(c) for c in Cmd)


class ChannelState:
    """Timing state, open rows, queues and refresh schedule of one channel of ``spec``.

    ``bn[bank][cmd]`` and ``rn[rank][cmd]`` are the first clocks the timing
    rules allow ``cmd`` on a bank and on a rank (``rn[rank][ACT]`` includes
    tFAW; use :meth:`rank_time` for PREA and REF); ``bank_q[bank]`` holds the
    queued bursts of a bank, oldest first (tuples, see
    :data:`accelsim.sim.dram.frontend.ENTRY_FIELDS`).
    """

    def __init__(self, spec: Ddr3Spec) -> None:
        self.spec = spec
        self.amap = AddressMap(spec)
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
        # Per issued command, the (next command, delay) pairs by scope, as tuples.
        # Rank rules towards the refresh commands (PREA, REF) are not applied
        # on issue: ``rank_time`` derives them from the rank's latest issue
        # clock of each command (max(t_i + d) = max(t_i) + d per rule), which
        # spares the per-command loop work it would rarely need.
        self._bank_rules = tuple(tuple(eff[c][Scope.BANK]) for c in range(ncmd))
        self._rank_rules = tuple(tuple((n, d) for n, d in eff[c][Scope.RANK]
                                       if n not in (_PREA, _REF)) for c in range(ncmd))
        self._other_rules = tuple(tuple(eff[c][Scope.OTHER_RANKS]) for c in range(ncmd))
        self._late_rules = tuple(tuple((p, d) for p in range(ncmd) for n, d in eff[p][Scope.RANK]
                                       if n == c) if c in (_PREA, _REF) else ()
                                 for c in range(ncmd))
        (faw,) = window_rules(spec)
        self.faw_cycles = faw.cycles
        self.bn = [[0] * ncmd for _ in range(nb)]
        self.rn = [[0] * ncmd for _ in range(nr)]
        self.last = [[-NEVER] * ncmd for _ in range(nr)]  # latest issue clock per rank and command
        self.faw = [[-NEVER] * faw.count for _ in range(nr)]
        self.open_row = [-1] * nb
        self.bank_q: list[list[tuple[int, int, bool, int, int]]] = [[] for _ in range(nb)]
        self.bank_rows: list[list[int]] = [[] for _ in range(nb)]  # rows of bank_q, for counting hits
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
        if bank >= 0:
            nxt = self.bn[bank]
            for n, d in self._bank_rules[cmd]:
                if nxt[n] < t + d:
                    nxt[n] = t + d
        rnr = self.rn[rank]
        for n, d in self._rank_rules[cmd]:
            if rnr[n] < t + d:
                rnr[n] = t + d
        if self.last[rank][cmd] < t:
            self.last[rank][cmd] = t
        if self.nranks > 1:
            self._other_ranks(cmd, rank, t)
        if cmd == _ACT:
            self.open_row[bank] = row
            self.nhit[bank] = sum(1 for e in self.bank_q[bank] if e[1] == row)
            window = self.faw[rank]
            window.pop(0)
            window.append(t)
            if rnr[_ACT] < window[0] + self.faw_cycles:  # fold tFAW into the rank's ACT time
                rnr[_ACT] = window[0] + self.faw_cycles
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
        t = self.rank_time(rank, cmd)
        if bank >= 0:
            t = max(t, self.bn[rank * self.spec.banks + bank][cmd])
        if cmd == Cmd.ACT:
            t = max(t, self.faw[rank][0] + self.faw_cycles)
        return max(t, 0)

    def is_ready(self, cmd: Cmd, rank: int, bank: int, t: int) -> bool:
        """Whether the timing rules allow ``cmd`` at clock ``t`` (ignores bank open/closed state)."""
        return t >= self.earliest(cmd, rank, bank)

    def rank_time(self, rank: int, cmd: int) -> int:
        """First clock at which the rank-scope rules allow ``cmd`` on ``rank``."""
        t = self.rn[rank][cmd]
        last = self.last[rank]
        for prev, d in self._late_rules[cmd]:
            if t < last[prev] + d:
                t = last[prev] + d
        return t

    def _rank_open(self, rank: int) -> bool:
        base = rank * self.spec.banks
        return any(r >= 0 for r in self.open_row[base:base + self.spec.banks])

    def _refresh_cmd(self, rank: int) -> int:
        return _PREA if self._rank_open(rank) else _REF

    def _skip_idle_refreshes(self, until: int) -> None:
        """Apply, in one step, refreshes of an idle rank with all banks closed before ``until``."""
        for r in range(self.nranks):
            due = self.ref_due[r]
            k = (until - due) // self.trefi
            if (k >= 2 and not self.ref_pending[r] and not self._rank_open(r)
                    and self.rank_time(r, _REF) <= due and due >= self.cycle):
                t = due + (k - 1) * self.trefi  # REFs land on their due clocks
                self.issue(_REF, r, -1, t)
                self.refreshes += k - 1
                self.ref_due[r] = t + self.trefi
                self.cycle = max(self.cycle, t + 1)

    def _due_min(self) -> int:
        """Earliest clock at which a rank not yet waiting for refresh falls due."""
        return min([d for d, p in zip(self.ref_due, self.ref_pending) if not p] or [NEVER])

    def _refresh_next(self, c: int) -> int:
        """First clock after ``c`` at which a pending rank's PREA/REF becomes legal."""
        t = NEVER
        for r in range(self.nranks):
            if self.ref_pending[r]:
                t = min(t, max(c + 1, self.rank_time(r, self._refresh_cmd(r))))
        return t

    def _other_ranks(self, cmd: int, rank: int, t: int) -> None:
        """Apply the rules ``cmd`` at clock ``t`` on ``rank`` puts on the other ranks of the channel."""
        rules = self._other_rules[cmd]
        for other, nxt in enumerate(self.rn):
            if other != rank:
                for n, d in rules:
                    if nxt[n] < t + d:
                        nxt[n] = t + d
