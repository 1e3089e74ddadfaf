"""The event-driven scheduler issues exactly what a naive clock-by-clock FR-FCFS issues.

``naive_serve`` below visits every clock and applies the controller's rules
as the module docstring of :mod:`accelsim.sim.dram.controller` states them
(refresh due, one burst admitted, a pending refresh first, else the oldest
ready row hit, else the oldest ready ACT/PRE), asking the controller only
for its timing state (``earliest``, ``issue``). The event loop, which jumps
over idle clocks and keeps its candidates in a heap, must produce the same
command log and the same per-request completion and admission clocks; so
must the compiled controller.
"""

from __future__ import annotations

import random

import pytest

from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.dram.compiled import CompiledChannel
from accelsim.sim.dram.controller import NEVER, ChannelController
from accelsim.sim.dram.frontend import Run
from accelsim.sim.dram.timing import Cmd


def naive_serve(ctrl: ChannelController, bursts: list[tuple[int, bool]]
                ) -> tuple[list[int], list[int]]:
    """Serve single-burst requests (channel-local burst, is_write), all ready at clock 0."""
    spec, amap = ctrl.spec, ctrl.amap
    n = len(bursts)
    done, first = [-1] * n, [NEVER] * n
    queue: list[tuple[int, int, int, int, bool, int, int]] = []  # seq, bank, rank, row, w, enq, req
    due = [spec.trefi if spec.refresh_enabled else NEVER] * spec.ranks
    pending = [False] * spec.ranks
    c = k = 0
    while k < n or queue:
        for r in range(spec.ranks):
            if not pending[r] and c >= due[r]:
                pending[r] = True
        if k < n and len(queue) < spec.queue_depth:
            bank, rank, row = amap.decode(bursts[k][0])
            queue.append((k, bank, rank, row, bursts[k][1], c, k))
            first[k] = c
            k += 1
        issued = False
        for r in range(spec.ranks):
            if pending[r]:
                banks = range(r * spec.banks, (r + 1) * spec.banks)
                cmd = Cmd.PREA if any(ctrl.open_row[b] >= 0 for b in banks) else Cmd.REF
                if ctrl.earliest(cmd, r) <= c:
                    ctrl.issue(cmd, r, -1, c)
                    if cmd == Cmd.REF:
                        pending[r] = False
                        due[r] += spec.trefi
                    issued = True
                    break
        if not issued:
            hits, misses = [], []
            for b in range(ctrl.nbanks):
                mine = [e for e in queue if e[1] == b]
                rank = b // spec.banks
                if not mine or pending[rank]:
                    continue
                orow = ctrl.open_row[b]
                open_hits = [e for e in mine if e[3] == orow]
                if orow >= 0 and open_hits:
                    for is_write in (False, True):
                        same = [e for e in open_hits if e[4] == is_write]
                        cmd = Cmd.WR if is_write else Cmd.RD
                        if same and same[0][5] < c and ctrl.earliest(cmd, rank, b % spec.banks) <= c:
                            hits.append((same[0], cmd))
                else:
                    cmd = Cmd.PRE if orow >= 0 else Cmd.ACT
                    if mine[0][5] < c and ctrl.earliest(cmd, rank, b % spec.banks) <= c:
                        misses.append((mine[0], cmd))
            if hits or misses:
                e, cmd = min(hits or misses)
                ctrl.issue(cmd, e[2], e[1], c, e[3])
                if cmd in (Cmd.RD, Cmd.WR):
                    queue.remove(e)
                    done[e[6]] = c + ctrl.lat[e[4]]
        c += 1
    return done, first


@pytest.mark.parametrize("seed", range(16))
def test_event_loop_matches_naive_clock_loop(seed: int) -> None:
    rng = random.Random(seed)
    spec = ddr3_spec(rng.choice(["DDR3-800D", "DDR3-1600K", "DDR3-2133N"]),
                     ranks=rng.choice([1, 2]), queue_depth=rng.choice([1, 3, 8, 16]),
                     refresh_enabled=rng.random() < 0.8, trefi=rng.choice([700, 1500]))
    span = rng.choice([64, 4096, 1 << 20])  # bursts: many hits, some, almost none
    bursts: list[tuple[int, bool]] = []
    while len(bursts) < 500:
        if rng.random() < 0.15:
            start = rng.randrange(span)
            bursts += [(start + i, rng.random() < 0.3) for i in range(rng.randint(1, 40))]
        else:
            bursts.append((rng.randrange(span), rng.random() < 0.5))
    naive = ChannelController(spec)
    naive.log = []
    expected = naive_serve(naive, bursts)
    for batching in (False, True):
        ctrl = ChannelController(spec, batching)
        ctrl.log = []
        done, first = [-1] * len(bursts), [NEVER] * len(bursts)
        ctrl.serve([Run(0, len(bursts), False, 0,
                        scatter=[(b, k, w) for k, (b, w) in enumerate(bursts)])], done, first)
        assert (done, first) == expected
        if not batching:  # the streaming path logs one column command per bank and stretch
            assert ctrl.log == naive.log
    compiled = CompiledChannel(spec)
    compiled.log = []
    done, first = [-1] * len(bursts), [NEVER] * len(bursts)
    compiled.serve([Run(0, len(bursts), False, 0,
                        scatter=[(b, k, w) for k, (b, w) in enumerate(bursts)])], done, first)
    assert (done, first) == expected
    assert compiled.log == naive.log
