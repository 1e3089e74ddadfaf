"""The DRAM-side state of one channel: timing at every level, open rows, refresh schedule.

:class:`ChannelState` holds what the timing rules (:mod:`accelsim.sim.dram.rules`)
leave behind after each command: for every bank, bank group, rank and the
channel the first clock each command may issue, the rank's latest clock of
each command (for the lazily evaluated rules), the activate window, the open
row of each bank and the absolute refresh schedule. :meth:`ChannelState.issue`
applies one command; the scheduler that decides which command to issue is
:class:`accelsim.sim.dram.controller.ChannelController`. All times are DRAM
clocks; banks are numbered flat, rank by rank, bank group by bank group.
"""

from __future__ import annotations

from accelsim.sim.dram.address import AddressMap
from accelsim.sim.dram.rules import RuleTables, rule_tables
from accelsim.sim.dram.spec import DramSpec
from accelsim.sim.dram.standard import Role

NEVER = 1 << 62  # a clock later than any simulation


class ChannelState:
    """Timing state, open rows and refresh schedule of one channel of ``spec``.

    ``bn[bank][cmd]``, ``gn[group][cmd]``, ``rn[rank][cmd]`` and ``cn[cmd]`` are
    the first clocks the rules of each scope allow ``cmd``; ``rn[rank][ACT]``
    includes the activate window. Use :meth:`earliest` for the full answer.
    """

    def __init__(self, spec: DramSpec) -> None:
        self.spec = spec
        self.tables = t = rule_tables(spec)
        self.amap = AddressMap(spec)
        self.nranks = nr = spec.ranks
        self.ngroups = ng = nr * spec.bankgroups
        self.nbanks = nb = ng * spec.banks_per_group
        self.banks_per_rank = spec.banks
        self.group_of = [b // spec.banks_per_group for b in range(nb)]
        self.rank_of = [b // spec.banks for b in range(nb)]
        ncmd = t.ncmd
        self.ACT, self.PRE, self.PREA = (t.role[r] for r in (
            Role.ACTIVATE, Role.PRECHARGE, Role.PRECHARGE_ALL))
        self.RD, self.WR = t.role[Role.READ], t.role[Role.WRITE]
        self.bn = [[0] * ncmd for _ in range(nb)]
        self.gn = [[0] * ncmd for _ in range(ng)]
        self.rn = [[0] * ncmd for _ in range(nr)]
        self.cn = [0] * ncmd
        self.last = [[-NEVER] * ncmd for _ in range(nr)]  # latest issue clock per rank and command
        self.window = [[-NEVER] * max(1, t.window_count) for _ in range(nr)]
        self.open_row = [-1] * nb
        self.cycle = 0
        self.refresh_interval = t.refresh_interval
        self.ref_due = [t.refresh_interval if t.refresh_command >= 0 else NEVER] * nr
        self.ref_pending = [False] * nr
        self.ref_bank = [r * spec.banks for r in range(nr)]  # per-bank refresh: the next bank
        self.acts = 0
        self.column_commands = 0
        self.refreshes = 0
        self.log: list[tuple[int, str, int, int]] | None = None  # (cycle, cmd, rank, bank) if set

    # --- state changes --------------------------------------------------
    def issue(self, cmd: int, rank: int, bank: int, t: int, row: int = -1) -> None:
        """Apply ``cmd`` issued at clock ``t`` on ``rank`` (and flat ``bank``, -1 for a
        rank command)."""
        tables = self.tables
        if bank >= 0:
            nxt = self.bn[bank]
            for n, d in tables.bank[cmd]:
                if nxt[n] < t + d:
                    nxt[n] = t + d
            nxt = self.gn[self.group_of[bank]]
            for n, d in tables.bankgroup[cmd]:
                if nxt[n] < t + d:
                    nxt[n] = t + d
        rnr = self.rn[rank]
        for n, d in tables.rank[cmd]:
            if rnr[n] < t + d:
                rnr[n] = t + d
        cn = self.cn
        for n, d in tables.channel[cmd]:
            if cn[n] < t + d:
                cn[n] = t + d
        if self.last[rank][cmd] < t:
            self.last[rank][cmd] = t
        if self.nranks > 1 and tables.sibling[cmd]:
            for other, nxt in enumerate(self.rn):
                if other != rank:
                    for n, d in tables.sibling[cmd]:
                        if nxt[n] < t + d:
                            nxt[n] = t + d
        if cmd == self.ACT:
            self.open_row[bank] = row
            if tables.window_count:
                window = self.window[rank]
                del window[0]
                window.append(t)
                if rnr[cmd] < window[0] + tables.window_cycles:  # fold the window into ACT
                    rnr[cmd] = window[0] + tables.window_cycles
            self.acts += 1
        elif cmd == self.PRE:
            self.open_row[bank] = -1
        elif cmd == self.PREA:
            base = rank * self.banks_per_rank
            for b in range(base, base + self.banks_per_rank):
                self.open_row[b] = -1
        elif cmd == tables.refresh_command:
            self.refreshes += 1
        if cmd == self.RD or cmd == self.WR:
            self.column_commands += 1
        if self.log is not None:
            self.log.append((t, tables.names[cmd], rank, bank))

    # --- timing queries -------------------------------------------------------
    def rank_time(self, rank: int, cmd: int) -> int:
        """First clock at which the rank-scope rules allow ``cmd`` on ``rank``."""
        t = self.rn[rank][cmd]
        last = self.last[rank]
        for prev, d in self.tables.late[cmd]:
            if t < last[prev] + d:
                t = last[prev] + d
        return t

    def earliest(self, cmd: int, rank: int, bank: int = -1) -> int:
        """First clock at which every rule allows ``cmd`` (flat ``bank``, -1 for a rank
        command: rank commands have rules of rank, sibling and channel scope only)."""
        t = max(self.rank_time(rank, cmd), self.cn[cmd], 0)
        if bank >= 0:
            t = max(t, self.bn[bank][cmd], self.gn[self.group_of[bank]][cmd])
        return t

    def is_ready(self, cmd: int, rank: int, bank: int, t: int) -> bool:
        """Whether the timing rules allow ``cmd`` at clock ``t`` (ignores open/closed state)."""
        return t >= self.earliest(cmd, rank, bank)

    def command(self, name: str) -> int:
        """The number of the command named ``name`` in this standard."""
        return self.tables.index(name)

    def rank_open(self, rank: int) -> bool:
        base = rank * self.banks_per_rank
        return any(r >= 0 for r in self.open_row[base:base + self.banks_per_rank])
