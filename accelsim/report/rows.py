"""Per-layer result rows: the one flat view that tables, CSV, JSON and diffs share."""

from __future__ import annotations

from typing import Any

from accelsim.api import RunResult
from accelsim.sim.energy import EnergyBreakdown

PS_PER_S = 10**12

COLUMNS: tuple[str, ...] = (
    "layer", "name", "op", "input_fmap_bits", "output_fmap_bits", "weight_params", "macs",
    "internal_memory_bits", "data_movement_bits", "ddr_read_bits", "ddr_write_bits", "spill",
    "data_movement_s", "compute_s", "performance_s", "start_s", "end_s",
    "movement_ps", "compute_ps", "performance_ps", "compute_cycles", "utilization",
    "ddr_read_bytes", "ddr_write_bytes", "spill_bytes", "tiles", "sram_peak_bytes", "stall_s",
    "stall_ps", "folds", "compute_unit", "sram_read_bytes", "sram_write_bytes",
    "ddr_activates", "ddr_refreshes", "energy_pj", "energy_compute_pj", "energy_sram_pj",
    "energy_ddr_pj", "energy_static_pj",
)
"""CSV column order. Times appear in seconds (floats) and exact picoseconds; energies
in picojoules."""


def seconds(time_ps: int) -> float:
    return time_ps / PS_PER_S


def bytes_of(bits: int) -> int:
    """Whole bytes that hold ``bits`` (what a byte-addressed bus moves)."""
    return -(-bits // 8)


def energy_columns(energy: EnergyBreakdown) -> dict[str, float]:
    """A breakdown as the ``energy_*_pj`` columns."""
    return {"energy_pj": energy.total_pj, "energy_compute_pj": energy.compute_pj,
            "energy_sram_pj": energy.sram_pj, "energy_ddr_pj": energy.ddr_pj,
            "energy_static_pj": energy.static_pj}


def layer_rows(run: RunResult) -> list[dict[str, Any]]:
    """One dict per executed layer, keys as in :data:`COLUMNS`."""
    return [
        {
            "layer": r.index, "name": r.name, "op": r.op,
            "input_fmap_bits": r.input_fmap_bits, "output_fmap_bits": r.output_fmap_bits,
            "weight_params": r.weight_params, "macs": r.macs,
            "internal_memory_bits": r.internal_memory_bits,
            "data_movement_bits": r.data_movement_bits,
            "ddr_read_bits": r.ddr_read_bits, "ddr_write_bits": r.ddr_write_bits,
            "spill": int(r.spill),
            "data_movement_s": seconds(r.movement_ps), "compute_s": seconds(r.compute_ps),
            "performance_s": seconds(r.performance_ps),
            "start_s": seconds(r.start_ps), "end_s": seconds(r.end_ps),
            "movement_ps": r.movement_ps, "compute_ps": r.compute_ps,
            "performance_ps": r.performance_ps,
            "compute_cycles": r.compute_cycles, "utilization": r.utilization,
            "ddr_read_bytes": bytes_of(r.ddr_read_bits),
            "ddr_write_bytes": bytes_of(r.ddr_write_bits),
            "spill_bytes": bytes_of(r.spill_bits), "tiles": r.tiles,
            "sram_peak_bytes": bytes_of(r.sram_peak_bits),
            "stall_s": seconds(r.stall_ps), "stall_ps": r.stall_ps,
            "folds": r.folds, "compute_unit": r.compute_unit,
            "sram_read_bytes": r.sram_read_bytes, "sram_write_bytes": r.sram_write_bytes,
            "ddr_activates": r.ddr_activates, "ddr_refreshes": r.ddr_refreshes,
            **energy_columns(r.energy),
        }
        for r in run.sim.layers
    ]


def totals(run: RunResult) -> dict[str, Any]:
    """Whole-run figures."""
    layers = run.sim.layers
    return {
        "layers": len(layers),
        "macs": sum(r.macs for r in layers),
        "data_movement_bits": run.sim.total_movement_bits,
        "data_movement_s": seconds(sum(r.movement_ps for r in layers)),
        "compute_s": seconds(sum(r.compute_ps for r in layers)),
        "performance_s": seconds(run.sim.total_ps),
        "performance_ps": run.sim.total_ps,
        "sram_capacity_bits": run.sim.sram_capacity_bits,
        "sram_peak_bits": run.sim.sram_peak_bits,
        "spilled_layers": [r.index for r in run.sim.spilled_layers],
        "ddr_read_bytes": sum(bytes_of(r.ddr_read_bits) for r in layers),
        "ddr_write_bytes": sum(bytes_of(r.ddr_write_bits) for r in layers),
        "spill_bytes": sum(bytes_of(r.spill_bits) for r in layers),
        "stall_s": seconds(sum(r.stall_ps for r in layers)),
        "compute_cycles": sum(r.compute_cycles for r in layers),
        "folds": sum(r.folds for r in layers),
        "sram_read_bytes": sum(r.sram_read_bytes for r in layers),
        "sram_write_bytes": sum(r.sram_write_bytes for r in layers),
        "ddr_activates": sum(r.ddr_activates for r in layers),
        "ddr_refreshes": sum(r.ddr_refreshes for r in layers),
        **energy_columns(run.sim.energy),
    }
