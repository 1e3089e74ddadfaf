"""accelsim's numpy execution of its IR agrees with onnxruntime, op pattern by op pattern,
on the edge zoo, and on int8 models written by onnxruntime's own QDQ quantiser."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from accelsim.functional import DEFAULT_TOLERANCE, execute, verify_model, verify_network
from accelsim.functional.reference import reference_tensors
from accelsim.workload.onnx import load_onnx
from accelsim.workload.zoo import save_model
from accelsim.workload.zoo_edge import EDGE_MODELS, mobilenet_v2

RNG = np.random.default_rng(2024)


def _init(name: str, value: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value), name)


def _w(name: str, *shape: int) -> onnx.TensorProto:
    return _init(name, RNG.standard_normal(shape).astype(np.float32))


def _save(tmp_path: Path, nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto],
          in_shape: list[int], opset: int = 17) -> Path:
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=8)
    inferred = onnx.shape_inference.infer_shapes(model)
    model.graph.output[0].CopyFrom(inferred.graph.output[0])  # the checker wants a shape
    path = tmp_path / "g.onnx"
    onnx.save(model, path)
    return path


def _node(op: str, inputs: list[str], output: str = "y", **attrs: object) -> onnx.NodeProto:
    return helper.make_node(op, inputs, [output], name=f"the_{op.lower()}_{output}", **attrs)


PATTERNS: dict[str, tuple[list[onnx.NodeProto], list[onnx.TensorProto], list[int], int]] = {
    "avgpool pads count_include_pad=0 ceil": (
        [_node("AveragePool", ["x"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 0, 0, 1],
               ceil_mode=1)], [], [1, 3, 7, 6], 17),
    "avgpool pads count_include_pad=1": (
        [_node("AveragePool", ["x"], kernel_shape=[2, 3], strides=[1, 2], pads=[0, 1, 1, 1],
               count_include_pad=1)], [], [1, 3, 6, 6], 17),
    "maxpool ceil dilations": (
        [_node("MaxPool", ["x"], kernel_shape=[2, 2], strides=[2, 2], dilations=[2, 1],
               ceil_mode=1)], [], [1, 2, 7, 7], 17),
    "depthwise with channel multiplier": (
        [_node("Conv", ["x", "w"], group=3, pads=[1, 1, 1, 1], strides=[2, 1])],
        [_w("w", 6, 1, 3, 3)], [1, 3, 7, 6], 17),
    "grouped dilated asymmetric pads": (
        [_node("Conv", ["x", "w", "b"], group=2, pads=[0, 2, 1, 0], dilations=[2, 1])],
        [_w("w", 4, 2, 3, 3), _w("b", 4)], [1, 4, 7, 7], 17),
    "matmul without bias on a sequence": (
        [_node("MatMul", ["x", "w"])], [_w("w", 5, 3)], [1, 4, 5], 17),
    "unfolded batchnorm": (
        [_node("BatchNormalization", ["x", "g", "b", "m", "v"], epsilon=1e-3)],
        [_w("g", 3), _w("b", 3), _w("m", 3), _init("v", np.full(3, 0.7, np.float32))],
        [1, 3, 4, 4], 17),
    "sub and div with a constant first": (
        [_node("Sub", ["k", "x"], "s"), _node("Div", ["s", "d"]), ],
        [_init("k", np.float32(1.5)), _init("d", np.full((1, 3, 1, 1), 4.0, np.float32))],
        [1, 3, 4, 4], 17),
    "sigmoid, leaky relu, hardswish, hardsigmoid": (
        [_node("Sigmoid", ["x"], "a"), _node("Mul", ["a", "x"], "m"),
         _node("LeakyRelu", ["m"], "l", alpha=0.1), _node("HardSwish", ["l"], "h"),
         _node("HardSigmoid", ["h"], alpha=0.3, beta=0.4)], [], [1, 2, 3, 3], 17),
    "softmax over flattened axes (opset 11)": (
        [_node("Softmax", ["x"], axis=1)], [], [1, 2, 3, 3], 11),
    "concat of a conv and a pool on axis 1": (
        [_node("Conv", ["x", "w"], "c", pads=[1, 1, 1, 1]),
         _node("MaxPool", ["x"], "p", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         _node("Concat", ["p", "c"], axis=-3)], [_w("w", 2, 3, 3, 3)], [1, 3, 5, 5], 17),
    "split, slice with steps, transpose": (
        [helper.make_node("Split", ["x", "parts"], ["s0", "s1"], name="split", axis=2),
         _node("Slice", ["s1", "st", "en", "ax", "sp"], "sl"),
         _node("Transpose", ["sl"], "t", perm=[0, 2, 3, 1]), _node("Relu", ["s0"], "r"),
         _node("Transpose", ["r"], "rt", perm=[0, 3, 1, 2]),
         _node("Concat", ["t", "rt"], axis=1)],
        [_init("parts", np.array([2, 4], np.int64)), _init("st", np.array([3, 0], np.int64)),
         _init("en", np.array([-100, 9], np.int64)), _init("ax", np.array([2, 3], np.int64)),
         _init("sp", np.array([-1, 2], np.int64))], [1, 2, 6, 4], 17),
}


@pytest.mark.parametrize("case", PATTERNS.values(), ids=PATTERNS.keys())
def test_op_pattern_agrees_with_onnxruntime(tmp_path: Path, case: tuple) -> None:
    nodes, inits, in_shape, opset = case
    result = verify_model(_save(tmp_path, nodes, inits, in_shape, opset), samples=2)
    assert result.passed, result.failed_layers
    assert max(layer.max_rel_error for layer in result.layers) < 1e-5


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zoo")
    paths = {}
    for name, build in EDGE_MODELS.items():
        paths[name] = folder / f"{name}.onnx"
        save_model(build(side=32, num_classes=10) if name == "mobilenet_v2" else build(),
                   paths[name])
    return paths


@pytest.mark.parametrize("name", sorted(EDGE_MODELS))
def test_edge_networks_agree_with_onnxruntime(zoo: dict[str, Path], name: str) -> None:
    result = verify_model(zoo[name], samples=2)
    assert result.passed, result.failed_layers
    assert result.top1_agreement == 1.0
    assert result.output_max_abs_error <= result.output_allowed_abs_error
    assert len(result.layers) == len(load_onnx(zoo[name]).layers)


def test_mobilenet_v3_below_opset_14_decomposes_hardswish(tmp_path: Path) -> None:
    path = tmp_path / "v3_13.onnx"
    save_model(EDGE_MODELS["mobilenet_v3_small"](opset=13), path)
    result = verify_model(path, samples=1)
    assert result.passed
    assert any(layer.op == "eltwise" and layer.name.endswith("Mul") for layer in result.layers)


def test_full_size_mobilenet_v2_agrees_with_onnxruntime(tmp_path: Path) -> None:
    path = tmp_path / "mobilenet_v2.onnx"
    save_model(mobilenet_v2(), path)
    result = verify_model(path, samples=1)
    assert result.passed and len(result.layers) == 56


def test_a_layer_that_computes_something_else_fails_by_name(tmp_path: Path) -> None:
    """The comparison catches a wrong layer: the IR with one bias off by 1 % of its scale."""
    path = tmp_path / "m.onnx"
    save_model(EDGE_MODELS["resnet_small"](), path)
    net = load_onnx(path)
    victim = next(layer for layer in net.layers[3:] if layer.op == "conv")
    assert victim.bias is not None
    wrong = replace(victim, bias=victim.bias + 0.01 * float(np.abs(victim.bias).max()) + 0.01)
    layers = tuple(wrong if layer is victim else layer for layer in net.layers)
    result = verify_network(replace(net, layers=layers), path)
    assert not result.passed
    assert [layer.name for layer in result.failed_layers] == [victim.name]  # its own error only
    after = net.layers.index(victim) + 1
    assert result.layers[after].chained_max_abs_error > DEFAULT_TOLERANCE.atol  # it propagates


def test_reference_exposes_fused_outputs_under_their_onnx_names(zoo: dict[str, Path]) -> None:
    net = load_onnx(zoo["resnet_small"])
    sample = np.random.default_rng(0).standard_normal(net.input_shape).astype(np.float32)
    (refs,) = reference_tensors(zoo["resnet_small"], net, sample[None])
    first = net.layers[0]
    assert first.source_ops == ("Conv", "BatchNormalization", "Relu")
    assert first.output.endswith("Relu_output_0")
    ours = execute(net, sample)
    np.testing.assert_allclose(ours[first.output], refs[first.output], rtol=1e-4, atol=1e-5)


# -- int8 models written by onnxruntime's quantiser (QDQ format) ----------------------------

@pytest.mark.parametrize(("name", "per_channel"), [("resnet_small", False),
                                                   ("mobilenet_v3_small", True),
                                                   ("shufflenet_small", False),
                                                   ("tf_mobilenet_nhwc", True)])
def test_onnxruntime_qdq_models_load_simulate_and_agree(zoo: dict[str, Path], tmp_path: Path,
                                                       name: str, per_channel: bool) -> None:
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    net = load_onnx(zoo[name])
    rng = np.random.default_rng(0)
    feeds = [{net.input_name: rng.standard_normal(net.input_shape).astype(np.float32)}
             for _ in range(4)]

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = iter(feeds)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self.feeds, None)

    path = tmp_path / f"{name}_qdq.onnx"
    quantize_static(zoo[name], path, Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=per_channel, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8)
    qnet = load_onnx(path)
    weighted = [layer for layer in qnet.layers if layer.op in ("conv", "depthwise", "pointwise")]
    assert weighted and all(layer.weight_quant is not None for layer in weighted)
    assert all(layer.output_quant is not None for layer in qnet.layers)
    assert all((layer.weight_quant.axis is not None) == per_channel  # type: ignore[union-attr]
               for layer in weighted)
    assert sorted(layer.macs for layer in weighted) == sorted(
        layer.macs for layer in net.layers if layer.op in ("conv", "depthwise", "pointwise"))
    result = verify_model(path, samples=2)
    assert result.passed, result.failed_layers
    int8 = verify_model(path, samples=2, int8=True)
    assert int8.mode == "int8" and int8.top1_agreement == 1.0
