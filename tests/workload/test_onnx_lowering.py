"""One op family at a time: what each ONNX pattern lowers to, and that the folded
weights reproduce onnxruntime when the lowered layers are executed with numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from onnx import TensorProto, helper, numpy_helper

from accelsim.sim.work import ConvGeometry
from accelsim.workload.ir import Network
from accelsim.workload.onnx import load_onnx, supported_ops
from accelsim.workload.onnx.registry import lowering
from accelsim.workload.zoo import build_mobilenet, save_model

RNG = np.random.default_rng(1234)


# -- a numpy executor of the IR (independent of onnx) ---------------------------------------

def _windows(x: np.ndarray, g: ConvGeometry, fill: float) -> np.ndarray:
    top, left, bottom, right = g.pads
    padded = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)
    span = ((g.kernel_h - 1) * g.dilation_h + 1, (g.kernel_w - 1) * g.dilation_w + 1)
    win = sliding_window_view(padded, span, axis=(2, 3))
    win = win[:, :, ::g.stride_h, ::g.stride_w, ::g.dilation_h, ::g.dilation_w]
    return win[:, :, :g.out_h, :g.out_w]  # (1, C, out_h, out_w, kh, kw)


def _conv(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, g: ConvGeometry) -> np.ndarray:
    win = _windows(x, g, 0.0).reshape(1, g.groups, g.in_channels_per_group, g.out_h, g.out_w,
                                      g.kernel_h, g.kernel_w)
    wg = w.reshape(g.groups, g.out_channels // g.groups, *w.shape[1:])
    out = np.einsum("ngchwij,gocij->ngohw", win, wg).reshape(1, g.out_channels, g.out_h, g.out_w)
    return out if b is None else out + b.reshape(1, -1, 1, 1)


def run_network(net: Network, x: np.ndarray) -> np.ndarray:
    """Execute a lowered network with numpy from the IR alone (folded weights, geometry)."""
    tensors = {net.input_name: x.astype(np.float64)}
    for layer in net.layers:
        a = tensors[layer.inputs[0]].reshape(layer.input_shape)
        g = layer.geometry
        if layer.op in ("conv", "depthwise", "pointwise"):
            y = _conv(a, layer.weights, layer.bias, g)
        elif layer.op == "pool" and "Max" in layer.source_ops[0]:
            y = _windows(a, g, -np.inf).max(axis=(4, 5))
        elif layer.op == "pool":
            y = _windows(a, g, 0.0).mean(axis=(4, 5))  # count_include_pad=1
        elif layer.op == "fc":
            y = a.reshape(-1, layer.weights.shape[1]) @ layer.weights.T
            y = y if layer.bias is None else y + layer.bias
        elif layer.op == "softmax":
            e = np.exp(a - a.max(axis=-1, keepdims=True))
            y = e / e.sum(axis=-1, keepdims=True)
        elif layer.source_ops[0] == "BatchNormalization":
            shape = (1, -1) + (1,) * (a.ndim - 2)
            y = a * layer.weights.reshape(shape) + layer.bias.reshape(shape)
        else:
            y = a
        if str(layer.activation) == "relu":
            y = np.maximum(y, 0)
        elif layer.activation is not None and layer.activation.kind == "clip":
            lo, hi = layer.activation.params
            y = np.clip(y, lo, hi)
        tensors[layer.output] = y.reshape(layer.output_shape)
    return tensors[net.layers[-1].output]


def _check_against_onnxruntime(path: Path, in_shape: tuple[int, ...]) -> Network:
    x = RNG.standard_normal(in_shape).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"x": x})[0]
    net = load_onnx(path)
    got = run_network(net, x)
    np.testing.assert_allclose(got.reshape(expected.shape), expected, rtol=1e-4, atol=1e-5)
    return net


def test_lowered_mobilenet_executes_like_onnxruntime(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    save_model(build_mobilenet(alpha=0.5, rho=1.0, seed=5), path)
    x = RNG.standard_normal((1, 3, 28, 28)).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    expected = session.run(None, {"input": x})[0]
    np.testing.assert_allclose(run_network(load_onnx(path), x), expected, rtol=1e-4, atol=1e-6)


# -- building small graphs -------------------------------------------------------------------

def _init(name: str, value: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value), name)


def _save(tmp_path: Path, nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto],
          in_shape: tuple[int, ...], out_shape: tuple[int, ...], opset: int = 17) -> Path:
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=8)
    path = tmp_path / "g.onnx"
    onnx.save(model, path)
    return path


def _bn(prefix: str, channels: int, x: str,
        y: str) -> tuple[onnx.NodeProto, list[onnx.TensorProto]]:
    inits = [_init(f"{prefix}.g", RNG.uniform(0.5, 1.5, channels).astype(np.float32)),
             _init(f"{prefix}.b", RNG.normal(0, 0.5, channels).astype(np.float32)),
             _init(f"{prefix}.m", RNG.normal(0, 0.5, channels).astype(np.float32)),
             _init(f"{prefix}.v", RNG.uniform(0.2, 2.0, channels).astype(np.float32))]
    node = helper.make_node("BatchNormalization", [x] + [i.name for i in inits], [y],
                            name=f"{prefix}_bn", epsilon=1e-3)
    return node, inits


# -- Conv + BatchNormalization ----------------------------------------------------------------

CONV_CASES = {
    "3x3 s1 p1 no bias": dict(in_c=3, out_c=8, k=3, groups=1, bias=False,
                              attrs=dict(pads=[1, 1, 1, 1]), op="conv"),
    "3x3 s2 bias": dict(in_c=4, out_c=6, k=3, groups=1, bias=True,
                        attrs=dict(strides=[2, 2], pads=[1, 0, 1, 0]), op="conv"),
    "depthwise": dict(in_c=5, out_c=5, k=3, groups=5, bias=False,
                      attrs=dict(pads=[1, 1, 1, 1], strides=[2, 2]), op="depthwise"),
    "grouped dilated": dict(in_c=4, out_c=6, k=3, groups=2, bias=True,
                            attrs=dict(pads=[2, 1, 2, 1], dilations=[2, 2]), op="conv"),
    "pointwise": dict(in_c=6, out_c=4, k=1, groups=1, bias=False, attrs={}, op="pointwise"),
    "1x1 stride 2 is not pointwise": dict(in_c=6, out_c=4, k=1, groups=1, bias=False,
                                          attrs=dict(strides=[2, 2]), op="conv"),
}


@pytest.mark.parametrize("case", CONV_CASES.values(), ids=CONV_CASES.keys())
def test_batchnorm_folds_into_conv(tmp_path: Path, case: dict) -> None:
    in_c, out_c, k, groups = case["in_c"], case["out_c"], case["k"], case["groups"]
    inits = [_init("w", RNG.standard_normal((out_c, in_c // groups, k, k)).astype(np.float32))]
    conv_inputs = ["x", "w"]
    if case["bias"]:
        inits.append(_init("b", RNG.standard_normal(out_c).astype(np.float32)))
        conv_inputs.append("b")
    bn, bn_inits = _bn("bn", out_c, "c", "y")
    conv = helper.make_node("Conv", conv_inputs, ["c"], name="conv", group=groups,
                            **case["attrs"])
    out_hw = onnx.shape_inference.infer_shapes(helper.make_model(helper.make_graph(
        [conv], "s", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, in_c, 8, 8])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, None)], initializer=inits),
        opset_imports=[helper.make_opsetid("", 17)])).graph.output[0]
    out_shape = tuple(d.dim_value for d in out_hw.type.tensor_type.shape.dim)
    path = _save(tmp_path, [conv, bn], inits + bn_inits, (1, in_c, 8, 8), out_shape)
    net = _check_against_onnxruntime(path, (1, in_c, 8, 8))
    (layer,) = net.layers
    assert layer.op == case["op"]
    assert layer.source_ops == ("Conv", "BatchNormalization")
    assert (layer.name, layer.output) == ("conv", "y")
    assert layer.weight_params == out_c * (in_c // groups) * k * k
    assert layer.bias_params == out_c
    assert layer.geometry is not None and layer.geometry.groups == groups
    assert layer.macs == layer.geometry.conv_macs


@pytest.mark.parametrize(("auto_pad", "pads"), [("SAME_UPPER", (0, 0, 1, 1)),
                                                ("SAME_LOWER", (1, 1, 0, 0)),
                                                ("VALID", (0, 0, 0, 0))])
def test_auto_pad(tmp_path: Path, auto_pad: str, pads: tuple[int, ...]) -> None:
    w = _init("w", RNG.standard_normal((2, 3, 3, 3)).astype(np.float32))
    side = 3 if auto_pad != "VALID" else 2
    path = _save(tmp_path, [helper.make_node("Conv", ["x", "w"], ["y"], name="c", strides=[2, 2],
                                             auto_pad=auto_pad)], [w], (1, 3, 6, 6),
                 (1, 2, side, side))
    net = _check_against_onnxruntime(path, (1, 3, 6, 6))
    assert net.layers[0].geometry is not None and net.layers[0].geometry.pads == pads


# -- Gemm / MatMul ----------------------------------------------------------------------------

def test_gemm_with_alpha_beta_and_batchnorm_folds(tmp_path: Path) -> None:
    inits = [_init("B", RNG.standard_normal((6, 4)).astype(np.float32)),   # transB=0: (K, N)
             _init("C", RNG.standard_normal(4).astype(np.float32))]
    bn, bn_inits = _bn("bn", 4, "g", "y")
    gemm = helper.make_node("Gemm", ["x", "B", "C"], ["g"], name="fc", alpha=0.5, beta=2.0)
    net = _check_against_onnxruntime(_save(tmp_path, [gemm, bn], inits + bn_inits, (1, 6),
                                           (1, 4)), (1, 6))
    (layer,) = net.layers
    assert (layer.op, layer.weight_params, layer.bias_params, layer.macs) == ("fc", 24, 4, 24)
    assert layer.source_ops == ("Gemm", "BatchNormalization")
    assert layer.weights is not None and layer.weights.shape == (4, 6)  # (N, K)


def test_matmul_then_constant_add_is_one_fc_with_bias(tmp_path: Path) -> None:
    inits = [_init("W", RNG.standard_normal((6, 3)).astype(np.float32)),
             _init("bias", RNG.standard_normal(3).astype(np.float32))]
    nodes = [helper.make_node("MatMul", ["x", "W"], ["m"], name="mm"),
             helper.make_node("Add", ["bias", "m"], ["a"], name="add"),
             helper.make_node("Relu", ["a"], ["y"], name="relu")]
    net = _check_against_onnxruntime(_save(tmp_path, nodes, inits, (1, 6), (1, 3)), (1, 6))
    (layer,) = net.layers
    assert layer.source_ops == ("MatMul", "Add", "Relu")
    assert (layer.op, layer.weight_params, layer.bias_params, layer.macs) == ("fc", 18, 3, 18)
    assert str(layer.activation) == "relu"


def test_exporter_view_pattern_reshape_from_shape_arithmetic(tmp_path: Path) -> None:
    # x.view(x.size(0), -1) as torch.onnx writes it: Shape -> Gather -> Unsqueeze -> Concat.
    inits = [_init("w", RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)),
             _init("W", RNG.standard_normal((10, 64)).astype(np.float32)),
             _init("idx", np.array(0, np.int64)), _init("axes", np.array([0], np.int64))]
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1],
                              strides=[2, 2]),
             helper.make_node("Shape", ["c"], ["s"], name="shape"),
             helper.make_node("Gather", ["s", "idx"], ["n"], name="gather", axis=0),
             helper.make_node("Unsqueeze", ["n", "axes"], ["n1"], name="unsq"),
             helper.make_node("Constant", [], ["minus1"], name="const",
                              value=numpy_helper.from_array(np.array([-1], np.int64))),
             helper.make_node("Concat", ["n1", "minus1"], ["shp"], name="concat", axis=0),
             helper.make_node("Reshape", ["c", "shp"], ["flat"], name="reshape"),
             helper.make_node("Dropout", ["flat"], ["d"], name="drop"),
             helper.make_node("Identity", ["d"], ["i"], name="ident"),
             helper.make_node("Gemm", ["i", "W"], ["y"], name="fc", transB=1)]
    net = _check_against_onnxruntime(_save(tmp_path, nodes, inits, (1, 3, 8, 8), (1, 10)),
                                     (1, 3, 8, 8))
    conv, fc = net.layers
    assert fc.inputs == (conv.output,)  # the aliases resolve to the producing layer
    assert fc.input_shape == (1, 64) and fc.weight_params == 640


# -- activations, pools, unfoldable BN --------------------------------------------------------

@pytest.mark.parametrize(("bounds", "name"), [((0.0, 6.0), "clip(0,6)"), ((0.0, None), "relu"),
                                              ((-1.5, 2.0), "clip(-1.5,2)")])
def test_clip_is_fused_as_activation(tmp_path: Path, bounds: tuple[float, float | None],
                                     name: str) -> None:
    lo, hi = bounds
    inits = [_init("w", RNG.standard_normal((4, 3, 1, 1)).astype(np.float32) * 5),
             _init("lo", np.array(lo, np.float32))]
    clip_inputs = ["c", "lo"]
    if hi is not None:
        inits.append(_init("hi", np.array(hi, np.float32)))
        clip_inputs.append("hi")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("Clip", clip_inputs, ["y"], name="clip")]
    net = _check_against_onnxruntime(_save(tmp_path, nodes, inits, (1, 3, 4, 4), (1, 4, 4, 4)),
                                     (1, 3, 4, 4))
    assert [(layer.op, str(layer.activation)) for layer in net.layers] == [("pointwise", name)]


def test_relu_with_a_second_consumer_stays_a_layer(tmp_path: Path) -> None:
    w = _init("w", RNG.standard_normal((3, 3, 1, 1)).astype(np.float32))
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("Add", ["c", "r"], ["y"], name="add")]
    net = load_onnx(_save(tmp_path, nodes, [w], (1, 3, 4, 4), (1, 3, 4, 4)))
    conv, relu, add = net.layers
    assert conv.activation is None
    assert (relu.op, str(relu.activation), relu.inputs) == ("eltwise", "relu", ("c",))
    assert (add.op, add.inputs, add.macs, add.bias_params) == ("eltwise", ("c", "r"), 0, 0)


def test_unfoldable_batchnorm_is_an_eltwise_layer(tmp_path: Path) -> None:
    bn, inits = _bn("bn", 3, "x", "b")
    nodes = [bn, helper.make_node("Relu", ["b"], ["y"], name="relu")]
    net = _check_against_onnxruntime(_save(tmp_path, nodes, inits, (1, 3, 4, 4), (1, 3, 4, 4)),
                                     (1, 3, 4, 4))
    (layer,) = net.layers
    assert (layer.op, layer.source_ops, str(layer.activation)) == (
        "eltwise", ("BatchNormalization", "Relu"), "relu")
    assert (layer.weight_params, layer.bias_params, layer.macs) == (3, 3, 0)
    assert layer.work().vector_work == (("add", 48), ("mul", 48), ("max", 48))  # BN, then Relu


def test_max_and_global_average_pools(tmp_path: Path) -> None:
    nodes = [helper.make_node("MaxPool", ["x"], ["p"], name="max", kernel_shape=[3, 3],
                              strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("GlobalAveragePool", ["p"], ["y"], name="gap")]
    net = _check_against_onnxruntime(_save(tmp_path, nodes, [], (1, 4, 8, 8), (1, 4, 1, 1)),
                                     (1, 4, 8, 8))
    maxpool, gap = net.layers
    assert (maxpool.op, maxpool.output_shape, maxpool.macs) == ("pool", (1, 4, 4, 4), 0)
    assert maxpool.work().vector_work == (("max", 4 * 16 * 9),)
    assert maxpool.geometry is not None and maxpool.geometry.groups == 4
    assert (gap.op, gap.macs, gap.weight_params) == ("pool", 0, 0)
    assert gap.work().vector_work == (("add", 4 * 16), ("mul", 4))  # and a divide by 16 each


# -- graph order, registry ---------------------------------------------------------------------

def test_unsorted_graph_lowers_like_the_sorted_one(tmp_path: Path) -> None:
    model = build_mobilenet(alpha=0.25, rho=0.25)
    sorted_path = tmp_path / "sorted.onnx"
    save_model(model, sorted_path)
    nodes = list(model.graph.node)
    del model.graph.node[:]
    model.graph.node.extend(reversed(nodes))
    shuffled_path = tmp_path / "shuffled.onnx"
    save_model(model, shuffled_path)
    assert load_onnx(shuffled_path).layers == load_onnx(sorted_path).layers


def test_registry_is_explicit() -> None:
    ops = supported_ops()
    assert list(ops) == sorted(ops)
    for op in ("Conv", "BatchNormalization", "Relu", "Clip", "AveragePool", "MaxPool",
               "GlobalAveragePool", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity",
               "Dropout", "Gemm", "MatMul", "Add", "Softmax", "Constant"):
        assert op in ops
    with pytest.raises(ValueError, match="already has a lowering"):
        lowering("Conv")(lambda node, state: None)
