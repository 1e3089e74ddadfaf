"""The Chrome/Perfetto trace: slices that end where the next begins never overlap."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from accelsim.api import bundled_hw_path, bundled_model_path, simulate
from accelsim.hw.config import load_hw
from accelsim.report.trace import chrome_trace, trace_us
from accelsim.workload import load_model


def as_perfetto_ns(us: float) -> int:
    """What Perfetto's JSON importer makes of a time in microseconds."""
    return round(us * 1000)


@given(st.integers(0, 10**13), st.integers(0, 10**9), st.integers(0, 10**9))
def test_back_to_back_slices_stay_apart(start_ps: int, first_ps: int, second_ps: int) -> None:
    middle_ps, end_ps = start_ps + first_ps, start_ps + first_ps + second_ps
    ts, dur = trace_us(start_ps, middle_ps)
    next_ts, next_dur = trace_us(middle_ps, end_ps)
    assert ts + dur <= next_ts                      # in floating point
    assert as_perfetto_ns(ts) + as_perfetto_ns(dur) <= as_perfetto_ns(next_ts)  # in ns
    assert dur >= 0 and abs(ts * 1e6 - start_ps) < 1000 and abs(dur * 1e6 - first_ps) < 1000


def test_no_slice_of_a_ddr3_run_overlaps_the_next_on_its_track() -> None:
    """Issue 12: float microseconds made 21 adjacent slices of this run overlap by about
    1e-13 us. Its DDR3 transfers end on no whole nanosecond, so the grid matters here."""
    run = simulate(load_model(bundled_model_path()),
                   load_hw(bundled_hw_path("1mb_ddr3_1066_tiled.yaml")))
    assert any(s.end_ps % 1000 for s in run.sim.steps)
    tracks: dict[int, list[dict[str, float]]] = defaultdict(list)
    for event in chrome_trace(run)["traceEvents"]:
        if event["ph"] == "X":
            tracks[event["tid"]].append(event)
    touching = 0
    for slices in tracks.values():
        slices.sort(key=lambda e: (e["ts"], e["dur"]))
        for a, b in zip(slices, slices[1:]):
            assert a["ts"] + a["dur"] <= b["ts"]
            assert as_perfetto_ns(a["ts"]) + as_perfetto_ns(a["dur"]) <= as_perfetto_ns(b["ts"])
            touching += a["args"]["end_ps"] == b["args"]["start_ps"]
    assert touching > 20
