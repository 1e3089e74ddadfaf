"""Layer tables: the paper's Table 1 (shape rows) and per-layer sizes (explicit-size rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import ModelError
from accelsim.sim.work import ConvGeometry
from accelsim.workload import load_model
from accelsim.workload.table import load_layer_table

DATA = Path(__file__).resolve().parents[2] / "accelsim" / "data" / "paper"
REPO = Path(__file__).resolve().parents[2]

SHAPE_HEADER = "index,name,type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n"
SIZE_HEADER = "layer,input_fmap_bits,output_fmap_bits,weight_params,macs\n"


def test_table1_shape_rows() -> None:
    net = load_model(DATA / "table1_layers.csv")
    assert (net.name, net.input_name, net.input_shape) == ("table1_layers", "input",
                                                           (1, 3, 28, 28))
    assert len(net.layers) == 27
    conv1, dw2, pw3, dw4, pw5 = net.layers[:5]
    assert (conv1.name, conv1.op, conv1.weight_params, conv1.macs) == ("conv1", "conv", 864,
                                                                       28 * 28 * 32 * 3 * 9)
    assert conv1.output_shape == (1, 32, 28, 28)
    assert (dw2.op, dw2.weight_params, dw2.macs) == ("depthwise", 288, 28 * 28 * 32 * 9)
    assert dw2.geometry is not None and dw2.geometry.groups == 32
    assert (pw3.op, pw3.weight_params, pw3.macs) == ("pointwise", 2048, 28 * 28 * 64 * 32)
    assert dw4.output_shape == (1, 64, 14, 14) and dw4.macs == 14 * 14 * 64 * 9
    assert dw4.geometry == ConvGeometry(in_channels=64, out_channels=64, in_h=28, in_w=28,
                                        out_h=14, out_w=14, kernel_h=3, kernel_w=3,
                                        stride_h=2, stride_w=2, pads=(1, 1, 1, 1), groups=64)
    assert pw5.inputs == ("dw4",) and conv1.inputs == ("input",)
    assert net.layers[-1].output_shape == (1, 256, 7, 7)
    assert all(layer.bias_params == 0 for layer in net.layers)


def test_table1_agrees_with_the_paper_mobilenet_onnx() -> None:
    table = load_model(DATA / "table1_layers.csv").layers
    onnx_convs = load_model(REPO / "models" / "mobilenet_cifar10.onnx").layers[:27]
    for row, conv in zip(table, onnx_convs, strict=True):
        assert (row.op, row.input_shape, row.output_shape, row.weight_params, row.macs,
                row.geometry) == (conv.op, conv.input_shape, conv.output_shape,
                                  conv.weight_params, conv.macs, conv.geometry)


def test_paper_layer_sizes_explicit_rows() -> None:
    net = load_layer_table(DATA / "paper_layer_sizes.csv")
    assert len(net.layers) == 27
    first, fourth = net.layers[0], net.layers[3]
    assert (first.name, first.op, first.geometry) == ("layer1", "layer", None)
    assert first.input_shape == (18816 // 8,) and first.output_shape == (200704 // 8,)
    assert (first.weight_params, first.bias_params, first.macs) == (864, 0, 677376)
    assert (fourth.weight_params, fourth.macs) == (576, 451584)  # as printed (stride ignored)
    assert net.input_shape == (2352,)
    assert net.layers[1].inputs == ("layer1",)
    assert sum(layer.macs for layer in net.layers) == 112193536


def test_bits_per_element_converts_fmap_bits(tmp_path: Path) -> None:
    net = load_layer_table(DATA / "paper_layer_sizes.csv", bits_per_element=16)
    assert net.layers[0].input_shape == (1176,)
    with pytest.raises(ModelError) as err:
        load_layer_table(DATA / "paper_layer_sizes.csv", bits_per_element=5)
    _check(err, "paper_layer_sizes.csv", "row 1", "'input_fmap_bits'", "5-bit")


def test_explicit_rows_with_names_and_ops(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("name,op,input_fmap_bits,output_fmap_bits,weight_params,macs\n"
                    "stem,conv,80,160,27,100\nhead,fc,160,16,20,20\n")
    stem, head = load_layer_table(path).layers
    assert (stem.name, stem.op, head.name, head.op, head.inputs) == (
        "stem", "conv", "head", "fc", ("stem",))


def test_fc_pool_and_softmax_shape_rows(tmp_path: Path) -> None:
    path = tmp_path / "head.csv"
    path.write_text("type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n"
                    "pool,256,256,7,7,7,1,0\nfc,256,10,1,1,1,1,0\nsoftmax,10,10,1,1,1,1,0\n")
    pool, fc, softmax = load_layer_table(path).layers
    assert (pool.name, pool.macs, pool.weight_params, pool.output_shape) == (
        "layer1", 0, 0, (1, 256, 1, 1))
    assert pool.work().vector_ops == 7 * 7 * 256 + 256
    assert (fc.weight_params, fc.macs, fc.output_shape) == (2560, 2560, (1, 10))
    assert (softmax.op, softmax.macs, softmax.work().vector_ops) == ("softmax", 0, 5 * 10 + 1)


def _check(err: pytest.ExceptionInfo[BaseException], *parts: str) -> None:
    message = str(err.value)
    assert "\n" not in message
    for part in parts:
        assert part in message, (part, message)


@pytest.mark.parametrize(("text", "parts"), [
    (SHAPE_HEADER.replace(",padding", "") + "1,c,conv,3,8,8,8,3,1\n", ["padding", "header"]),
    (SHAPE_HEADER + "1,c,conv,3,8,8,8,3,1,1\n2,d,conv,8,8,8,8,three,1,1\n",
     ["row 2", "line 3", "'kernel'", "'three'"]),
    (SHAPE_HEADER + "1,c,conv,3,-8,8,8,3,1,1\n", ["row 1", "'out_channels'", "-8"]),
    (SHAPE_HEADER + "1,c,lstm,3,8,8,8,3,1,1\n", ["row 1", "'type'", "'lstm'", "depthwise"]),
    (SHAPE_HEADER, ["no rows"]),
    ("", ["empty file"]),
    (SHAPE_HEADER + "1,c,pointwise,3,8,8,8,3,1,1\n", ["row 1", "'kernel'", "pointwise"]),
    (SHAPE_HEADER + "1,c,conv,3,8,2,2,5,1,0\n", ["row 1", "does not fit"]),
    (SHAPE_HEADER + "1,c,conv,3,8,8,8,3,1,1\n2,c,conv,8,8,8,8,3,1,1\n", ["row 2", "used twice"]),
    (SHAPE_HEADER + "1,c,conv,3,8,8,8,3,1,1,99\n", ["row 1", "more cells"]),
    (SIZE_HEADER.replace(",macs", "") + "1,8,8,8\n", ["macs", "header"]),
    (SIZE_HEADER + "1,8,8,8,\n", ["row 1", "'macs'", "''"]),
    (SIZE_HEADER + "1,8,8,8,8.5\n", ["row 1", "'macs'", "'8.5'"]),
    ("op," + SIZE_HEADER + "lstm,1,8,8,8,8\n", ["row 1", "'op'", "'lstm'"]),
])
def test_bad_tables_name_file_row_and_column(tmp_path: Path, text: str,
                                             parts: list[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ModelError) as err:
        load_layer_table(path)
    _check(err, str(path), *parts)


def test_missing_table_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "none.csv")
    _check(err, "none.csv", "no such file")


def test_layers_know_their_bytes_at_a_precision() -> None:
    from accelsim.workload import load_model

    conv1 = load_model(DATA / "table1_layers.csv").layers[0]
    assert (conv1.input_bytes(8), conv1.output_bytes(8), conv1.weight_bytes(8)) == \
        (3 * 28 * 28, 32 * 28 * 28, 864)
    assert (conv1.input_bytes(4), conv1.weight_bytes(1)) == (3 * 28 * 28 // 2, 108)
    assert conv1.weight_bytes(3) == -(-864 * 3 // 8)  # whole bytes, rounded up
