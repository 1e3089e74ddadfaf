"""JEDEC LPDDR4 SDRAM (JESD209-4B) as a :class:`~accelsim.sim.dram.standard.Standard`.

One x16 channel of eight banks, BL16 on a double-data-rate bus (a burst is
eight clocks), per-bank (REFpb every tREFIpb, one bank at a time in turn) or
all-bank refresh (REFab every tREFI). Commands are modelled as one clock
each, as Ramulator 1's ``LPDDR4`` does (JEDEC's multi-clock commands count
their timings from the command's end). Read data arrives RL + tDQSCK + BL/2
after the RD; JEDEC's turnarounds (JESD209-4B section 4.x): WR->RD = WL + 1 +
BL/2 + tWTR, WR->PRE = WL + 1 + BL/2 + tWR, RD->WR = RL + tDQSCK + BL/2 + 1 -
WL (as Ramulator 1 and DRAMsim3 count it, the write preamble's clock),
PRE->PRE tPPD, REFpb to REFpb tpbR2pbR and to an activate of another bank
tRRD.
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
WR_RECOVERY = "cwl + 1 + tburst + twr"  # WR -> PRE: WL + 1 + BL/2 + tWR

LPDDR4 = Standard(
    name="LPDDR4",
    source="JEDEC JESD209-4B; command timing as Ramulator 1's LPDDR4",
    commands=(
        Command("ACT", Role.ACTIVATE),
        Command("PREpb", Role.PRECHARGE),
        Command("PREab", Role.PRECHARGE_ALL),
        Command("RD", Role.READ),
        Command("WR", Role.WRITE),
        Command("REFab", Role.REFRESH_ALL),
        Command("REFpb", Role.REFRESH_BANK),
    ),
    timing_params=("cl", "tdqsck", "cwl", "trcd", "trp", "trpab", "tras", "trc", "trrd", "tfaw",
                   "twr", "twtr", "trtp", "tccd", "tppd", "trfc", "trfcpb", "tpbr2pbr", "trefi",
                   "trefipb", "trtrs"),
    min_clocks={"tdqsck": 0, "trtrs": 0},
    rules=(
        # Same bank.
        rule("ACT", "ACT", B, "trc", "tRC"),
        rule("ACT", ("RD", "WR"), B, "trcd", "tRCD"),
        rule("ACT", "PREpb", B, "tras", "tRAS"),
        rule("PREpb", "ACT", B, "trp", "tRPpb"),
        rule("RD", "PREpb", B, "trtp", "tRTP"),
        rule("WR", "PREpb", B, WR_RECOVERY, "tWR"),
        # Same bank: per-bank refresh needs the bank closed and keeps it for tRFCpb.
        rule("PREpb", "REFpb", B, "trp", "tRPpb"),
        rule("ACT", "REFpb", B, "trc", "tRC"),
        rule("REFpb", "ACT", B, "trfcpb", "tRFCpb"),
        # Same rank (channel): column spacing, turnarounds, activates, precharges.
        rule("RD", "RD", R, "tccd", "tCCD"),
        rule("WR", "WR", R, "tccd", "tCCD"),
        rule("RD", "WR", R, "cl + tdqsck + tburst + 1 - cwl", "tRTW"),
        rule("WR", "RD", R, "cwl + 1 + tburst + twtr", "tWTR"),
        rule("ACT", "ACT", R, "trrd", "tRRD"),
        rule(("PREpb", "PREab"), ("PREpb", "PREab"), R, "tppd", "tPPD"),
        # Same rank: precharge-all waits for every bank's own PRE constraints.
        rule("ACT", "PREab", R, "tras", "tRAS"),
        rule("RD", "PREab", R, "trtp", "tRTP"),
        rule("WR", "PREab", R, WR_RECOVERY, "tWR"),
        rule("PREab", "ACT", R, "trpab", "tRPab"),
        # Same rank: all-bank refresh.
        rule("PREpb", "REFab", R, "trp", "tRPpb"),
        rule("PREab", "REFab", R, "trpab", "tRPab"),
        rule("ACT", "REFab", R, "trc", "tRC"),
        rule("REFab", ("ACT", "REFab", "PREab", "REFpb"), R, "trfc", "tRFCab"),
        # Same rank: per-bank refresh against the other banks.
        rule("REFpb", "REFpb", R, "tpbr2pbr", "tpbR2pbR"),
        rule("REFpb", "REFab", R, "trfcpb", "tRFCpb"),
        rule(("ACT", "REFpb"), ("REFpb", "ACT"), R, "trrd", "tRRD"),
        # Other ranks on the same data bus: one burst plus a rank switch.
        rule("RD", "RD", S, "tburst + trtrs", "tRTRS"),
        rule("WR", "WR", S, "tburst + trtrs", "tRTRS"),
        rule("RD", "WR", S, "cl + tdqsck + tburst + 1 + trtrs - cwl", "tRTRS"),
        rule("WR", "RD", S, "cwl + tburst + trtrs - cl", "tRTRS"),
    ),
    windows=(WindowRule("ACT", 4, Expr.parse("tfaw"), "tFAW"),),
    refresh=(RefreshKind("all_bank", "REFab", "PREab", "trefi"),
             RefreshKind("per_bank", "REFpb", "PREpb", "trefipb", per_bank=True)),
    burst_length=16,
    data_rate=2,
    read_latency=Expr.parse("cl + tdqsck + tburst"),
    write_latency=Expr.parse("cwl + tburst"),
    checks=(
        check("trc", ">=", "tras + trp", "a bank's row cycle holds its active and precharge times"),
        check("tccd", ">=", "tburst", "column commands cannot overlap their bursts"),
        check("trefi", ">", "trfc", "an all-bank refresh must end before the next falls due"),
        check("trefipb", ">", "tpbr2pbr", "per-bank refreshes must fit their interval"),
    ),
)
