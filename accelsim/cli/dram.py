"""``accelsim dram``: a request trace through a config's DRAM model, of any standard."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import console, user_errors


def dram(
    hw: Annotated[Path, typer.Option("--hw", help="Hardware config with a DRAM model "
                                                  "(dram.model: dram, or ddr3).")],
    trace: Annotated[Path, typer.Option(
        "--trace", help="Request trace: lines 'R 0x<addr>' / 'W 0x<addr>', optionally a size "
                        "in bytes ('R 0x1000 32'); without one, a request is one burst of the "
                        "channel.")],
    serial: Annotated[bool, typer.Option(
        "--serial", help="Issue each request only after the previous one completes.")] = False,
    json_path: Annotated[Optional[Path], typer.Option(
        "--json", help="Write the figures to this JSON file.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no table.")] = False,
) -> None:
    """Completion time, bandwidth, average read latency and row-hit rate of a trace."""
    from accelsim.api import run_dram_trace
    from accelsim.hw.config import load_hw
    from accelsim.outputs import Outputs
    from accelsim.report.dram_view import dram_json, dram_table

    from accelsim.hw.bundled import resolve

    with user_errors(), Outputs(trace) as out:
        hw = out.input(resolve(hw))
        out.add("--json", json_path)
        hw_config = load_hw(hw)
        result = run_dram_trace(hw_config, trace, serial=serial)
        if json_path is not None:
            out.write(json_path, lambda: dram_json(result))
    if not quiet:
        console.print(dram_table(result))
