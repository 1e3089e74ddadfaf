"""JEDEC DDR3 SDRAM (JESD79-3F) as a :class:`~accelsim.sim.dram.standard.Standard`.

The rule table follows JESD79-3F and Ramulator 2's ``DDR3`` standard:
RD->WR = CL + BL/2 + 2 - CWL and WR->RD = CWL + BL/2 + tWTR on a rank, one
burst plus the rank-switch time tRTRS between ranks, tFAW over four
activates, all-bank refresh every tREFI. Eight banks, no bank groups, BL8 on
a double-data-rate bus (a burst is BL/2 = 4 clocks).
"""

from __future__ import annotations

from accelsim.sim.dram.standard import (
    Command,
    Expr,
    RefreshKind,
    Role,
    Scope,
    Standard,
    WindowRule,
    check,
    rule,
)

B, R, S = Scope.BANK, Scope.RANK, Scope.SIBLING
WR_RECOVERY = "cwl + tburst + twr"  # WR -> PRE: write latency, the burst, then tWR

DDR3 = Standard(
    name="DDR3",
    source="JEDEC JESD79-3F; rule table as Ramulator 2's DDR3",
    commands=(
        Command("ACT", Role.ACTIVATE),
        Command("PRE", Role.PRECHARGE),
        Command("PREA", Role.PRECHARGE_ALL),
        Command("RD", Role.READ),
        Command("WR", Role.WRITE),
        Command("REF", Role.REFRESH_ALL),
    ),
    timing_params=("cl", "cwl", "trcd", "trp", "tras", "trc", "trrd", "tfaw", "twr", "twtr",
                   "trtp", "tccd", "trfc", "trefi", "trtrs"),
    rules=(
        # Same bank.
        rule("ACT", "ACT", B, "trc", "tRC"),
        rule("ACT", ("RD", "WR"), B, "trcd", "tRCD"),
        rule("ACT", "PRE", B, "tras", "tRAS"),
        rule("PRE", "ACT", B, "trp", "tRP"),
        rule("RD", "PRE", B, "trtp", "tRTP"),
        rule("WR", "PRE", B, WR_RECOVERY, "tWR"),
        # Same rank: activates, column commands and turnarounds.
        rule("ACT", "ACT", R, "trrd", "tRRD"),
        rule("RD", "RD", R, "tccd", "tCCD"),
        rule("WR", "WR", R, "tccd", "tCCD"),
        rule("RD", "WR", R, "cl + tburst + 2 - cwl", "tRTW"),
        rule("WR", "RD", R, "cwl + tburst + twtr", "tWTR"),
        # Same rank: precharge-all waits for every bank's own PRE constraints.
        rule("ACT", "PREA", R, "tras", "tRAS"),
        rule("RD", "PREA", R, "trtp", "tRTP"),
        rule("WR", "PREA", R, WR_RECOVERY, "tWR"),
        rule("PREA", "ACT", R, "trp", "tRP"),
        # Same rank: refresh needs every bank precharged and blocks the rank for tRFC.
        rule(("PRE", "PREA"), "REF", R, "trp", "tRP"),
        rule("ACT", "REF", R, "trc", "tRC"),
        rule("REF", ("ACT", "REF", "PREA"), R, "trfc", "tRFC"),
        # Other ranks on the same data bus: one burst plus a rank switch.
        rule("RD", "RD", S, "tburst + trtrs", "tRTRS"),
        rule("WR", "WR", S, "tburst + trtrs", "tRTRS"),
        rule("RD", "WR", S, "cl + tburst + trtrs - cwl", "tRTRS"),
        rule("WR", "RD", S, "cwl + tburst + trtrs - cl", "tRTRS"),
    ),
    windows=(WindowRule("ACT", 4, Expr.parse("tfaw"), "tFAW"),),
    refresh=(RefreshKind("all_bank", "REF", "PREA", "trefi"),),
    burst_length=8,
    data_rate=2,
    read_latency=Expr.parse("cl + tburst"),
    write_latency=Expr.parse("cwl + tburst"),
    checks=(
        check("trc", ">=", "tras + trp", "a bank's row cycle holds its active and precharge times"),
        check("tccd", ">=", "tburst", "column commands cannot overlap their bursts"),
        check("trefi", ">", "trfc", "a refresh must end before the next falls due"),
    ),
)
