"""``accelsim configs``: the hardware configs, sweep files and models that ship with accelsim."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from accelsim.cli.common import console, user_errors


def configs(
    paths: Annotated[bool, typer.Option(
        "--paths", help="Also print where each file is installed.")] = False,
) -> None:
    """List the bundled hardware configs, sweep files and models, by the name that
    finds them from any folder (--hw NAME, accelsim sweep NAME)."""
    from rich.table import Table

    from accelsim.api import bundled_model_path
    from accelsim.hw.bundled import bundled_configs, bundled_sweeps
    from accelsim.hw.config import load_hw
    from accelsim.hw.edit import describe

    with user_errors():
        machines = [(c, load_hw(c.path)) for c in bundled_configs()]
    table = Table(title="Hardware configs (--hw NAME)", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("machine", overflow="fold")
    for config, hw in machines:
        summary = describe(hw).split(": ", 1)[1]
        table.add_row(config.name, summary + (f"\n{config.path}" if paths else ""))
    console.print(table)
    sweeps = Table(title="Sweep files (accelsim sweep NAME)", title_justify="left")
    sweeps.add_column("name", no_wrap=True)
    sweeps.add_column("what it sweeps", overflow="fold")
    for sweep in bundled_sweeps():
        sweeps.add_row(sweep.name, _heading(sweep.path) + (f"\n{sweep.path}" if paths else ""))
    console.print(sweeps)
    model = bundled_model_path()
    console.print(f"Bundled model: mobilenet, the paper's MobileNet for CIFAR-10"
                  f"{f' ({model})' if paths else ''}; --model takes any ONNX file or "
                  "layer table.")


def _heading(path: Path) -> str:
    """A sweep file's opening comment, up to its indented usage example."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") or line.startswith("#  "):
            break
        words.append(line.lstrip("#").strip())
    return " ".join(words)
