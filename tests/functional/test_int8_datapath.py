"""The int8 datapath: 8-bit grids, calibration, and the noise it adds on the bundled MobileNet."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from accelsim.functional import calibrate_network, execute, sqnr_db, verify_model
from accelsim.functional.inputs import seeded_batch
from accelsim.functional.quantize import activation_params, fake_quant, weight_params
from accelsim.workload.ir import QuantParams
from accelsim.workload.onnx import load_onnx

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "models" / "mobilenet_cifar10.onnx"


def test_fake_quant_rounds_half_to_even_and_saturates() -> None:
    grid = QuantParams(scale=(0.5,), zero_point=(10,), bits=8, signed=False)
    x = np.array([0.25, 0.75, -5.0, -6.0, 200.0], np.float32)
    # 0.25/0.5 = 0.5 -> 0, 0.75/0.5 = 1.5 -> 2; q = -10 + 10 = 0 is the floor; 255 the ceiling
    np.testing.assert_array_equal(fake_quant(x, grid), [0.0, 1.0, -5.0, -5.0, 122.5])
    per_channel = QuantParams(scale=(1.0, 0.1), zero_point=(0, 0), bits=8, signed=True, axis=0)
    np.testing.assert_allclose(fake_quant(np.array([[3.3], [3.33]], np.float32), per_channel),
                               [[3.0], [3.3]], rtol=1e-6)


def test_activation_and_weight_grids() -> None:
    relu = activation_params(0.0, 5.1)
    assert (relu.zero_point, relu.signed, relu.scale) == ((0,), False, (5.1 / 255,))
    signed = activation_params(-1.0, 3.0)
    assert signed.zero_point == (64,) and fake_quant(np.float32(0.0), signed) == 0.0
    w = np.array([-0.5, 0.25, 1.27], np.float32)
    assert weight_params(w).scale == pytest.approx((0.01,))
    assert weight_params(np.zeros(3, np.float32)).scale == (1.0,)
    assert sqnr_db([np.ones(4)], [np.ones(4)]) == math.inf
    assert sqnr_db([np.ones(4)], [np.ones(4) * 1.1]) == pytest.approx(20.0)


def test_calibration_covers_every_tensor_and_is_deterministic() -> None:
    net = load_onnx(BUNDLED)
    batch = seeded_batch(net.input_shape, samples=2)
    first = calibrate_network(net, list(batch))
    assert set(first.activations) == {net.input_name, *(layer.output for layer in net.layers)}
    assert first == calibrate_network(net, list(batch))
    relu_out = first.activations[net.layers[0].output]
    assert relu_out.zero_point == (0,)  # a Relu output uses all 256 levels for >= 0
    tensors = execute(net, batch[0], first)
    scale = relu_out.scale[0]
    levels = tensors[net.layers[0].output] / scale
    np.testing.assert_allclose(levels, np.rint(levels), atol=1e-3)  # on its 8-bit grid


def test_int8_mobilenet_layers_keep_more_than_25_db() -> None:
    result = verify_model(BUNDLED, int8=True, samples=4, seed=0)
    assert result.mode == "int8" and result.passed  # int8 reports, it does not fail
    for layer in result.layers:
        assert layer.local_sqnr_db is not None and layer.local_sqnr_db > 25, layer.name
        assert layer.sqnr_db is not None and layer.sqnr_db > 15, layer.name
    assert result.layers[0].sqnr_db == result.layers[0].local_sqnr_db  # the first layer: same
    assert 0 <= result.top1_matches <= result.samples == 4
    assert result.top1_agreement >= 0.75
