"""How long the compute-timing models take to cost the paper's whole MobileNet.

Plain script: ``python benchmarks/bench_compute.py``. Builds the 27 layers of
the paper's Table 1 (tests/data/reference/scalesim/table1_layers.csv) plus
its head (7x7 average pool, FC 256x10, softmax), then times one call of
``estimate`` per layer for the whole network, best of many repetitions.
For scale: SCALE-Sim v3 takes 2-8 minutes for the same 27 layers.
"""

from __future__ import annotations

import csv
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accelsim.sim.compute import (  # noqa: E402
    VECTOR_OPS,
    ComputeTiming,
    DispatchTiming,
    IdealThroughput,
    SystolicArray,
    VectorUnit,
)
from accelsim.sim.work import ConvGeometry, LayerWork  # noqa: E402

TABLE = ROOT / "tests" / "data" / "reference" / "scalesim" / "table1_layers.csv"
CLOCK_HZ = 1_000_000_000


def mobilenet_with_head() -> list[LayerWork]:
    layers = []
    with open(TABLE, newline="") as f:
        for row in csv.DictReader(f):
            cin, cout = int(row["in_channels"]), int(row["out_channels"])
            h, k, s, p = int(row["in_h"]), int(row["kernel"]), int(row["stride"]), int(row["padding"])
            out = (h + 2 * p - k) // s + 1
            g = ConvGeometry(cin, cout, h, h, out, out, k, k, s, s, pads=(p,) * 4,
                             groups=cin if row["type"] == "depthwise" else 1)
            layers.append(LayerWork(row["name"], row["type"], cin * h * h, cout * out * out,
                                    k * k * g.in_channels_per_group * cout, cout,
                                    g.conv_macs, g))
    pool = ConvGeometry(256, 256, 7, 7, 1, 1, 7, 7, groups=256)
    fc = ConvGeometry(256, 10, 1, 1, 1, 1)
    layers.append(LayerWork("pool28", "pool", 256 * 49, 256, 0, 0, 0, pool))
    layers.append(LayerWork("fc29", "fc", 256, 10, 2560, 10, fc.conv_macs, fc))
    layers.append(LayerWork("softmax30", "softmax", 10, 10, 0, 0, 0))
    return layers


def bench(name: str, unit: ComputeTiming, layers: list[LayerWork]) -> None:
    def run() -> int:
        return sum(unit.estimate(layer).cycles for layer in layers)

    cycles = run()
    timer = timeit.Timer(run)
    number = max(1, timer.autorange()[0] // 10)
    best_s = min(timer.repeat(repeat=50, number=number)) / number
    print(f"{name:<38} {best_s * 1e6:9.1f} us/network  "
          f"{best_s * 1e6 / len(layers):6.2f} us/layer  {cycles:>10,} cycles")


def main() -> None:
    layers = mobilenet_with_head()
    print(f"MobileNet (paper, Table 1) + head: {len(layers)} layers, best of 50 repetitions")
    bench("array 32x32 ws channel_by_channel", SystolicArray(32, 32, CLOCK_HZ, "ws"), layers)
    bench("array 32x32 os channel_by_channel", SystolicArray(32, 32, CLOCK_HZ, "os"), layers)
    bench("array 32x32 is channel_by_channel", SystolicArray(32, 32, CLOCK_HZ, "is"), layers)
    for dataflow in ("ws", "os", "is"):
        bench(f"array 32x32 {dataflow} diagonal",
              SystolicArray(32, 32, CLOCK_HZ, dataflow, depthwise_mapping="diagonal"), layers)
    bench("array 8x8 ws diagonal", SystolicArray(8, 8, CLOCK_HZ, "ws", "diagonal"), layers)
    bench("vector 32 lanes", VectorUnit(32, CLOCK_HZ), layers)
    bench("array 32x32 ws + vector 32 (pool...)",
          DispatchTiming(SystolicArray(32, 32, CLOCK_HZ, "ws"), VectorUnit(32, CLOCK_HZ)),
          layers)
    bench("array 32x32 ws + vector 32 (dw, pool...)",
          DispatchTiming(SystolicArray(32, 32, CLOCK_HZ, "ws"), VectorUnit(32, CLOCK_HZ),
                         VECTOR_OPS | {"depthwise"}), layers)
    bench("ideal 1 TOPS (cycles = ps)", IdealThroughput(10**12), layers)


if __name__ == "__main__":
    main()
