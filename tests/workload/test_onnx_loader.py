"""load_onnx on the paper's MobileNet (checked against Table 1) and on broken files."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from accelsim.errors import ModelError, UnsupportedOpError
from accelsim.sim.work import ConvGeometry
from accelsim.workload import load_model
from accelsim.workload.ir import Network
from accelsim.workload.onnx import load_onnx, supported_ops
from accelsim.workload.zoo import build_mobilenet, save_model

DATA = Path(__file__).resolve().parents[2] / "accelsim" / "data" / "paper"
REPO = Path(__file__).resolve().parents[2]


def _table1() -> list[dict[str, int | str]]:
    with (DATA / "table1_layers.csv").open(newline="") as handle:
        return [{k: (v if k in ("name", "type") else int(v)) for k, v in row.items()}
                for row in csv.DictReader(handle)]


def _load_built(tmp_path: Path, **kwargs: float) -> Network:
    path = tmp_path / "mobilenet.onnx"
    save_model(build_mobilenet(**kwargs), path)  # type: ignore[arg-type]
    return load_onnx(path)


# -- the paper's network ------------------------------------------------------------------

def test_paper_mobilenet_matches_table1_layer_by_layer() -> None:
    net = load_model(REPO / "models" / "mobilenet_cifar10.onnx")
    assert (net.name, net.input_name, net.input_shape) == ("mobilenet_cifar10", "input",
                                                           (1, 3, 28, 28))
    assert len(net.layers) == 30
    convs = net.layers[:27]
    for layer, row in zip(convs, _table1(), strict=True):
        in_c, out_c, k, s, p = (row[key] for key in ("in_channels", "out_channels", "kernel",
                                                     "stride", "padding"))
        side_in = row["in_h"]
        side_out = (side_in + 2 * p - k) // s + 1
        per_group = 1 if row["type"] == "depthwise" else in_c
        assert layer.op == row["type"], layer.name
        assert layer.input_shape == (1, in_c, side_in, side_in), layer.name
        assert layer.output_shape == (1, out_c, side_out, side_out), layer.name
        assert layer.weight_params == out_c * per_group * k * k, layer.name
        assert layer.bias_params == out_c  # the folded BatchNormalization
        assert layer.macs == side_out * side_out * out_c * per_group * k * k, layer.name
        assert layer.source_ops == ("Conv", "BatchNormalization", "Relu")
        assert str(layer.activation) == "relu" and layer.rows == "window"
        assert layer.weights is not None and layer.weights.dtype == np.float32
    assert convs[0].weight_params == 864
    assert convs[3].output_shape == (1, 64, 14, 14)  # stride 2 (the paper's tables ignore it)
    pool, fc, softmax = net.layers[27:]
    assert (pool.op, pool.macs, pool.weight_params, pool.output_shape) == (
        "pool", 0, 0, (1, 256, 1, 1))
    assert pool.work().vector_work == (("add", 7 * 7 * 256), ("mul", 256))  # MACs: matrices
    assert pool.geometry == ConvGeometry(in_channels=256, out_channels=256, in_h=7, in_w=7,
                                         out_h=1, out_w=1, kernel_h=7, kernel_w=7, groups=256)
    assert (fc.op, fc.weight_params, fc.bias_params, fc.macs) == ("fc", 2560, 10, 2560)
    assert fc.geometry is not None
    assert (fc.geometry.in_channels, fc.geometry.out_channels) == (256, 10)
    assert (softmax.op, softmax.macs, softmax.weight_params, softmax.output) == (
        "softmax", 0, 0, "output")
    assert (pool.rows, fc.rows, softmax.rows) == ("window", "same", "same")  # rows: the batch
    # The schedule is a chain: each layer reads the previous layer's output.
    assert net.layers[0].inputs == ("input",)
    for before, after in zip(net.layers, net.layers[1:], strict=False):
        assert after.inputs == (before.output,)


def _separable_macs(alpha: float, side: int, num_classes: int = 10) -> tuple[int, int]:
    """The paper's cost, D_K^2 M D_F^2 + M N D_F^2 per block, and the conv weight count."""
    c = lambda n: max(1, int(n * alpha + 1e-9))  # noqa: E731
    rows = _table1()
    first = rows[0]
    side_out = side  # conv1 is stride 1, pad 1
    macs = 9 * 3 * c(first["out_channels"]) * side_out ** 2
    weights = 9 * 3 * c(first["out_channels"])
    for dw, pw in zip(rows[1::2], rows[2::2], strict=True):
        m, n = c(dw["in_channels"]), c(pw["out_channels"])
        side_out = (side + 2 - 3) // dw["stride"] + 1
        macs += 3 * 3 * m * side_out ** 2 + m * n * side_out ** 2
        weights += 9 * m + m * n
        side = side_out
    return macs, weights


@pytest.mark.parametrize(("alpha", "rho", "side"), [(0.5, 0.5, 14), (0.75, 1.0, 28),
                                                    (1.0, 0.5, 14), (0.25, 0.25, 7)])
def test_width_and_resolution_multipliers_scale_as_the_paper_says(
        tmp_path: Path, alpha: float, rho: float, side: int) -> None:
    net = _load_built(tmp_path, alpha=alpha, rho=rho)
    convs = net.layers[:27]
    assert net.input_shape == (1, 3, side, side)
    for layer, row in zip(convs, _table1(), strict=True):
        assert layer.output_shape[1] == max(1, int(row["out_channels"] * alpha + 1e-9))
    macs, weights = _separable_macs(alpha, side)
    assert sum(layer.macs for layer in convs) == macs
    assert sum(layer.weight_params for layer in convs) == weights
    final = convs[-1].output_shape
    pool = net.layers[27]
    assert pool.geometry is not None and pool.geometry.kernel_h == final[2]  # covers the map
    assert pool.macs == 0 and pool.work().vector_ops == final[1] * (final[2] * final[3] + 1)
    assert net.layers[28].weight_params == final[1] * 10


def test_half_width_half_resolution_halves_channels_and_side(tmp_path: Path) -> None:
    net = _load_built(tmp_path, alpha=0.5, rho=0.5)
    assert net.layers[0].output_shape == (1, 16, 14, 14)
    assert net.layers[3].output_shape == (1, 32, 7, 7)
    assert net.layers[26].output_shape == (1, 128, 4, 4)


# -- bad files ------------------------------------------------------------------------------

def _assert_one_line(err: pytest.ExceptionInfo[BaseException], *parts: str) -> None:
    message = str(err.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, (part, message)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_onnx(tmp_path / "nope.onnx")
    _assert_one_line(err, "nope.onnx", "no such file")
    with pytest.raises(ModelError) as err:
        load_onnx(tmp_path)
    _assert_one_line(err, str(tmp_path), "not a file")


def test_truncated_file(tmp_path: Path) -> None:
    data = (REPO / "models" / "mobilenet_cifar10.onnx").read_bytes()
    path = tmp_path / "half.onnx"
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(ModelError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path))


@pytest.mark.parametrize("payload", [b"\x00\xff" * 500, b"this is not a protobuf at all\n",
                                     b""])
def test_garbage_bytes(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "garbage.onnx"
    path.write_bytes(payload)
    with pytest.raises(ModelError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path))


def _small_model(nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto],
                 in_shape: list[int | str], out_shape: list[int | str],
                 out_name: str = "y") -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_shape)],
        initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


@pytest.mark.parametrize("op", ["Hardmax", "LSTM"])
def test_unsupported_op_names_node_op_file_and_supported_ops(tmp_path: Path, op: str) -> None:
    w = onnx.numpy_helper.from_array(np.ones((4, 3, 1, 1), np.float32), "w")
    if op == "Hardmax":
        tail = [helper.make_node("Hardmax", ["h"], ["y"], name="the_hardmax")]
        inits = [w]
        in_shape: list[int | str] = [1, 3, 5, 5]
    else:
        inits = [onnx.numpy_helper.from_array(np.ones((1, 8, 4), np.float32), "W"),
                 onnx.numpy_helper.from_array(np.ones((1, 8, 2), np.float32), "R")]
        tail = [helper.make_node("LSTM", ["x", "W", "R"], ["y"], name="the_lstm",
                                 hidden_size=2)]
        in_shape = [1, 1, 4]
    nodes = ([helper.make_node("Conv", ["x", "w"], ["h"], name="c")] if op == "Hardmax" else []) + tail
    path = tmp_path / f"{op}.onnx"
    out_shape = [1, 4, 5, 5] if op == "Hardmax" else [1, 1, 1, 2]
    onnx.save(_small_model(nodes, inits, in_shape, out_shape), path)
    with pytest.raises(UnsupportedOpError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path), f"the_{op.lower()}", repr(op), "Conv, ", "Softmax")
    assert ", ".join(supported_ops()) in str(err.value)


def test_symbolic_non_batch_dim_is_an_error(tmp_path: Path) -> None:
    w = onnx.numpy_helper.from_array(np.ones((4, 3, 1, 1), np.float32), "w")
    model = _small_model([helper.make_node("Conv", ["x", "w"], ["y"], name="c")], [w],
                         ["N", 3, "height", 5], ["N", 4, "height", 5])
    path = tmp_path / "dyn.onnx"
    onnx.save(model, path)
    with pytest.raises(ModelError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path), "'x'", "dim 2", "'height'")


def test_symbolic_batch_is_taken_as_one(tmp_path: Path) -> None:
    w = onnx.numpy_helper.from_array(np.ones((4, 3, 1, 1), np.float32), "w")
    model = _small_model([helper.make_node("Conv", ["x", "w"], ["y"], name="c")], [w],
                         ["batch", 3, 5, 5], ["batch", 4, 5, 5])
    path = tmp_path / "batch.onnx"
    onnx.save(model, path)
    net = load_onnx(path)
    assert net.input_shape == (1, 3, 5, 5)
    assert net.layers[0].output_shape == (1, 4, 5, 5)


def test_model_failing_the_checker(tmp_path: Path) -> None:
    # Conv reading a tensor that nothing produces.
    model = _small_model([helper.make_node("Conv", ["x", "w_missing"], ["y"], name="c")], [],
                         [1, 3, 5, 5], [1, 4, 5, 5])
    path = tmp_path / "bad.onnx"
    onnx.save(model, path)
    with pytest.raises(ModelError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path), "not a valid ONNX model")


def test_missing_external_data(tmp_path: Path) -> None:
    path = tmp_path / "ext.onnx"
    onnx.save(build_mobilenet(alpha=0.25, rho=0.25), path, save_as_external_data=True,
              all_tensors_to_one_file=True, location="ext.data", size_threshold=0)
    assert load_onnx(path).layers  # loads with its data file
    (tmp_path / "ext.data").unlink()
    with pytest.raises(ModelError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path))


def test_cycle_is_an_error(tmp_path: Path) -> None:
    model = _small_model([helper.make_node("Relu", ["b"], ["a"], name="r1"),
                          helper.make_node("Relu", ["a"], ["b"], name="r2"),
                          helper.make_node("Relu", ["x"], ["y"], name="r3")], [], [1, 3], [1, 3])
    path = tmp_path / "cycle.onnx"
    onnx.save(model, path)
    with pytest.raises(ModelError) as err:
        load_onnx(path)
    _assert_one_line(err, str(path), "cycle", "'r1'")


def test_load_model_rejects_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "model.pt")
    _assert_one_line(err, "model.pt", ".csv", ".onnx")
