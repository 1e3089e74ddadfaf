"""``accelsim sweep`` and ``accelsim pareto`` as a user runs them: real subprocesses.

The 1,000-point sweep (SRAM size x DRAM bandwidth x array rows x array
columns, on the paper's policy so that it fits in CI's time; the DDR3 speed-bin
x bus-width sweep of the tiled policy is the benchmark's) is killed with
SIGKILL midway, resumed to the end, checked for every point exactly once, run
again on a Dask LocalCluster into a second file with the same rows, and its
Pareto front printed and plotted.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cli_process import accelsim as run_accelsim

from accelsim.errors import ConfigError
from accelsim.hw.config import validate_hw

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
SYSTOLIC = {"model": "systolic", "rows": 32, "cols": 32, "clock": "1 GHz"}


def accelsim(*args: str, check: int | None = 0, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """The command, expected to succeed unless ``check`` says otherwise."""
    return run_accelsim(*args, check=check, timeout=timeout)


def thousand_point_sweep(folder: Path) -> Path:
    """1,000 designs; the compute axes are the array's shape when the config knows
    systolic arrays, else its throughput."""
    base = yaml.safe_load(PAPER.read_text())
    axes: dict[str, object] = {
        "sram.size": {"range": [128, 1280, 128], "unit": "KB"},
        "dram.bandwidth": ["0.5 GB/s", "1 GB/s", "2 GB/s", "4 GB/s", "8 GB/s"],
    }
    try:
        validate_hw({**base, "compute": SYSTOLIC}, "systolic probe")
        base["compute"] = SYSTOLIC
        axes.update({"compute.rows": [8, 16, 32, 64], "compute.cols": [8, 16, 32, 64, 128]})
    except ConfigError:
        axes["compute.throughput"] = {"range": [1, 20, 1], "unit": "TOPS"}
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump({"base": base, "axes": axes}, sort_keys=False))
    return path


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.mark.slow
def test_thousand_points_killed_resumed_on_dask_and_pareto(tmp_path: Path, cluster: str) -> None:
    sweep = thousand_point_sweep(tmp_path)
    out = tmp_path / "results.csv"
    command = [sys.executable, "-m", "accelsim", "sweep", str(sweep), "--out", str(out),
               "--workers", "2"]
    # Kill the sweep (SIGKILL, no chance to clean up) once some points are written.
    runner = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 180
    while len(lines(out)) < 120 and runner.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(runner.pid, signal.SIGKILL)
    runner.wait()
    time.sleep(0.5)
    try:
        os.killpg(runner.pid, signal.SIGKILL)  # the orphaned workers, if any are left
    except ProcessLookupError:
        pass
    written = len(lines(out)) - 1
    assert 100 < written < 1000, f"the kill came at {written} points"

    resumed = accelsim("sweep", str(sweep), "--out", str(out), "--workers", "2")
    assert "sweep done: 1,000 of 1,000 points" in resumed.stdout
    assert f"{written:,} already there" in resumed.stdout.replace("\n", " ")
    text = out.read_text()
    assert text.endswith("\n")
    rows = rows_of(out)
    assert len(rows) == 1000 and len({r["point_id"] for r in rows}) == 1000
    assert all(r["status"] == "ok" for r in rows)
    assert len({(r["sram.size"], r["dram.bandwidth"]) for r in rows}) == 50

    again = accelsim("sweep", str(sweep), "--out", str(out))
    assert "1,000 already there" in again.stdout and len(rows_of(out)) == 1000

    on_dask = tmp_path / "dask.csv"
    accelsim("sweep", str(sweep), "--out", str(on_dask), "--executor", "dask",
             "--scheduler", cluster)
    assert sorted(map(sorted, (r.items() for r in rows_of(on_dask)))) == \
        sorted(map(sorted, (r.items() for r in rows)))

    plot = tmp_path / "front.png"
    shown = accelsim("pareto", str(out), "--x", "sram.size", "--y", "latency", "--plot",
                     str(plot), "--csv", str(tmp_path / "front.csv"))
    assert "Pareto-optimal designs" in shown.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    front = rows_of(tmp_path / "front.csv")
    assert 1 <= len(front) < 1000
    sizes = [float(r["performance_s"]) for r in front]
    assert sizes == sorted(sizes, reverse=True)  # a front: more SRAM, less latency
    svg = tmp_path / "front.svg"
    if any(c.startswith("energy") for c in rows[0]):
        accelsim("pareto", str(out), "--x", "sram.size", "--y", "latency", "--y", "energy",
                 "--plot", str(svg))
        assert svg.read_text().lstrip().startswith("<?xml")


def test_ctrl_c_keeps_finished_points(tmp_path: Path) -> None:
    out, hw = tmp_path / "r.csv", tmp_path / "tiled_ideal.yaml"
    base = yaml.safe_load(TILED.read_text())
    base["dram"] = {"model": "ideal", "bandwidth": "1 GB/s"}
    hw.write_text(yaml.safe_dump(base))
    args = ["sweep", "--hw", str(hw), "--set", "sram.size=100:500:10KB", "--set",
            "compute.throughput=1 TOPS,2 TOPS", "--out", str(out), "-j", "2"]
    runner = subprocess.Popen([sys.executable, "-m", "accelsim", *args], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(lines(out)) < 20 and runner.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    runner.send_signal(signal.SIGINT)
    stdout, stderr = runner.communicate(timeout=60)
    assert runner.returncode == 130, stdout + stderr
    assert "rerun the same command" in stdout
    partial = rows_of(out)
    assert 0 < len(partial) < 82 and out.read_text().endswith("\n")
    finished = accelsim(*args)
    assert "sweep done: 82 of 82" in finished.stdout
    assert len({r["point_id"] for r in rows_of(out)}) == len(rows_of(out)) == 82


def test_ddr3_sweep_with_invalid_points_and_parquet(tmp_path: Path) -> None:
    out, parquet = tmp_path / "r.csv", tmp_path / "r.parquet"
    args = ["sweep", "--hw", str(TILED), "--set", "dram.preset=DDR3_1066F,DDR3-1600K",
            "--set", "dram.bus_width_bits=32,64", "--set", "sram.size=1 MB,nothing",
            "--out", str(out), "-j", "2"]
    if pytest.importorskip("pyarrow"):
        args += ["--parquet", str(parquet)]
    done = accelsim(*args)
    assert "4 invalid" in done.stdout and "sram.size: expected a size" in done.stdout
    rows = rows_of(out)
    assert len(rows) == 8
    ok = [r for r in rows if r["status"] == "ok"]
    assert len(ok) == 4 and len({r["performance_ps"] for r in ok}) == 4
    assert all(int(r["ddr_read_bytes"]) > 0 for r in ok)
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).num_rows == 8


@pytest.mark.parametrize("args, message", [
    (["--set", "sram.sise=1MB"], "sram.sise"),
    (["--set", "sram.size"], "expected PATH=VALUE"),
    (["--set", "sram.size="], "empty value"),
    (["--set", "model.beta=2"], "unknown model parameter"),
    (["--set", "sram.size=1MB", "--executor", "slurm"], "unknown executor"),
])
def test_bad_sweep_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str],
                                               message: str) -> None:
    done = accelsim("sweep", "--hw", str(PAPER), *args, "--out", str(tmp_path / "r.csv"),
                    check=2)
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_bad_sweep_file_and_pareto_input(tmp_path: Path) -> None:
    sweep = tmp_path / "s.yaml"
    sweep.write_text("base: missing.yaml\naxes: {sram.size: [1 MB]}\n")
    done = accelsim("sweep", str(sweep), check=2)
    assert "missing.yaml: no such hardware config" in done.stderr
    done = accelsim("pareto", str(tmp_path / "none.csv"), "--x", "sram.size", "--y",
                    "latency", check=2)
    assert "no such results file" in done.stderr
