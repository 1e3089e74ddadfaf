"""Models written to hurt: each is refused where it is read, in one line, in bounded time.

A 1x3x2**31x2**31 input, a Conv padded by 1e9, a ConstantOfShape that would be
folded into gigabytes, an opset or IR version newer than onnx knows, external
data that is a device, a network of more nodes than any, a layer table that
never ends, ``2_8`` in a table, and a verification that needs more memory than
the machine has (refused before it allocates anything).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
import time
import tracemalloc
from pathlib import Path

import numpy as np
import onnx
import pytest
from cli_inprocess import assert_one_line_error, run_cli
from onnx import external_data_helper, helper
from onnx_graphs import ints, model, node, save, value, weight

from accelsim.errors import ModelError
from accelsim.functional import verify_model
from accelsim.limits import MAX_LAYERS
from accelsim.workload import load_model
from accelsim.workload.table import load_layer_table

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
rng = np.random.default_rng(0)


def conv(tmp_path: Path, shape: tuple[int, ...], pads: int = 1, opset: int = 17,
         ir_version: int = 8, name: str = "g.onnx") -> Path:
    built = model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv1",
                                    pads=[pads] * 4)],
                  [weight(rng, "w", 4, shape[1], 3, 3)], [value("x", list(shape))])
    del built.opset_import[:]
    built.opset_import.append(helper.make_opsetid("", opset))
    built.ir_version = ir_version
    return save(tmp_path, built, name)


@contextmanager
def at_most_bytes(limit: int) -> Iterator[None]:
    """Fail if the block allocates more than ``limit`` bytes at its peak (numpy's arrays
    included: numpy reports them to tracemalloc)."""
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < limit, peak


def refused(path: Path, *fragments: str, seconds: float = 10.0) -> str:
    start = time.monotonic()
    with pytest.raises(ModelError) as info:
        load_model(path)
    message = str(info.value)
    assert time.monotonic() - start < seconds and "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


def test_a_gigantic_input_is_refused_naming_it(tmp_path: Path) -> None:
    refused(conv(tmp_path, (1, 3, 2**31, 2**31)), "input 'x' has shape (1, 3, 2147483648, "
            "2147483648)", "beyond the limit of 1,099,511,627,776 (2**40) elements")


def test_pads_of_a_billion_are_refused_naming_the_node(tmp_path: Path) -> None:
    refused(conv(tmp_path, (1, 3, 8, 8), pads=10**9), "node 'conv1' (Conv)", "tensor 'y'",
            "beyond the limit")


def test_the_cli_refuses_them_in_one_line_under_every_policy(tmp_path: Path) -> None:
    big = conv(tmp_path, (1, 3, 2**31, 2**31))
    for hw in (PAPER, TILED, REPO / "hwconfigs" / "systolic_32x32_vector.yaml"):
        assert_one_line_error(run_cli("run", "--hw", str(hw), "--model", str(big), "-q"),
                              "g.onnx", "beyond the limit", seconds=20)


def test_a_constant_folded_into_gigabytes_is_refused(tmp_path: Path) -> None:
    fill = onnx.numpy_helper.from_array(np.array([1.0], np.float32))
    built = model([helper.make_node("ConstantOfShape", ["s"], ["c"], name="fill", value=fill),
                   node("Relu", ["c"], "c2"), node("Relu", ["x"], "y")],
                  [ints("s", 1, 3, 2**14, 2**14)], [value("x", [1, 3, 8, 8])],
                  outputs=("y", "c2"))
    refused(save(tmp_path, built), "node 'fill' (ConstantOfShape) makes a constant of "
            "805,306,368 elements from 4")


@pytest.mark.parametrize("opset, ir_version, fragment", [
    (99, 8, "opset 99 is newer than onnx"), (17, 99, "IR version 99 is newer than onnx")])
def test_versions_newer_than_onnx_knows_are_refused_by_run_as_by_verify(
        tmp_path: Path, opset: int, ir_version: int, fragment: str) -> None:
    path = conv(tmp_path, (1, 3, 8, 8), opset=opset, ir_version=ir_version)
    refused(path, fragment, f"up to {onnx.defs.onnx_opset_version()}" if opset == 99
            else f"up to {onnx.IR_VERSION}")
    assert_one_line_error(run_cli("run", "--hw", str(PAPER), "--model", str(path), "-q"),
                          fragment)
    assert_one_line_error(run_cli("verify", "--model", str(path)), fragment)


def test_external_data_that_is_a_device_is_not_called_missing(tmp_path: Path) -> None:
    built = model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")],
                  [weight(rng, "w", 4, 3, 3, 3)], [value("x", [1, 3, 8, 8])])
    external_data_helper.convert_model_to_external_data(built, location="w.bin",
                                                        size_threshold=0)
    onnx.save(built, tmp_path / "ext.onnx")
    (tmp_path / "w.bin").unlink()
    (tmp_path / "w.bin").symlink_to("/dev/zero")
    message = refused(tmp_path / "ext.onnx", "'w.bin'", "is not a regular file")
    assert "missing" not in message
    (tmp_path / "w.bin").unlink()
    refused(tmp_path / "ext.onnx", "'w.bin'", "is missing")


def test_a_graph_of_more_nodes_than_any_network_is_refused(tmp_path: Path) -> None:
    nodes = [helper.make_node("Relu", [f"t{i}"], [f"t{i + 1}"]) for i in range(MAX_LAYERS + 1)]
    graph = helper.make_graph(nodes, "g", [value("t0", [1, 4])],
                              [value(f"t{MAX_LAYERS + 1}", [1, 4])])
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    built.ir_version = 8
    refused(save(tmp_path, built), "more than 100,000 nodes")


def test_a_layer_table_that_never_ends_is_refused_at_the_bound(tmp_path: Path) -> None:
    # A FIFO fed forever: as a table of 10**10 rows would be, but without the disk.
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with open(fifo, "w") as handle:
                handle.write("type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n")
                while True:
                    handle.write("conv,4,4,8,8,3,1,1\n" * 1000)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(ModelError, match="more than 100,000 rows"):
        with at_most_bytes(400 * 2**20):
            load_layer_table(fifo)
    writer.join(timeout=10)


@pytest.mark.parametrize("cell, fragment", [
    ("2_8", "expected an integer >= 1, got '2_8'"),
    ("٣", "expected an integer >= 1, got '٣'"),
    ("9" * 50, "expected an integer >= 1"),
    ("10000000", "beyond the limit"),  # 3 x 10**7 x 10**7 input elements
])
def test_layer_table_cells_are_plain_integers_within_bounds(tmp_path: Path, cell: str,
                                                            fragment: str) -> None:
    table = tmp_path / "t.csv"
    table.write_text("type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n"
                     f"conv,3,16,{cell},{cell},3,1,1\n")
    with pytest.raises(ModelError, match="row 1") as info:
        load_layer_table(table)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_verify_refuses_a_model_bigger_than_memory_before_allocating(tmp_path: Path) -> None:
    path = conv(tmp_path, (1, 3, 100_000, 100_000))
    with pytest.raises(ModelError, match="needs about .* of memory .* more than the"):
        with at_most_bytes(200 * 2**20):
            verify_model(path)
    csv = tmp_path / "r.csv"
    line = assert_one_line_error(run_cli("verify", "--model", str(path)), "of memory")
    assert "MemoryError" not in line
    assert_one_line_error(run_cli("run", "--hw", str(PAPER), "--model", str(path), "--verify",
                                  "--csv", str(csv), "-q"))
    assert not csv.exists()


def test_verify_on_huge_pads_is_one_line_and_onnxruntime_says_nothing(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = conv(tmp_path, (1, 3, 8, 8), pads=50_000)
    with pytest.raises(ModelError, match="of memory"):
        verify_model(path)
    captured = capfd.readouterr()
    assert "onnxruntime" not in captured.err + captured.out
