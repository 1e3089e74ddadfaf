"""A sweep point is a sandbox: whatever one point does, the sweep finishes and keeps the rest.

Each case here once killed a whole sweep (issue 13 items 1, 5, 7, 9 and the
sweep bugs of issue 12); each now gives an ``invalid`` or ``failed`` row, or,
when the sweep as a whole is wrong, one error line before anything runs.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
import yaml
from cli_inprocess import assert_one_line_error, run_cli

from accelsim.errors import ConfigError
from accelsim.explore import LocalExecutor, build_space, run_sweep
from accelsim.explore.chunks import ChunkPlanner
from accelsim.explore.evaluate import SweepTask, evaluate_chunk
from accelsim.explore.preflight import check_space
from accelsim.explore.space import MAX_POINTS, Axis, Sample, SweepSpace, parse_set

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_absurd_point_is_an_invalid_row_and_the_good_point_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    args = ["sweep", "--hw", str(PAPER), "--set", "sram.size=1 MB,1e308 MB,1e100000000 B",
            "--out", str(out), "-j", "1", "-q"]
    first = run_cli(*args)
    assert first.code == 0, first.stderr
    assert "2 invalid" in first.said and first.seconds < 60
    rows = {r["sram.size"]: r for r in rows_of(out)}
    assert rows["1 MB"]["status"] == "ok" and int(rows["1 MB"]["performance_ps"]) > 0
    for bad in ("1e308 MB", "1e100000000 B"):
        assert rows[bad]["status"] == "invalid" and "out of range" in rows[bad]["error"]
    again = run_cli(*args)  # a rerun finds everything done, and does not crash
    assert again.code == 0 and "3 already there" in again.said, again.stderr
    assert len(rows_of(out)) == 3


def test_any_exception_in_a_point_becomes_its_row() -> None:
    # A DDR3 queue a billion requests deep: a MemoryError once, a bound now; either way
    # the point's own row, never an exception out of the sweep.
    space = build_space(hw=TILED, sets=["dram.queue_depth=32,1000000000"])
    task = SweepTask.of(space)
    rows = evaluate_chunk(task, [(p.id, p.values) for p in space.points()])
    assert [r["status"] for r in rows][0] == "ok"
    assert rows[1]["status"] in ("invalid", "failed") and rows[1]["error"]
    assert rows[1]["error"].startswith(f"point {rows[1]['point_id']} (dram.queue_depth=")


@pytest.mark.parametrize("axis, fragment", [
    ("sram.size=1:9000000:1XB", "more than 1,000,000 values"),
    ("sram.size=1:900000:1XB", "no value gives a valid config (1,000 tried of 900,000)"),
    ("sram.size=1 XB,2 XB", "unknown unit 'XB'"),
    ("dram.timing.bogus=1,2", "axis dram.timing.bogus"),
    ("sram.bogus=1,2", "no such field"),
    ("dram.bandwidth=1 GB/s", "axis dram.bandwidth: no such field"),
])
def test_an_axis_that_can_never_be_valid_is_one_line_before_anything_runs(
        tmp_path: Path, axis: str, fragment: str) -> None:
    out = tmp_path / "r.csv"
    result = run_cli("sweep", "--hw", str(TILED), "--set", axis, "--out", str(out), "-q")
    assert_one_line_error(result, fragment, seconds=20)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_an_axis_valid_only_with_another_passes_the_preflight() -> None:
    # compute.model=systolic needs rows, cols and clock: each axis alone is invalid.
    space = build_space(hw=PAPER, sets=["compute.model=systolic", "compute.rows=8,16",
                                        "compute.cols=8", "compute.clock=1 GHz",
                                        "compute.lanes=4"])
    with pytest.raises(ConfigError, match="axis compute.lanes: no such field"):
        check_space(space)
    check_space(build_space(hw=PAPER, sets=["compute.model=systolic", "compute.rows=8,16",
                                            "compute.cols=8", "compute.clock=1 GHz"]))


@pytest.mark.parametrize("text, fragment", [
    ("sram.size: {range: [.inf, 2, 1], unit: KB}", "finite"),
    ("sram.size: {range: [1, .inf, 1], unit: KB}", "finite"),
    ("sram.size: {range: [1, 2, .nan], unit: KB}", "finite"),
    ("sram.size: [.nan]", ".nan"),
    ("sram.size: {range: [1, 1.0000000000000002, 1.0e-300]}", "more than 1,000,000"),
    ("sram.size: {range: [1.0e+300, 1.0000000000000002e+300, 1.0e+280]}", "too small"),
])
def test_bad_ranges_in_sweep_files_are_one_line(tmp_path: Path, text: str,
                                                fragment: str) -> None:
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"base: {PAPER}\naxes:\n  {text}\n")
    assert_one_line_error(run_cli("sweep", str(sweep), "--out", str(tmp_path / "r.csv")),
                          fragment, seconds=10)


def test_sampling_works_on_any_grid_size_and_a_sample_must_fit_the_grid() -> None:
    axes = tuple(parse_set(f"energy.{name}=1:100000:1 fJ") for name in
                 ("mac", "sram_read_per_byte", "sram_write_per_byte", "ddr_activate"))
    base = yaml.safe_load(PAPER.read_text())
    space = SweepSpace(base, "b", None, axes, Sample(3, seed=5))
    assert space.grid_size == 10**20
    points = list(space.points())
    assert len({p.id for p in points}) == 3 and points == list(space.points())
    with pytest.raises(ConfigError, match=r"10,000,000 points \(more than 1,000,000\); "
                                          "sample it"):
        SweepSpace(base, "b", None, (Axis("sram.size", tuple(range(1, 10_001))),
                                     Axis("compute.ops_per_mac", tuple(range(1, 1001)))))
    with pytest.raises(ConfigError, match="sample.n is 200 but the grid has only 128 points"):
        SweepSpace(base, "b", None, (Axis("sram.size", tuple(range(1, 129))),), Sample(200))
    with pytest.raises(ConfigError, match="sample.n must be an integer from 1"):
        Sample(MAX_POINTS + 1)


def test_the_cli_samples_a_huge_grid(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    sets = [f"--set=energy.{name}=1:100000:1 fJ" for name in
            ("mac", "sram_read_per_byte", "sram_write_per_byte", "ddr_activate")]
    result = run_cli("sweep", "--hw", str(PAPER), *sets, "--sample", "3", "--out", str(out),
                     "-j", "1", "-q")
    assert result.code == 0, result.stderr
    assert [r["status"] for r in rows_of(out)] == ["ok"] * 3


def test_a_long_range_costs_no_memory_and_the_grid_streams() -> None:
    axis = parse_set("sram.size=1:1000000:1KB")
    assert len(axis.values) == 1_000_000 and axis.values[-1] == "1000000 KB"
    space = build_space(hw=PAPER, sets=["sram.size=1:1000000:1KB"])
    drawn = 0

    def counted():  # type: ignore[no-untyped-def]
        nonlocal drawn
        for point in space.points():
            drawn += 1
            yield point.id, point.values

    planner = ChunkPlanner(counted(), workers=2)
    assert len(planner.take()) == 2 and drawn == 2  # pulled as needed, not all at once


def test_a_million_point_sweep_writes_its_first_row_at_once(tmp_path: Path) -> None:
    space = build_space(hw=PAPER, sets=["sram.size=1:1000000:1KB"])
    out = tmp_path / "r.csv"

    def stop_after_first_rows(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt  # as Ctrl-C would, once rows are in the file

    pool = LocalExecutor(1)
    start = time.monotonic()
    try:
        summary = run_sweep(space, out, pool, stop_after_first_rows)
    finally:
        pool.close()
    assert summary.interrupted and summary.total == 1_000_000
    assert 1 <= len(rows_of(out)) < 1000 and time.monotonic() - start < 30


def test_workers_must_be_at_least_one(tmp_path: Path) -> None:
    for value in ("0", "-3"):
        assert_one_line_error(run_cli("sweep", "--hw", str(PAPER), "--set", "sram.size=1MB",
                                      "-j", value, "--out", str(tmp_path / "r.csv")),
                              "--workers must be an integer >= 1")


@pytest.mark.parametrize("address", ["foo://::::", "tcp://", "::::", "tcp://host:notaport"])
def test_a_bad_scheduler_address_is_one_line(tmp_path: Path, address: str) -> None:
    pytest.importorskip("distributed")
    assert_one_line_error(run_cli("sweep", "--hw", str(PAPER), "--set", "sram.size=1MB",
                                  "--executor", "dask", "--scheduler", address,
                                  "--out", str(tmp_path / "r.csv")), "--scheduler")


def test_outputs_that_name_an_input_or_a_device_are_refused(tmp_path: Path) -> None:
    hw = tmp_path / "hw.yaml"
    hw.write_text(PAPER.read_text())
    before = hw.read_bytes()
    assert_one_line_error(run_cli("sweep", "--hw", str(hw), "--set", "sram.size=1MB",
                                  "--out", str(hw)), "is an input of this command")
    assert hw.read_bytes() == before
    assert_one_line_error(run_cli("sweep", "--hw", str(hw), "--set", "sram.size=1MB",
                                  "--out", "/dev/zero"), "not a regular file")
    assert_one_line_error(run_cli("sweep", "--hw", str(hw), "--set", "sram.size=1MB",
                                  "--out", str(tmp_path)), "is a folder")


def test_replacing_the_model_file_makes_another_sweep(tmp_path: Path) -> None:
    table = tmp_path / "net.csv"
    table.write_text("type,in_channels,out_channels,in_h,in_w,kernel,stride,padding\n"
                     "conv,3,16,32,32,3,1,1\n")
    args = ["sweep", "--hw", str(PAPER), "--model", "net.csv", "--set",
            "sram.size=1MB,2MB", "--out", "r.csv", "-j", "1", "-q"]
    assert run_cli(*args, cwd=tmp_path).code == 0
    table.write_text(table.read_text().replace("3,16", "3,64"))  # the same path, another model
    assert_one_line_error(run_cli(*args, cwd=tmp_path), "holds points of another base "
                          "config or model")
    assert len(rows_of(tmp_path / "r.csv")) == 2


def test_model_axes_with_a_model_file_name_where_the_model_came_from(tmp_path: Path) -> None:
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"base: {PAPER}\nmodel: my.onnx\naxes:\n  model.alpha: [0.5, 1.0]\n")
    message = assert_one_line_error(run_cli("sweep", str(sweep), "--out",
                                            str(tmp_path / "r.csv")), "model.alpha")
    assert f"the model: of {sweep} names my.onnx" in message and "--model" not in message


def test_a_sample_larger_than_the_grid_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("sweep", "--hw", str(PAPER), "--set", "sram.size=1:128:1KB",
                                  "--sample", "200", "--out", str(tmp_path / "r.csv")),
                          "sample.n is 200 but the grid has only 128 points")


def test_the_readme_sweep_file_example_runs_as_written(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    block = readme.split("Sweep files are YAML", 1)[1].split("```yaml", 1)[1]
    example = "\n".join(line[2:] if line.startswith("  ") else line
                        for line in block.split("```", 1)[0].splitlines())
    where = yaml.safe_load(example)
    assert "model" in where and not any(p.startswith("model.") for p in where["axes"])
    # The example lives in hwconfigs/sweeps/ of a checkout: lay one out around it.
    (tmp_path / "hwconfigs" / "sweeps").mkdir(parents=True)
    (tmp_path / "models").mkdir()
    for config in (REPO / "hwconfigs").glob("*.yaml"):
        (tmp_path / "hwconfigs" / config.name).symlink_to(config)
    for model in (REPO / "models").glob("*.onnx"):
        (tmp_path / "models" / model.name).symlink_to(model)
    sweep = tmp_path / "hwconfigs" / "sweeps" / "example.yaml"
    sweep.write_text(example)
    done = run_cli("sweep", str(sweep), "--out", str(tmp_path / "r.csv"), "-j", "1", "-q")
    assert done.code == 0, done.stderr
    rows = rows_of(tmp_path / "r.csv")
    assert len(rows) == where["sample"]["n"] and all(r["status"] == "ok" for r in rows)
