"""The ``accelsim`` command: thin wiring of one module per command."""

from __future__ import annotations

import typer

from accelsim.cli import diff, dram, model, pareto, reproduce, run, sweep, verify

app = typer.Typer(
    name="accelsim",
    help="Simulate DNN inference accelerators from ONNX models: memory, spills and time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
app.command("run")(run.run)
app.command("diff")(diff.diff)
app.command("reproduce")(reproduce.reproduce)
app.command("verify")(verify.verify)
app.command("dram")(dram.dram)
app.command("sweep")(sweep.sweep)
app.command("pareto")(pareto.pareto)
app.add_typer(model.app, name="model")


def main() -> None:
    app()
