"""The rule table of one channel: a standard's rules evaluated for a spec's clocks, by scope.

:func:`rule_tables` turns the :class:`~accelsim.sim.dram.standard.TimingRule`
records of ``spec.standard`` into plain integer tables indexed by command
number (the command's position in the standard), the one form both
controllers read: the Python reference (:mod:`accelsim.sim.dram.state`) and
the compiled core (:mod:`accelsim.sim.dram.compiled`, which passes the same
tables to C at construction). Nothing about a standard is written in C.

For each issued command and scope, the table lists (next command, delay)
pairs: issuing ``cmd`` at clock t on a bank makes ``next`` wait until
t + delay on that bank, its bank group, its rank, the other ranks (sibling)
or the whole channel. Rank rules towards the rare commands of
:data:`~accelsim.sim.dram.standard.LAZY_ROLES` go to ``late`` instead,
indexed by the later command: the controller folds them in from the rank's
latest clock of each earlier command when it needs them.

Commands of several clocks (HBM2's activate) are timed from their last clock,
as JEDEC measures: a rule after an n-clock command gains n - 1, a rule
before one loses n - 1, and the command keeps its bus for n clocks (a
generated channel rule), as Ramulator 2 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from accelsim.sim.dram.spec import DramSpec
from accelsim.sim.dram.standard import LAZY_ROLES, Role, Scope

Pairs = tuple[tuple[int, int], ...]
Table = tuple[Pairs, ...]


@dataclass(frozen=True)
class RuleTables:
    """Everything the controller needs from the standard and the timing, as integers.

    ``names[c]`` is command c's mnemonic, ``role[r]`` the command number of role
    ``r`` (-1 when the standard has none), ``bus[c]`` its command bus (0 ..
    ``nbus`` - 1). ``bank``, ``bankgroup``, ``rank``, ``sibling``, ``channel``:
    per issued command, the (next command, delay) pairs it sets at that scope;
    ``late``: per later command, the (earlier command, delay) pairs of rank scope
    evaluated lazily. ``window_count`` activates at most per ``window_cycles``
    (0: no window). Latencies are RD / WR to the last data beat, clocks.
    ``refresh_command`` / ``refresh_precharge`` are the refresh kind's commands
    (-1 with refresh off), every ``refresh_interval`` clocks, per bank when
    ``refresh_per_bank``.
    """

    names: tuple[str, ...]
    role: dict[Role, int]
    bus: tuple[int, ...]
    nbus: int
    bank: Table
    bankgroup: Table
    rank: Table
    sibling: Table
    channel: Table
    late: Table
    window_count: int
    window_cycles: int
    read_latency: int
    write_latency: int
    refresh_command: int
    refresh_precharge: int
    refresh_interval: int
    refresh_per_bank: bool

    @property
    def ncmd(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)


@lru_cache(maxsize=256)
def rule_tables(spec: DramSpec) -> RuleTables:
    """The rule tables of ``spec`` (cached: specs are immutable, and every channel
    and every sweep point of a spec shares them)."""
    std = spec.standard
    values = spec.clocks
    names = tuple(c.name for c in std.commands)
    index = {n: i for i, n in enumerate(names)}
    cycles = [c.cycles for c in std.commands]
    ncmd = len(names)
    scopes: dict[Scope, list[list[tuple[int, int]]]] = {s: [[] for _ in range(ncmd)] for s in Scope}
    lazy = {index[c.name] for c in std.commands if c.role in LAZY_ROLES}
    late: list[list[tuple[int, int]]] = [[] for _ in range(ncmd)]
    for r in std.rules:
        nominal = r.delay.evaluate(values)
        for p in r.prev:
            pi = index[p]
            for n in r.next:
                ni = index[n]
                delay = max(0, nominal + (cycles[pi] - 1) - (cycles[ni] - 1))
                if r.scope is Scope.RANK and ni in lazy:
                    late[ni].append((pi, delay))
                else:
                    scopes[r.scope][pi].append((ni, delay))
    buses = std.buses
    bus = tuple(buses.index(c.bus) for c in std.commands)
    for i, c in enumerate(std.commands):  # a command of n clocks holds its bus for n clocks
        if c.cycles > 1:
            scopes[Scope.CHANNEL][i].extend((j, c.cycles) for j in range(ncmd) if bus[j] == bus[i])
    role = {rl: -1 for rl in Role}
    for i, c in enumerate(std.commands):
        role[c.role] = i
    window_count = window_cycles = 0
    for w in std.windows:
        window_count, window_cycles = w.count, w.cycles.evaluate(values)
    refresh_cmd = refresh_pre = -1
    interval = 0
    per_bank = False
    if spec.refresh_enabled:
        kind = std.refresh_kind(spec.refresh)
        refresh_cmd, refresh_pre = index[kind.command], index[kind.precharge]
        interval, per_bank = spec.timing[kind.interval], kind.per_bank

    def frozen(table: list[list[tuple[int, int]]]) -> Table:
        return tuple(tuple(pairs) for pairs in table)

    return RuleTables(
        names=names, role=role, bus=bus, nbus=len(buses),
        bank=frozen(scopes[Scope.BANK]), bankgroup=frozen(scopes[Scope.BANKGROUP]),
        rank=frozen(scopes[Scope.RANK]), sibling=frozen(scopes[Scope.SIBLING]),
        channel=frozen(scopes[Scope.CHANNEL]), late=frozen(late),
        window_count=window_count, window_cycles=window_cycles,
        read_latency=std.read_latency.evaluate(values),
        write_latency=std.write_latency.evaluate(values),
        refresh_command=refresh_cmd, refresh_precharge=refresh_pre,
        refresh_interval=interval, refresh_per_bank=per_bank,
    )
