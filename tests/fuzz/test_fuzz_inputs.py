"""Fuzzing every text input: YAML configs, quantities, layer tables, sweep axes, diff tables.

Each property says: whatever the input, accelsim answers with a value or with
one error line (in the CLI: exit status 2 and one ``accelsim: error:`` line; in a
sweep: a row with a status), within a time bound, and never a traceback. CI runs
:data:`CI_EXAMPLES` examples of each; ``pytest -m fuzz -n 0`` runs them all for
``ACCELSIM_FUZZ_SECONDS`` (default 600) in all, fresh examples each round.
"""

from __future__ import annotations

import functools
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_inprocess import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.api import simulate
from accelsim.errors import AccelsimError
from accelsim.explore import build_space, check_space
from accelsim.explore.evaluate import SweepTask, evaluate_chunk
from accelsim.hw.config import load_hw
from accelsim.quantity import (
    parse_energy_fj,
    parse_frequency_hz,
    parse_ops_per_s,
    parse_power_nw,
    parse_rate_bits_per_s,
    parse_size_bits,
    parse_time_ps,
)
from accelsim.workload.table import load_layer_table

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO / "hwconfigs" / "1mb_ddr3.yaml"
TILED = REPO / "hwconfigs" / "1mb_ddr3_1066_tiled.yaml"
CI_EXAMPLES = 25
SECONDS = 10.0
"""What one example may take, whatever it is (generous: CI shares two cores)."""

# --- Strategies -----------------------------------------------------------------------

UNITS = ["B", "b", "KB", "KiB", "MB", "MiB", "GB", "TiB", "GB/s", "Mb/s", "TOPS", "GOPS",
         "MHz", "GHz", "Hz", "pJ", "nJ", "mJ", "mW", "W", "MW", "ns", "us", "XB", ""]
numbers_text = st.one_of(
    st.integers(-10**50, 10**50).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.from_regex(r"-?[0-9]{0,45}(\.[0-9]{0,5})?([eE][-+]?[0-9]{1,12})?", fullmatch=True),
    st.sampled_from(["1_000", "2_8", "0x10", "1e100000000", "1e-100000000", "٣", "½", "nan",
                     "inf", "-0", "1e308", ".5", "5."]))
quantities = st.one_of(
    st.builds(lambda n, sp, u: f"{n}{sp}{u}", numbers_text, st.sampled_from(["", " ", "  "]),
              st.sampled_from(UNITS)),
    st.text(max_size=80))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**45, 10**45),
                    st.floats(allow_nan=True, allow_infinity=True), quantities)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=20)
FIELDS = ["name", "sram.size", "dram.model", "dram.bandwidth", "dram.preset",
          "dram.queue_depth", "dram.timing.cl", "dram.timing.trefi", "dram.bus_width_bits",
          "compute.model", "compute.throughput", "compute.ops_per_mac", "compute.rows",
          "compute.clock", "policy.name", "policy.pipeline_tiles", "precision.activation_bits",
          "energy.mac", "energy.static_power", "sram", "dram", "bogus", "sram.bogus"]
SOUP = ["[", "]", "{", "}", ": ", "- ", ", ", "&a ", "*a", "<<: ", "!!str ", "!!python/name:x",
        "\n", "  ", "'", '"', "#", "?", "|", ">", "1 MB", "sram", "size", "\t", "\x00", "%YAML"]


def _set(mapping: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node = mapping
    parts = path.split(".")
    for part in parts[:-1]:
        child = node.get(part)
        node[part] = child = child if isinstance(child, dict) else {}
        node = child
    node[parts[-1]] = value
    return mapping


def _base(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


yaml_texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(SOUP), max_size=60).map("".join),
    values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
    st.builds(lambda base, path, value: yaml.safe_dump(_set(_base(base), path, value),
                                                       allow_unicode=True),
              st.sampled_from([PAPER, TILED]), st.sampled_from(FIELDS), values),
    st.builds(lambda base, junk: base.read_text() + junk, st.sampled_from([PAPER, TILED]),
              st.lists(st.sampled_from(SOUP), max_size=20).map("".join)))

SHAPE_COLUMNS = ["type", "in_channels", "out_channels", "in_h", "in_w", "kernel", "stride",
                 "padding", "name"]
SIZE_COLUMNS = ["input_fmap_bits", "output_fmap_bits", "weight_params", "macs", "layer", "op"]
cells = st.one_of(st.integers(-5, 300).map(str), st.integers(-10**45, 10**45).map(str),
                  st.sampled_from(["conv", "depthwise", "pointwise", "fc", "pool", "softmax",
                                   "eltwise", "layer", "", "2_8", "1e3", " 7 ", "x", "٣"]),
                  st.text(max_size=6))


@st.composite
def layer_tables(draw: st.DrawFn) -> str:
    pool = draw(st.sampled_from([SHAPE_COLUMNS, SIZE_COLUMNS, SHAPE_COLUMNS + SIZE_COLUMNS]))
    header = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool) + 2))
    rows = draw(st.lists(st.lists(cells, min_size=len(header) - 1, max_size=len(header) + 1),
                         max_size=6))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + "\n".join(",".join(r) for r in [header, *rows]) + "\n"


axis_texts = st.builds(
    lambda path, items: f"{path}={','.join(items)}",
    st.one_of(st.sampled_from(FIELDS + ["model.alpha", "model.rho", "model.beta", "a..b"]),
              st.text(max_size=12)),
    st.one_of(st.lists(quantities.map(lambda q: q.replace(",", " ")), min_size=0, max_size=4),
              st.builds(lambda a, b, c, u: [f"{a}:{b}:{c}{u}"], numbers_text, numbers_text,
                        numbers_text, st.sampled_from(["", "KB", "XB", " TOPS"]))))

DIFF_COLUMNS = ["layer", "name", "macs", "performance_s", "spill", "x", "layer", "\ufefflayer"]
diff_cells = st.one_of(st.integers(-3, 3).map(str), st.floats().map(repr),
                       st.sampled_from(["inf", "-inf", "nan", "", "2_8", "1e400", "x", "0x1"]))


@st.composite
def diff_tables(draw: st.DrawFn) -> str:
    header = draw(st.lists(st.sampled_from(DIFF_COLUMNS), min_size=0, max_size=5))
    rows = draw(st.lists(st.lists(diff_cells, min_size=len(header), max_size=len(header)),
                         max_size=5))
    return "\n".join(",".join(r) for r in [header, *rows]) + ("\n" if header else "")


# --- Properties -----------------------------------------------------------------------


def one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message and 0 < len(message) < 2000, \
        message


def timed(seconds: float = SECONDS) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def wrap(check: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(check)  # hypothesis reads the wrapped signature, passes keywords
        def run(**kwargs: Any) -> None:
            start = time.monotonic()
            check(**kwargs)
            assert time.monotonic() - start < seconds, (kwargs, time.monotonic() - start)
        return run
    return wrap


_FOLDER = Path(tempfile.mkdtemp(prefix="accelsim-fuzz-"))


@pytest.fixture(scope="module", autouse=True)
def _scratch_folder() -> Iterator[None]:
    yield
    shutil.rmtree(_FOLDER, ignore_errors=True)


def _scratch(name: str) -> Path:
    """A file in this module's scratch folder (hypothesis calls a test many times per
    fixture, so examples share one folder)."""
    return _FOLDER / name


@timed()
def config_files_are_a_config_or_one_line(text: str) -> None:
    path = _scratch("hw.yaml")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_hw(path)
    except AccelsimError as exc:
        one_line(str(exc))
        assert str(exc).startswith(str(path)), str(exc)


PARSERS = (parse_size_bits, parse_rate_bits_per_s, parse_ops_per_s, parse_frequency_hz,
           parse_time_ps, parse_energy_fj, parse_power_nw)


@timed(2.0)
def quantities_are_a_number_or_one_line(text: str) -> None:
    for parse in PARSERS:
        try:
            value = parse(text)
        except ValueError as exc:
            one_line(str(exc))
            assert len(str(exc)) < 400, str(exc)
        else:
            assert isinstance(value, int) and value >= 0


@timed()
def layer_tables_are_a_network_or_one_line(text: str) -> None:
    path = _scratch("net.csv")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        network = load_layer_table(path)
    except AccelsimError as exc:
        one_line(str(exc))
        return
    try:
        run = simulate(network, load_hw(PAPER))
    except AccelsimError as exc:
        one_line(str(exc))
    else:
        assert run.sim.total_ps >= 0


@timed()
def sweep_axes_are_refused_in_one_line_or_give_rows(texts: list[str]) -> None:
    try:
        space = build_space(hw=PAPER, sets=texts)
        check_space(space)
    except AccelsimError as exc:
        one_line(str(exc))
        return
    task = SweepTask.of(space)
    points = []
    for point in space.points():
        points.append((point.id, point.values))
        if len(points) == 3:
            break
    for row in evaluate_chunk(task, points):
        assert row["status"] in ("ok", "invalid", "failed"), row
        assert (row["status"] == "ok") == (row["error"] == ""), row
        if row["error"]:
            one_line(row["error"])


@timed()
def diff_is_exit_0_1_or_one_line_and_2(expected: str, actual: str, rtol: str) -> None:
    a, b = _scratch("expected.csv"), _scratch("actual.csv")
    a.write_text(expected, encoding="utf-8", errors="surrogatepass")
    b.write_text(actual, encoding="utf-8", errors="surrogatepass")
    done = run_cli("diff", str(a), str(b), "--rtol", rtol)
    assert done.code in (0, 1, 2), done
    assert "Traceback" not in done.stdout + done.stderr
    if done.code == 2:
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("accelsim: error: "), done.stderr


PROPERTIES: list[tuple[Callable[..., None], tuple[Any, ...]]] = [
    (config_files_are_a_config_or_one_line, (yaml_texts,)),
    (quantities_are_a_number_or_one_line, (quantities,)),
    (layer_tables_are_a_network_or_one_line, (layer_tables(),)),
    (sweep_axes_are_refused_in_one_line_or_give_rows,
     (st.lists(axis_texts, min_size=1, max_size=3),)),
    (diff_is_exit_0_1_or_one_line_and_2,
     (diff_tables(), diff_tables(),
      st.sampled_from(["0", "1e-9", "nan", "-1", "inf", "x", "1e400"]))),
]


def fuzzed(check: Callable[..., None], strategies: tuple[Any, ...], examples: int
           ) -> Callable[[], None]:
    def fresh(**kwargs: Any) -> None:
        check(**kwargs)

    # A new function each time: hypothesis marks the one it decorates.
    functools.update_wrapper(fresh, check, updated=())
    return given(*strategies)(settings(
        max_examples=examples, deadline=None, database=None,
        suppress_health_check=list(HealthCheck))(fresh))


@pytest.mark.parametrize("check, strategies", PROPERTIES, ids=[p[0].__name__ for p in PROPERTIES])
def test_fuzz(check: Callable[..., None], strategies: tuple[Any, ...]) -> None:
    fuzzed(check, strategies, CI_EXAMPLES)()


@pytest.mark.fuzz
def test_long_fuzz_run() -> None:
    """Every property in turn, in rounds of fresh examples, for ACCELSIM_FUZZ_SECONDS."""
    budget = float(os.environ.get("ACCELSIM_FUZZ_SECONDS", "600"))
    deadline = time.monotonic() + budget
    rounds = 0
    while time.monotonic() < deadline:
        for check, strategies in PROPERTIES:
            fuzzed(check, strategies, 200)()
        rounds += 1
    print(f"fuzzed {rounds} rounds of {len(PROPERTIES)} x 200 examples in {budget:g} s")
    assert rounds >= 1 and not math.isnan(budget)
