"""The systolic array against a brute-force replay of SCALE-Sim's fold loop.

The expectations here do not use accelsim's formulas. For each layer the test
builds the real operand matrices (im2col input addresses, filter matrix with a
mask of which weights exist), walks their tiles in SCALE-Sim's loop order
(``for fc in col folds: for fr in row folds``) and adds up the length of the
per-fold demand matrix exactly as ``scalesim/compute/systolic_compute_{ws,os,is}.py``
assembles it (prefix, the operand tile padded to the array, suffix, skew),
then subtracts 1 (SCALE-Sim reports the zero-based index of the last cycle).

For the "diagonal" mapping the same walk runs over the whole block-diagonal
product, skipping tiles whose weights are all absent and streaming only the
part of the streamed operand that meets the tile's weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from accelsim.sim.compute import SystolicArray
from accelsim.sim.work import ConvGeometry, LayerWork

ARRAYS = [(8, 8), (16, 32), (32, 32), (64, 64), (128, 16)]


def im2col(channels: int, in_h: int, in_w: int, k: int, stride: int, pad: int) -> np.ndarray:
    """SCALE-Sim's ifmap operand matrix: one row per output pixel, one column per window element."""
    addresses = np.arange(channels * in_h * in_w).reshape(in_h, in_w, channels)
    padded = np.pad(addresses, ((pad, pad), (pad, pad), (0, 0)), constant_values=-1)
    windows = sliding_window_view(padded, (k, k), axis=(0, 1))[::stride, ::stride]
    out_h, out_w = windows.shape[:2]
    # (out_h, out_w, C, k, k) -> rows: pixels, columns: (ky, kx, c)
    return windows.transpose(0, 1, 3, 4, 2).reshape(out_h * out_w, k * k * channels)


def demand_cycles(ifmap: np.ndarray, weights: np.ndarray, rows: int, cols: int,
                  dataflow: str) -> tuple[int, int]:
    """(folds, reported cycles) of one SCALE-Sim layer. ``weights``: bool mask, window x filters."""
    pixels, window = ifmap.shape
    filters = weights.shape[1]
    ifmap_t = ifmap.T
    if dataflow == "ws":
        sr, sc = window, filters
    elif dataflow == "os":
        sr, sc = pixels, filters
    else:
        sr, sc = window, pixels
    folds = lines = 0
    for fc in range(-(-sc // cols)):
        for fr in range(-(-sr // rows)):
            r0, r1 = fr * rows, min(fr * rows + rows, sr)
            c0, c1 = fc * cols, min(fc * cols + cols, sc)
            if dataflow == "ws":
                if not weights[r0:r1, c0:c1].any():
                    continue
                tile = ifmap[:, r0:r1]                      # T = pixels rows
                padded = (tile.shape[0], rows)              # null requests to R columns
                demand = (rows + padded[0] + cols - 1, rows)  # weight preload + drain
                demand = (demand[0] + demand[1] - 1, demand[1])  # skew over R columns
            elif dataflow == "os":
                live = weights[:, c0:c1].any(axis=1)        # window elements these filters use
                if not live.any():
                    continue
                tile = ifmap_t[live][:, r0:r1]              # T = live window rows
                demand = (tile.shape[0] + cols - 1, rows)   # drain suffix, padded to R
                demand = (demand[0] + demand[1] - 1, demand[1])  # skew over R columns
            else:
                live = weights[r0:r1, :].any(axis=0)        # filters this window slice feeds
                if not live.any():
                    continue
                streamed = int(live.sum())                  # T = filters streamed
                tile = ifmap_t[r0:r1, c0:c1]
                padded = (rows, cols)                       # null requests to R x C
                demand = (padded[0] + rows + cols + streamed - 2, cols)  # no skew for IS ifmap
            assert tile.size > 0
            folds += 1
            lines += demand[0]
    return folds, lines - 1


def layer_cycles(geometry: ConvGeometry, rows: int, cols: int, dataflow: str,
                 mapping: str) -> tuple[int, int]:
    """Brute-force folds and cycles of a (grouped) convolution."""
    k, stride, pad = geometry.kernel_h, geometry.stride_h, geometry.pads[0]
    groups = geometry.groups
    cin_g = geometry.in_channels_per_group
    cout_g = geometry.out_channels // groups
    if mapping == "channel_by_channel":
        folds = cycles = 0
        for _ in range(groups):
            ifmap = im2col(cin_g, geometry.in_h, geometry.in_w, k, stride, pad)
            weights = np.ones((ifmap.shape[1], cout_g), dtype=bool)
            f, c = demand_cycles(ifmap, weights, rows, cols, dataflow)
            folds, cycles = folds + f, cycles + c
        return folds, cycles
    # Block-diagonal: group g's window columns feed only group g's filters.
    per_group = [im2col(cin_g, geometry.in_h, geometry.in_w, k, stride, pad) for _ in range(groups)]
    ifmap = np.hstack(per_group)
    window = per_group[0].shape[1]
    weights = np.zeros((groups * window, groups * cout_g), dtype=bool)
    for g in range(groups):
        weights[g * window:(g + 1) * window, g * cout_g:(g + 1) * cout_g] = True
    return demand_cycles(ifmap, weights, rows, cols, dataflow)


def mobilenet() -> list[ConvGeometry]:
    """Table 1 of the paper (tests/data/reference/scalesim/table1_layers.csv), head excluded."""
    spec = [(3, 32, 28, 3, 1, "conv"), (32, 32, 28, 3, 1, "dw"), (32, 64, 28, 1, 1, "pw"),
            (64, 64, 28, 3, 2, "dw"), (64, 64, 14, 1, 1, "pw"), (64, 64, 14, 3, 1, "dw"),
            (64, 128, 14, 1, 1, "pw"), (128, 128, 14, 3, 1, "dw"), (128, 256, 14, 1, 1, "pw")]
    spec += [(256, 256, 14, 3, 1, "dw"), (256, 256, 14, 1, 1, "pw")] * 8
    spec += [(256, 256, 14, 3, 2, "dw"), (256, 256, 7, 1, 1, "pw")]
    layers = []
    for cin, cout, size, k, s, kind in spec:
        p = 1 if k == 3 else 0
        out = (size + 2 * p - k) // s + 1
        layers.append(ConvGeometry(cin, cout, size, size, out, out, k, k, s, s, pads=(p,) * 4,
                                   groups=cin if kind == "dw" else 1))
    return layers


def work(geometry: ConvGeometry) -> LayerWork:
    return LayerWork("layer", "conv", 0, 0, 0, 0, geometry.conv_macs, geometry)


def test_mobilenet_table_has_27_layers():
    assert len(mobilenet()) == 27


@pytest.mark.parametrize("dataflow", ["ws", "os", "is"])
@pytest.mark.parametrize("rows,cols", ARRAYS, ids=[f"{r}x{c}" for r, c in ARRAYS])
def test_mobilenet_channel_by_channel_matches_bruteforce(rows, cols, dataflow):
    array = SystolicArray(rows, cols, 1_000_000_000, dataflow)
    for index, geometry in enumerate(mobilenet()):
        expected = layer_cycles(geometry, rows, cols, dataflow, "channel_by_channel")
        estimate = array.estimate(work(geometry))
        assert (estimate.folds, estimate.cycles) == expected, f"layer {index + 1}"


DIAGONAL_LAYERS = [0, 1, 2, 3, 9, 25]  # conv1, the depthwise shapes, a pointwise


@pytest.mark.parametrize("dataflow", ["ws", "os", "is"])
@pytest.mark.parametrize("rows,cols", [(8, 8), (32, 32), (128, 16)], ids=["8x8", "32x32", "128x16"])
def test_mobilenet_diagonal_matches_bruteforce(rows, cols, dataflow):
    array = SystolicArray(rows, cols, 1_000_000_000, dataflow, depthwise_mapping="diagonal")
    layers = mobilenet()
    for index in DIAGONAL_LAYERS:
        expected = layer_cycles(layers[index], rows, cols, dataflow, "diagonal")
        estimate = array.estimate(work(layers[index]))
        assert (estimate.folds, estimate.cycles) == expected, f"layer {index + 1}"


def test_diagonal_never_slower_than_channel_by_channel_on_mobilenet():
    for dataflow in ("ws", "os", "is"):
        base = SystolicArray(32, 32, 1_000_000_000, dataflow)
        packed = SystolicArray(32, 32, 1_000_000_000, dataflow, depthwise_mapping="diagonal")
        for geometry in mobilenet():
            assert packed.estimate(work(geometry)).cycles <= base.estimate(work(geometry)).cycles


@st.composite
def small_convs(draw):
    groups = draw(st.integers(1, 4))
    cin_g = draw(st.integers(1, 3))
    cout_g = draw(st.integers(1, 3))
    size = draw(st.integers(1, 7))
    k = draw(st.sampled_from([1, 2, 3]))
    pad = draw(st.integers(0, k // 2))
    stride = draw(st.integers(1, 2))
    if size + 2 * pad < k:
        size = k
    out = (size + 2 * pad - k) // stride + 1
    return ConvGeometry(groups * cin_g, groups * cout_g, size, size, out, out, k, k,
                        stride, stride, pads=(pad,) * 4, groups=groups)


@settings(max_examples=150, deadline=None)
@given(geometry=small_convs(), rows=st.integers(1, 9), cols=st.integers(1, 9),
       dataflow=st.sampled_from(["ws", "os", "is"]),
       mapping=st.sampled_from(["channel_by_channel", "diagonal"]))
def test_random_convs_match_bruteforce(geometry, rows, cols, dataflow, mapping):
    folds, cycles = layer_cycles(geometry, rows, cols, dataflow, mapping)
    estimate = SystolicArray(rows, cols, 1_000_000_000, dataflow, mapping).estimate(work(geometry))
    # accelsim never reports 0 cycles for a layer with MACs (only a 1x1 array gets there).
    assert (estimate.folds, estimate.cycles) == (folds, max(cycles, 1))
