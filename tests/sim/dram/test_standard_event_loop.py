"""Every standard: the event loops issue exactly what the naive clock-by-clock FR-FCFS issues.

As test_ddr3_event_loop.py, on DDR4, LPDDR4, LPDDR5 and HBM2 with bank
groups, per-bank and all-bank refresh, two ranks or pseudo-channels (HBM2's
share the row and column command buses, one command each per clock) and
several address mappings: the Python event loop and the compiled controller
must give the naive loop's command log and per-request clocks.
"""

from __future__ import annotations

import random

import pytest
from dram_naive import naive_serve

from accelsim.hw.dram_presets import dram_spec, preset_names
from accelsim.sim.dram.compiled import CompiledChannel
from accelsim.sim.dram.controller import NEVER, ChannelController
from accelsim.sim.dram.frontend import Run
from accelsim.sim.dram.spec import DramSpec

MAPPINGS = {"DDR4": ["row-rank-bg-bank-col", "row-bank-col-bg-rank", "row-col-rank-bg-bank"],
            "LPDDR4": ["row-rank-bank-col", "row-col-bank-rank"],
            "LPDDR5": ["row-rank-bank-col-bg", "row-bg-rank-bank-col"],
            "HBM2": ["row-rank-bank-col-bg", "row-bank-rank-bg-col"]}
INTERVALS = {"DDR4": "trefi", "LPDDR4": "trefipb", "LPDDR5": "trefipb", "HBM2": "trefisb"}


def random_spec(rng: random.Random, standard: str, seed: int) -> DramSpec:
    kinds = ["all_bank", "off"] if standard == "DDR4" else ["per_bank", "all_bank", "off"]
    refresh = kinds[seed % len(kinds)]
    timing = {}
    if refresh == "all_bank":
        timing["trefi"] = rng.choice([900, 2500])
    elif refresh == "per_bank":
        timing[INTERVALS[standard]] = rng.choice([250, 600])
    return dram_spec(standard, rng.choice(preset_names(standard)), ranks=1 + seed % 2,
                     queue_depth=rng.choice([1, 3, 8, 16]), refresh=refresh,
                     mapping=rng.choice(MAPPINGS[standard]), timing=timing)


def random_bursts(rng: random.Random, n: int = 400) -> list[tuple[int, bool]]:
    span = rng.choice([64, 4096, 1 << 20])  # bursts: many hits, some, almost none
    bursts: list[tuple[int, bool]] = []
    while len(bursts) < n:
        if rng.random() < 0.2:
            start = rng.randrange(span)
            bursts += [(start + i, rng.random() < 0.3) for i in range(rng.randint(1, 60))]
        else:
            bursts.append((rng.randrange(span), rng.random() < 0.5))
    return bursts


@pytest.mark.parametrize("standard", ["DDR4", "LPDDR4", "LPDDR5", "HBM2"])
@pytest.mark.parametrize("seed", range(6))
def test_event_loops_match_the_naive_clock_loop(standard: str, seed: int) -> None:
    rng = random.Random(f"{standard}-{seed}")
    spec = random_spec(rng, standard, seed)
    bursts = random_bursts(rng)
    naive = ChannelController(spec)
    naive.log = []
    expected = naive_serve(naive, bursts)
    assert naive.column_commands == len(bursts)
    for ctrl in (ChannelController(spec), CompiledChannel(spec)):
        ctrl.log = []
        done, first = [-1] * len(bursts), [NEVER] * len(bursts)
        ctrl.serve([Run(0, len(bursts), False, 0,
                        scatter=[(b, k, w) for k, (b, w) in enumerate(bursts)])], done, first)
        assert (done, first) == expected, (type(ctrl).__name__, spec)
        assert ctrl.log == naive.log, (type(ctrl).__name__, spec)
