"""What every command shares: one console, and user errors as one line with exit 2."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional, TypeVar

import typer
from rich.console import Console

from accelsim.errors import AccelsimError

def _console() -> Console:
    """Rich's console; when the output is not a terminal and COLUMNS is unset, 132
    columns (rather than rich's 80) so that piped tables keep every digit."""
    probe = Console()
    if not probe.is_terminal and "COLUMNS" not in os.environ:
        return Console(highlight=False, width=160)
    return Console(highlight=False)


console = _console()
T = TypeVar("T")

ModelOption = Annotated[Optional[Path], typer.Option(
    "--model", help="ONNX model or layer-table CSV.",
    show_default="the bundled MobileNet, models/mobilenet_cifar10.onnx")]
"""The ``--model`` of the commands that simulate a model file (default: None, the bundled one)."""


def fail(message: str) -> typer.Exit:
    """Print ``message`` as one line on stderr; return the exit to raise (status 2)."""
    sys.stderr.write(f"accelsim: error: {' '.join(message.split())}\n")
    return typer.Exit(code=2)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn :class:`AccelsimError` into one line on stderr and exit status 2."""
    try:
        yield
    except AccelsimError as exc:
        raise fail(str(exc)) from None
