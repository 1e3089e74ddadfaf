"""A run's step log as a Chrome trace (open it in https://ui.perfetto.dev or chrome://tracing).

One track per unit (the DDR bus, the compute unit), one slice per transfer or
compute step, named by its label and carrying its layer, tensor and bits; a
counter track shows the SRAM occupancy. Times in the trace are microseconds,
as the format wants, on a whole-nanosecond grid; the exact picoseconds are in
each slice's args.

Why the grid: viewers turn ``ts`` and ``dur`` into integer nanoseconds each on
its own (Perfetto: ``llround(us * 1000)``) and end a slice at their sum, so a
slice must start and last a whole number of nanoseconds, or rounding makes
back-to-back slices overlap ("misplaced end" events). A duration is also
nudged down (by far less than a nanosecond) where ``ts + dur`` would pass the
next slice's ``ts`` in floating point.
"""

from __future__ import annotations

import json
import math
from typing import Any

from accelsim.api import RunResult

_TRACKS = {"ddr": 1, "compute": 2}
PS_PER_NS = 1000


def trace_us(start_ps: int, end_ps: int) -> tuple[float, float]:
    """``(ts, dur)`` in microseconds of a slice from ``start_ps`` to ``end_ps``, both
    floored to whole nanoseconds; ``ts + dur`` never exceeds the end's ``ts``."""
    start_ns, end_ns = start_ps // PS_PER_NS, end_ps // PS_PER_NS
    ts, end = start_ns / 1000, end_ns / 1000
    dur = (end_ns - start_ns) / 1000
    if ts + dur > end:  # the sum rounded up: take the largest dur it stays within
        dur = end - ts
        while ts + dur > end:
            dur = max(0.0, dur - math.ulp(ts))
    return ts, dur


def chrome_trace(run: RunResult) -> dict[str, Any]:
    names = {r.index: r.name for r in run.sim.layers}
    events: list[dict[str, Any]] = [
        {"ph": "M", "pid": 1, "name": "process_name",
         "args": {"name": f"{run.model_name} on {run.hw_name}"}},
        *({"ph": "M", "pid": 1, "tid": tid, "name": "thread_name",
           "args": {"name": "DDR bus" if unit == "ddr" else "compute unit"}}
          for unit, tid in _TRACKS.items()),
    ]
    for step in run.sim.steps:
        ts, dur = trace_us(step.start_ps, step.end_ps)
        events.append({
            "ph": "X", "pid": 1, "tid": _TRACKS.get(step.unit, 3),
            "name": f"{step.action} {step.label}", "cat": step.unit,
            "ts": ts, "dur": dur,
            "args": {"layer": step.layer, "layer_name": names.get(step.layer, ""),
                     "tensor": step.tensor, "bits": step.bits, "spill": step.spill,
                     "start_ps": step.start_ps, "end_ps": step.end_ps},
        })
    events.extend({"ph": "C", "pid": 1, "name": "SRAM in use (bytes)",
                   "ts": trace_us(t, t)[0],
                   "args": {"bytes": -(-bits // 8)}} for t, bits in run.sim.sram_occupancy)
    return {"traceEvents": events, "displayTimeUnit": "ns"}


def chrome_trace_json(run: RunResult) -> str:
    return json.dumps(chrome_trace(run)) + "\n"
