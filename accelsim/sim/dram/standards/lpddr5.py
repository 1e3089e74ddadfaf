"""JEDEC LPDDR5 SDRAM (JESD209-5B), bank-group mode, as a
:class:`~accelsim.sim.dram.standard.Standard`.

One x16 channel of four bank groups of four banks (BG mode), BL16, the data
clock WCK at four times the command clock CK: eight beats per CK, so a burst
is two CK. Timings are in CK and follow JESD209-5B as Ramulator 2's
``LPDDR5`` states them: same-bank-group column spacing tCCD_L, different
groups tCCD_S, tRRD, tFAW, tPPD between precharges; a same-group write to
read waits WL + BL/n_max + tWTR_L (``tbl_max``: the column array's cycle,
BL/n_max), a different-group one WL + BL/n_min + tWTR_S. Activates count
from ACT-1 (ACT-2's command slot is not modelled) and WCK is taken as always
on, so no CAS (WCK2CK sync) commands appear. Per-bank (REFpb) or all-bank
(REFab) refresh.
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
WR_RECOVERY = "cwl + tburst + twr"

LPDDR5 = Standard(
    name="LPDDR5",
    source="JEDEC JESD209-5B (bank-group mode, WCK:CK 4:1); rule table as Ramulator 2's LPDDR5",
    commands=(
        Command("ACT", Role.ACTIVATE),
        Command("PREpb", Role.PRECHARGE),
        Command("PREab", Role.PRECHARGE_ALL),
        Command("RD", Role.READ),
        Command("WR", Role.WRITE),
        Command("REFab", Role.REFRESH_ALL),
        Command("REFpb", Role.REFRESH_BANK),
    ),
    timing_params=("cl", "cwl", "trcd", "trp", "trpab", "tras", "trc", "twr", "trtp", "tppd",
                   "tccd_s", "tccd_l", "trrd", "twtr_s", "twtr_l", "tbl_max", "tfaw", "trfc",
                   "trfcpb", "tpbr2pbr", "tpbr2act", "trefi", "trefipb", "trtrs"),
    min_clocks={"trtrs": 0},
    rules=(
        # Same bank.
        rule("ACT", "ACT", B, "trc", "tRC"),
        rule("ACT", ("RD", "WR"), B, "trcd", "tRCD"),
        rule("ACT", "PREpb", B, "tras", "tRAS"),
        rule("PREpb", "ACT", B, "trp", "tRPpb"),
        rule("RD", "PREpb", B, "trtp", "tRTP"),
        rule("WR", "PREpb", B, WR_RECOVERY, "tWR"),
        rule("PREpb", "REFpb", B, "trp", "tRPpb"),
        rule("ACT", "REFpb", B, "trc", "tRC"),
        rule("REFpb", "ACT", B, "trfcpb", "tRFCpb"),
        # Same bank group.
        rule("RD", "RD", G, "tccd_l", "tCCD_L"),
        rule("WR", "WR", G, "tccd_l", "tCCD_L"),
        rule("WR", "RD", G, "cwl + tbl_max + twtr_l", "tWTR_L"),
        # Same rank (channel).
        rule("RD", "RD", R, "tccd_s", "tCCD_S"),
        rule("WR", "WR", R, "tccd_s", "tCCD_S"),
        rule("RD", "WR", R, "cl + tburst + 2 - cwl", "tRTW"),
        rule("WR", "RD", R, "cwl + tburst + twtr_s", "tWTR_S"),
        rule("ACT", "ACT", R, "trrd", "tRRD"),
        rule(("PREpb", "PREab"), ("PREpb", "PREab"), R, "tppd", "tPPD"),
        rule("ACT", "PREab", R, "tras", "tRAS"),
        rule("RD", "PREab", R, "trtp", "tRTP"),
        rule("WR", "PREab", R, WR_RECOVERY, "tWR"),
        rule("PREab", "ACT", R, "trpab", "tRPab"),
        rule(("PREpb", "PREab"), "REFab", R, "trp", "tRP"),
        rule("ACT", "REFab", R, "trc", "tRC"),
        rule("REFab", ("ACT", "PREab", "REFpb", "REFab"), R, "trfc", "tRFCab"),
        rule("REFpb", "REFpb", R, "tpbr2pbr", "tpbR2pbR"),
        rule("REFpb", "REFab", R, "trfcpb", "tRFCpb"),
        rule("REFpb", "ACT", R, "tpbr2act", "tpbR2act"),
        # Other ranks on the same data bus.
        rule("RD", ("RD", "WR"), S, "tburst + trtrs", "tRTRS"),
        rule("WR", "RD", S, "cl + tburst + trtrs - cwl", "tRTRS"),
    ),
    windows=(WindowRule("ACT", 4, Expr.parse("tfaw"), "tFAW"),),
    refresh=(RefreshKind("all_bank", "REFab", "PREab", "trefi"),
             RefreshKind("per_bank", "REFpb", "PREpb", "trefipb", per_bank=True)),
    burst_length=16,
    data_rate=8,
    read_latency=Expr.parse("cl + tburst"),
    write_latency=Expr.parse("cwl + tburst"),
    checks=(
        check("trc", ">=", "tras + trp", "a bank's row cycle holds its active and precharge times"),
        check("tccd_s", ">=", "tburst", "column commands cannot overlap their bursts"),
        check("tccd_l", ">=", "tccd_s", "the same bank group is never faster than another"),
        check("trefi", ">", "trfc", "an all-bank refresh must end before the next falls due"),
        check("trefipb", ">", "tpbr2pbr", "per-bank refreshes must fit their interval"),
    ),
)
