"""DDR3 mechanisms: each timing rule blocked at t-1 and ready at t, command logs, bandwidth laws.

Expectations are written from the JEDEC/README numbers of DDR3-1600K
(CL 11, CWL 8, tRCD 11, tRP 11, tRAS 28, tRC 39, tRRD 5, tFAW 24, tWR 12,
tWTR 6, tRTP 6, tCCD 4, tRFC 208, tREFI 6240, tCK 1250 ps) or from
first principles, never by asking the model.
"""

from __future__ import annotations

import random

import pytest

from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.dram.controller import ChannelController
from accelsim.sim.dram.memory import DramModel

MiB = 1 << 20
T0 = 1000

# (first command, its bank, second command, its bank, clocks between them)
RULES = [
    ("ACT", 0, "RD", 0, 11),  # tRCD
    ("ACT", 0, "WR", 0, 11),  # tRCD
    ("ACT", 0, "PRE", 0, 28),  # tRAS
    ("ACT", 0, "ACT", 0, 39),  # tRC
    ("ACT", 0, "ACT", 1, 5),  # tRRD
    ("PRE", 0, "ACT", 0, 11),  # tRP
    ("RD", 0, "PRE", 0, 6),  # tRTP
    ("WR", 0, "PRE", 0, 8 + 4 + 12),  # CWL + BL/2 + tWR
    ("RD", 0, "RD", 1, 4),  # tCCD
    ("WR", 0, "WR", 1, 4),  # tCCD
    ("RD", 0, "WR", 1, 9),  # RD->WR: CL + BL/2 + 2 - CWL
    ("WR", 0, "RD", 1, 18),  # WR->RD: CWL + BL/2 + tWTR
    ("ACT", 0, "PREA", -1, 28),  # tRAS before precharge-all
    ("PREA", -1, "REF", -1, 11),  # tRP before refresh
    ("PRE", 3, "REF", -1, 11),  # tRP before refresh
    ("REF", -1, "ACT", 2, 208),  # tRFC
    ("REF", -1, "REF", -1, 208),  # tRFC
]


def _ctrl(**overrides: object) -> ChannelController:
    return ChannelController(ddr3_spec("DDR3-1600K", **overrides))


@pytest.mark.parametrize("first,b1,second,b2,gap", RULES,
                         ids=[f"{r[0]}->{r[2]}" for r in RULES])
def test_rule_blocked_at_t_minus_1_ready_at_t(first: str, b1: int, second: str, b2: int,
                                              gap: int) -> None:
    ctrl = _ctrl()
    a, b = ctrl.command(first), ctrl.command(second)
    assert ctrl.is_ready(b, 0, b2, T0)  # nothing before
    ctrl.issue(a, 0, b1, T0, row=0)
    assert not ctrl.is_ready(b, 0, b2, T0 + gap - 1)
    assert ctrl.is_ready(b, 0, b2, T0 + gap)


def test_four_activate_window() -> None:
    ctrl = _ctrl()
    act = ctrl.command("ACT")
    for k in range(4):
        ctrl.issue(act, 0, k, T0 + 5 * k, row=0)
    assert not ctrl.is_ready(act, 0, 4, T0 + 23)
    assert ctrl.is_ready(act, 0, 4, T0 + 24)


def test_rank_to_rank_switch() -> None:
    ctrl = _ctrl(ranks=2)
    rd = ctrl.command("RD")
    ctrl.issue(rd, 0, 0, T0)
    assert not ctrl.is_ready(rd, 1, 8, T0 + 4)  # BL/2 + tRTRS (bank 8: rank 1's first)
    assert ctrl.is_ready(rd, 1, 8, T0 + 5)
    assert ctrl.is_ready(rd, 0, 1, T0 + 4)


def test_closed_bank_read_conflict_and_hit_logs() -> None:
    model = DramModel(ddr3_spec("DDR3-1600K"))
    ctrl = model.controllers[0]
    ctrl.log = []
    # Closed bank: ACT one clock after arrival, RD tRCD later, data CL + BL/2 later.
    assert model.transfer(0, 0, 64, False) == (1 + 11 + 11 + 4) * 1250
    assert ctrl.log == [(1, "ACT", 0, 0), (12, "RD", 0, 0)]
    # Same bank, next row (64 KiB on): PRE waits for tRAS after the ACT at 1.
    ctrl.log = []
    assert model.transfer(27 * 1250, 64 * 1024, 64, False) == (29 + 11 + 11 + 15) * 1250
    assert ctrl.log == [(29, "PRE", 0, 0), (40, "ACT", 0, 0), (51, "RD", 0, 0)]
    # Row hit: only a RD.
    ctrl.log = []
    assert model.transfer(66 * 1250, 64 * 1024 + 64, 64, False) == (67 + 15) * 1250
    assert ctrl.log == [(67, "RD", 0, 0)]
    # A write after the read: WR waits RD->WR = 9 after the RD at 67 (arrival 68 -> 76).
    ctrl.log = []
    assert model.transfer(67 * 1250, 64 * 1024 + 128, 64, True) == (76 + 8 + 4) * 1250
    assert ctrl.log == [(76, "WR", 0, 0)]


def test_refresh_by_absolute_time() -> None:
    model = DramModel(ddr3_spec("DDR3-1600K"))
    ctrl = model.controllers[0]
    ctrl.log = []
    # Issued at tREFI: the REF due then goes first, the ACT waits tRFC.
    assert model.transfer(6240 * 1250, 0, 64, False) == (6240 + 208 + 11 + 15) * 1250
    assert ctrl.log == [(6240, "REF", 0, -1), (6448, "ACT", 0, 0), (6459, "RD", 0, 0)]
    # Idle for many intervals: refreshes keep their k * tREFI schedule.
    ctrl.log = []
    # (the REF due at 100 * tREFI ends at +208; arrive after it)
    assert model.transfer((100 * 6240 + 300) * 1250, 0, 64, False) == (100 * 6240 + 300 + 1 + 11 + 15) * 1250
    assert ctrl.refreshes == 100
    # Arriving one clock after a due REF with row 0 open: PREA, tRP, REF, tRFC, ACT, tRCD, RD.
    assert model.transfer((101 * 6240 + 1) * 1250, 64, 64, False) == (
        101 * 6240 + 11 + 208 + 11 + 15) * 1250


def test_no_refresh_when_disabled() -> None:
    model = DramModel(ddr3_spec("DDR3-1600K", refresh_enabled=False))
    assert model.transfer(6240 * 1250, 0, 64, False) == (6240 + 1 + 11 + 15) * 1250


def _seq_fraction_of_peak(spec, nbytes: int) -> float:
    end_ps = DramModel(spec).transfer(0, 0, nbytes, False)
    return nbytes / (end_ps * 1e-12) / spec.peak_bandwidth_bytes_per_s


@pytest.mark.parametrize("preset,dev,bus,trfc,trp,trefi", [
    ("DDR3-1066F", 8, 8, 139, 7, 4160),  # the "1 GB/s" bus: 1 B x 2 / 1.875 ns = 1.067 GB/s
    ("DDR3-800D", 16, 16, 104, 5, 3120),  # 2 B x 2 / 2.5 ns = 1.6 GB/s
    ("DDR3-1600K", 8, 64, 208, 11, 6240),
    ("DDR3-2133N", 4, 32, 278, 14, 8315),
])
def test_sequential_stream_loses_only_refresh(preset: str, dev: int, bus: int, trfc: int,
                                              trp: int, trefi: int) -> None:
    spec = ddr3_spec(preset, device_width_bits=dev, bus_width_bits=bus)
    nbytes = 16 * MiB if bus == 64 else MiB
    expected = 1 - (trfc + 2 * trp + 2) / trefi  # tRCD == tRP in these bins
    assert _seq_fraction_of_peak(spec, nbytes) == pytest.approx(expected, abs=0.004)
    off = ddr3_spec(preset, device_width_bits=dev, bus_width_bits=bus, refresh_enabled=False)
    assert _seq_fraction_of_peak(off, nbytes) > 0.998


@pytest.mark.parametrize("is_write,precharge_wait", [
    (False, 6),  # PREA waits tRTP after the last RD
    (True, 8 + 4 + 12),  # PREA waits CWL + BL/2 + tWR after the last WR
])
def test_refresh_loss_ratio(is_write: bool, precharge_wait: int) -> None:
    """Each REF stops the data bus from the last column command to PREA + tRP + tRFC + tRCD."""
    on = DramModel(ddr3_spec("DDR3-1600K")).transfer(0, 0, 32 * MiB, is_write)
    off = DramModel(ddr3_spec("DDR3-1600K", refresh_enabled=False)).transfer(0, 0, 32 * MiB, is_write)
    lost_per_ref = precharge_wait + 11 + 208 + 11 - 4  # minus the tCCD a burst takes anyway
    assert (on - off) / on == pytest.approx(lost_per_ref / 6240, abs=0.001)


def test_random_reads_bounded_by_tfaw() -> None:
    rng = random.Random(1)
    requests = [(False, rng.randrange(256 * MiB // 64) * 64) for _ in range(15000)]
    stats = DramModel(ddr3_spec("DDR3-1600K", refresh_enabled=False)).run_trace(requests)
    faw_bound = 4 * 64 / (24 * 1250e-12)  # four 64-B activates per tFAW = 8.53 GB/s
    assert stats.bandwidth_bytes_per_s <= faw_bound
    assert stats.bandwidth_bytes_per_s > 0.97 * faw_bound
    assert stats.row_hit_rate < 0.01


def test_narrow_bus_hides_activates() -> None:
    """On a x8 DDR3-1066 bus a 64-B line is 8 bursts (32 clocks): random lines run near peak."""
    rng = random.Random(2)
    requests = [(False, rng.randrange(64 * MiB // 64) * 64, 64) for _ in range(2000)]
    spec = ddr3_spec("DDR3-1066F", bus_width_bits=8, refresh_enabled=False)
    stats = DramModel(spec).run_trace(requests)
    assert stats.bandwidth_bytes_per_s > 0.9 * spec.peak_bandwidth_bytes_per_s


def test_channels_and_ranks_scale() -> None:
    one = DramModel(ddr3_spec("DDR3-1600K", refresh_enabled=False)).transfer(0, 0, 4 * MiB, False)
    two = DramModel(ddr3_spec("DDR3-1600K", refresh_enabled=False, channels=2)).transfer(
        0, 0, 4 * MiB, False)
    assert two == pytest.approx(one / 2, rel=0.01)
    ranks = DramModel(ddr3_spec("DDR3-1600K", refresh_enabled=False, ranks=2)).transfer(
        0, 0, 4 * MiB, False)
    assert ranks == pytest.approx(one, rel=0.01)


def test_serial_latency_hit_and_conflict() -> None:
    spec = ddr3_spec("DDR3-1600K", refresh_enabled=False)
    hit = DramModel(spec).run_trace([(False, 0), (False, 64)], serial=True)
    # 27 clocks (closed bank) then 16 (hit: 1 + CL + BL/2)
    assert hit.avg_read_latency_ps == (27 + 16) / 2 * 1250
    assert hit.completion_ps == 43 * 1250 and hit.row_hit_rate == 0.5
    conflict = DramModel(spec).run_trace([(False, 0), (False, 64 * 1024)], serial=True)
    # second: PRE at max(27 + 1, ACT 1 + tRAS 28) = 29, then tRP + tRCD + CL + BL/2
    assert conflict.completion_ps == (29 + 11 + 11 + 15) * 1250


def test_empty_and_write_only_traces() -> None:
    model = DramModel(ddr3_spec("DDR3-1600K"))
    empty = model.run_trace([])
    assert (empty.requests, empty.completion_ps, empty.avg_read_latency_ps) == (0, 0, None)
    writes = model.run_trace([(True, 0), (True, 64)])
    assert writes.avg_read_latency_ps is None and writes.writes == 2
    assert writes.completion_ps == (1 + 11 + 4 + 8 + 4) * 1250  # ACT, WR, WR tCCD later, CWL + BL/2
    assert model.transfer(5, 0, 0, False) == 5
