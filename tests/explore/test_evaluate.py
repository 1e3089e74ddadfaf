"""Sweep points run on the fast path, with per-worker caches, and give the rows that
``accelsim run`` (the SimPy engine) gives for the same machines."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.api import bundled_model_path, simulate
from accelsim.explore import build_space
from accelsim.explore.evaluate import SweepTask, evaluate_chunk, lowered
from accelsim.explore.points import hw_of
from accelsim.explore.rows import OK, run_row
from accelsim.workload import load_model

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("config, sets", [
    ("1mb_ddr3.yaml", ["sram.size=128KB,1MB", "dram.bandwidth=1GB/s,4GB/s",
                       "compute.throughput=1TOPS,3TOPS"]),
    # Two DDR3 bins per SRAM size: the second run of a size reuses its started policy.
    ("1mb_ddr3_1066_tiled.yaml", ["sram.size=256KB,1MB",
                                  "dram.preset=DDR3-1066F,DDR3-1600K"]),
])
def test_sweep_rows_are_the_simpy_engines(config: str, sets: list[str]) -> None:
    space = build_space(hw=REPO / "hwconfigs" / config, sets=sets)
    task = SweepTask.of(space)
    points = list(space.points())
    rows = evaluate_chunk(task, [(p.id, p.values) for p in points])
    network = load_model(bundled_model_path())
    assert lowered(None).schedule == network.work()
    for point, row in zip(points, rows):
        assert row["status"] == OK, row["error"]
        expected = run_row(simulate(network, hw_of(space, point)))
        assert {k: row[k] for k in expected} == expected, point.id
    # Again, every cache warm: the same rows.
    assert evaluate_chunk(task, [(p.id, p.values) for p in points]) == rows
