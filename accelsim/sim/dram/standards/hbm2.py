"""JEDEC HBM2 (JESD235) in pseudo-channel mode as a :class:`~accelsim.sim.dram.standard.Standard`.

A channel's 128 data bits are two 64-bit pseudo-channels, each with its own
four bank groups of four banks and its own data bus, sharing the channel's
two command buses: a row bus (ACT, precharges, refreshes) and a column bus
(RD, WR), each carrying one command per clock, so a row and a column command
may issue in the same clock. An activate occupies the row bus for two
clocks, and its timings count from the second, as JEDEC measures them (and
as Ramulator 2's ``HBM2`` does). BL4 on a double-data-rate bus: a burst is
two clocks and 32 bytes. Timing rules as Ramulator 2's ``HBM2``: tCCD_L /
tCCD_S, tRRD_L / tRRD_S, tWTR_L / tWTR_S, separate tRCD for reads and writes,
all-bank or per-bank (REFSB) refresh per pseudo-channel.
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

B, G, R = Scope.BANK, Scope.BANKGROUP, Scope.RANK
WR_RECOVERY = "cwl + tburst + twr"

HBM2 = Standard(
    name="HBM2",
    source="JEDEC JESD235 (pseudo-channel mode); rule table as Ramulator 2's HBM2",
    commands=(
        Command("ACT", Role.ACTIVATE, bus="row", cycles=2),
        Command("PRE", Role.PRECHARGE, bus="row"),
        Command("PREA", Role.PRECHARGE_ALL, bus="row"),
        Command("RD", Role.READ, bus="column"),
        Command("WR", Role.WRITE, bus="column"),
        Command("REF", Role.REFRESH_ALL, bus="row"),
        Command("REFSB", Role.REFRESH_BANK, bus="row"),
    ),
    timing_params=("cl", "cwl", "trcdrd", "trcdwr", "trp", "tras", "trc", "trrd_s", "trrd_l",
                   "tfaw", "twr", "twtr_s", "twtr_l", "trtp", "tccd_s", "tccd_l", "trfc",
                   "trfcsb", "trrefd", "trefi", "trefisb"),
    rules=(
        # Same bank.
        rule("ACT", "ACT", B, "trc", "tRC"),
        rule("ACT", "RD", B, "trcdrd", "tRCDRD"),
        rule("ACT", "WR", B, "trcdwr", "tRCDWR"),
        rule("ACT", "PRE", B, "tras", "tRAS"),
        rule("PRE", "ACT", B, "trp", "tRP"),
        rule("RD", "PRE", B, "trtp", "tRTP"),
        rule("WR", "PRE", B, WR_RECOVERY, "tWR"),
        rule("PRE", "REFSB", B, "trp", "tRP"),
        rule("ACT", "REFSB", B, "trc", "tRC"),
        rule("REFSB", "ACT", B, "trfcsb", "tRFCSB"),
        # Same bank group.
        rule("RD", "RD", G, "tccd_l", "tCCD_L"),
        rule("WR", "WR", G, "tccd_l", "tCCD_L"),
        rule("WR", "RD", G, "cwl + tburst + twtr_l", "tWTR_L"),
        rule("ACT", "ACT", G, "trrd_l", "tRRD_L"),
        # Same pseudo-channel.
        rule("RD", "RD", R, "tccd_s", "tCCD_S"),
        rule("WR", "WR", R, "tccd_s", "tCCD_S"),
        rule("RD", "WR", R, "cl + tburst + 2 - cwl", "tRTW"),
        rule("WR", "RD", R, "cwl + tburst + twtr_s", "tWTR_S"),
        rule("ACT", "ACT", R, "trrd_s", "tRRD_S"),
        rule("ACT", "PREA", R, "tras", "tRAS"),
        rule("RD", "PREA", R, "trtp", "tRTP"),
        rule("WR", "PREA", R, WR_RECOVERY, "tWR"),
        rule("PREA", "ACT", R, "trp", "tRP"),
        rule(("PRE", "PREA"), "REF", R, "trp", "tRP"),
        rule("ACT", "REF", R, "trc", "tRC"),
        rule("REF", ("ACT", "PREA", "REF", "REFSB"), R, "trfc", "tRFC"),
        rule("REFSB", ("ACT", "REFSB"), R, "trrefd", "tRREFD"),
        rule("REFSB", "REF", R, "trfcsb", "tRFCSB"),
        rule("ACT", "REFSB", R, "trrd_s", "tRRD_S"),
    ),
    windows=(WindowRule("ACT", 4, Expr.parse("tfaw"), "tFAW"),),
    refresh=(RefreshKind("all_bank", "REF", "PREA", "trefi"),
             RefreshKind("per_bank", "REFSB", "PRE", "trefisb", per_bank=True)),
    burst_length=4,
    data_rate=2,
    read_latency=Expr.parse("cl + tburst"),
    write_latency=Expr.parse("cwl + tburst"),
    checks=(
        check("trc", ">=", "tras + trp", "a bank's row cycle holds its active and precharge times"),
        check("tccd_s", ">=", "tburst", "column commands cannot overlap their bursts"),
        check("tccd_l", ">=", "tccd_s", "the same bank group is never faster than another"),
        check("trrd_l", ">=", "trrd_s", "the same bank group is never faster than another"),
        check("trefi", ">", "trfc", "an all-bank refresh must end before the next falls due"),
        check("trefisb", ">", "trrefd", "per-bank refreshes must fit their interval"),
    ),
    rank_level="pseudo_channel",
    rank_shares_data_bus=False,
)
