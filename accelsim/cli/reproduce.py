"""``accelsim reproduce paper``: the paper's Tables 3 and 4, cell by cell."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import console, user_errors


class Target(str, Enum):
    paper = "paper"


def reproduce(
    target: Annotated[Target, typer.Argument(help="What to reproduce.")] = Target.paper,
    hw: Annotated[Optional[Path], typer.Option(
        "--hw", help="Hardware config.", show_default="1mb_ddr3, the paper's machine")] = None,
    model: Annotated[Optional[Path], typer.Option(
        "--model", help="The Table 1 ONNX model.", show_default="the bundled MobileNet")] = None,
) -> None:
    """Run the paper's layer sizes and the Table 1 ONNX model through the paper policy
    and compare every cell of Tables 3 and 4; exit 1 if a disagreement is unexplained."""
    from accelsim.api import bundled_hw_path, bundled_model_path, simulate
    from accelsim.hw.config import load_hw
    from accelsim.report.paper_view import reproduction_view
    from accelsim.report.reproduce import compare_with_paper, paper_sizes_path
    from accelsim.workload import load_model

    with user_errors():
        hw_config = load_hw(hw if hw is not None else bundled_hw_path())  # a name or a file
        runs = [
            ("paper_sizes", "(a) The paper's own layer sizes (paper_layer_sizes.csv)",
             load_model(paper_sizes_path())),
            ("table1_onnx", "(b) The Table 1 network as ONNX (models/mobilenet_cifar10.onnx)",
             load_model(model if model is not None else bundled_model_path())),
        ]
        reproductions = [compare_with_paper(simulate(network, hw_config), workload, title)
                         for workload, title, network in runs]
    for rep in reproductions:
        console.print(reproduction_view(rep))
    if any(rep.unexplained for rep in reproductions):
        raise typer.Exit(code=1)
