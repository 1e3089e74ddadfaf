"""The compiled controller agrees with the Python reference, clock for clock (DDR3).

``DramModel(spec, backend="python")`` runs every burst through the Python
FR-FCFS loop (the reference); ``backend="compiled"`` is the C controller of
:mod:`accelsim.sim.dram.compiled`. Over random sequential streams, sizes,
speed bins, bus widths, mappings, queue depths, ranks, channels and refresh
settings, both must give identical results.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.hw.ddr3_presets import ddr3_spec, preset_names
from accelsim.sim.dram.mapping import NAMED_MAPPINGS
from accelsim.sim.dram.memory import DramModel

MiB = 1 << 20


@st.composite
def specs(draw: st.DrawFn):
    bus = draw(st.sampled_from([8, 16, 32, 64]))
    dev = draw(st.sampled_from([w for w in (4, 8, 16) if w <= bus]))
    return ddr3_spec(
        draw(st.sampled_from(preset_names())), device_width_bits=dev, bus_width_bits=bus,
        density_gbit=draw(st.sampled_from([1, 2, 4, 8])),
        ranks=draw(st.sampled_from([1, 1, 2])), channels=draw(st.sampled_from([1, 1, 2])),
        refresh_enabled=draw(st.booleans()), queue_depth=draw(st.sampled_from([4, 8, 32])),
        address_mapping=draw(st.sampled_from(sorted(NAMED_MAPPINGS))))


# A stream: up to three sequential stretches (direction, start line, lines) of 64-byte lines.
stretches = st.lists(st.tuples(st.booleans(), st.integers(0, (64 * MiB) // 64),
                               st.integers(1, 384)), min_size=1, max_size=3)


def _requests(parts: list[tuple[bool, int, int]]) -> list[tuple[bool, int, int]]:
    return [(w, (start + i) * 64, 64) for w, start, n in parts for i in range(n)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), parts=stretches)
def test_trace_fast_equals_exact(spec, parts) -> None:
    requests = _requests(parts)
    exact = DramModel(spec, backend="python").run_trace(requests)
    assert DramModel(spec, backend="compiled").run_trace(requests) == exact


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), parts=st.lists(st.tuples(st.booleans(), st.integers(0, 64 * MiB),
                                              st.integers(1, 48 * 1024), st.integers(0, 40_000_000),
                                              st.booleans()),
                                    min_size=1, max_size=4))
def test_transfers_fast_equal_exact(spec, parts) -> None:
    """Back to back, or overlapping (issued before the previous one completed) as
    double-buffered DMA does."""
    exact = DramModel(spec, backend="python")
    fast = [DramModel(spec, backend="compiled")]
    now = 0
    for is_write, address, nbytes, gap_ps, after_end in parts:
        now += gap_ps  # gaps up to several refresh intervals
        end = exact.transfer(now, address, nbytes, is_write)
        assert [m.transfer(now, address, nbytes, is_write) for m in fast] == [end]
        if after_end:
            now = end
    assert all(m.command_counts() == exact.command_counts() for m in fast)


def test_mixed_stream_with_random_requests_agrees() -> None:
    spec = ddr3_spec("DDR3-1600K")
    rng = random.Random(5)
    requests = [(False, i * 64) for i in range(3000)]
    requests += [(rng.random() < 0.3, rng.randrange(4 * MiB // 64) * 64) for _ in range(500)]
    requests += [(True, 8 * MiB + i * 64) for i in range(3000)]
    exact = DramModel(spec, backend="python").run_trace(requests)
    assert DramModel(spec, backend="compiled").run_trace(requests) == exact
