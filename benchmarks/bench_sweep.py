"""Design points per second of ``accelsim sweep`` on a local pool of worker processes.

Plain script: ``python benchmarks/bench_sweep.py [--workers 2] [--points N]``.
Runs three sweeps into fresh files, each through the same code path as the
command (``run_sweep`` with a ``LocalExecutor``, points on the fast path of
``accelsim/sim/fastpath.py``), and prints points/s, the pool's start-up included:

- paper: the paper's machine and accounting (hwconfigs/1mb_ddr3.yaml), SRAM
  size x DRAM bandwidth x compute throughput;
- tiled/DDR3: hwconfigs/1mb_ddr3_1066_tiled.yaml, SRAM size x DDR3 speed bin x
  bus width x compute throughput: the realistic machine;
- fused/DDR3: the realistic machine and axes under the depth-first fusion policy
  (``policy: {name: fused}``), whose plans are chosen and checked per SRAM size;
- systolic/DDR3 (when ``compute.model: systolic`` validates): the same with a
  systolic array whose shape is swept.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from accelsim.errors import ConfigError  # noqa: E402
from accelsim.explore import LocalExecutor, build_space, preload, run_sweep  # noqa: E402
from accelsim.hw.config import validate_hw  # noqa: E402

SIZES = [f"{k} KB" for k in range(128, 2049, 128)]          # 16
BANDWIDTHS = [f"{g} GB/s" for g in (0.5, 1, 2, 4, 8, 16)]    # 6
THROUGHPUTS = [f"{t} TOPS" for t in range(1, 17)]            # 16
PRESETS = ["DDR3-800D", "DDR3-1066F", "DDR3-1333H", "DDR3-1600K", "DDR3-1866M", "DDR3-2133N"]
WIDTHS = [16, 32, 64]


def sweep(name: str, hw: Path, axes: dict[str, list[object]], points: int, workers: int,
          folder: Path, base: dict[str, object] | None = None) -> None:
    if points < 1:  # --realistic-points 0: time only the paper sweep
        print(f"{name:16s} skipped (0 points)", flush=True)
        return
    stem = name.replace("/", "_")
    sweep_file = folder / f"{stem}.yaml"
    body = {"base": base if base is not None else str(hw),
            "axes": axes, "sample": {"n": points, "seed": 1}}
    sweep_file.write_text(yaml.safe_dump(body))
    space = build_space(sweep_file=sweep_file)
    warm = time.perf_counter()  # loading the model and starting the pool count: every sweep pays them
    preload(space)
    pool = LocalExecutor(workers)
    try:
        summary = run_sweep(space, folder / f"{stem}.csv", pool)
    finally:
        pool.close()
    total = time.perf_counter() - warm
    print(f"{name:16s} {summary.ran:6d} points ({summary.invalid} invalid) in {total:7.2f} s: "
          f"{summary.ran / total:8.1f} points/s  "
          f"(grid {space.grid_size:,}; {workers} workers)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--points", type=int, default=1000, help="paper-policy points")
    parser.add_argument("--realistic-points", type=int, default=200)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    folder = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    hwconfigs = ROOT / "hwconfigs"
    sweep("paper", hwconfigs / "1mb_ddr3.yaml",
          {"sram.size": SIZES, "dram.bandwidth": BANDWIDTHS, "compute.throughput": THROUGHPUTS},
          args.points, args.workers, folder)
    tiled = hwconfigs / "1mb_ddr3_1066_tiled.yaml"
    realistic_axes = {"sram.size": SIZES, "dram.preset": PRESETS, "dram.bus_width_bits": WIDTHS,
                      "compute.throughput": THROUGHPUTS}
    sweep("tiled/DDR3", tiled, realistic_axes, args.realistic_points, args.workers, folder)
    fused = {**yaml.safe_load(tiled.read_text()), "policy": {"name": "fused"}}
    sweep("fused/DDR3", tiled, realistic_axes, args.realistic_points, args.workers, folder,
          base=fused)
    base = yaml.safe_load(tiled.read_text())
    base["compute"] = {"model": "systolic", "rows": 32, "cols": 32, "clock": "1 GHz"}
    try:
        validate_hw(base, "systolic")
    except ConfigError:
        print("systolic/DDR3: compute.model systolic is not in this config schema; skipped")
        return
    sweep("systolic/DDR3", tiled,
          {"sram.size": SIZES, "dram.preset": PRESETS, "dram.bus_width_bits": WIDTHS,
           "compute.rows": [8, 16, 32, 64, 128], "compute.cols": [8, 16, 32, 64, 128]},
          args.realistic_points, args.workers, folder, base=base)


if __name__ == "__main__":
    main()
