"""DDR3 commands and the timing constraints between them, as records.

Each :class:`TimingRule` says: after ``prev`` is issued at cycle t to some
bank or rank, ``next`` may not be issued in ``scope`` before t + cycles.
The table follows JESD79-3 and Ramulator 2's ``dram/ddr3`` timing table
(which the README's turnarounds quote: RD->WR = CL + BL/2 + 2 - CWL,
WR->RD = CWL + BL/2 + tWTR). The four-activate window is one
:class:`WindowRule`. All values are clock cycles of the DRAM command clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Callable

from accelsim.sim.dram.spec import Ddr3Spec


class Cmd(IntEnum):
    """DDR3 commands modelled: activate, precharge (one bank / all), read, write, refresh."""

    ACT = 0
    PRE = 1
    PREA = 2
    RD = 3
    WR = 4
    REF = 5


class Scope(IntEnum):
    """Where a rule applies: the same bank, the same rank, or the other ranks of the channel."""

    BANK = 0
    RANK = 1
    OTHER_RANKS = 2


@dataclass(frozen=True)
class TimingRule:
    """``next`` waits ``cycles`` clocks after ``prev`` within ``scope``; ``name`` is the JEDEC name."""

    prev: Cmd
    next: Cmd
    scope: Scope
    cycles: int
    name: str


@dataclass(frozen=True)
class WindowRule:
    """At most ``count`` ``cmd`` commands per rank in any ``cycles``-clock window (tFAW)."""

    cmd: Cmd
    count: int
    cycles: int
    name: str


def _wr_recovery(s: Ddr3Spec) -> int:
    """WR -> PRE: write latency, the burst, then tWR."""
    return s.cwl + s.tburst + s.twr


_B, _R, _O = Scope.BANK, Scope.RANK, Scope.OTHER_RANKS
_A, _P, _PA, _RD, _WR, _REF = Cmd.ACT, Cmd.PRE, Cmd.PREA, Cmd.RD, Cmd.WR, Cmd.REF

# (prev, next, scope, JEDEC name, cycles as a function of the spec)
_RULE_TABLE: tuple[tuple[Cmd, Cmd, Scope, str, Callable[[Ddr3Spec], int]], ...] = (
    # Same bank.
    (_A, _A, _B, "tRC", lambda s: s.trc),
    (_A, _RD, _B, "tRCD", lambda s: s.trcd),
    (_A, _WR, _B, "tRCD", lambda s: s.trcd),
    (_A, _P, _B, "tRAS", lambda s: s.tras),
    (_P, _A, _B, "tRP", lambda s: s.trp),
    (_RD, _P, _B, "tRTP", lambda s: s.trtp),
    (_WR, _P, _B, "tWR", _wr_recovery),
    # Same rank: activates, column commands and turnarounds.
    (_A, _A, _R, "tRRD", lambda s: s.trrd),
    (_RD, _RD, _R, "tCCD", lambda s: s.tccd),
    (_WR, _WR, _R, "tCCD", lambda s: s.tccd),
    (_RD, _WR, _R, "tRTW", lambda s: s.cl + s.tburst + 2 - s.cwl),
    (_WR, _RD, _R, "tWTR", lambda s: s.cwl + s.tburst + s.twtr),
    # Same rank: precharge-all waits for every bank's own PRE constraints.
    (_A, _PA, _R, "tRAS", lambda s: s.tras),
    (_RD, _PA, _R, "tRTP", lambda s: s.trtp),
    (_WR, _PA, _R, "tWR", _wr_recovery),
    (_PA, _A, _R, "tRP", lambda s: s.trp),
    # Same rank: refresh needs every bank precharged and blocks the rank for tRFC.
    (_P, _REF, _R, "tRP", lambda s: s.trp),
    (_PA, _REF, _R, "tRP", lambda s: s.trp),
    (_A, _REF, _R, "tRC", lambda s: s.trc),
    (_REF, _A, _R, "tRFC", lambda s: s.trfc),
    (_REF, _REF, _R, "tRFC", lambda s: s.trfc),
    (_REF, _PA, _R, "tRFC", lambda s: s.trfc),
    # Other ranks on the same data bus: one burst plus a rank switch.
    (_RD, _RD, _O, "tRTRS", lambda s: s.tburst + s.trtrs),
    (_WR, _WR, _O, "tRTRS", lambda s: s.tburst + s.trtrs),
    (_RD, _WR, _O, "tRTRS", lambda s: s.cl + s.tburst + s.trtrs - s.cwl),
    (_WR, _RD, _O, "tRTRS", lambda s: s.cwl + s.tburst + s.trtrs - s.cl),
)


def timing_rules(spec: Ddr3Spec) -> tuple[TimingRule, ...]:
    """The pairwise constraints of ``spec``, in clock cycles."""
    return tuple(TimingRule(prev, nxt, scope, max(0, fn(spec)), name)
                 for prev, nxt, scope, name, fn in _RULE_TABLE)


def window_rules(spec: Ddr3Spec) -> tuple[WindowRule, ...]:
    """The rolling-window constraints of ``spec``: tFAW."""
    return (WindowRule(Cmd.ACT, 4, spec.tfaw, "tFAW"),)


def read_latency(spec: Ddr3Spec) -> int:
    """Clocks from RD issue to the last data beat: CL + BL/2."""
    return spec.cl + spec.tburst


def write_latency(spec: Ddr3Spec) -> int:
    """Clocks from WR issue to the last data beat: CWL + BL/2."""
    return spec.cwl + spec.tburst
