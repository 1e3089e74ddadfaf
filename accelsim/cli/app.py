"""The ``accelsim`` command: thin wiring of one module per command.

Each command module imports, at its top, only typer and what its signature
needs; the simulator, the ONNX front-end and the reports are imported inside
the command when it runs, so ``accelsim --help`` or ``accelsim diff`` never
pays for them.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from accelsim.cli import configs, diff, dram, fit, model, pareto, reproduce, run, sweep, verify

app = typer.Typer(
    name="accelsim",
    help="Simulate DNN inference accelerators from ONNX models: memory, spills and time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain help: shows every default, costs no rich/markdown import
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from accelsim import __version__

        sys.stdout.write(f"accelsim {__version__}\n")
        raise typer.Exit()


@app.callback()
def _accelsim(
    version: Annotated[bool, typer.Option(
        "--version", help="Print accelsim's version and exit.", is_eager=True,
        callback=_print_version)] = False,
) -> None:
    """Simulate DNN inference accelerators from ONNX models: memory, spills and time."""


app.command("run")(run.run)
app.command("diff")(diff.diff)
app.command("reproduce")(reproduce.reproduce)
app.command("verify")(verify.verify)
app.command("dram")(dram.dram)
app.command("sweep")(sweep.sweep)
app.command("pareto")(pareto.pareto)
app.command("fit")(fit.fit)
app.command("configs")(configs.configs)
app.add_typer(model.app, name="model")

# Click's exception classes, wherever this typer takes click from (recent typers
# vendor their own copy): found through typer's public BadParameter.
_CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]
ClickException: type[Exception] = _CLICK_ERRORS.ClickException
UsageError: type[Exception] = _CLICK_ERRORS.UsageError
NoArgsIsHelp: type[Exception] | tuple[()] = getattr(_CLICK_ERRORS, "NoArgsIsHelpError", ())


def run_app() -> int:
    """Run the command line; its exit status. A usage mistake (a missing or unknown
    option) is one line on stderr with status 2, like every other user error."""
    try:
        code = app(standalone_mode=False, prog_name="accelsim")
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
    except typer.Abort as exc:  # click's word for Ctrl-C (or end of input at a prompt)
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise KeyboardInterrupt from None
        code = 1
    return code if isinstance(code, int) else 0
