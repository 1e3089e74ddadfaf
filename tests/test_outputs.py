"""Output files: all or none, the umask's permissions, never over an input, one line on
failure. Real files and real subprocesses (a full disk is a file-size limit)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import REPO, assert_user_error

from accelsim.errors import OutputError
from accelsim.outputs import Outputs

HW = "hwconfigs/1mb_ddr3.yaml"


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in, whoever runs the tests (root ignores modes;
    sysfs refuses new files to everyone)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def accelsim(*args: str, cwd: Path = REPO, umask: int | None = None,
             max_file_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """The command with a umask, or with a limit on file size standing in for a full disk
    (writes past it fail with EFBIG, SIGXFSZ ignored)."""
    def setup() -> None:
        if umask is not None:
            os.umask(umask)
        if max_file_bytes is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    return subprocess.run([sys.executable, "-m", "accelsim", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False,
                          preexec_fn=setup, env={**os.environ, "COLUMNS": "200"})


def test_outputs_commit_together_or_not_at_all(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    b.write_text("old")
    with pytest.raises(RuntimeError), Outputs() as out:
        out.write(a, "new a")
        out.write(b, "new b")
        raise RuntimeError("the work failed after both were rendered")
    assert not a.exists() and b.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    with Outputs() as out:
        out.write(a, "new a")
        out.write(b, lambda: b"new b")
        assert not a.exists() and b.read_text() == "old"  # nothing moves before the end
    assert (a.read_text(), b.read_text()) == ("new a", "new b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_outputs_refuse_inputs_each_other_folders_and_missing_folders(tmp_path: Path) -> None:
    source = tmp_path / "hw.yaml"
    source.write_text("name: x\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(source)
    out = Outputs(source)
    for path, fragment in ((source, "is an input"), (link, "is an input"),
                           (tmp_path, "is a folder"), (tmp_path / "no" / "r.csv", "no")):
        with pytest.raises(OutputError, match=fragment):
            out.add("--csv", path)
    out.add("--csv", tmp_path / "r.csv")
    with pytest.raises(OutputError, match="also the --csv output"):
        out.add("--json", tmp_path / "r.csv")
    assert source.read_text() == "name: x\n"


def test_a_special_file_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    with Outputs() as out:
        out.write("/dev/null", "discarded")
    assert Path("/dev/null").is_char_device()
    with pytest.raises(OutputError, match="No space left"), Outputs() as out:
        out.write("/dev/full", "x" * 100_000)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_run_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    files = [tmp_path / n for n in ("r.csv", "r.json", "t.json", "m.onnx")]
    proc = accelsim("run", "--hw", HW, "-q", "--csv", str(files[0]), "--json", str(files[1]),
                    "--timeline", str(files[2]), umask=umask)
    assert proc.returncode == 0, proc.stderr
    proc = accelsim("model", "mobilenet", "--alpha", "0.25", "-o", str(files[3]), umask=umask)
    assert proc.returncode == 0, proc.stderr
    assert {f.name: f.stat().st_mode & 0o777 for f in files} == {f.name: mode for f in files}


def test_a_failed_output_leaves_no_other_output_behind(tmp_path: Path) -> None:
    ok = tmp_path / "ok.csv"
    locked = unwritable_folder(tmp_path)
    proc = accelsim("run", "--hw", HW, "-q", "--csv", str(ok), "--json", str(locked / "r.json"))
    assert_user_error(proc, "--json", "r.json", "cannot write")
    assert list(tmp_path.iterdir()) == ([] if locked == Path("/sys") else [locked])


def test_an_output_naming_an_input_is_refused_and_the_input_kept(tmp_path: Path) -> None:
    hw = tmp_path / "hw.yaml"
    hw.write_bytes((REPO / HW).read_bytes())
    proc = accelsim("run", "--hw", str(hw), "--csv", str(hw))
    assert_user_error(proc, "--csv", "is an input")
    assert hw.read_bytes() == (REPO / HW).read_bytes()


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    json_path = tmp_path / "r.json"
    proc = accelsim("run", "--hw", HW, "-q", "--json", str(json_path), max_file_bytes=50_000)
    assert_user_error(proc, "--json", "cannot write", "File too large")
    assert list(tmp_path.iterdir()) == []


def test_run_verify_that_cannot_execute_the_model_writes_no_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "r.csv"
    proc = accelsim("run", "--hw", HW, "--model", "accelsim/data/paper/table1_layers.csv",
                    "--verify", "-q", "--csv", str(csv_path))
    assert_user_error(proc, "table1_layers.csv", "no weights")
    assert not csv_path.exists() and list(tmp_path.iterdir()) == []


def test_pareto_plot_onto_a_full_disk_leaves_no_empty_file(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    results = tmp_path / "s.csv"
    proc = accelsim("sweep", "--hw", HW, "--set", "sram.size=256 KB,1 MB,2 MB", "-q", "-j", "1",
                    "--out", str(results))
    assert proc.returncode == 0, proc.stderr
    plot = tmp_path / "front.pdf"
    proc = accelsim("pareto", str(results), "--x", "sram.size", "--y", "latency", "--plot",
                    str(plot), max_file_bytes=results.stat().st_size + 2000)
    assert_user_error(proc, "--plot", "front.pdf", "cannot write")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]
