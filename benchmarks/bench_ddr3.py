"""Wall time of the DDR3 model on reference streams a (8 MiB sequential reads) and c (random reads).

Plain script: ``python benchmarks/bench_ddr3.py``. Builds the streams as the
reference gen_traces.py does, times ``DramModel.run_trace`` (best of 3) on
DDR3-1600K x64 4 Gb x8 with refresh, and prints the completion time against
DRAMsim3 / Ramulator 2 and the wall time against DRAMsim3's C++ (0.36 s for a,
0.60 s for c, as measured with the reference), for the compiled controller
(the default) and the Python one (``--backend python``, or ``both``).
"""

from __future__ import annotations

import argparse
import random
import time

from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.dram.memory import DramModel

MiB = 1 << 20
LINE = 64
# experiment: (requests, DRAMsim3 ns, Ramulator 2 ns, DRAMsim3 wall s)
REFERENCE = {
    "a_seqread": (681075.0, 680670.0, 0.36),
    "c_randread": (788182.5, 784392.5, 0.60),
}


def streams() -> dict[str, list[tuple[bool, int]]]:
    rng = random.Random(12345)
    return {
        "a_seqread": [(False, i * LINE) for i in range(8 * MiB // LINE)],
        "c_randread": [(False, rng.randrange(256 * MiB // LINE) * LINE) for _ in range(100000)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["compiled", "python", "both"], default="compiled")
    args = parser.parse_args()
    spec = ddr3_spec("DDR3-1600K", device_width_bits=8, density_gbit=4, bus_width_bits=64)
    backends = ["compiled", "python"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(f"{backend} controller")
        bench(DramModel(spec, backend=backend))  # type: ignore[arg-type]


def bench(model: DramModel) -> None:
    for name, requests in streams().items():
        dramsim_ns, ramulator_ns, dramsim_s = REFERENCE[name]
        best = float("inf")
        stats = None
        for _ in range(3):
            start = time.perf_counter()
            stats = model.run_trace(requests)
            best = min(best, time.perf_counter() - start)
        assert stats is not None
        ns = stats.completion_ps / 1000
        print(f"{name:12s} completion {ns:10.2f} ns  vs DRAMsim3 {100 * (ns / dramsim_ns - 1):+.2f} %"
              f"  vs Ramulator2 {100 * (ns / ramulator_ns - 1):+.2f} %  |  wall {best:.3f} s"
              f"  = {best / dramsim_s:.2f} x DRAMsim3's {dramsim_s:.2f} s")


if __name__ == "__main__":
    main()
