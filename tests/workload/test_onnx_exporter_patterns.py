"""What each exporter's patterns lower to: data-movement layers, the NHWC input transpose,
global pooling by ReduceMean, hard activations, and QDQ quantisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from accelsim.errors import ModelError
from accelsim.workload.ir import QuantParams
from accelsim.workload.onnx import load_onnx
from accelsim.workload.zoo_edge import shufflenet_small, tf_mobilenet_nhwc

RNG = np.random.default_rng(99)


def _init(name: str, value: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value), name)


def _save(tmp_path: Path, nodes: list[onnx.NodeProto], inits: list[onnx.TensorProto],
          in_shape: list[int | str], out_shape: list[int | str] | None = None,
          opset: int = 17) -> Path:
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], initializer=inits)
    path = tmp_path / "g.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                ir_version=8), path)
    return path


def _w(name: str, *shape: int) -> onnx.TensorProto:
    return _init(name, RNG.standard_normal(shape).astype(np.float32))


def test_tf2onnx_nhwc_input_transpose_becomes_the_network_input_perm(tmp_path: Path) -> None:
    path = tmp_path / "tf.onnx"
    onnx.save(tf_mobilenet_nhwc(), path)
    net = load_onnx(path)
    assert net.input_shape == (1, 32, 32, 3) and net.input_perm == (0, 3, 1, 2)
    first = net.layers[0]
    assert first.inputs == ("input_1",) and first.input_shape == (1, 3, 32, 32)
    assert first.geometry is not None and first.geometry.pads == (0, 0, 1, 1)  # asymmetric
    assert str(first.activation) == "clip(0,6)"
    back = next(layer for layer in net.layers if layer.source_ops == ("Transpose",))
    assert back.attr("perm") == (0, 2, 3, 1) and back.macs == 0
    mean = next(layer for layer in net.layers if layer.source_ops == ("ReduceMean",))
    assert (mean.op, mean.attr("axes"), mean.output_shape) == ("pool", (1, 2), (1, 64))
    fc = net.layers[-2]
    assert (fc.op, fc.source_ops, fc.bias_params) == ("fc", ("MatMul", "Add"), 10)


def test_transpose_of_size_one_axes_is_an_alias(tmp_path: Path) -> None:
    nodes = [helper.make_node("GlobalAveragePool", ["x"], ["p"], name="gap"),
             helper.make_node("Transpose", ["p"], ["t"], name="t", perm=[0, 2, 3, 1]),
             helper.make_node("Relu", ["t"], ["y"], name="relu")]
    net = load_onnx(_save(tmp_path, nodes, [], [1, 4, 3, 3], [1, 1, 1, 4]))
    (pool,) = net.layers
    assert str(pool.activation) == "relu" and pool.output == "y"


def test_shufflenet_split_slice_shuffle_and_concat(tmp_path: Path) -> None:
    path = tmp_path / "shuffle.onnx"
    onnx.save(shufflenet_small(), path)
    net = load_onnx(path)
    kinds = [layer.source_ops[0] for layer in net.layers if layer.op == "movement"]
    assert kinds.count("Split") == 2 and kinds.count("Slice") == 2
    assert kinds.count("Concat") == 4 and kinds.count("Transpose") == 4
    split = next(layer for layer in net.layers if layer.source_ops == ("Split",))
    assert split.name.endswith(":0") and split.attr("axes") == (1,)
    shuffle = next(layer for layer in net.layers if layer.source_ops == ("Transpose",))
    assert len(shuffle.input_shape) == 5 and shuffle.attr("perm") == (0, 2, 1, 3, 4)
    mean = next(layer for layer in net.layers if layer.source_ops == ("ReduceMean",))
    assert mean.output_shape == (1, 128) and mean.op == "pool"
    assert net.layers[-1].source_ops == ("MatMul",) and net.layers[-1].bias is None


@pytest.mark.parametrize(("axes", "ok"), [([2, 3], True), ([-1, -2], True), ([1], False),
                                          ([1, 2, 3], False)])
def test_reduce_mean_is_global_pooling_over_spatial_axes_only(tmp_path: Path, axes: list[int],
                                                              ok: bool) -> None:
    nodes = [helper.make_node("ReduceMean", ["x"], ["y"], name="mean", axes=axes, keepdims=1)]
    out = [1, 4, 5, 5]
    for axis in axes:
        out[axis] = 1
    path = _save(tmp_path, nodes, [], [1, 4, 5, 5], out)
    if ok:
        (layer,) = load_onnx(path).layers
        assert (layer.op, layer.macs, layer.output_shape) == ("pool", 0, (1, 4, 1, 1))
        assert layer.work().vector_ops == 4 * 25 + 4  # an add per element, a multiply each
    else:
        with pytest.raises(ModelError, match="'mean' .*spatial axes"):
            load_onnx(path)


def test_hard_activations_fuse_and_squeeze_excitation_mul_broadcasts(tmp_path: Path) -> None:
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("HardSwish", ["c"], ["h"], name="hs"),
             helper.make_node("GlobalAveragePool", ["h"], ["p"], name="gap"),
             helper.make_node("Conv", ["p", "w2"], ["s"], name="fc"),
             helper.make_node("HardSigmoid", ["s"], ["g"], name="gate", alpha=0.2, beta=0.5),
             helper.make_node("Mul", ["h", "g"], ["y"], name="se")]
    net = load_onnx(_save(tmp_path, nodes, [_w("w", 4, 3, 1, 1), _w("w2", 4, 4, 1, 1)],
                          [1, 3, 5, 5], [1, 4, 5, 5]))
    conv, gap, fc, mul = net.layers
    assert str(conv.activation) == "hardswish" and str(fc.activation) == "hardsigmoid(0.2,0.5)"
    assert mul.inputs == ("h", "g") and mul.input_shapes == ((1, 4, 5, 5), (1, 4, 1, 1))
    assert (mul.macs, mul.work().vector_ops, mul.input_elems) == (0, 100, 104)


def test_constant_operands_are_kept_for_execution(tmp_path: Path) -> None:
    nodes = [helper.make_node("Constant", [], ["k"], name="k",
                              value=numpy_helper.from_array(np.array(2.0, np.float32))),
             helper.make_node("Sub", ["k", "x"], ["y"], name="sub")]
    (layer,) = load_onnx(_save(tmp_path, nodes, [], [1, 3], [1, 3])).layers
    assert layer.attr("const_input") == 0 and layer.bias is not None and layer.bias == 2.0


def test_gather_on_an_activation_is_an_error_naming_it(tmp_path: Path) -> None:
    nodes = [helper.make_node("Gather", ["x", "i"], ["y"], name="pick", axis=1)]
    with pytest.raises(ModelError, match="'pick' \\(Gather\\): supported only on constants"):
        load_onnx(_save(tmp_path, nodes, [_init("i", np.array([0], np.int64))], [1, 3],
                        [1, 1]))


def test_symbolic_sizes_are_fixed_by_a_given_input_shape(tmp_path: Path) -> None:
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", pads=[1, 1, 1, 1])]
    path = _save(tmp_path, nodes, [_w("w", 2, 3, 3, 3)], ["N", 3, "H", "W"], ["N", 2, "H", "W"])
    with pytest.raises(ModelError, match="dim 2 is symbolic"):
        load_onnx(path)
    (layer,) = load_onnx(path, (1, 3, 6, 7)).layers
    assert layer.output_shape == (1, 2, 6, 7)
    with pytest.raises(ModelError, match="dim 1 is 3, the given input has 4"):
        load_onnx(path, (1, 4, 6, 7))


# -- QDQ ---------------------------------------------------------------------------------------

def _qdq_graph(tmp_path: Path, dq_scale: float = 0.05) -> Path:
    w = RNG.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)
    inits = [_init("w_q", w), _init("w_s", np.array(0.01, np.float32)),
             _init("w_z", np.array(0, np.int8)),
             _init("x_s", np.array(0.02, np.float32)), _init("x_z", np.array(128, np.uint8)),
             _init("y_s", np.array(0.05, np.float32)), _init("y_z", np.array(0, np.uint8)),
             _init("y_s2", np.array(dq_scale, np.float32))]
    nodes = [helper.make_node("QuantizeLinear", ["x", "x_s", "x_z"], ["xq"], name="qx"),
             helper.make_node("DequantizeLinear", ["xq", "x_s", "x_z"], ["xd"], name="dqx"),
             helper.make_node("DequantizeLinear", ["w_q", "w_s", "w_z"], ["wd"], name="dqw"),
             helper.make_node("Conv", ["xd", "wd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("QuantizeLinear", ["r", "y_s", "y_z"], ["rq"], name="qr"),
             helper.make_node("DequantizeLinear", ["rq", "y_s2", "y_z"], ["y"], name="dqr")]
    return _save(tmp_path, nodes, inits, [1, 3, 6, 6], [1, 4, 6, 6])


def test_qdq_pairs_set_the_precision_of_the_layers(tmp_path: Path) -> None:
    quant, conv = load_onnx(_qdq_graph(tmp_path)).layers
    assert (quant.op, quant.source_ops, quant.inputs, quant.output) == (
        "eltwise", ("QuantizeLinear",), ("x",), "xq")
    assert quant.output_quant == QuantParams(scale=(0.019999999552965164,), zero_point=(128,),
                                             bits=8, signed=False)
    assert conv.source_ops == ("Conv", "Relu", "QuantizeLinear") and str(conv.activation) == "relu"
    assert conv.inputs == ("xq",) and conv.output == "rq"
    assert conv.output_quant is not None and conv.output_quant.zero_point == (0,)
    assert conv.weight_quant is not None and conv.weight_quant.signed
    assert conv.weight_quant.scale == (0.009999999776482582,)
    assert conv.weights is not None and conv.weights.dtype == np.float32  # dequantised


def test_a_dequantize_with_another_scale_than_its_quantize_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="'dqr' .*scale and zero point of the QuantizeLinear"):
        load_onnx(_qdq_graph(tmp_path, dq_scale=0.1))
