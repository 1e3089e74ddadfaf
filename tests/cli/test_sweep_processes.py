"""Sweeps as processes: signals, two writers, dying workers, per-point limits, full disks.

These need real processes (a sweep killed with SIGKILL cannot be simulated in
the test's own), so they run ``python -m accelsim sweep`` as a user would and
watch its worker processes through ``/proc``.
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
from cli_inprocess import assert_one_line_error, run_cli
from cli_process import accelsim, assert_user_error

from accelsim.explore import read_results

REPO = Path(__file__).resolve().parents[2]
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"

linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="watches worker processes through /proc")


def rows_of(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def state(pid: int) -> str | None:
    """The process state letter of ``pid`` (R, S, Z...), None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()[0]


def alive(pid: int) -> bool:
    return state(pid) not in (None, "Z", "X")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def start_sweep(*args: str, cwd: Path = REPO) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "accelsim", "sweep", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "200"})


def wait_for(condition, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def tiled_ideal(folder: Path) -> Path:
    """The tiled policy on an ideal DRAM: points of a few ms, hundreds of them."""
    base = yaml.safe_load(TILED.read_text())
    base["dram"] = {"model": "ideal", "bandwidth": "1 GB/s"}
    path = folder / "tiled_ideal.yaml"
    path.write_text(yaml.safe_dump(base))
    return path


def slow_model(folder: Path) -> Path:
    """Two 6000 x 6000 fully connected layers: 72 MB of weights through a one-byte DDR3
    bus, about a second of simulation per point."""
    path = folder / "slow.csv"
    path.write_text("type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n"
                    "fc,6000,6000,1,1,1,1,0\nfc,6000,6000,1,1,1,1,0\n")
    return path


@pytest.fixture
def slow_points(tmp_path: Path) -> list[str]:
    """Four points of about a second each on two workers."""
    return ["--hw", str(TILED), "--model", str(slow_model(tmp_path)),
            "--set", "sram.size=1MB,2MB,3MB,4MB", "-j", "2", "-q"]


def busy_workers(sweep: subprocess.Popen[str]) -> list[int]:
    """The sweep's workers, once both are inside their first point."""
    wait_for(lambda: len(children(sweep.pid)) >= 2 or sweep.poll() is not None)
    time.sleep(0.5)
    workers = children(sweep.pid)
    assert len(workers) >= 2 and all(alive(w) for w in workers), workers
    return workers


@linux_only
@pytest.mark.parametrize("signum, status", [(signal.SIGKILL, -9), (signal.SIGTERM, 143),
                                            (signal.SIGINT, 130)])
def test_no_worker_outlives_its_sweep(tmp_path: Path, slow_points: list[str], signum: int,
                                      status: int) -> None:
    sweep = start_sweep(*slow_points, "--out", str(tmp_path / "r.csv"))
    workers = busy_workers(sweep)
    sweep.send_signal(signum)
    # The caller's pipes close as soon as the sweep is gone: no worker holds them.
    stdout, stderr = sweep.communicate(timeout=30)
    assert sweep.returncode == status, stdout + stderr
    wait_for(lambda: not any(alive(w) for w in workers), seconds=10)
    if signum != signal.SIGKILL:
        assert "sweep interrupted" in stdout and "rerun the same command" in stdout
        assert "Traceback" not in stderr


@pytest.mark.parametrize("second_name", ["r.csv", "link.csv", "sub/../r.csv"])
def test_a_second_sweep_on_one_file_is_refused_naming_the_first(tmp_path: Path,
                                                                second_name: str) -> None:
    # The second sweep names the file as the first does, through a symlink, or by
    # another path: one file, one writer (a symlink once got both sweeps' rows twice).
    out = tmp_path / "r.csv"
    (tmp_path / "sub").mkdir()
    out.touch()
    (tmp_path / "link.csv").symlink_to("r.csv")
    common = ["--hw", str(TILED), "--model", str(slow_model(tmp_path)),
              "--set", "sram.size=1:40:1MB", "-j", "1", "-q"]
    first = start_sweep(*common, "--out", str(out))  # 40 s of work: it holds the file
    wait_for(lambda: (tmp_path / ".r.csv.lock").exists() or first.poll() is not None)
    second = accelsim("sweep", *common, "--out", str(tmp_path / second_name))
    assert_user_error(second, f"{out}: another sweep is writing it", f"pid {first.pid}")
    first.send_signal(signal.SIGINT)
    stdout, stderr = first.communicate(timeout=60)
    assert first.returncode == 130, stdout + stderr
    text = out.read_text() if out.exists() else ""
    assert text.count("point_id,") <= 1
    rows = rows_of(out)
    assert len(rows) == len({r["point_id"] for r in rows}) < 40
    assert not list(tmp_path.glob(".r.csv*"))  # the lock went with the sweep
    assert (tmp_path / "link.csv").is_symlink()


@linux_only
def test_a_worker_killed_mid_point_loses_nothing(tmp_path: Path, slow_points: list[str]
                                                 ) -> None:
    out = tmp_path / "r.csv"
    sweep = start_sweep(*slow_points, "--out", str(out))
    os.kill(busy_workers(sweep)[0], signal.SIGKILL)
    stdout, stderr = sweep.communicate(timeout=240)
    assert sweep.returncode == 0, stdout + stderr
    rows = rows_of(out)
    assert sorted(r["sram.size"] for r in rows) == ["1MB", "2MB", "3MB", "4MB"]
    assert all(r["status"] == "ok" for r in rows), rows  # retried alone, and it passed


def test_a_point_over_the_time_limit_fails_and_a_rerun_retries_it(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    args = ["sweep", "--hw", str(TILED), "--model", str(slow_model(tmp_path)),
            "--set", "sram.size=1MB,2MB", "-j", "2", "--out", str(out)]
    limited = accelsim(*args, "--point-seconds", "0.3", check=0)
    assert "2 failed (a rerun retries them)" in " ".join(limited.stdout.split())
    rows = rows_of(out)
    assert [r["status"] for r in rows] == ["failed", "failed"]
    assert all("took more than 0.3 s, the limit of a point" in r["error"] for r in rows)
    retried = " ".join(accelsim(*args, "-q", check=0).stdout.split())
    assert "2 run now" in retried and "0 invalid)" in retried, retried
    assert [r["status"] for r in rows_of(out)] == ["ok", "ok"]


def _mount_tmpfs(folder: Path, options: str) -> bool:
    if os.geteuid() != 0:
        return False
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A read-only folder: a read-only tmpfs where we may mount one, else a folder
    without write permission (enough for a user who is not root)."""
    folder = tmp_path / "ro"
    if _mount_tmpfs(folder, "ro,size=64k"):
        yield folder
        subprocess.run(["umount", str(folder)], check=False)
        return
    if os.geteuid() == 0:
        pytest.skip("root without mount: no read-only folder to be had")
    folder.mkdir(exist_ok=True)
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


def test_read_only_outputs_are_one_line_before_anything_runs(tmp_path: Path,
                                                            read_only: Path) -> None:
    for option in ("--out", "--parquet"):
        extra = ["--out", str(tmp_path / "ok.csv")] if option == "--parquet" else []
        done = run_cli("sweep", "--hw", str(PAPER), "--set", "sram.size=1MB", *extra,
                       option, str(read_only / "r.csv"))
        assert_one_line_error(done, option, "cannot write")
        assert not (tmp_path / "ok.csv").exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "full"
    if not _mount_tmpfs(folder, "size=16k"):
        pytest.skip("needs a small tmpfs (root) to fill")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_during_a_sweep_is_one_line(tmp_path: Path, tiny_disk: Path) -> None:
    out = tiny_disk / "r.csv"
    done = accelsim("sweep", "--hw", str(tiled_ideal(tmp_path)), "--set",
                    "sram.size=100:2000:10KB", "-j", "2", "-q", "--out", str(out))
    assert_user_error(done, str(out), "cannot write", "No space left on device")
    _, rows = read_results(out)  # what was written is whole rows (a torn tail is dropped)
    assert rows and all(r["status"] == "ok" for r in rows)
