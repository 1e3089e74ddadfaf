"""The torchvision exports in models/torchvision/ (models/export/torchvision_fixtures.py):
each loads as the network torchvision defines, with its published totals. (ShuffleNet's
file waits for the loader to fold torch's chunk pattern, Shape/Gather/Add/Div/Mul into
Slice: see tests/sim/test_no_spill_16mb.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim import load_model

TORCHVISION = Path(__file__).resolve().parents[2] / "models" / "torchvision"

# Parameters once BatchNormalization is folded (one bias per normalised channel, where
# torchvision counts a scale and a shift: MobileNetV2's 3,504,872 less its 17,056 BN
# channels), and MACs of the matrix products at 224x224.
TOTALS = {
    "mobilenet_v2_224": (3_487_816, 300_774_272),
    "mnasnet0_5_224": (940_010, 103_188_768),
    "squeezenet1_1_224": (727_626, 263_489_216),
}


@pytest.mark.parametrize("name", sorted(TOTALS))
def test_fixture_is_torchvisions_network(name: str) -> None:
    network = load_model(str(TORCHVISION / f"{name}.onnx"))
    assert network.input_shape == (1, 3, 224, 224)
    assert (network.total_params, network.total_macs) == TOTALS[name]

