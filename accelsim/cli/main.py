"""The ``accelsim`` command: thin wiring of one module per command."""

from __future__ import annotations

import sys

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


# Click's exception classes, wherever this typer takes click from (recent typers
# vendor their own copy): found through typer's public BadParameter.
_CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]
ClickException: type[Exception] = _CLICK_ERRORS.ClickException
UsageError: type[Exception] = _CLICK_ERRORS.UsageError
NoArgsIsHelp: type[Exception] | tuple[()] = getattr(_CLICK_ERRORS, "NoArgsIsHelpError", ())


def main() -> None:
    """Run the command; a usage mistake (a missing or unknown option) is one line on
    stderr with exit status 2, like every other user error."""
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelp as exc:  # bare `accelsim` or `accelsim model`: the help
        exc.show()  # type: ignore[attr-defined]
        code = exc.exit_code  # type: ignore[attr-defined]
    except ClickException as exc:
        usage = isinstance(exc, UsageError)
        ctx = getattr(exc, "ctx", None)
        where = f"{ctx.command_path}: " if usage and ctx is not None else ""
        message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
        sys.stderr.write(f"accelsim: error: {where}{message}"
                         f"{' (see --help)' if usage else ''}\n")
        code = exc.exit_code  # type: ignore[attr-defined]
    except typer.Abort:
        code = 1
    sys.exit(code if isinstance(code, int) else 0)
