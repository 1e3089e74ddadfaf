"""``accelsim model``: write the bundled models, reproducibly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accelsim.cli.common import console, user_errors

app = typer.Typer(help="Build the models accelsim ships, bit for bit.", no_args_is_help=True)


@app.command("mobilenet")
def mobilenet(
    output: Annotated[Path, typer.Option("--output", "-o", help="ONNX file to write.")],
    alpha: Annotated[float, typer.Option(help="Width multiplier (scales channel counts).")] = 1.0,
    rho: Annotated[float, typer.Option(help="Resolution multiplier (scales the 28x28 input).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the weights and BN statistics.")] = 0,
) -> None:
    """The paper's MobileNet (Table 1) for CIFAR-10, Conv+BN+Relu as exporters write it."""
    from accelsim.outputs import Outputs
    from accelsim.workload.zoo import mobilenet_onnx_bytes

    with user_errors(), Outputs() as out:
        out.add("--output", output)
        data = mobilenet_onnx_bytes(alpha=alpha, rho=rho, seed=seed)
        out.write(output, data)
    console.print(f"wrote {output} ({len(data):,} bytes; alpha {alpha}, rho {rho}, seed {seed})")
