"""One result row per design point, built from a run's totals.

The columns are the swept values (by axis path), the point's id and status,
then whole-run figures: latency, DDR traffic, SRAM peak, MACs, the first layer
that overflowed, and every energy figure the run carries (any ``*_pj`` number
or ``energy*`` record on :class:`RunResult` or its simulation result), so new
result fields reach the file without a change here.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from accelsim.api import RunResult
from accelsim.sim.results import LayerResult

PS_PER_S = 10**12
ID_COLUMNS = ("point_id", "sweep")
STATUS_COLUMNS = ("status", "error")
OK, INVALID = "ok", "invalid"


def _bytes(bits: int) -> int:
    return -(-bits // 8)


def run_row(run: RunResult) -> dict[str, Any]:
    """Whole-run figures of one simulation (no swept values)."""
    sim = run.sim
    layers = sim.layers
    read = write = spill = macs = compute_ps = stall_ps = 0
    spilled: list[LayerResult] = []
    for r in layers:  # one pass: a row is built per design point
        read += _bytes(r.ddr_read_bits)
        write += _bytes(r.ddr_write_bits)
        spill += _bytes(r.spill_bits)
        macs += r.macs
        compute_ps += r.compute_ps
        stall_ps += r.stall_ps
        if r.spill:
            spilled.append(r)
    row: dict[str, Any] = {
        "latency_s": sim.total_ps / PS_PER_S,
        "latency_ps": sim.total_ps,
        "ddr_read_bytes": read,
        "ddr_write_bytes": write,
        "ddr_bytes": read + write,
        "spill_bytes": spill,
        "sram_peak_bytes": _bytes(sim.sram_peak_bits),
        "sram_capacity_bytes": _bytes(sim.sram_capacity_bits),
        "macs": macs,
        "compute_ps": compute_ps,
        "stall_ps": stall_ps,
        "layers": len(layers),
        "spilled_layers": len(spilled),
        "overflow_layer": spilled[0].index if spilled else "",
        "overflow_layer_name": spilled[0].name if spilled else "",
    }
    row.update(energy_fields(run))
    row.update(energy_fields(sim))
    return row


def energy_fields(obj: object) -> dict[str, Any]:
    """Energy figures of ``obj``: its numeric attributes named ``*_pj`` and the
    ``*_pj`` fields of any record attribute whose name contains "energy"."""
    out: dict[str, Any] = {}
    for name in _public_names(obj):
        if not (name.endswith("_pj") or "energy" in name):
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # a property that does not apply to this run
            continue
        if _is_number(value) and name.endswith("_pj"):
            out[name] = value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                sub = getattr(value, f.name)
                if f.name.endswith("_pj") and _is_number(sub):
                    out[f"{name}_{f.name}"] = sub
            for prop in _public_names(value):
                if prop.endswith("_pj") and f"{name}_{prop}" not in out:
                    sub = getattr(value, prop)
                    if _is_number(sub):
                        out[f"{name}_{prop}"] = sub
    return out


_names: dict[type, tuple[str, ...]] = {}


def _public_names(obj: object) -> tuple[str, ...]:
    """Public dataclass fields and properties of ``obj``'s class (found once per class:
    a row is built per point)."""
    cls = type(obj)
    names = _names.get(cls)
    if names is None:
        found = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []
        found += [n for n, v in vars(cls).items() if isinstance(v, property)]
        names = _names[cls] = tuple(n for n in dict.fromkeys(found) if not n.startswith("_"))
    return names


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
