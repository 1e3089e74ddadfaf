"""``accelsim fit``: the smallest SRAM on which a model runs without a spill, per policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import ModelOption, console, user_errors


def fit(
    hw: Annotated[Path, typer.Option(
        "--hw", help="Base hardware config (a YAML file or a bundled config's name); its "
                     "SRAM size is varied.")],
    model: ModelOption = None,
    policy: Annotated[Optional[list[str]], typer.Option(
        "--policy", metavar="NAME", help="Fit only this policy (repeatable), e.g. --policy tiled.",
        show_default="every registered policy")] = None,
    json_path: Annotated[Optional[Path], typer.Option(
        "--json", help="Write the sizes and the simulated ladder to this JSON file.")] = None,
    plot: Annotated[Optional[Path], typer.Option(
        "--plot", help="Draw latency and DDR traffic against SRAM size (.png, .svg, .pdf).")]
        = None,
) -> None:
    """For each policy, the smallest SRAM (to 1 KB) that runs the model without any spill,
    and the latency at sizes around it."""
    from accelsim.explore.fit import fit as fit_model
    from accelsim.hw.bundled import resolve
    from accelsim.outputs import Outputs
    from accelsim.report.fit_view import fit_json, fit_report

    with user_errors(), Outputs(model) as out:
        hw = out.input(resolve(hw))
        out.add("--json", json_path)
        out.add("--plot", plot)
        if plot is not None:
            from accelsim.report.plots import check_plot_path

            fmt = check_plot_path(plot)
        result = fit_model(hw, model, policy)
        if json_path is not None:
            out.write(json_path, lambda: fit_json(result))
        if plot is not None:
            from accelsim.report.fit_view import fit_plot
            from accelsim.report.plots import figure_bytes

            out.write(plot, lambda: figure_bytes(fit_plot(result), fmt))
    console.print(fit_report(result))
