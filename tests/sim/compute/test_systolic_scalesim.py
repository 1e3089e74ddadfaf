"""The systolic array against SCALE-Sim v3's run of the paper's MobileNet (32x32, WS).

Reference: tests/data/reference/scalesim/ (see its README). SCALE-Sim's
``compute_cycles`` on the rows with memory stalls includes ``stall_cycles``
once (consistent with its "stalls added twice" bug, subtracted once), so the
stall-free count accelsim models is ``compute_cycles - stall_cycles``; on the
19 stall-free rows that is ``compute_cycles`` itself.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from accelsim.sim.compute import SystolicArray
from accelsim.sim.work import ConvGeometry, LayerWork

DATA = Path(__file__).resolve().parents[2] / "data" / "reference" / "scalesim"
CLOCK_HZ = 1_000_000_000


def table1_layers() -> list[LayerWork]:
    """Table 1 of the paper as LayerWork, out = (in + 2p - k) // s + 1."""
    layers = []
    with open(DATA / "table1_layers.csv", newline="") as f:
        for row in csv.DictReader(f):
            cin, cout = int(row["in_channels"]), int(row["out_channels"])
            h, w = int(row["in_h"]), int(row["in_w"])
            k, s, p = int(row["kernel"]), int(row["stride"]), int(row["padding"])
            groups = cin if row["type"] == "depthwise" else 1
            geometry = ConvGeometry(
                in_channels=cin, out_channels=cout, in_h=h, in_w=w,
                out_h=(h + 2 * p - k) // s + 1, out_w=(w + 2 * p - k) // s + 1,
                kernel_h=k, kernel_w=k, stride_h=s, stride_w=s, pads=(p, p, p, p),
                groups=groups)
            layers.append(LayerWork(
                name=row["name"], op=row["type"], input_elems=cin * h * w,
                output_elems=cout * geometry.out_h * geometry.out_w,
                weight_params=k * k * geometry.in_channels_per_group * cout,
                bias_params=cout, macs=geometry.conv_macs, geometry=geometry))
    return layers


def reference_rows() -> list[dict[str, str]]:
    with open(DATA / "mobilenet_ws32x32.csv", newline="") as f:
        return list(csv.DictReader(f))


LAYERS = table1_layers()
ROWS = [row for row in reference_rows() if row["layer"] != "TOTAL"]
TOTAL = next(row for row in reference_rows() if row["layer"] == "TOTAL")
ARRAY = SystolicArray(rows=32, cols=32, clock_hz=CLOCK_HZ, dataflow="ws")


def test_reference_has_every_table1_layer_in_order():
    assert len(LAYERS) == len(ROWS) == 27
    for layer, row in zip(LAYERS, ROWS):
        assert row["layer"].endswith(layer.name)
        assert int(row["macs"]) == layer.macs
        assert int(row["scalesim_layers"]) == layer.geometry.groups


@pytest.mark.parametrize("index", range(27), ids=[row["layer"] for row in ROWS])
def test_folds_and_cycles_equal_scalesim(index):
    layer, row = LAYERS[index], ROWS[index]
    estimate = ARRAY.estimate(layer)
    assert estimate.folds == int(row["folds"])
    assert estimate.cycles == int(row["compute_cycles"]) - int(row["stall_cycles"])
    if int(row["stall_cycles"]) == 0:
        assert estimate.cycles == int(row["compute_cycles"])


@pytest.mark.parametrize("index", range(27), ids=[row["layer"] for row in ROWS])
def test_utilization_matches_scalesim_overall_util(index):
    layer, row = LAYERS[index], ROWS[index]
    estimate = ARRAY.estimate(layer)
    assert estimate.utilization == layer.macs / (32 * 32 * estimate.cycles)
    # SCALE-Sim divides by its reported cycles, stalls included.
    reported_cycles = estimate.cycles + int(row["stall_cycles"])
    util_pct = 100 * layer.macs / (32 * 32 * reported_cycles)
    assert abs(util_pct - float(row["overall_util_pct"])) <= 0.0005 + 1e-9
    if int(row["stall_cycles"]) == 0:
        assert round(100 * estimate.utilization, 3) == float(row["overall_util_pct"])


def test_totals_equal_scalesim():
    estimates = [ARRAY.estimate(layer) for layer in LAYERS]
    assert sum(e.folds for e in estimates) == int(TOTAL["folds"]) == 3215
    cycles = sum(e.cycles for e in estimates)
    assert cycles == int(TOTAL["compute_cycles"]) - int(TOTAL["stall_cycles"]) == 903_284
    macs = sum(layer.macs for layer in LAYERS)
    assert macs == int(TOTAL["macs"])
    util_pct = 100 * macs / (32 * 32 * (cycles + int(TOTAL["stall_cycles"])))
    assert round(util_pct, 3) == float(TOTAL["overall_util_pct"])


def test_time_ps_is_cycles_at_the_clock():
    estimate = ARRAY.estimate(LAYERS[0])
    assert estimate.cycles == 877
    assert estimate.time_ps == 877_000  # 1 GHz: 1,000 ps per cycle
    at_800mhz = SystolicArray(32, 32, 800_000_000, "ws").estimate(LAYERS[0])
    assert at_800mhz.time_ps == 1_096_250  # 877 x 1,250 ps
    at_3ghz = SystolicArray(32, 32, 3_000_000_000, "ws").estimate(LAYERS[0])
    assert at_3ghz.time_ps == 292_334  # ceil(877 x 333.33...)


def test_depthwise_expansion_is_where_the_cycles_go():
    """README: depthwise runs at 0.6 % utilisation, 80 % of cycles for 3.6 % of MACs."""
    estimates = [ARRAY.estimate(layer) for layer in LAYERS]
    dw = [e for e, layer in zip(estimates, LAYERS) if layer.op == "depthwise"]
    dw_macs = sum(layer.macs for layer in LAYERS if layer.op == "depthwise")
    share_cycles = sum(e.cycles for e in dw) / sum(e.cycles for e in estimates)
    share_macs = dw_macs / sum(layer.macs for layer in LAYERS)
    assert 0.80 < share_cycles < 0.82
    assert 0.035 < share_macs < 0.037
