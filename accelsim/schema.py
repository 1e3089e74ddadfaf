"""The one schema of accelsim's outputs: every column's name, unit and meaning.

A quantity has one name wherever it appears (the per-layer CSV, the JSON
document, a sweep's results file and its Parquet copy, the DataFrames of the
Python API), and the name carries its unit: ``_bits``, ``_bytes``, ``_s``
(seconds, a float), ``_ps`` (exact integer picoseconds), ``_pj`` (picojoules).
Counts (``macs``, ``tiles``, ``compute_cycles``) and fractions have none.

This module is that list, as data; ``docs/schema.md`` is rendered from it
(:func:`markdown`), and the tests hold every writer to it. To add a column,
add it here and where :mod:`accelsim.figures` computes it; the schema test
says what else is missing.

``SCHEMA_VERSION`` is written into every JSON document (``schema_version``)
and into the Parquet file's metadata. It changes when a column is renamed,
removed or changes meaning; adding a column keeps it. Version 1 was the
unversioned output of accelsim before this schema.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 2

UNITS = {
    "bits": "bits",
    "bytes": "bytes (8 bits)",
    "s": "seconds (float; the exact figure is the `_ps` twin)",
    "ps": "picoseconds (integer, exact)",
    "pJ": "picojoules (float)",
    "count": "a whole number",
    "cycles": "clock cycles of the unit that ran the layer",
    "fraction": "between 0 and 1",
    "flag": "0 or 1",
    "text": "text",
    "layers": "layer numbers (a JSON list; space-separated in CSV)",
}


@dataclass(frozen=True)
class Column:
    """One column: its ``name``, its ``unit`` (a key of :data:`UNITS`) and what it means."""

    name: str
    unit: str
    meaning: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"column {self.name}: unknown unit {self.unit!r}")


def _cols(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


def _timed(name: str, meaning: str) -> tuple[tuple[str, str, str], ...]:
    """A time as its two columns: seconds for people, picoseconds for exact checks."""
    return ((f"{name}_s", "s", meaning), (f"{name}_ps", "ps", meaning))


_IDENTITY = (
    ("model", "text", "The model's name (its file name without the suffix, or the bundled "
                      "model's)."),
    ("hw", "text", "The hardware config's `name`."),
)

_ENERGY = (
    ("energy_pj", "pJ", "Energy, all components."),
    ("energy_compute_pj", "pJ", "Energy of the MACs and vector operations on the unit that "
                                "ran them."),
    ("energy_sram_pj", "pJ", "Energy of on-chip SRAM reads and writes."),
    ("energy_ddr_pj", "pJ", "Energy of DDR data, activates and refreshes."),
    ("energy_static_pj", "pJ", "Static power over the wall time."),
)

_COUNTS = (
    ("sram_read_bytes", "bytes", "On-chip SRAM bytes read (DMA drains, compute operands)."),
    ("sram_write_bytes", "bytes", "On-chip SRAM bytes written (DMA fills, compute results)."),
    ("ddr_activates", "count", "DDR row activations (measured on DDR3, estimated on the ideal "
                               "pipe)."),
    ("ddr_refreshes", "count", "DDR refresh commands."),
)

LAYER_COLUMNS: tuple[Column, ...] = _cols(
    *_IDENTITY,
    ("layer", "count", "Position of the layer in the schedule, from 1."),
    ("layer_name", "text", "The layer's node name in the model."),
    ("op", "text", "What the layer computes (conv, depthwise, pointwise, fc, pool, softmax, "
                       "...)."),
    ("input_fmap_bits", "bits", "Input feature map at the activation precision (the paper's "
                                "Table 3)."),
    ("output_fmap_bits", "bits", "Output feature map at the activation precision."),
    ("weight_params", "count", "Weight parameters."),
    ("macs", "count", "Multiply-accumulates of matrix products (Conv, ConvTranspose, Gemm, "
                      "MatMul), as torch profilers and fvcore count them."),
    ("vector_ops", "count", "Elementary operations of vector work: pooling, element-wise, "
                            "normalisation, softmax, fused activations (an exp counts one)."),
    ("internal_memory_bits", "bits", "The policy's memory in use (the paper's 'internal "
                                     "memory')."),
    ("data_movement_bits", "bits", "All data over the DDR bus, read and written (the paper's "
                                   "'data movement')."),
    ("ddr_read_bytes", "bytes", "Bytes read from DDR."),
    ("ddr_write_bytes", "bytes", "Bytes written to DDR."),
    ("spill", "flag", "1 if the layer overflowed the SRAM or spilled."),
    ("spill_bytes", "bytes", "Of the DDR traffic, bytes moved only because the SRAM was full."),
    ("tiles", "count", "Pieces the layer ran in."),
    ("sram_peak_bytes", "bytes", "Most the SRAM held during the layer."),
    *_timed("data_movement", "Summed duration of the layer's DDR transfers."),
    *_timed("compute", "Summed duration of the layer's compute steps."),
    *_timed("stall", "Wall time during which the compute unit waited for data."),
    *_timed("performance", "The layer's wall time (the paper's 'performance')."),
    *_timed("start", "When the layer started."),
    *_timed("end", "When the layer ended."),
    ("compute_unit", "text", "The unit that ran the layer: array, vector or ideal."),
    ("compute_cycles", "cycles", "Cycles of that unit."),
    ("folds", "count", "Array folds (tiles of the systolic array's mapping)."),
    ("compute_utilization", "fraction", "Useful MACs over the unit's MAC slots."),
    *_COUNTS,
    *_ENERGY,
)
"""A row per executed layer: ``run --csv``, the JSON's ``layers``, ``RunResult.to_dataframe()``."""

RUN_COLUMNS: tuple[Column, ...] = _cols(
    *_IDENTITY,
    ("policy", "text", "The accounting policy (paper, tiled, ...)."),
    ("layer_count", "count", "Layers executed."),
    ("macs", "count", "Multiply-accumulates of matrix products."),
    ("vector_ops", "count", "Elementary operations of vector work."),
    ("weight_params", "count", "Weight parameters."),
    ("data_movement_bits", "bits", "All data over the DDR bus."),
    ("ddr_read_bytes", "bytes", "Bytes read from DDR (the layers' sum)."),
    ("ddr_write_bytes", "bytes", "Bytes written to DDR."),
    ("ddr_bytes", "bytes", "Bytes read and written."),
    ("spill_bytes", "bytes", "Of the DDR traffic, bytes moved only because the SRAM was full."),
    ("spilled_layers", "layers", "The layers that overflowed or spilled."),
    ("spilled_layer_count", "count", "How many layers overflowed or spilled."),
    ("overflow_layer", "count", "The first of them (empty when none)."),
    ("overflow_layer_name", "text", "Its name (empty when none)."),
    ("sram_capacity_bytes", "bytes", "The SRAM's size."),
    ("sram_peak_bytes", "bytes", "Most the SRAM held."),
    *_timed("data_movement", "Summed duration of all DDR transfers."),
    *_timed("compute", "Summed duration of all compute steps."),
    *_timed("stall", "Wall time during which the compute unit waited for data."),
    *_timed("performance", "Total wall time of the run (its latency)."),
    ("compute_cycles", "cycles", "Cycles of the compute units, summed."),
    ("folds", "count", "Array folds, summed."),
    *_COUNTS,
    *_ENERGY,
)
"""Whole-run figures: the JSON's ``totals``, a sweep row's figures, ``RunResult.totals()``."""

STEP_COLUMNS: tuple[Column, ...] = _cols(
    ("layer", "count", "The layer the step belongs to."),
    ("unit", "text", "ddr (a DMA transfer over the DDR bus) or compute."),
    ("action", "text", "read (DDR to SRAM), write (SRAM to DDR) or compute."),
    ("label", "text", "What the step moves or computes (input band 1/1, weights group "
                         "2/8, ...)."),
    ("tensor", "text", "The tensor moved, when it is one."),
    ("spill", "flag", "1 if the transfer is a spill."),
    ("size_bits", "bits", "Data moved (0 for compute)."),
    *_timed("start", "When the step started."),
    *_timed("end", "When the step ended."),
)
"""Every transfer and compute step: the JSON's ``steps``, ``RunResult.steps_dataframe()``."""

OCCUPANCY_COLUMNS: tuple[Column, ...] = _cols(
    *_timed("time", "When the SRAM's content changed."),
    ("sram_used_bits", "bits", "What it held from then on."),
)
"""SRAM occupancy over time: the JSON's ``sram_occupancy``,
``RunResult.sram_dataframe()``."""

SWEEP_COLUMNS: tuple[Column, ...] = _cols(
    ("point_id", "text", "A hash of the point's swept values."),
    ("sweep", "text", "A hash of the sweep's base config and model."),
    ("status", "text", "ok; invalid (an impossible design, or one accelsim cannot simulate); "
                       "or failed (a per-point limit or a crashed worker: a rerun retries it)."),
    ("error", "text", "Why an invalid or failed point is so, on one line naming the point."),
)
"""A sweep row: ``point_id`` and ``sweep``, then one column per axis (named by its path,
``sram.size``), ``status`` and ``error``, then :data:`RUN_COLUMNS` (empty for an
invalid point)."""

JSON_KEYS: tuple[Column, ...] = _cols(
    ("schema_version", "count", "This schema's version."),
    ("accelsim_version", "text", "The accelsim that wrote the file."),
    ("model", "text", "The model's name."),
    ("model_source", "text", "Where the model came from (its file)."),
    ("hw", "text", "The hardware config's name."),
    ("policy", "text", "The accounting policy."),
    ("activation_bits", "bits", "Bits per activation."),
    ("hw_config", "text", "The hardware config, every field, as a config file would hold it "
                          "(quantities as exact text; null if unknown)."),
    ("totals", "text", "Whole-run figures (RUN_COLUMNS)."),
    ("layers", "text", "One object per layer (LAYER_COLUMNS)."),
    ("steps", "text", "One object per step (STEP_COLUMNS)."),
    ("sram_occupancy", "text", "SRAM occupancy over time (OCCUPANCY_COLUMNS)."),
)
"""The top level of ``run --json``."""

TABLES: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    ("Per layer", "`run --csv`, the JSON's `layers`, `RunResult.to_dataframe()`",
     LAYER_COLUMNS),
    ("Per run", "the JSON's `totals`, the figures of every sweep row, `RunResult.totals()`",
     RUN_COLUMNS),
    ("Per step", "the JSON's `steps`, `RunResult.steps_dataframe()`", STEP_COLUMNS),
    ("SRAM occupancy", "the JSON's `sram_occupancy`, `RunResult.sram_dataframe()`",
     OCCUPANCY_COLUMNS),
    ("Sweep rows", "`sweep --out` and `--parquet`, `accelsim.sweep(...)`: these, one column "
                   "per axis after `sweep`, then the per-run columns (empty for an invalid "
                   "point)", SWEEP_COLUMNS),
    ("JSON document", "the top level of `run --json`", JSON_KEYS),
)


def names(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(c.name for c in columns)


def column(name: str) -> Column:
    """The column called ``name`` in any table (a per-layer one first)."""
    for _, _, columns in TABLES:
        for c in columns:
            if c.name == name:
                return c
    raise KeyError(name)


def markdown() -> str:
    """The schema as the Markdown of ``docs/schema.md``."""
    lines = ["# accelsim's output schema", "",
             f"Schema version {SCHEMA_VERSION}. Generated from `accelsim/schema.py` "
             "(regenerate with `pytest tests/test_schema.py --regen-golden`); one name per "
             "quantity in every output, its unit in its name.", "",
             "Units: " + "; ".join(f"`{k}`: {v}" for k, v in UNITS.items()) + ".", ""]
    for title, where, columns in TABLES:
        lines += [f"## {title}", "", f"In {where}.", "", "| column | unit | meaning |",
                  "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.unit} | {c.meaning} |" for c in columns]
        lines.append("")
    return "\n".join(lines)
