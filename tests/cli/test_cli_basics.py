"""The command line itself: help that shows defaults, -h, --version, interruptions and a
standard output that cannot be written. Real subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from cli_process import REPO, accelsim

from accelsim import __version__

COMMANDS = ("run", "diff", "reproduce", "verify", "dram", "sweep", "pareto", "fit",
            "model mobilenet")


def test_version_and_short_help() -> None:
    proc = accelsim("--version", check=0)
    assert proc.stdout == f"accelsim {__version__}\n"
    assert accelsim("-h", check=0).stdout == accelsim("--help", check=0).stdout
    assert "Usage: accelsim run" in accelsim("run", "-h", check=0).stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_defaults_and_no_bool_metavars(command: str) -> None:
    out = accelsim(*command.split(), "--help", check=0).stdout
    assert "<bool>" not in out
    assert "[default: ]" not in out
    for line in out.splitlines():  # a help text whose bracketed default was eaten ends " ."
        assert not line.endswith(" ."), line


def test_help_names_the_defaults_users_ask_about() -> None:
    assert "[default: 1e-09]" in accelsim("diff", "--help", check=0).stdout
    run_help = " ".join(accelsim("run", "--help", check=0).stdout.split())
    assert "[default: (the bundled MobileNet" in run_help
    assert "-q, --quiet" in run_help
    assert "[default: sweep_results.csv]" in " ".join(
        accelsim("sweep", "--help", check=0).stdout.split())


def test_ctrl_c_during_start_up_is_status_130_without_a_traceback() -> None:
    """Ctrl-C raises KeyboardInterrupt wherever the interpreter is; here it is raised
    while typer (the first import of the command line) loads."""
    probe = ("import sys\n"
             "class Interrupt:\n"
             "    def find_spec(self, name, path=None, target=None):\n"
             "        if name == 'typer': raise KeyboardInterrupt\n"
             "sys.meta_path.insert(0, Interrupt())\n"
             "sys.argv = ['accelsim', 'run', '--hw', 'hwconfigs/1mb_ddr3.yaml']\n"
             "from accelsim.cli.main import main\n"
             "main()\n")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == ""


def test_a_real_sigint_is_status_130_without_a_traceback() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "accelsim", "reproduce", "paper"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err


def test_a_full_standard_output_is_one_line_and_status_2() -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "accelsim", "run", "--hw",
                               "hwconfigs/1mb_ddr3.yaml"], cwd=REPO, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False,
                              env={**os.environ, "COLUMNS": "120"})
    assert proc.returncode == 2
    assert proc.stderr == ("accelsim: error: cannot write to the standard output "
                           "(No space left on device)\n")


def test_a_closed_pipe_exits_quietly() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "accelsim", "run", "--hw",
                             "hwconfigs/systolic_32x32_vector.yaml"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "3000"})
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert proc.returncode in (0, 141), err  # 0: everything fit in the pipe's buffer
    assert err == ""


def test_dram_quiet_prints_nothing_and_still_writes_its_json(tmp_path) -> None:
    trace = tmp_path / "t.trace"
    trace.write_text("".join(f"R 0x{64 * i:x}\n" for i in range(100)))
    out = tmp_path / "d.json"
    proc = accelsim("dram", "--hw", "hwconfigs/edge_ddr3_1600.yaml", "--trace", str(trace),
                    "-q", "--json", str(out), check=0)
    assert proc.stdout == "" and '"requests": 100' in out.read_text()
    assert "row-hit rate" in accelsim("dram", "--hw", "hwconfigs/edge_ddr3_1600.yaml",
                                      "--trace", str(trace), check=0).stdout


def test_bundled_configs_by_name_from_any_folder(tmp_path) -> None:
    from cli_process import assert_user_error

    listing = accelsim("configs", "--paths", cwd=tmp_path, check=0).stdout
    for name in ("1mb_ddr3", "1mb_ddr3_1066_tiled", "systolic_32x32_vector", "edge_ddr3",
                 "mobilenet_alpha_rho", "mobilenet"):
        assert name in listing
    proc = accelsim("run", "--hw", "edge_ddr3_1600", "-q", "--csv", "r.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "edge-512kib-ddr3-1600-x32" in (tmp_path / "r.csv").read_text()
    assert_user_error(accelsim("run", "--hw", "1mb_ddr4", cwd=tmp_path), "1mb_ddr4",
                      "no bundled hardware config", "1mb_ddr3")
    assert_user_error(accelsim("sweep", "no_such_sweep", cwd=tmp_path), "no_such_sweep",
                      "no bundled sweep file", "edge_ddr3")
    assert list(tmp_path.iterdir()) == [tmp_path / "r.csv"]
