"""The fast controllers agree with the per-request clock loop, clock for clock.

``Ddr3Model(spec, batching=False)`` runs every burst through the Python
FR-FCFS clock loop (the reference); ``backend="python"`` fast-forwards
row-hit stretches in closed form; ``backend="compiled"`` is the C loop of
:mod:`accelsim.sim.dram.compiled`. Over random sequential streams, sizes,
speed bins, bus widths, mappings, queue depths, ranks, channels and refresh
settings, all three must give identical results.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accelsim.hw.ddr3_presets import ddr3_spec, preset_names
from accelsim.sim.dram.ddr3 import Ddr3Model
from accelsim.sim.dram.spec import ADDRESS_MAPPINGS

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
        address_mapping=draw(st.sampled_from(sorted(ADDRESS_MAPPINGS))))


# A stream: up to three sequential stretches (direction, start line, lines), 64-byte lines.
stretches = st.lists(st.tuples(st.booleans(), st.integers(0, (64 * MiB) // 64),
                               st.integers(1, 384)), min_size=1, max_size=3)


def _requests(parts: list[tuple[bool, int, int]]) -> list[tuple[bool, int]]:
    return [(w, (start + i) * 64) for w, start, n in parts for i in range(n)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), parts=stretches)
def test_trace_fast_equals_exact(spec, parts) -> None:
    requests = _requests(parts)
    exact = Ddr3Model(spec, batching=False).run_trace(requests)
    assert Ddr3Model(spec, backend="python").run_trace(requests) == exact
    assert Ddr3Model(spec, backend="compiled").run_trace(requests) == exact


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), parts=st.lists(st.tuples(st.booleans(), st.integers(0, 64 * MiB),
                                              st.integers(1, 48 * 1024), st.integers(0, 40_000_000),
                                              st.booleans()),
                                    min_size=1, max_size=4))
def test_transfers_fast_equal_exact(spec, parts) -> None:
    """Back to back, or overlapping (issued before the previous one completed) as
    double-buffered DMA does."""
    exact = Ddr3Model(spec, batching=False)
    fast = [Ddr3Model(spec, backend="python"), Ddr3Model(spec, backend="compiled")]
    now = 0
    for is_write, address, nbytes, gap_ps, after_end in parts:
        now += gap_ps  # gaps up to several refresh intervals
        end = exact.transfer(now, address, nbytes, is_write)
        assert [m.transfer(now, address, nbytes, is_write) for m in fast] == [end, end]
        if after_end:
            now = end
    assert all(m.command_counts() == exact.command_counts() for m in fast)


def test_mixed_stream_with_random_requests_agrees() -> None:
    spec = ddr3_spec("DDR3-1600K")
    rng = random.Random(5)
    requests = [(False, i * 64) for i in range(3000)]
    requests += [(rng.random() < 0.3, rng.randrange(4 * MiB // 64) * 64) for _ in range(500)]
    requests += [(True, 8 * MiB + i * 64) for i in range(3000)]
    exact = Ddr3Model(spec, batching=False).run_trace(requests)
    assert Ddr3Model(spec, backend="python").run_trace(requests) == exact
    assert Ddr3Model(spec, backend="compiled").run_trace(requests) == exact


def test_fast_path_is_row_at_a_time() -> None:
    """A 64 MiB DMA read on the Python controller goes through its loop a few times
    per row, not once per 64-byte burst: the streaming path issues (and logs) one
    column command per bank and stretch, the loop one per burst."""
    model = Ddr3Model(ddr3_spec("DDR3-1600K"), backend="python")
    ctrl = model.controllers[0]
    ctrl.log = []
    end_ps = model.transfer(0, 0, 64 * MiB, False)
    assert ctrl.column_commands == 64 * MiB // 64
    logged = sum(1 for _, cmd, _, _ in ctrl.log if cmd == "RD")
    assert logged < ctrl.column_commands // 8
    assert 0.95 < 64 * MiB / (end_ps * 1e-12) / 12.8e9 < 0.97
