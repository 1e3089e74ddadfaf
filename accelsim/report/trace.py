"""A run's step log as a Chrome trace (open it in https://ui.perfetto.dev or chrome://tracing).

One track per unit (the DDR bus, the compute unit), one slice per transfer or
compute step, named by its label and carrying its layer, tensor and bits; a
counter track shows the SRAM occupancy. Times in the trace are microseconds,
as the format wants; the exact picoseconds are in each slice's args.
"""

from __future__ import annotations

import json
from typing import Any

from accelsim.api import RunResult

_TRACKS = {"ddr": 1, "compute": 2}


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
        events.append({
            "ph": "X", "pid": 1, "tid": _TRACKS.get(step.unit, 3),
            "name": f"{step.action} {step.label}", "cat": step.unit,
            "ts": step.start_ps / 1e6, "dur": step.duration_ps / 1e6,
            "args": {"layer": step.layer, "layer_name": names.get(step.layer, ""),
                     "tensor": step.tensor, "bits": step.bits, "spill": step.spill,
                     "start_ps": step.start_ps, "end_ps": step.end_ps},
        })
    events.extend({"ph": "C", "pid": 1, "name": "SRAM in use (bytes)", "ts": t / 1e6,
                   "args": {"bytes": -(-bits // 8)}} for t, bits in run.sim.sram_occupancy)
    return {"traceEvents": events, "displayTimeUnit": "ns"}


def chrome_trace_json(run: RunResult) -> str:
    return json.dumps(chrome_trace(run)) + "\n"
