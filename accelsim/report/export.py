"""Results to files (CSV, JSON), written atomically: a file is whole or absent."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from accelsim.api import RunResult
from accelsim.report.rows import COLUMNS, layer_rows, seconds, totals


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder,
    so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def to_csv(run: RunResult) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(layer_rows(run))
    return buffer.getvalue()


def to_json_document(run: RunResult) -> dict[str, Any]:
    return {
        "model": run.model_name, "model_source": run.model_source, "hw": run.hw_name,
        "policy": run.policy, "activation_bits": run.activation_bits,
        "totals": totals(run),
        "layers": layer_rows(run),
        "steps": [
            {"layer": s.layer, "unit": s.unit, "action": s.action, "label": s.label,
             "tensor": s.tensor, "spill": s.spill,
             "bits": s.bits, "start_ps": s.start_ps, "end_ps": s.end_ps,
             "start_s": seconds(s.start_ps), "end_s": seconds(s.end_ps)}
            for s in run.sim.steps
        ],
        "sram_occupancy": [{"time_ps": t, "bits": b} for t, b in run.sim.sram_occupancy],
    }


def to_json(run: RunResult) -> str:
    return json.dumps(to_json_document(run), indent=2) + "\n"
