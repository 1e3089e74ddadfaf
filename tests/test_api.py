"""The Python API as a notebook uses it: short reprs, DataFrames in the schema's columns,
a sweep that returns a DataFrame."""

from __future__ import annotations

import subprocess
import sys

import pytest

import accelsim
from accelsim.figures import layer_rows
from accelsim.schema import (
    LAYER_COLUMNS,
    OCCUPANCY_COLUMNS,
    RUN_COLUMNS,
    STEP_COLUMNS,
    SWEEP_COLUMNS,
    names,
)

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def run() -> accelsim.RunResult:
    return accelsim.simulate(accelsim.load_model(accelsim.api.bundled_model_path()),
                             accelsim.load_hw("1mb_ddr3"))


def test_reprs_are_a_few_lines(run: accelsim.RunResult) -> None:
    network = accelsim.load_model(accelsim.api.bundled_model_path())
    for obj in (run, network, run.hw):
        text = repr(obj)
        assert len(text) < 400 and text.count("\n") <= 2, text
    assert "1.412 ms" in repr(run) and "spilled at layer 23" in repr(run)
    assert "30 layers" in repr(network) and "121,491,200 MACs" in repr(network)


def test_frames_have_the_schema_columns_and_the_csv_values(run: accelsim.RunResult) -> None:
    frame = run.to_dataframe()
    assert tuple(frame.columns) == names(LAYER_COLUMNS) and len(frame) == 30
    assert frame.to_dict("records") == layer_rows(run)
    assert frame["performance_ps"].sum() == run.sim.total_ps
    assert frame.loc[frame["spill"] == 1, "layer"].tolist() == [23]
    steps, sram = run.steps_dataframe(), run.sram_dataframe()
    assert tuple(steps.columns) == names(STEP_COLUMNS) and len(steps) == len(run.sim.steps)
    assert tuple(sram.columns) == names(OCCUPANCY_COLUMNS)
    assert sram["sram_used_bits"].max() * 1 >= run.totals()["sram_peak_bytes"] * 8 - 7
    assert tuple(run.totals()) == names(RUN_COLUMNS)


def test_sweep_returns_a_frame_of_every_design(run: accelsim.RunResult) -> None:
    frame = accelsim.sweep("1mb_ddr3", {"sram.size": ["256 KB", "1 MB", "2 B"],
                                        "dram.bandwidth": "1 GB/s"}, workers=1)
    expected = (*names(SWEEP_COLUMNS)[:2], "sram.size", "dram.bandwidth",
                *names(SWEEP_COLUMNS)[2:], *names(RUN_COLUMNS))
    assert tuple(frame.columns) == expected
    assert frame["status"].tolist() == ["ok", "ok", "invalid"]
    one_mb = frame[frame["sram.size"] == "1 MB"].iloc[0]
    assert one_mb["performance_ps"] == run.sim.total_ps  # the same machine as `run`
    assert frame["performance_s"].dtype.kind == "f" and pd.isna(frame["performance_s"][2])
    assert "too small" in frame["error"][2]
    with pytest.raises(accelsim.ConfigError, match="sram.sise"):
        accelsim.sweep(run.hw, {"sram.sise": ["1 MB"]}, workers=1)


def test_without_pandas_a_frame_is_one_clear_error() -> None:
    probe = ("import sys; sys.modules['pandas'] = None\n"
             "import accelsim\n"
             "run = accelsim.simulate(accelsim.load_model('accelsim/data/paper/"
             "table1_layers.csv'), accelsim.load_hw('1mb_ddr3'))\n"
             "try:\n    run.to_dataframe()\n"
             "except accelsim.AccelsimError as exc:\n    print(exc)\n")
    from cli_process import REPO

    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out == "DataFrames need pandas: pip install 'accelsim[pandas]'\n"
