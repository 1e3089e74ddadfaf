"""Axes, sweep files, point ids and merging into the base config."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import ConfigError
from accelsim.explore.points import hw_of, merge
from accelsim.explore.preflight import check_space as check_axes
from accelsim.explore.space import Axis, Sample, SweepSpace, parse_set, point_id
from accelsim.explore.sweepfile import build_space, load_sweep_file, read_base

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"


def test_set_parses_lists_numbers_and_inclusive_ranges() -> None:
    assert parse_set("sram.size=256KB, 512 KB,1MB") == Axis("sram.size", ("256KB", "512 KB", "1MB"))
    assert parse_set("dram.bus_width_bits=8,16") == Axis("dram.bus_width_bits", (8, 16))
    assert parse_set("model.alpha=0.25:1.0:0.25").values == (0.25, 0.5, 0.75, 1.0)
    assert parse_set("dram.bus_width_bits=8:32:8").values == (8, 16, 24, 32)
    assert parse_set("dram.refresh=true,false").values == (True, False)
    assert parse_set("sram.size=128:384:128KiB").values == ("128 KiB", "256 KiB", "384 KiB")
    assert parse_set("x.y=1:2:1 TOPS").values == ("1 TOPS", "2 TOPS")


@pytest.mark.parametrize("text", ["sram.size", "=1,2", "sram.size=", "sram.size=1,,2",
                                  "sram..size=1", "model.beta=1", "sram.size=1,1"])
def test_malformed_set_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_set(text)


def test_point_ids_are_stable_and_order_free() -> None:
    a = point_id((("sram.size", "1 MB"), ("model.alpha", 0.5)))
    assert a == point_id((("model.alpha", 0.5), ("sram.size", "1 MB")))
    assert a != point_id((("sram.size", "1 MB"), ("model.alpha", 0.75)))
    assert point_id((("x.y", 1),)) == point_id((("x.y", 1.0),))
    assert len(a) == 16 and a == "%s" % a  # plain hex text


def test_grid_order_and_sampling_are_reproducible() -> None:
    base = read_base(PAPER)
    axes = (Axis("sram.size", ("256 KB", "512 KB")), Axis("compute.throughput", ("1 TOPS", "2 TOPS", "4 TOPS")))
    grid = list(SweepSpace(base, "b", None, axes).points())
    assert [p.values for p in grid][:2] == [(("sram.size", "256 KB"), ("compute.throughput", "1 TOPS")),
                                            (("sram.size", "256 KB"), ("compute.throughput", "2 TOPS"))]
    assert len({p.id for p in grid}) == 6
    sampled = list(SweepSpace(base, "b", None, axes, Sample(4, seed=7)).points())
    again = list(SweepSpace(base, "b", None, axes, Sample(4, seed=7)).points())
    assert sampled == again and len({p.id for p in sampled}) == 4
    assert {p.id for p in sampled} <= {p.id for p in grid}


def test_merge_writes_dotted_paths_into_a_copy() -> None:
    base = read_base(PAPER)
    merged = merge(base, (("sram.size", "2 MB"), ("model.alpha", 0.5), ("energy.static_power", "1 mW")))
    assert merged["sram"]["size"] == "2 MB" and base["sram"]["size"] == "1 MB"
    assert merged["energy"] == {"static_power": "1 mW"}
    assert "model" not in merged
    with pytest.raises(ConfigError, match="sram.size"):
        merge(base, (("sram.size.bits", 3),))


def test_points_are_validated_like_files() -> None:
    space = build_space(hw=TILED, sets=["sram.size=lots,1MB"])
    bad, good = list(space.points())
    with pytest.raises(ConfigError, match=r"sram.size: expected a size"):
        hw_of(space, bad)
    assert hw_of(space, good).sram.size == 8_000_000


def test_unknown_axis_paths_are_refused_up_front() -> None:
    with pytest.raises(ConfigError, match="sram.sise"):
        check_axes(build_space(hw=PAPER, sets=["sram.sise=1MB"]))
    with pytest.raises(ConfigError, match="dram.bandwidth"):
        check_axes(build_space(hw=TILED, sets=["dram.bandwidth=1 GB/s"]))
    # A field the base leaves at its default is a fine axis.
    check_axes(build_space(hw=TILED, sets=["policy.pipeline_tiles=4,8"]))


def test_sweep_file(tmp_path: Path) -> None:
    sweep = tmp_path / "s.yaml"
    sweep.write_text(
        f"base: {TILED}\n"
        "axes:\n"
        "  sram.size: [256 KB, 1 MB]\n"
        "  compute.throughput: {range: [1, 3, 1], unit: TOPS}\n"
        "  dram.preset: DDR3-1600K\n"
        "sample: {n: 4, seed: 3}\n")
    base, source, model, axes, sample = load_sweep_file(sweep)
    assert base["name"] == "paper-1mb-ddr3-1066-tiled" and model is None
    assert [a.values for a in axes] == [("256 KB", "1 MB"), ("1 TOPS", "2 TOPS", "3 TOPS"),
                                        ("DDR3-1600K",)]
    assert sample == Sample(4, 3)
    space = build_space(sweep_file=sweep, sets=["sram.size=2MB,4MB"])
    assert space.axes[0] == Axis("sram.size", ("2MB", "4MB")) and space.size == 4
    # A sample larger than the grid is an error, not a silently smaller sweep.
    with pytest.raises(ConfigError, match="sample.n is 4 but the grid has only 3 points"):
        build_space(sweep_file=sweep, sets=["sram.size=2MB"])


@pytest.mark.parametrize("text, match", [
    ("base: nope.yaml\naxes: {sram.size: [1 MB]}\n", "no such hardware config"),
    ("axes: {sram.size: [1 MB]}\n", "base"),
    ("base: {}\naxes: {}\n", "axes"),
    ("base: {}\naxes: {sram.size: []}\n", "no values"),
    ("base: {}\naxes: {sram.size: {range: [1, 0, 1]}}\n", "stop >= start"),
    ("base: {}\naxes: {sram.size: [1 MB]}\nsample: {n: 0}\n", "sample.n"),
    ("base: {}\naxes: {sram.size: [1 MB]}\nextra: 1\n", "unknown key"),
    ("base: [\n", "malformed YAML"),
])
def test_bad_sweep_files_are_one_line_errors(tmp_path: Path, text: str, match: str) -> None:
    sweep = tmp_path / "s.yaml"
    sweep.write_text(text)
    with pytest.raises(ConfigError, match=match) as info:
        build_space(sweep_file=sweep)
    assert "\n" not in str(info.value)


def test_model_axes_need_the_bundled_model() -> None:
    with pytest.raises(ConfigError, match="--model names x.onnx; drop one or the other"):
        build_space(hw=PAPER, model=Path("x.onnx"), sets=["model.alpha=0.5"])
