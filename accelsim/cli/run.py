"""``accelsim run``: one model on one hardware config, as tables and files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import ModelOption, console, user_errors
from accelsim.errors import AccelsimError


def run(
    hw: Annotated[Path, typer.Option(
        "--hw", help="Hardware config: a YAML file or a bundled config's name (accelsim "
                     "configs lists them).")],
    model: ModelOption = None,
    csv_path: Annotated[Optional[Path], typer.Option(
        "--csv", help="Write per-layer results to this CSV file.")] = None,
    json_path: Annotated[Optional[Path], typer.Option(
        "--json", help="Write results, the step log and SRAM occupancy to this JSON file.")] = None,
    timeline: Annotated[Optional[Path], typer.Option(
        "--timeline", help="Write every transfer and compute step as a Chrome trace "
                           "(open in ui.perfetto.dev).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no tables.")] = False,
    verify: Annotated[bool, typer.Option(
        "--verify", help="Also execute the model with numpy and compare with onnxruntime "
                         "(as `accelsim verify`); exit 1 if float32 disagrees.")] = False,
) -> None:
    """Simulate a model layer by layer and print the memory and timing tables."""
    from accelsim.api import bundled_model_path, simulate
    from accelsim.hw.config import load_hw
    from accelsim.report.export import to_csv, to_json
    from accelsim.report.tables import run_report
    from accelsim.report.trace import chrome_trace_json
    from accelsim.outputs import Outputs
    from accelsim.workload import load_model

    from accelsim.hw.bundled import resolve

    with user_errors(), Outputs(model) as out:
        hw = out.input(resolve(hw))
        out.add("--csv", csv_path)
        out.add("--json", json_path)
        out.add("--timeline", timeline)
        hw_config = load_hw(hw)
        network = load_model(model if model is not None else bundled_model_path())
        try:
            result = simulate(network, hw_config)
        except AccelsimError as exc:  # this config cannot run this model: say which config
            raise AccelsimError(f"{hw}: {exc}") from None
        if verify:  # before any file is written: a model it cannot run leaves none
            from accelsim.functional import verify_network

            check = verify_network(network, network.source)
        if csv_path is not None:
            out.write(csv_path, lambda: to_csv(result))
        if json_path is not None:
            out.write(json_path, lambda: to_json(result))
        if timeline is not None:
            out.write(timeline, lambda: chrome_trace_json(result))
    if not quiet:
        console.print(run_report(result))
    if verify:
        from accelsim.report.verify_view import summary, verify_report

        console.print(summary(check) if quiet else verify_report(check))
        if not check.passed:
            raise typer.Exit(code=1)
