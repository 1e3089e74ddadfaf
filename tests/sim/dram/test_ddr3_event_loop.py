"""The event-driven schedulers issue exactly what a naive clock-by-clock FR-FCFS issues (DDR3).

``naive_serve`` (dram_naive.py) visits every clock and applies the
controller's rules literally; the Python event loop and the compiled one must
produce the same command log and the same per-request completion and
admission clocks.
"""

from __future__ import annotations

import random

import pytest
from dram_naive import naive_serve

from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.dram.compiled import CompiledChannel
from accelsim.sim.dram.controller import NEVER, ChannelController
from accelsim.sim.dram.frontend import Run


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
    for ctrl in (ChannelController(spec), CompiledChannel(spec)):
        ctrl.log = []
        done, first = [-1] * len(bursts), [NEVER] * len(bursts)
        ctrl.serve([Run(0, len(bursts), False, 0,
                        scatter=[(b, k, w) for k, (b, w) in enumerate(bursts)])], done, first)
        assert (done, first) == expected, type(ctrl).__name__
        assert ctrl.log == naive.log, type(ctrl).__name__
