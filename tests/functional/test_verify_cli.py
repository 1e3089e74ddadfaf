"""``accelsim verify`` and ``accelsim run --verify`` as users run them: exit 0 when accelsim's
execution agrees with onnxruntime, 1 when it does not, 2 with one line on bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from cli_process import accelsim, assert_user_error
from onnx import TensorProto, helper, numpy_helper

from accelsim.workload.zoo import save_model
from accelsim.workload.zoo_edge import resnet_small, squeezenet_small

REPO = Path(__file__).resolve().parents[2]
HW = "hwconfigs/1mb_ddr3.yaml"


def test_verify_passes_on_the_bundled_model() -> None:
    proc = accelsim("verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS: all 30 layers agree with onnxruntime" in proc.stdout
    assert "features/dw2" in proc.stdout and "top-1 agreement 4/4" in proc.stdout


def test_verify_exits_1_when_errors_exceed_the_tolerance() -> None:
    # Zero tolerance demands bit-identical float32 sums, which different summation
    # orders do not give: an honest failure of the float32 check.
    proc = accelsim("verify", "--rtol", "0", "--atol", "0", "--quiet")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL: layers 1 (features/conv1)" in proc.stdout


def test_verify_int8_reports_sqnr_and_top1(tmp_path: Path) -> None:
    x = np.random.default_rng(3).standard_normal((2, 3, 28, 28)).astype(np.float32)
    np.savez(tmp_path / "in.npz", input=x, other=x[:1])
    proc = accelsim("verify", "--int8", "--input", str(tmp_path / "in.npz"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SQNR dB" in proc.stdout and "top-1 agreement" in proc.stdout
    assert "2 input(s)" in proc.stdout


def test_run_verify_prints_both(tmp_path: Path) -> None:
    path = tmp_path / "squeeze.onnx"
    save_model(squeezenet_small(), path)
    proc = accelsim("run", "--hw", HW, "--model", str(path), "--verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Memory (bits)" in proc.stdout and "PASS: all 18 layers" in proc.stdout
    csv = accelsim("run", "--hw", HW, "--model", "accelsim/data/paper/table1_layers.csv",
                   "--verify")
    assert_user_error(csv, "table1_layers.csv", "not a layer table")


def test_a_symbolic_input_size_is_taken_from_the_given_input(tmp_path: Path) -> None:
    model = resnet_small()
    for value in (model.graph.input[0], model.graph.output[0]):
        for axis in (2, 3):
            if axis < len(value.type.tensor_type.shape.dim):
                value.type.tensor_type.shape.dim[axis].dim_param = f"side{axis}"
    path = tmp_path / "dynamic.onnx"
    save_model(model, path)
    assert_user_error(accelsim("verify", "--model", str(path)), "dim 2 is symbolic", "'side2'")
    np.save(tmp_path / "x.npy", np.ones((1, 3, 40, 24), np.float32))
    proc = accelsim("verify", "--model", str(path), "--input", str(tmp_path / "x.npy"), "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_user_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    good = tmp_path / "good.onnx"
    save_model(squeezenet_small(), good)
    truncated = tmp_path / "half.onnx"
    truncated.write_bytes(good.read_bytes()[:5000])
    assert_user_error(accelsim("verify", "--model", str(truncated)), "half.onnx",
                      "cannot read as an ONNX model")

    external = tmp_path / "ext"
    external.mkdir()
    onnx.save(squeezenet_small(), external / "m.onnx", save_as_external_data=True,
              location="m.data", size_threshold=0)
    (external / "m.data").unlink()
    assert_user_error(accelsim("verify", "--model", str(external / "m.onnx")),
                      "external data file 'm.data'", "is missing")

    w = numpy_helper.from_array(np.ones((2, 3, 1, 1), np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
         helper.make_node("Hardmax", ["c"], ["y"], name="the_hardmax")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 4, 4])], initializer=[w])
    unsupported = tmp_path / "hardmax.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), unsupported)
    assert_user_error(accelsim("verify", "--model", str(unsupported)), "'the_hardmax'", "'Hardmax'")

    np.save(tmp_path / "wrong.npy", np.ones((3, 5), np.float32))
    assert_user_error(accelsim("verify", "--model", str(good), "--input",
                               str(tmp_path / "wrong.npy")), "wrong.npy", "expected (1, 3, 48, 48)")
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    assert_user_error(accelsim("verify", "--input", str(tmp_path / "bad.npy")), "bad.npy",
                      "cannot read")
    assert_user_error(accelsim("verify", "--input", str(tmp_path / "in.txt")), "in.txt",
                      ".npy or .npz")
