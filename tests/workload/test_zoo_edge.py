"""The edge-network zoo: valid ONNX, published MAC/parameter totals, counts that match an
independent count from the ONNX shapes, DAG wiring, and simulation under the paper policy."""

from __future__ import annotations

from math import prod
from pathlib import Path

import onnx
import pytest

from accelsim import load_hw, simulate
from accelsim.workload.ir import Network
from accelsim.workload.onnx import load_onnx
from accelsim.workload.zoo import save_model
from accelsim.workload.zoo_edge import EDGE_MODELS, make_divisible, mobilenet_v2

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zoo_edge")
    paths = {}
    for name, build in EDGE_MODELS.items():
        model = build(side=32, num_classes=10) if name == "mobilenet_v2" else build()
        paths[name] = folder / f"{name}.onnx"
        save_model(model, paths[name])
    return paths


def _independent_counts(path: Path) -> tuple[int, int]:
    """MACs and parameters of the weighted nodes, from the ONNX file's inferred shapes alone:
    Conv out_elems x (in_c / group) x kh x kw; Gemm/MatMul rows x K x N; parameters are the
    weight initializers plus one bias per output channel (a Conv bias or a BatchNorm)."""
    model = onnx.shape_inference.infer_shapes(onnx.load(path))
    shapes = {v.name: tuple(d.dim_value or 1 for d in v.type.tensor_type.shape.dim)
              for v in [*model.graph.value_info, *model.graph.input, *model.graph.output]}
    inits = {i.name: tuple(i.dims) for i in model.graph.initializer}
    normalized = {node.input[0] for node in model.graph.node
                  if node.op_type == "BatchNormalization"}
    macs = params = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            w = inits[node.input[1]]
            macs += prod(shapes[node.output[0]]) * prod(w[1:])
            params += prod(w)
            if len(node.input) > 2 or node.output[0] in normalized:
                params += w[0]  # a bias, or the BatchNormalization folded into one
        elif node.op_type in ("Gemm", "MatMul"):
            w = inits[node.input[1]]
            rows = prod(shapes[node.input[0]][:-1])
            macs += rows * prod(w)
            params += prod(w) + (w[0] if len(node.input) > 2 else 0)
        elif node.op_type == "Add" and any(name in inits for name in node.input):
            params += prod(next(inits[n] for n in node.input if n in inits))  # MatMul's bias
    return macs, params


def _weighted(net: Network) -> tuple[int, int]:
    layers = [layer for layer in net.layers if layer.op in ("conv", "depthwise", "pointwise", "fc")]
    return (sum(layer.macs for layer in layers),
            sum(layer.weight_params + layer.bias_params for layer in layers))


def test_mobilenet_v2_matches_its_published_totals(tmp_path: Path) -> None:
    path = tmp_path / "mobilenet_v2.onnx"
    save_model(mobilenet_v2(), path)
    net = load_onnx(path)
    macs, params = _weighted(net)
    assert macs == _independent_counts(path)[0] == 300_774_272  # "300 M" (Sandler et al.)
    # 3,504,872 in torchvision counts BatchNorm scale and shift (2 per channel); folded,
    # each of the 17,056 BN channels is one bias: 3,504,872 - 17,056 = 3,487,816.
    assert params == _independent_counts(path)[1] == 3_504_872 - 17_056
    assert net.total_params == params
    assert abs(macs - 300e6) / 300e6 < 0.01 and abs(params - 3.5e6) / 3.5e6 < 0.01
    assert net.layers[0].output_shape == (1, 32, 112, 112)
    assert net.layers[-1].output_shape == (1, 1000)
    assert [make_divisible(c * 0.75) for c in (32, 24, 320)] == [24, 24, 240]


@pytest.mark.parametrize("name", sorted(EDGE_MODELS))
def test_counts_match_an_independent_count_from_shapes(models: dict[str, Path],
                                                       name: str) -> None:
    onnx.checker.check_model(onnx.load(models[name]), full_check=True)
    net = load_onnx(models[name])
    assert _weighted(net) == _independent_counts(models[name])
    for layer in net.layers:
        g = layer.geometry
        if g is not None and layer.op not in ("fc", "pool"):
            assert layer.macs == g.conv_macs, layer.name
        if layer.op == "pool":  # window reads are vector work, not MACs
            assert g is not None and layer.macs == 0, layer.name
            window = g.batch * g.out_h * g.out_w * g.out_channels * g.kernel_h * g.kernel_w
            assert window <= layer.work().vector_ops <= 2 * window, layer.name
        if layer.op in ("movement", "eltwise"):
            assert layer.macs == 0, layer.name
        if layer.op == "movement":
            assert layer.weight_params == layer.work().vector_ops == 0, layer.name


@pytest.mark.parametrize("name", sorted(EDGE_MODELS))
def test_the_schedule_is_a_dag_over_named_tensors(models: dict[str, Path], name: str) -> None:
    net = load_onnx(models[name])
    written = {net.input_name}
    for layer in net.layers:
        assert layer.inputs and all(tensor in written for tensor in layer.inputs), layer.name
        assert layer.output not in written, layer.name
        written.add(layer.output)
        work = layer.work()
        assert (work.inputs, work.output) == (layer.inputs, layer.output)
        assert work.input_elems == sum(prod(shape) for shape in layer.all_input_shapes)


def test_residual_and_concat_tensors_have_several_consumers(models: dict[str, Path]) -> None:
    net = load_onnx(models["resnet_small"])
    readers: dict[str, int] = {}
    for layer in net.layers:
        for tensor in layer.inputs:
            readers[tensor] = readers.get(tensor, 0) + 1
    adds = [layer for layer in net.layers if layer.source_ops[0] == "Add"]
    assert len(adds) == 3 and all(len(layer.inputs) == 2 for layer in adds)
    assert all(str(layer.activation) == "relu" for layer in adds)  # the Relu after the Add fuses
    assert sum(count > 1 for count in readers.values()) == 3  # each block input: branch + skip
    squeeze = load_onnx(models["squeezenet_small"])
    concats = [layer for layer in squeeze.layers if layer.source_ops == ("Concat",)]
    assert len(concats) == 3
    assert all(layer.attr("axis") == 1 and len(layer.inputs) == 2 for layer in concats)
    assert concats[0].input_elems == concats[0].output_elems


@pytest.mark.parametrize("name", sorted(EDGE_MODELS))
def test_every_edge_model_simulates_under_the_paper_policy(models: dict[str, Path],
                                                           name: str) -> None:
    net = load_onnx(models[name])
    run = simulate(net, load_hw(REPO / "hwconfigs" / "1mb_ddr3.yaml"))
    assert run.policy == "paper"
    assert [r.name for r in run.sim.layers] == [layer.name for layer in net.layers]
    assert run.sim.total_ps > 0


def test_builds_are_deterministic() -> None:
    for build in EDGE_MODELS.values():
        assert build(seed=3).SerializeToString() == build(seed=3).SerializeToString()
