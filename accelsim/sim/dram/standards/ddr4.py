"""JEDEC DDR4 SDRAM (JESD79-4B) as a :class:`~accelsim.sim.dram.standard.Standard`.

Bank groups: column commands to the same bank group are tCCD_L apart, to
different groups tCCD_S; activates tRRD_L / tRRD_S; a write's data to a read
tWTR_L / tWTR_S. Otherwise as DDR3 (JESD79-4B section 13; the rule table as
Ramulator 2's ``DDR4``): RD->WR = CL + BL/2 + 2 - CWL, tFAW over four
activates, all-bank refresh every tREFI, BL8 (four clocks). x4 and x8
devices have four bank groups of four banks, x16 devices two of four.
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

B, G, R, S = Scope.BANK, Scope.BANKGROUP, Scope.RANK, Scope.SIBLING
WR_RECOVERY = "cwl + tburst + twr"  # WR -> PRE: write latency, the burst, then tWR

DDR4 = Standard(
    name="DDR4",
    source="JEDEC JESD79-4B; rule table as Ramulator 2's DDR4",
    commands=(
        Command("ACT", Role.ACTIVATE),
        Command("PRE", Role.PRECHARGE),
        Command("PREA", Role.PRECHARGE_ALL),
        Command("RD", Role.READ),
        Command("WR", Role.WRITE),
        Command("REF", Role.REFRESH_ALL),
    ),
    timing_params=("cl", "cwl", "trcd", "trp", "tras", "trc", "trrd_s", "trrd_l", "tfaw", "twr",
                   "twtr_s", "twtr_l", "trtp", "tccd_s", "tccd_l", "trfc", "trefi", "trtrs"),
    rules=(
        # Same bank.
        rule("ACT", "ACT", B, "trc", "tRC"),
        rule("ACT", ("RD", "WR"), B, "trcd", "tRCD"),
        rule("ACT", "PRE", B, "tras", "tRAS"),
        rule("PRE", "ACT", B, "trp", "tRP"),
        rule("RD", "PRE", B, "trtp", "tRTP"),
        rule("WR", "PRE", B, WR_RECOVERY, "tWR"),
        # Same bank group: the long column and activate spacings.
        rule("RD", "RD", G, "tccd_l", "tCCD_L"),
        rule("WR", "WR", G, "tccd_l", "tCCD_L"),
        rule("WR", "RD", G, "cwl + tburst + twtr_l", "tWTR_L"),
        rule("ACT", "ACT", G, "trrd_l", "tRRD_L"),
        # Same rank: the short spacings and the turnarounds.
        rule("RD", "RD", R, "tccd_s", "tCCD_S"),
        rule("WR", "WR", R, "tccd_s", "tCCD_S"),
        rule("RD", "WR", R, "cl + tburst + 2 - cwl", "tRTW"),
        rule("WR", "RD", R, "cwl + tburst + twtr_s", "tWTR_S"),
        rule("ACT", "ACT", R, "trrd_s", "tRRD_S"),
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
        check("tccd_s", ">=", "tburst", "column commands cannot overlap their bursts"),
        check("tccd_l", ">=", "tccd_s", "the same bank group is never faster than another"),
        check("trrd_l", ">=", "trrd_s", "the same bank group is never faster than another"),
        check("twtr_l", ">=", "twtr_s", "the same bank group is never faster than another"),
        check("trefi", ">", "trfc", "a refresh must end before the next falls due"),
    ),
)
