"""The paper's MobileNet as ONNX: valid, runnable, exporter-shaped, byte-for-byte reproducible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from accelsim.errors import ModelError
from accelsim.workload.zoo import build_mobilenet, save_model, scale_channels, scale_side

REPO = Path(__file__).resolve().parents[2]


def _run(model: onnx.ModelProto, side: int) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(7).standard_normal((1, 3, side, side)).astype(np.float32)
    return session.run(None, {"input": x})[0]


@pytest.mark.parametrize(("alpha", "rho", "side"), [(1.0, 1.0, 28), (0.5, 0.5, 14),
                                                    (0.75, 1.0, 28), (0.25, 0.25, 7)])
def test_model_is_valid_and_outputs_probabilities(alpha: float, rho: float, side: int) -> None:
    model = build_mobilenet(alpha=alpha, rho=rho)
    onnx.checker.check_model(model, full_check=True)
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == [1, 3, side, side]
    probabilities = _run(model, side)
    assert probabilities.shape == (1, 10)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert (probabilities >= 0).all()


def test_build_is_byte_for_byte_deterministic_and_seeded() -> None:
    first = build_mobilenet(alpha=0.75, rho=0.5, seed=3).SerializeToString()
    assert build_mobilenet(alpha=0.75, rho=0.5, seed=3).SerializeToString() == first
    assert build_mobilenet(alpha=0.75, rho=0.5, seed=4).SerializeToString() != first


def test_committed_model_is_the_default_build() -> None:
    committed = (REPO / "models" / "mobilenet_cifar10.onnx").read_bytes()
    assert committed == build_mobilenet(alpha=1.0, rho=1.0, seed=0).SerializeToString()


def test_graph_is_written_like_torch_onnx_export() -> None:
    model = build_mobilenet()
    assert model.producer_name == "accelsim"
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 17)]
    ops = [node.op_type for node in model.graph.node]
    assert ops == ["Conv", "BatchNormalization", "Relu"] * 27 + [
        "AveragePool", "Flatten", "Gemm", "Softmax"]
    names = [node.name for node in model.graph.node]
    assert names[:3] == ["/features/conv1/Conv", "/features/bn1/BatchNormalization",
                         "/features/relu1/Relu"]
    assert names[-4:] == ["/pool/AveragePool", "/Flatten", "/classifier/Gemm", "/Softmax"]
    initializers = {init.name: init for init in model.graph.initializer}
    for key in ("features.conv1.weight", "features.bn1.weight", "features.bn1.bias",
                "features.bn1.running_mean", "features.bn1.running_var",
                "features.dw2.weight", "features.pw27.weight", "classifier.weight",
                "classifier.bias"):
        assert initializers[key].data_type == onnx.TensorProto.FLOAT
    convs = [node for node in model.graph.node if node.op_type == "Conv"]
    assert all(len(node.input) == 2 for node in convs)  # bias=False, as PyTorch MobileNets
    groups = [next(a.i for a in node.attribute if a.name == "group") for node in convs]
    assert groups[:4] == [1, 32, 1, 64]
    for node in model.graph.node:
        if node.op_type == "BatchNormalization":
            epsilon = next(a for a in node.attribute if a.name == "epsilon")
            assert epsilon.f == pytest.approx(1e-5)
    variances = [onnx.numpy_helper.to_array(init) for name, init in initializers.items()
                 if name.endswith("running_var")]
    assert all((v > 0).all() for v in variances)
    pool = model.graph.node[-4]
    kernel = next(a for a in pool.attribute if a.name == "kernel_shape")
    assert list(kernel.ints) == [7, 7]


def test_multipliers_round_like_keras() -> None:
    assert scale_channels(32, 0.75) == 24
    assert scale_channels(100, 0.29) == 29  # not 28: float noise is guarded
    assert scale_channels(64, 0.3) == 19   # int(19.2)
    assert scale_channels(32, 0.01) == 1   # at least one channel
    assert scale_side(28, 0.5) == 14
    assert scale_side(28, 0.01) == 1


def test_save_model_writes_the_serialized_bytes(tmp_path: Path) -> None:
    model = build_mobilenet(alpha=0.25, rho=0.25)
    target = tmp_path / "m.onnx"
    save_model(model, target)
    assert target.read_bytes() == model.SerializeToString()
    with pytest.raises(ModelError, match="cannot write"):
        save_model(model, tmp_path / "missing-dir" / "m.onnx")


@pytest.mark.parametrize("kwargs", [{"alpha": 0}, {"rho": -1.0}, {"alpha": float("nan")},
                                    {"num_classes": 0}])
def test_bad_multipliers_are_model_errors(kwargs: dict[str, float]) -> None:
    with pytest.raises(ModelError, match="build_mobilenet"):
        build_mobilenet(**kwargs)  # type: ignore[arg-type]
