"""DDR4, LPDDR4, LPDDR5 and HBM2: every timing rule blocked at t-1 and ready at t.

Each table lists (first command, its flat bank, second command, its bank,
clocks between them) for a preset, the expected clocks written out from the
preset's JEDEC values (printed beside each line), never by asking the model.
Bank numbers: 0 and 1 share a bank group, 4 is in another one (LPDDR4 has no
bank groups: 1 is another bank), 16 or 8 is in the second rank (or
pseudo-channel); -1 is the rank (for PREA and REF). A coverage test checks that
every (earlier, later, scope) triple of each standard's rule records appears in
its table, so a rule added later without a test fails.
"""

from __future__ import annotations

import pytest

from accelsim.hw.dram_presets import dram_spec
from accelsim.sim.dram.controller import ChannelController
from accelsim.sim.dram.standard import Scope
from accelsim.sim.dram.standards import STANDARDS

T0 = 10_000

# DDR4-2400R, 8 Gb x8: CL 16, CWL 12, tRCD 16, tRP 16, tRAS 39, tRC 55, tRRD_S 4, tRRD_L 6,
# tFAW 26, tWR 18, tWTR_S 3, tWTR_L 9, tRTP 9, tCCD_S 4, tCCD_L 6, tRFC 421, tRTRS 1, BL/2 4.
DDR4 = [
    ("ACT", 0, "RD", 0, 16), ("ACT", 0, "WR", 0, 16), ("ACT", 0, "PRE", 0, 39),
    ("ACT", 0, "ACT", 0, 55), ("ACT", 0, "ACT", 1, 6), ("ACT", 0, "ACT", 4, 4),
    ("PRE", 0, "ACT", 0, 16), ("RD", 0, "PRE", 0, 9), ("WR", 0, "PRE", 0, 12 + 4 + 18),
    ("RD", 0, "RD", 1, 6), ("RD", 0, "RD", 4, 4), ("WR", 0, "WR", 1, 6), ("WR", 0, "WR", 4, 4),
    ("RD", 0, "WR", 4, 16 + 4 + 2 - 12), ("WR", 0, "RD", 1, 12 + 4 + 9),
    ("WR", 0, "RD", 4, 12 + 4 + 3),
    ("ACT", 0, "PREA", -1, 39), ("RD", 0, "PREA", -1, 9), ("WR", 0, "PREA", -1, 34),
    ("PREA", -1, "ACT", 2, 16), ("PRE", 3, "REF", -1, 16), ("PREA", -1, "REF", -1, 16),
    ("ACT", 0, "REF", -1, 55), ("REF", -1, "ACT", 2, 421), ("REF", -1, "REF", -1, 421),
    ("REF", -1, "PREA", -1, 421),
    # The second rank (banks 16..31) on the same data bus: a burst plus tRTRS.
    ("RD", 0, "RD", 16, 4 + 1), ("WR", 0, "WR", 16, 4 + 1), ("RD", 0, "WR", 16, 16 + 4 + 1 - 12),
    ("WR", 0, "RD", 16, 12 + 4 + 1 - 16),
]

# LPDDR4-3200, 4 Gb channel: RL 28, tDQSCK 6, WL 14, tRCD 29, tRPpb 29, tRPab 34, tRAS 68,
# tRC 97, tRRD 16, tFAW 64, tWR 29, tWTR 16, tRTP 12, tCCD 8, tPPD 4, tRFCab 288, tRFCpb 144,
# tpbR2pbR 144, BL/2 8, tRTRS 1.
LPDDR4 = [
    ("ACT", 0, "RD", 0, 29), ("ACT", 0, "WR", 0, 29), ("ACT", 0, "PREpb", 0, 68),
    ("ACT", 0, "ACT", 0, 97), ("ACT", 0, "ACT", 1, 16), ("PREpb", 0, "ACT", 0, 29),
    ("RD", 0, "PREpb", 0, 12), ("WR", 0, "PREpb", 0, 14 + 1 + 8 + 29),
    ("PREpb", 0, "REFpb", 0, 29), ("ACT", 0, "REFpb", 0, 97), ("REFpb", 0, "ACT", 0, 144),
    ("RD", 0, "RD", 1, 8), ("WR", 0, "WR", 1, 8), ("RD", 0, "WR", 1, 28 + 6 + 8 + 1 - 14),
    ("WR", 0, "RD", 1, 14 + 1 + 8 + 16), ("PREpb", 0, "PREpb", 1, 4),
    ("PREpb", 0, "PREab", -1, 4), ("PREab", -1, "PREpb", 1, 4), ("PREab", -1, "PREab", -1, 4),
    ("ACT", 0, "PREab", -1, 68), ("RD", 0, "PREab", -1, 12), ("WR", 0, "PREab", -1, 52),
    ("PREab", -1, "ACT", 2, 34), ("PREpb", 3, "REFab", -1, 29), ("PREab", -1, "REFab", -1, 34),
    ("ACT", 0, "REFab", -1, 97), ("REFab", -1, "ACT", 2, 288), ("REFab", -1, "REFab", -1, 288),
    ("REFab", -1, "PREab", -1, 288), ("REFab", -1, "REFpb", 2, 288),
    ("REFpb", 0, "REFpb", 1, 144), ("REFpb", 0, "REFab", -1, 144), ("ACT", 0, "REFpb", 1, 16),
    ("REFpb", 0, "ACT", 1, 16),
    ("RD", 0, "RD", 8, 8 + 1), ("WR", 0, "WR", 8, 8 + 1), ("RD", 0, "WR", 8, 28 + 6 + 8 + 1 + 1 - 14),
    ("WR", 0, "RD", 8, 0),  # WL + BL/2 + tRTRS - RL < 0: no wait
]

# LPDDR5-6400, 8 Gb (CK 1.25 ns): RL 17, WL 9, tRCD 15, tRPpb 15, tRPab 17, tRAS 34, tRC 49,
# tWR 28, tRTP 8, tPPD 2, tCCD_S 2, tCCD_L 4, tRRD 4, tWTR_S 5, tWTR_L 10, BL/n_max 4, tFAW 16,
# tRFCab 168, tRFCpb 96, tpbR2pbR 72, tpbR2act 6, BL/n_min 2, tRTRS 1.
LPDDR5 = [
    ("ACT", 0, "RD", 0, 15), ("ACT", 0, "WR", 0, 15), ("ACT", 0, "PREpb", 0, 34),
    ("ACT", 0, "ACT", 0, 49), ("ACT", 0, "ACT", 1, 4), ("ACT", 0, "ACT", 4, 4),
    ("PREpb", 0, "ACT", 0, 15), ("RD", 0, "PREpb", 0, 8), ("WR", 0, "PREpb", 0, 9 + 2 + 28),
    ("PREpb", 0, "REFpb", 0, 15), ("ACT", 0, "REFpb", 0, 49), ("REFpb", 0, "ACT", 0, 96),
    ("RD", 0, "RD", 1, 4), ("RD", 0, "RD", 4, 2), ("WR", 0, "WR", 1, 4), ("WR", 0, "WR", 4, 2),
    ("WR", 0, "RD", 1, 9 + 4 + 10), ("WR", 0, "RD", 4, 9 + 2 + 5), ("RD", 0, "WR", 4, 17 + 2 + 2 - 9),
    ("PREpb", 0, "PREpb", 1, 2), ("PREab", -1, "PREpb", 1, 2), ("PREpb", 0, "PREab", -1, 2),
    ("PREab", -1, "PREab", -1, 2),
    ("ACT", 0, "PREab", -1, 34), ("RD", 0, "PREab", -1, 8), ("WR", 0, "PREab", -1, 39),
    ("PREab", -1, "ACT", 2, 17), ("PREpb", 3, "REFab", -1, 15), ("PREab", -1, "REFab", -1, 15),
    ("ACT", 0, "REFab", -1, 49), ("REFab", -1, "ACT", 2, 168), ("REFab", -1, "PREab", -1, 168),
    ("REFab", -1, "REFpb", 2, 168), ("REFab", -1, "REFab", -1, 168),
    ("REFpb", 0, "REFpb", 1, 72), ("REFpb", 0, "REFab", -1, 96), ("REFpb", 0, "ACT", 1, 6),
    ("RD", 0, "RD", 16, 2 + 1), ("RD", 0, "WR", 16, 2 + 1), ("WR", 0, "RD", 16, 17 + 2 + 1 - 9),
]

# HBM2-2000, 8 Gb pseudo-channel: CL 14, CWL 5, tRCDRD 14, tRCDWR 12, tRP 14, tRAS 34, tRC 48,
# tRRD_S = tRRD_L 4, tWR 16, tWTR_S 6, tWTR_L 8, tRTP 5, tCCD_S 2, tCCD_L 4, tRFC 350, tRFCSB
# 160, tRREFD 8, BL/2 2. The activate takes two clocks of the row bus and is timed from the
# second: a rule after it gains a clock, a rule before it loses one.
HBM2 = [
    ("ACT", 0, "RD", 0, 14 + 1), ("ACT", 0, "WR", 0, 12 + 1), ("ACT", 0, "PRE", 0, 34 + 1),
    ("ACT", 0, "ACT", 0, 48), ("ACT", 0, "ACT", 1, 4), ("ACT", 0, "ACT", 4, 4),
    ("PRE", 0, "ACT", 0, 14 - 1), ("RD", 0, "PRE", 0, 5), ("WR", 0, "PRE", 0, 5 + 2 + 16),
    ("PRE", 0, "REFSB", 0, 14), ("ACT", 0, "REFSB", 0, 48 + 1), ("REFSB", 0, "ACT", 0, 160 - 1),
    ("RD", 0, "RD", 1, 4), ("RD", 0, "RD", 4, 2), ("WR", 0, "WR", 1, 4), ("WR", 0, "WR", 4, 2),
    ("WR", 0, "RD", 1, 5 + 2 + 8), ("WR", 0, "RD", 4, 5 + 2 + 6), ("RD", 0, "WR", 4, 14 + 2 + 2 - 5),
    ("ACT", 0, "PREA", -1, 34 + 1), ("RD", 0, "PREA", -1, 5), ("WR", 0, "PREA", -1, 23),
    ("PREA", -1, "ACT", 2, 14 - 1), ("PRE", 3, "REF", -1, 14), ("PREA", -1, "REF", -1, 14),
    ("ACT", 0, "REF", -1, 48 + 1), ("REF", -1, "ACT", 2, 350 - 1), ("REF", -1, "PREA", -1, 350),
    ("REF", -1, "REF", -1, 350), ("REF", -1, "REFSB", 2, 350),
    ("REFSB", 0, "ACT", 1, 8 - 1), ("REFSB", 0, "REFSB", 1, 8), ("REFSB", 0, "REF", -1, 160),
    ("ACT", 0, "REFSB", 1, 4 + 1),
    # The row bus, shared by both pseudo-channels (banks 16..31 are the second): an
    # activate holds it for two clocks. The column bus and the data buses are not held.
    ("ACT", 0, "PRE", 5, 2), ("ACT", 0, "PRE", 16, 2), ("ACT", 0, "ACT", 20, 2),
    ("ACT", 0, "RD", 16, 0), ("RD", 0, "RD", 16, 0), ("WR", 0, "RD", 16, 0),
]

CASES = {
    "DDR4": ("DDR4-2400R", DDR4, {}),
    "LPDDR4": ("LPDDR4-3200", LPDDR4, {}),
    "LPDDR5": ("LPDDR5-6400", LPDDR5, {}),
    "HBM2": ("HBM2-2000", HBM2, {}),
}


def _ctrl(standard: str, **timing: int) -> ChannelController:
    preset = CASES[standard][0]
    return ChannelController(dram_spec(standard, preset, ranks=2, timing=timing))


def _rank(ctrl: ChannelController, bank: int) -> int:
    return 0 if bank < 0 else ctrl.rank_of[bank]


PARAMS = [(std, *case) for std, (_, table, _) in CASES.items() for case in table]


@pytest.mark.parametrize("standard,first,b1,second,b2,gap", PARAMS,
                         ids=[f"{p[0]}-{p[1]}{p[2]}->{p[3]}{p[4]}" for p in PARAMS])
def test_rule_blocked_at_t_minus_1_ready_at_t(standard: str, first: str, b1: int, second: str,
                                              b2: int, gap: int) -> None:
    ctrl = _ctrl(standard)
    a, b = ctrl.command(first), ctrl.command(second)
    r2 = _rank(ctrl, b2)
    assert ctrl.is_ready(b, r2, b2, T0)  # nothing before
    ctrl.issue(a, _rank(ctrl, b1), b1, T0, row=0)
    if gap:
        assert not ctrl.is_ready(b, r2, b2, T0 + gap - 1)
    assert ctrl.is_ready(b, r2, b2, T0 + gap)


@pytest.mark.parametrize("standard", CASES)
def test_every_rule_of_the_standard_is_in_its_table(standard: str) -> None:
    std = STANDARDS[standard]
    ctrl = _ctrl(standard)
    tested = set()
    for first, b1, second, b2, _ in CASES[standard][1]:
        if b1 < 0 or b2 < 0:
            scopes = {Scope.RANK}
        elif _rank(ctrl, b1) != _rank(ctrl, b2):
            scopes = {Scope.SIBLING}
        elif b1 == b2:
            scopes = {Scope.BANK, Scope.BANKGROUP, Scope.RANK}
        elif ctrl.group_of[b1] == ctrl.group_of[b2]:
            scopes = {Scope.BANKGROUP, Scope.RANK}
        else:
            scopes = {Scope.RANK}
        tested |= {(first, second, s) for s in scopes}
    wanted = {(p, n, r.scope) for r in std.rules for p in r.prev for n in r.next}
    assert wanted - tested == set()


@pytest.mark.parametrize("standard,spacing,window", [
    ("DDR4", {"trrd_s": 4, "trrd_l": 4}, 26), ("LPDDR4", {"trrd": 4}, 64),
    ("LPDDR5", {"trrd": 2}, 16), ("HBM2", {"trrd_s": 3, "trrd_l": 3}, 15)])
def test_four_activate_window(standard: str, spacing: dict[str, int], window: int) -> None:
    ctrl = _ctrl(standard, **spacing)
    act, step = ctrl.command("ACT"), next(iter(spacing.values()))
    banks = [0, 4, 8, 12] if ctrl.spec.bankgroups > 1 else [0, 1, 2, 3]
    for k, b in enumerate(banks):  # four activates tRRD apart, in different bank groups
        ctrl.issue(act, 0, b, T0 + step * k, row=0)
    fifth = 1 if ctrl.spec.bankgroups > 1 else 4
    assert not ctrl.is_ready(act, 0, fifth, T0 + window - 1)
    assert ctrl.is_ready(act, 0, fifth, T0 + window)
