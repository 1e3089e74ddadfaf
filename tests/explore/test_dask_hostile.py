"""Sweeps on a real Dask cluster: interrupted sweeps leave it idle, workers need no model file.

One LocalCluster (two worker processes) serves the module. Its workers run
in the test's folder, not the sweep's, as workers on other machines would.
"""

from __future__ import annotations

import csv
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_inprocess import run_cli

from accelsim.explore import DaskExecutor, build_space
from accelsim.explore.evaluate import SweepTask

REPO = Path(__file__).resolve().parents[2]
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as dask_client:
        yield dask_client


def scheduler_tasks(client: object) -> int:
    return int(client.run_on_scheduler(  # type: ignore[attr-defined]
        lambda dask_scheduler: len(dask_scheduler.tasks)))


def test_dask_sweeps_leave_the_cluster_idle_and_need_no_model_file(client: object,
                                                                  tmp_path: Path) -> None:
    # One test, one cluster (a cluster costs seconds to start).
    # 1. An interrupted sweep cancels every pending future.
    space = build_space(hw=PAPER, sets=["sram.size=1000:4900:1KB"])  # 3,901 points
    executor = DaskExecutor(client=client)
    rows = executor.run(SweepTask.of(space), ((p.id, p.values) for p in space.points()))
    first = next(rows)
    assert first and first[0]["status"] == "ok"
    assert scheduler_tasks(client) > 0  # chunks in flight
    rows.close()  # what Ctrl-C does to the sweep's loop (GeneratorExit at the yield)
    deadline = time.monotonic() + 20
    while scheduler_tasks(client) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert scheduler_tasks(client) == 0

    # 2. A model named relative to the sweep's folder runs on workers in another folder
    # (they get it lowered, as data), and the rerun finds every point done.
    shutil.copy(REPO / "models" / "mobilenet_cifar10.onnx", tmp_path / "net.onnx")
    address = client.scheduler.address  # type: ignore[attr-defined]
    args = ["sweep", "--hw", str(TILED), "--model", "net.onnx", "--set",
            "sram.size=256KB,1MB", "--executor", "dask", "--scheduler", address,
            "--out", "r.csv", "-q"]
    done = run_cli(*args, cwd=tmp_path)
    assert done.code == 0 and "0 invalid" in done.said, done.stdout + done.stderr
    with open(tmp_path / "r.csv", newline="") as handle:
        assert [r["status"] for r in csv.DictReader(handle)] == ["ok", "ok"]
    again = run_cli(*args, cwd=tmp_path)
    assert again.code == 0 and "2 already there" in again.said, again.stderr
