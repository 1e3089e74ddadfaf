"""A run's figures as rows of :mod:`accelsim.schema` columns: the one place they are computed.

Per layer (:func:`layer_rows`), per run (:func:`run_totals`), per step and
SRAM occupancy over time. The CSV and JSON writers, the tables, the sweep
results and the DataFrames of the API all take their numbers from here, so a
quantity is computed once and named once. Units come from
:mod:`accelsim.sim.units` (the time base, bits to bytes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accelsim.sim.units import PS_PER_S, bytes_of

if TYPE_CHECKING:  # only types: reading figures never loads the simulator
    from accelsim.api import RunResult
    from accelsim.sim.energy import EnergyBreakdown
    from accelsim.sim.results import LayerResult

__all__ = ["PS_PER_S", "bytes_of", "energy_columns", "layer_row", "layer_rows",
           "occupancy_rows", "run_totals", "seconds", "step_rows"]


def seconds(time_ps: int) -> float:
    """Picoseconds as seconds (a float, for people; the ``_ps`` columns stay exact)."""
    return time_ps / PS_PER_S


def energy_columns(energy: EnergyBreakdown) -> dict[str, float]:
    """A breakdown as the ``energy_*_pj`` columns."""
    return {"energy_pj": energy.total_pj, "energy_compute_pj": energy.compute_pj,
            "energy_sram_pj": energy.sram_pj, "energy_ddr_pj": energy.ddr_pj,
            "energy_static_pj": energy.static_pj}


def _timed(name: str, time_ps: int) -> dict[str, float | int]:
    return {f"{name}_s": time_ps / PS_PER_S, f"{name}_ps": time_ps}


def layer_row(run: RunResult, r: LayerResult) -> dict[str, Any]:
    """One layer of ``run``, keys as :data:`accelsim.schema.LAYER_COLUMNS`."""
    return {
        "model": run.model_name, "hw": run.hw_name,
        "layer": r.index, "layer_name": r.name, "op": r.op,
        "input_fmap_bits": r.input_fmap_bits, "output_fmap_bits": r.output_fmap_bits,
        "weight_params": r.weight_params, "macs": r.macs, "vector_ops": r.vector_ops,
        "internal_memory_bits": r.internal_memory_bits,
        "data_movement_bits": r.data_movement_bits,
        "ddr_read_bytes": bytes_of(r.ddr_read_bits),
        "ddr_write_bytes": bytes_of(r.ddr_write_bits),
        "spill": int(r.spill), "spill_bytes": bytes_of(r.spill_bits), "tiles": r.tiles,
        "sram_peak_bytes": bytes_of(r.sram_peak_bits),
        **_timed("data_movement", r.movement_ps), **_timed("compute", r.compute_ps),
        **_timed("stall", r.stall_ps), **_timed("performance", r.performance_ps),
        **_timed("start", r.start_ps), **_timed("end", r.end_ps),
        "compute_unit": r.compute_unit, "compute_cycles": r.compute_cycles, "folds": r.folds,
        "compute_utilization": r.utilization,
        "sram_read_bytes": r.sram_read_bytes, "sram_write_bytes": r.sram_write_bytes,
        "ddr_activates": r.ddr_activates, "ddr_refreshes": r.ddr_refreshes,
        **energy_columns(r.energy),
    }


def layer_rows(run: RunResult) -> list[dict[str, Any]]:
    """One row per executed layer, in schedule order."""
    return [layer_row(run, r) for r in run.sim.layers]


def run_totals(run: RunResult) -> dict[str, Any]:
    """Whole-run figures, keys as :data:`accelsim.schema.RUN_COLUMNS`. One pass over the
    layers: a sweep builds this for every design point."""
    sim = run.sim
    layers = sim.layers
    macs = vector_ops = params = movement_bits = read = write = spill = 0
    movement_ps = compute_ps = stall_ps = cycles = folds = 0
    sram_read = sram_write = activates = refreshes = 0
    spilled: list[LayerResult] = []
    for r in layers:
        macs += r.macs
        vector_ops += r.vector_ops
        params += r.weight_params
        movement_bits += r.data_movement_bits
        read += bytes_of(r.ddr_read_bits)
        write += bytes_of(r.ddr_write_bits)
        spill += bytes_of(r.spill_bits)
        movement_ps += r.movement_ps
        compute_ps += r.compute_ps
        stall_ps += r.stall_ps
        cycles += r.compute_cycles
        folds += r.folds
        sram_read += r.sram_read_bytes
        sram_write += r.sram_write_bytes
        activates += r.ddr_activates
        refreshes += r.ddr_refreshes
        if r.spill:
            spilled.append(r)
    return {
        "model": run.model_name, "hw": run.hw_name, "policy": run.policy,
        "layer_count": len(layers), "macs": macs, "vector_ops": vector_ops,
        "weight_params": params,
        "data_movement_bits": movement_bits,
        "ddr_read_bytes": read, "ddr_write_bytes": write, "ddr_bytes": read + write,
        "spill_bytes": spill, "spilled_layers": [r.index for r in spilled],
        "spilled_layer_count": len(spilled),
        "overflow_layer": spilled[0].index if spilled else "",
        "overflow_layer_name": spilled[0].name if spilled else "",
        "sram_capacity_bytes": bytes_of(sim.sram_capacity_bits),
        "sram_peak_bytes": bytes_of(sim.sram_peak_bits),
        **_timed("data_movement", movement_ps), **_timed("compute", compute_ps),
        **_timed("stall", stall_ps), **_timed("performance", sim.total_ps),
        "compute_cycles": cycles, "folds": folds,
        "sram_read_bytes": sram_read, "sram_write_bytes": sram_write,
        "ddr_activates": activates, "ddr_refreshes": refreshes,
        **energy_columns(sim.energy),
    }


def step_rows(run: RunResult) -> list[dict[str, Any]]:
    """Every transfer and compute step, keys as :data:`accelsim.schema.STEP_COLUMNS`."""
    return [{"layer": s.layer, "unit": s.unit, "action": s.action, "label": s.label,
             "tensor": s.tensor, "spill": int(s.spill), "size_bits": s.bits,
             **_timed("start", s.start_ps), **_timed("end", s.end_ps)}
            for s in run.sim.steps]


def occupancy_rows(run: RunResult) -> list[dict[str, Any]]:
    """SRAM occupancy over time, keys as :data:`accelsim.schema.OCCUPANCY_COLUMNS`."""
    return [{**_timed("time", t), "sram_used_bits": bits} for t, bits in run.sim.sram_occupancy]
