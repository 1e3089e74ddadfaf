"""A DRAM standard as data: its commands, the scopes its rules apply to, timing rules, refresh.

A :class:`Standard` is everything about a JEDEC standard (DDR3, DDR4, LPDDR4,
LPDDR5, HBM2) that the controller needs and that does not depend on a speed
bin or a device: which commands exist and what each is for (:class:`Role`),
on which command bus each travels and for how many clocks, the timing rules
between commands as records (:class:`TimingRule`, :class:`WindowRule`), the
refresh kinds, the burst length and how many transfers a command clock
carries. Rule delays are small linear expressions over the standard's timing
parameters (``"cl + tburst + 2 - cwl"``), kept as data and evaluated for a
given set of clock values. The standards themselves are in
:mod:`accelsim.sim.dram.standards`; speed bins and device organisations (the
numbers) are presets in :mod:`accelsim.hw.dram_presets`.

Rules follow Ramulator 2's convention: a rule at scope ``BANK`` applies
between commands to the same bank, ``BANKGROUP`` to any banks of one bank
group (the same bank included), ``RANK`` to any banks of one rank (for HBM2 a
pseudo-channel), ``SIBLING`` from a rank to every other rank of the channel
(the shared data bus), ``CHANNEL`` to every command of the channel (the
command buses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

#: The derived timing every standard has: clocks of one burst on the data bus (BL / data rate).
TBURST = "tburst"


class Role(Enum):
    """What the controller uses a command for. A standard has each role at most once."""

    ACTIVATE = "activate"
    PRECHARGE = "precharge"
    PRECHARGE_ALL = "precharge_all"
    READ = "read"
    WRITE = "write"
    REFRESH_ALL = "refresh_all"
    REFRESH_BANK = "refresh_bank"


#: Commands whose rank-scope constraints the controller evaluates when it needs them
#: (from the rank's latest clock of each command) instead of on every issue: they are
#: rare, and every command would otherwise pay for them.
LAZY_ROLES = frozenset({Role.PRECHARGE_ALL, Role.REFRESH_ALL, Role.REFRESH_BANK})

#: Commands addressed to a whole rank rather than to one bank.
RANK_ROLES = frozenset({Role.PRECHARGE_ALL, Role.REFRESH_ALL})


class Scope(Enum):
    """Where a timing rule applies (see the module docstring)."""

    BANK = "bank"
    BANKGROUP = "bankgroup"
    RANK = "rank"
    SIBLING = "sibling"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Command:
    """One command of a standard: its JEDEC mnemonic, role, bus and length.

    ``bus``: "ca" on a standard with one command bus; "row" or "column" on a
    standard with separate row and column command buses (HBM2). ``cycles``:
    command clocks the command occupies its bus; timings count from its last
    clock, as JEDEC measures them.
    """

    name: str
    role: Role
    bus: str = "ca"
    cycles: int = 1


_TERM = re.compile(r"\s*([+-])?\s*([A-Za-z_][A-Za-z0-9_]*|\d+)\s*")


@dataclass(frozen=True)
class Expr:
    """A linear combination of timing parameters plus a constant, in clocks.

    Written as text (``Expr.parse("cl + tburst + 2 - cwl")``); ``terms`` are
    (parameter, coefficient) pairs, ``const`` the constant.
    """

    text: str
    terms: tuple[tuple[str, int], ...]
    const: int

    @staticmethod
    def parse(text: str) -> Expr:
        terms: dict[str, int] = {}
        const = 0
        pos = 0
        first = True
        while pos < len(text):
            m = _TERM.match(text, pos)
            if m is None or m.end() == pos or (m.group(1) is None and not first):
                raise ValueError(f"bad timing expression {text!r} at {text[pos:]!r}")
            sign = -1 if m.group(1) == "-" else 1
            token = m.group(2)
            if token.isdigit():
                const += sign * int(token)
            else:
                terms[token] = terms.get(token, 0) + sign
            pos = m.end()
            first = False
        if first:
            raise ValueError("empty timing expression")
        return Expr(text, tuple(sorted((k, v) for k, v in terms.items() if v)), const)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.terms)

    def evaluate(self, values: Mapping[str, int]) -> int:
        return self.const + sum(coef * values[name] for name, coef in self.terms)


def _names(commands: str | tuple[str, ...]) -> tuple[str, ...]:
    return (commands,) if isinstance(commands, str) else tuple(commands)


@dataclass(frozen=True)
class TimingRule:
    """After any of ``prev`` is issued at clock t, none of ``next`` may issue in
    ``scope`` before t + ``delay`` (clocks); ``name`` is the JEDEC name (tRCD)."""

    prev: tuple[str, ...]
    next: tuple[str, ...]
    scope: Scope
    delay: Expr
    name: str


def rule(prev: str | tuple[str, ...], nxt: str | tuple[str, ...], scope: Scope, delay: str,
         name: str) -> TimingRule:
    """A :class:`TimingRule` written compactly: ``rule("ACT", "RD", Scope.BANK, "trcd", "tRCD")``."""
    return TimingRule(_names(prev), _names(nxt), scope, Expr.parse(delay), name)


@dataclass(frozen=True)
class WindowRule:
    """At most ``count`` ``command`` commands per rank in any window of ``cycles`` clocks (tFAW)."""

    command: str
    count: int
    cycles: Expr
    name: str


@dataclass(frozen=True)
class RefreshKind:
    """One way of refreshing: ``command`` every ``interval`` clocks, to a whole rank
    (``per_bank`` False: all banks must be closed first, with ``precharge``) or to
    the next bank of the rank in turn (``per_bank`` True: only that bank is closed
    first, with ``precharge``, and the others keep working)."""

    name: str
    command: str
    precharge: str
    interval: str
    per_bank: bool = False


@dataclass(frozen=True)
class Check:
    """A relation the timing values must satisfy for the model to mean anything:
    ``lhs`` ``op`` ``rhs`` (op is ">=" or ">"), explained by ``reason``."""

    lhs: Expr
    op: str
    rhs: Expr
    reason: str

    def holds(self, values: Mapping[str, int]) -> bool:
        a, b = self.lhs.evaluate(values), self.rhs.evaluate(values)
        return a >= b if self.op == ">=" else a > b


def check(lhs: str, op: str, rhs: str, reason: str) -> Check:
    if op not in (">=", ">"):
        raise ValueError(f"check operator must be >= or >, got {op!r}")
    return Check(Expr.parse(lhs), op, Expr.parse(rhs), reason)


@dataclass(frozen=True, eq=False)
class Standard:
    """One DRAM standard (see the module docstring).

    ``timing_params``: the clock timings a preset gives and a config may override
    (besides ``tck_ps``), with ``min_clocks`` for those that may be below 1.
    ``burst_length``: beats per burst; ``data_rate``: beats per command clock.
    ``read_latency`` / ``write_latency``: clocks from RD / WR to the last data beat.
    ``rank_level``: what the level between channel and bank group is called
    ("rank", or "pseudo_channel" for HBM2); ``rank_shares_data_bus``: whether
    those share one data bus (ranks) or each has its own (pseudo-channels).
    ``refresh``: the refresh kinds, the default first.
    """

    name: str
    source: str
    commands: tuple[Command, ...]
    timing_params: tuple[str, ...]
    rules: tuple[TimingRule, ...]
    windows: tuple[WindowRule, ...]
    refresh: tuple[RefreshKind, ...]
    burst_length: int
    data_rate: int
    read_latency: Expr
    write_latency: Expr
    checks: tuple[Check, ...] = ()
    rank_level: str = "rank"
    rank_shares_data_bus: bool = True
    min_clocks: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate_standard(self)

    @property
    def tburst(self) -> int:
        """Clocks of one burst on the data bus."""
        return self.burst_length // self.data_rate

    @property
    def buses(self) -> tuple[str, ...]:
        """The command buses, each able to carry one command per clock."""
        return tuple(sorted({c.bus for c in self.commands}))

    def command(self, role: Role) -> Command | None:
        for c in self.commands:
            if c.role is role:
                return c
        return None

    def command_named(self, name: str) -> Command:
        for c in self.commands:
            if c.name == name:
                return c
        raise KeyError(name)

    def refresh_kind(self, name: str) -> RefreshKind:
        for kind in self.refresh:
            if kind.name == name:
                return kind
        raise KeyError(name)

    @property
    def has_bankgroups(self) -> bool:
        return any(r.scope is Scope.BANKGROUP for r in self.rules)


def validate_standard(std: Standard) -> None:
    """Refuse a standard whose records do not fit together (a bug in a standard's
    definition, so ValueError, not a user error)."""
    names = [c.name for c in std.commands]
    if len(set(names)) != len(names):
        raise ValueError(f"{std.name}: duplicate command names {names}")
    roles = [c.role for c in std.commands]
    if len(set(roles)) != len(roles):
        raise ValueError(f"{std.name}: a role appears twice among {names}")
    for needed in (Role.ACTIVATE, Role.PRECHARGE, Role.READ, Role.WRITE):
        if needed not in roles:
            raise ValueError(f"{std.name}: no command for {needed.value}")
    buses = {c.bus for c in std.commands}
    if buses != {"ca"} and buses != {"row", "column"}:
        raise ValueError(f"{std.name}: command buses must be 'ca', or 'row' and 'column'")
    if buses == {"row", "column"}:
        for c in std.commands:
            column = c.role in (Role.READ, Role.WRITE)
            if (c.bus == "column") != column:
                raise ValueError(f"{std.name}: {c.name} is on the wrong command bus")
    known = set(std.timing_params) | {TBURST}
    if TBURST in std.timing_params:
        raise ValueError(f"{std.name}: {TBURST} is derived, not a timing parameter")
    exprs = [r.delay for r in std.rules] + [w.cycles for w in std.windows] + [
        std.read_latency, std.write_latency] + [e for c in std.checks for e in (c.lhs, c.rhs)]
    for e in exprs:
        unknown = e.names - known
        if unknown:
            raise ValueError(f"{std.name}: expression {e.text!r} names unknown {sorted(unknown)}")
    by_name = {c.name: c for c in std.commands}
    for r in std.rules:
        for n in r.prev + r.next:
            if n not in by_name:
                raise ValueError(f"{std.name}: rule {r.name} names unknown command {n}")
        for n in r.prev + r.next:
            if by_name[n].role in RANK_ROLES and r.scope not in (
                    Scope.RANK, Scope.SIBLING, Scope.CHANNEL):
                raise ValueError(f"{std.name}: rule {r.name} of the rank command {n} "
                                 f"must be at rank, sibling or channel scope")
    if len(std.windows) > 1:
        raise ValueError(f"{std.name}: at most one window rule is modelled")
    for w in std.windows:
        if by_name.get(w.command) is None or by_name[w.command].role is not Role.ACTIVATE:
            raise ValueError(f"{std.name}: the window rule must count activates")
        if w.count < 1:
            raise ValueError(f"{std.name}: window count must be >= 1")
    if not std.refresh:
        raise ValueError(f"{std.name}: no refresh kind")
    for kind in std.refresh:
        want = Role.REFRESH_BANK if kind.per_bank else Role.REFRESH_ALL
        close = Role.PRECHARGE if kind.per_bank else Role.PRECHARGE_ALL
        if by_name.get(kind.command) is None or by_name[kind.command].role is not want:
            raise ValueError(f"{std.name}: refresh {kind.name} needs a {want.value} command")
        if by_name.get(kind.precharge) is None or by_name[kind.precharge].role is not close:
            raise ValueError(f"{std.name}: refresh {kind.name} needs a {close.value} command")
        if kind.interval not in std.timing_params:
            raise ValueError(f"{std.name}: refresh interval {kind.interval} is not a timing")
    if kind_names := [k.name for k in std.refresh]:
        if "off" in kind_names or len(set(kind_names)) != len(kind_names):
            raise ValueError(f"{std.name}: refresh kind names must be unique and not 'off'")
    if std.burst_length < 1 or std.data_rate < 1 or std.burst_length % std.data_rate:
        raise ValueError(f"{std.name}: the burst must be a whole number of clocks")
    for name in std.min_clocks:
        if name not in std.timing_params:
            raise ValueError(f"{std.name}: min_clocks names unknown timing {name}")
