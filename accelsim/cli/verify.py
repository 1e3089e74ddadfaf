"""``accelsim verify``: execute a model's layer IR with numpy and compare with onnxruntime."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from accelsim.cli.common import console, user_errors


def verify(
    model: Annotated[Optional[Path], typer.Option(
        "--model", help="ONNX model.",
        show_default="the bundled MobileNet, models/mobilenet_cifar10.onnx")] = None,
    input_path: Annotated[Optional[Path], typer.Option(
        "--input", help="Input as .npy/.npz: one sample of the model's input shape, or N "
                        "stacked.", show_default="a seeded standard-normal batch")] = None,
    int8: Annotated[bool, typer.Option(
        "--int8", help="Run the int8 datapath; report SQNR and top-1 agreement.")] = False,
    samples: Annotated[int, typer.Option(
        help="Seeded inputs when no --input is given.", min=1)] = 4,
    seed: Annotated[int, typer.Option(help="Seed of those inputs.")] = 0,
    rtol: Annotated[float, typer.Option(
        help="float32 tolerance per layer, relative to the tensor's max |value|.", min=0)] = 1e-4,
    atol: Annotated[float, typer.Option(help="float32 tolerance per layer, absolute.",
                                        min=0)] = 1e-5,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the summary only.")] = False,
) -> None:
    """Compare accelsim's execution of its layer IR with onnxruntime, layer by layer.

    Exit 0 when every float32 layer agrees within the tolerance (or in --int8 mode,
    which reports and never fails), 1 when one does not, 2 on bad input.
    """
    from accelsim.api import bundled_model_path
    from accelsim.functional import Tolerance, verify_model
    from accelsim.report.verify_view import summary, verify_report

    with user_errors():
        result = verify_model(model if model is not None else bundled_model_path(), input_path,
                              int8=int8, tolerance=Tolerance(rtol=rtol, atol=atol),
                              samples=samples, seed=seed)
    console.print(summary(result) if quiet else verify_report(result))
    if not result.passed:
        raise typer.Exit(code=1)
