"""Export the torchvision networks the residency tests run, with random weights.

Run with a Python that has torch, torchvision and onnx (CI never needs them):

    python models/export/torchvision_fixtures.py [OUT_DIR]   # default: models/torchvision/

Each network is torchvision's own module, untrained (``weights=None``), its
weights drawn from torch's default initialisers after ``torch.manual_seed(0)``,
in eval mode (BatchNormalization folded into the convolutions, Dropout gone),
exported by the classic TorchScript exporter at opset 13 with a 1x3x224x224
input. Layouts are torchvision's, so the layer graph (branches, residual Adds,
Fire-module Concats, channel shuffles) is what a user exporting these models
gets. Reduced widths (``mnasnet0_5``, ``shufflenet_v2_x0_5``) and a 10-class
classifier keep those files small (the classifier is most of their weights);
MobileNetV2 is torchvision's full network (width 1.0, 1000 classes, about
14 MB), the one users export first. The files live in models/torchvision/, outside
the wheel's package data (``models/*.onnx``).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

# torchvision's wheel registers fake kernels for its compiled detection ops on import;
# with a CPU-only torch the compiled library does not load and the import fails. The
# classification models used here need none of those ops.
sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))

import torch  # noqa: E402
from torchvision import models  # noqa: E402

FIXTURES = {
    "mobilenet_v2_224.onnx": lambda: models.mobilenet_v2(weights=None),
    "mnasnet0_5_224.onnx": lambda: models.mnasnet0_5(weights=None, num_classes=10),
    "squeezenet1_1_224.onnx": lambda: models.squeezenet1_1(weights=None, num_classes=10),
    "shufflenet_v2_x0_5_224.onnx": lambda: models.shufflenet_v2_x0_5(weights=None,
                                                                     num_classes=10),
}


def export(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, build in FIXTURES.items():
        torch.manual_seed(0)
        model = build().eval()
        x = torch.randn(1, 3, 224, 224)
        path = out_dir / name
        torch.onnx.export(model, (x,), str(path), input_names=["input"],
                          output_names=["output"], opset_version=13, dynamo=False,
                          do_constant_folding=True)
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    export(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "torchvision")
