"""Results as file contents (CSV, JSON), in the columns of :mod:`accelsim.schema`.

These functions return text; the command that writes files does so through
:mod:`accelsim.outputs` (temporary files renamed into place all together).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from accelsim.api import RunResult
from accelsim.figures import layer_rows, occupancy_rows, run_totals, step_rows
from accelsim.schema import LAYER_COLUMNS, SCHEMA_VERSION, names


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: a list of layers as space-separated numbers."""
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return value


def csv_text(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def to_csv(run: RunResult) -> str:
    """One row per layer (:data:`accelsim.schema.LAYER_COLUMNS`)."""
    return csv_text(names(LAYER_COLUMNS), layer_rows(run))


def to_json_document(run: RunResult) -> dict[str, Any]:
    """The whole run (:data:`accelsim.schema.JSON_KEYS`)."""
    from accelsim import __version__

    return {
        "schema_version": SCHEMA_VERSION, "accelsim_version": __version__,
        "model": run.model_name, "model_source": run.model_source, "hw": run.hw_name,
        "policy": run.policy, "activation_bits": run.activation_bits,
        "hw_config": None if run.hw is None else run.hw.model_dump(mode="json"),
        "totals": run_totals(run),
        "layers": layer_rows(run),
        "steps": step_rows(run),
        "sram_occupancy": occupancy_rows(run),
    }


def to_json(run: RunResult) -> str:
    return json.dumps(to_json_document(run), indent=2) + "\n"
