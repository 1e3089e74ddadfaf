"""Pareto fronts: dominance, ties, quantities as numbers, objective names."""

from __future__ import annotations

import itertools
import random

import pytest

from accelsim.errors import ConfigError
from accelsim.explore.pareto import front_indices, numeric, pareto_front


def brute_force(values: list[tuple[float, ...]]) -> set[int]:
    def dominates(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))

    return {i for i, v in enumerate(values) if not any(dominates(w, v) for w in values)}


def test_front_on_a_small_example() -> None:
    values = [(1, 5), (2, 3), (3, 3), (4, 1), (2, 6), (4, 1)]
    assert set(front_indices(values)) == {0, 1, 3, 5}


@pytest.mark.parametrize("seed", range(20))
def test_front_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    dims = 2 + seed % 2
    values = [tuple(float(rng.randint(0, 8)) for _ in range(dims)) for _ in range(60)]
    front = front_indices(values)
    assert set(front) == brute_force(values)
    assert front == sorted(front, key=lambda i: values[i])


def test_quantities_are_numbers() -> None:
    assert numeric("256 KB", "sram.size") == (256_000, "bytes")
    assert numeric("1 MiB", "sram.size") == (1_048_576, "bytes")
    assert numeric("2 TOPS", "compute.throughput")[0] == 2e12
    assert numeric(3, "x") == (3.0, "")
    with pytest.raises(ConfigError, match="DDR3-1600K"):
        numeric("DDR3-1600K", "dram.preset")


def test_named_objectives_and_invalid_rows() -> None:
    columns = ("point_id", "sweep", "sram.size", "status", "error", "latency_s",
               "energy_total_pj")
    rows = [
        {"point_id": f"p{i}", "sweep": "s", "sram.size": size, "status": "ok", "error": "",
         "latency_s": lat, "energy_total_pj": e}
        for i, (size, lat, e) in enumerate(itertools.product(["1 MB", "2 MB"], [1.0, 2.0],
                                                             [5.0]))
    ] + [{"point_id": "bad", "sweep": "s", "sram.size": "x", "status": "invalid",
          "error": "nope", "latency_s": "", "energy_total_pj": ""}]
    result = pareto_front(columns, rows, ["sram.size", "latency", "energy"])
    assert [o.column for o in result.objectives] == ["sram.size", "latency_s",
                                                     "energy_total_pj"]
    assert result.axes == ("sram.size",) and result.skipped == 1
    assert [result.rows[i]["point_id"] for i in result.front] == ["p0"]
    with pytest.raises(ConfigError, match="no such column"):
        pareto_front(columns, rows, ["sram.size", "speed"])
    with pytest.raises(ConfigError, match="two objectives"):
        pareto_front(columns, rows, ["sram.size"])
