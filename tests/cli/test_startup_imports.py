"""What each command imports: only what it needs (start-up time is benchmarks/
bench_startup.py's business; which modules load is behaviour, checked here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import REPO

PROBE = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n"))
sys.argv = ["accelsim", *sys.argv[1:]]
from accelsim.cli.main import main
main()
"""
HEAVY = ("onnx", "onnxruntime", "ml_dtypes", "google.protobuf", "matplotlib", "pandas",
         "pyarrow", "dask", "simpy", "accelsim.workload.onnx", "accelsim.functional")


def modules_of(*args: str, cwd: Path = REPO) -> set[str]:
    """The modules loaded by the end of ``accelsim ARGS``, which must succeed."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    line = proc.stderr.rstrip().splitlines()[-1]
    assert line.startswith("MODULES "), proc.stderr
    return set(line.split()[1:])


def heavy(modules: set[str]) -> set[str]:
    return {m for m in HEAVY if m in modules}


def test_help_imports_no_simulator_no_onnx_no_pydantic() -> None:
    modules = modules_of("--help")
    assert heavy(modules) == set()
    assert not {"numpy", "pydantic", "yaml", "accelsim.api", "rich.markdown"} & modules
    assert modules_of("run", "-h") & {"numpy", "onnx", "yaml", "accelsim.api"} == set()


def commands_without_onnx(folder: Path) -> dict[str, tuple[str, ...]]:
    trace = folder / "t.trace"
    trace.write_text("".join(f"R 0x{64 * i:x}\n" for i in range(64)))
    results = folder / "sweep.csv"
    results.write_text("point_id,sweep,sram.size,status,error,performance_s\n"
                       "a,f,1 MB,ok,,2.0\nb,f,2 MB,ok,,1.0\n")
    golden = "tests/golden/mobilenet_cifar10__1mb_ddr3.csv"
    return {
        "layer-table run": ("run", "--hw", "hwconfigs/1mb_ddr3.yaml", "-q", "--model",
                            "accelsim/data/paper/table1_layers.csv"),
        "diff": ("diff", golden, golden),
        "dram": ("dram", "--hw", "hwconfigs/edge_ddr3_1600.yaml", "--trace", str(trace)),
        "pareto": ("pareto", str(results), "--x", "sram.size", "--y", "latency"),
    }


@pytest.mark.parametrize("command", ["layer-table run", "diff", "dram", "pareto"])
def test_commands_without_an_onnx_model_do_not_import_onnx(command: str, tmp_path: Path) -> None:
    args = commands_without_onnx(tmp_path)[command]
    modules = modules_of(*args)
    assert heavy(modules) <= {"simpy"}, heavy(modules)
    if command in ("diff", "pareto"):
        assert not {"numpy", "simpy", "accelsim.sim.results"} & modules  # (typer itself uses pydantic)


def test_an_onnx_run_imports_onnx_but_not_the_reference_runtime() -> None:
    modules = modules_of("run", "--hw", "hwconfigs/1mb_ddr3.yaml", "-q")
    assert "onnx" in modules
    assert heavy(modules) & {"onnxruntime", "matplotlib", "pandas", "pyarrow", "dask",
                             "accelsim.functional"} == set()
