"""CPU time of starting accelsim, against the cost of importing numpy.

Plain script: ``python benchmarks/bench_startup.py [--runs 7]``. Each command
runs as a fresh process (no warm interpreter), ``--runs`` times; the figure is
the child's user + system CPU seconds (``getrusage``), best of the runs (CPU
time, not wall time, so that other jobs on the machine weigh less; the best
run is the one they disturbed least). Targets (issue 12): ``accelsim --help``
within 3x and ``accelsim run -q`` on the bundled model within 6x of
``python -c "import numpy"``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCELSIM = [sys.executable, "-m", "accelsim"]

COMMANDS: list[tuple[str, list[str], float | None]] = [
    ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"], None),
    ("accelsim --help", [*ACCELSIM, "--help"], 3.0),
    ("accelsim run -q (bundled MobileNet, ONNX)",
     [*ACCELSIM, "run", "--hw", "hwconfigs/1mb_ddr3.yaml", "-q"], 6.0),
    ("accelsim run -q (layer table)",
     [*ACCELSIM, "run", "--hw", "hwconfigs/1mb_ddr3.yaml", "-q", "--model",
      "accelsim/data/paper/table1_layers.csv"], None),
    ("accelsim run (tables printed)",
     [*ACCELSIM, "run", "--hw", "hwconfigs/1mb_ddr3.yaml"], None),
    ("accelsim diff (two 30-row tables)",
     [*ACCELSIM, "diff", "tests/golden/mobilenet_cifar10__1mb_ddr3.csv",
      "tests/golden/mobilenet_cifar10__1mb_ddr3.csv"], None),
]


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU of one run of ``argv`` (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "COLUMNS": "200"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{platform.machine()} {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores; best of {args.runs} runs")
    cpu_seconds(COMMANDS[1][1])  # warm the file cache and the bytecode
    base = None
    for name, argv, target in COMMANDS:
        best = min(cpu_seconds(argv) for _ in range(args.runs))
        base = base if base is not None else best
        ratio = best / base
        verdict = "" if target is None else \
            f"  target {target:g}x: {'met' if ratio <= target else 'MISSED'}"
        print(f"{name:45s} {best:6.3f} s CPU  {ratio:5.2f}x numpy{verdict}")


if __name__ == "__main__":
    main()
