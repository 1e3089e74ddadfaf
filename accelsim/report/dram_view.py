"""A DRAM trace run as a table and as JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table

from accelsim.api import DramTraceResult


def dram_document(result: DramTraceResult) -> dict[str, Any]:
    s = result.stats
    return {
        "hw": result.hw_name, "dram": result.dram_name, "trace": result.trace,
        "serial": result.serial, "requests": s.requests, "reads": s.reads, "writes": s.writes,
        "bytes": s.bytes, "completion_ps": s.completion_ps, "completion_ns": s.completion_ps / 1e3,
        "bandwidth_bytes_per_s": s.bandwidth_bytes_per_s,
        "peak_bandwidth_bytes_per_s": result.peak_bandwidth_bytes_per_s,
        "avg_read_latency_ns": (None if s.avg_read_latency_ps is None
                                else s.avg_read_latency_ps / 1e3),
        "row_hit_rate": s.row_hit_rate,
    }


def dram_json(result: DramTraceResult) -> str:
    return json.dumps(dram_document(result), indent=2) + "\n"


def dram_table(result: DramTraceResult) -> Table:
    d = dram_document(result)
    table = Table(title=f"DRAM trace {result.trace} on {result.dram_name}"
                        f"{' (serial)' if result.serial else ''}", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    latency = d["avg_read_latency_ns"]
    for name, value in (
        ("requests (reads / writes)", f"{d['requests']:,} ({d['reads']:,} / {d['writes']:,})"),
        ("bytes", f"{d['bytes']:,}"),
        ("completion time", f"{d['completion_ns']:,.2f} ns"),
        ("bandwidth", f"{d['bandwidth_bytes_per_s'] / 1e9:.4f} GB/s"),
        ("share of peak", f"{100 * d['bandwidth_bytes_per_s'] / d['peak_bandwidth_bytes_per_s']:.1f} % "
                          f"of {d['peak_bandwidth_bytes_per_s'] / 1e9:.4g} GB/s"),
        ("average read latency", "-" if latency is None else f"{latency:.2f} ns"),
        ("row-hit rate", f"{100 * d['row_hit_rate']:.2f} %"),
    ):
        table.add_row(name, value)
    return table
