"""CPU time per DDR byte of a spill-heavy design point: the DRAM model's cost where sweeps pay most.

Plain script: ``python benchmarks/bench_dram_bytes.py [--repeat 3]``. Runs the
paper MobileNet at resolution multiplier rho 8 on the 1 MB tiled machine
(hwconfigs/1mb_ddr3_1066_tiled.yaml: DDR3-1066F on an x8 bus), through the
sweep's own path (``simulate_point`` on the fast path of
``accelsim/sim/fastpath.py``, the policy prepared beforehand, as a sweep
worker does), and prints the process CPU time of the simulation, best of
``--repeat``, per byte that crossed the DDR bus (reads and writes). The
model's lowering and the policy's preparation are not timed: a sweep does
them once per process. Target: at most 0.5 ns per byte.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accelsim.explore.evaluate import lowered, prepared, simulate_point  # noqa: E402
from accelsim.hw.config import load_hw  # noqa: E402
from accelsim.hw.factory import build_policy  # noqa: E402

HW = ROOT / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
MODEL = (None, 1.0, 8.0)  # the bundled paper MobileNet, alpha 1, rho 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    hw = load_hw(HW)
    network = lowered(*MODEL)
    schedule = prepared(MODEL, build_policy(hw), hw.sram.size)
    best = float("inf")
    ddr_bytes = 0
    for _ in range(max(1, args.repeat)):
        start = time.process_time()
        run = simulate_point(network, schedule, hw)
        best = min(best, time.process_time() - start)
        ddr_bytes = run.totals()["ddr_bytes"]
    print(f"MobileNet rho 8 on {HW.name}: {ddr_bytes / 1e6:.1f} MB over DDR, "
          f"CPU {best * 1e3:.1f} ms per point = {best * 1e9 / ddr_bytes:.3f} ns per DDR byte "
          f"(target 0.5)")


if __name__ == "__main__":
    main()
