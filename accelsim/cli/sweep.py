"""``accelsim sweep``: many designs from one command, in parallel, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from accelsim.cli.common import console, user_errors

if TYPE_CHECKING:
    from accelsim.explore import SweepSummary


def sweep(
    sweep_file: Annotated[Optional[Path], typer.Argument(
        help="Sweep file (YAML: base, model, axes, sample).", show_default=False)] = None,
    hw: Annotated[Optional[Path], typer.Option(
        "--hw", help="Base hardware config (YAML).", show_default="the sweep file's base")] = None,
    model: Annotated[Optional[Path], typer.Option(
        "--model", help="ONNX model or layer table.", show_default="the bundled MobileNet")] = None,
    sets: Annotated[Optional[list[str]], typer.Option(
        "--set", metavar="PATH=VALUES", help="An axis: PATH=V1,V2,... or PATH=START:STOP:STEP, e.g. "
                      "sram.size=256KB,1MB or model.alpha=0.25:1:0.25. Repeatable.")] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Results CSV; rerunning the same sweep resumes it.")]
        = Path("sweep_results.csv"),
    parquet: Annotated[Optional[Path], typer.Option(
        "--parquet", help="Also write the results as Parquet when the sweep ends "
                          "(needs pyarrow).")] = None,
    sample: Annotated[Optional[int], typer.Option(
        "--sample", help="Run this many points drawn at random from the grid.")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Seed of --sample.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", "-j", help="Local worker processes.", show_default="all cores")] = None,
    executor: Annotated[str, typer.Option(
        "--executor", help="local (a process pool) or dask (a Dask cluster).")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.1:8786.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Simulate every design of a space and write one row per design as it finishes."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from accelsim.explore import (
        SweepSummary,
        build_space,
        preload,
        make_executor,
        run_sweep,
    )
    from accelsim.explore.results import parquet_bytes
    from accelsim.outputs import Outputs

    from accelsim.hw.bundled import resolve

    with user_errors(), Outputs(model) as outputs:
        hw = None if hw is None else outputs.input(resolve(hw))
        if sweep_file is not None:
            sweep_file = outputs.input(resolve(sweep_file, "sweep file"))
        outputs.add("--out", out)  # appended as points finish, not staged: checked only
        outputs.add("--parquet", parquet)
        space = build_space(hw=hw, sweep_file=sweep_file, model=model, sets=sets or (),
                            sample_n=sample, seed=seed)
        preload(space)
        pool = make_executor(executor, workers, scheduler)
        bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                       TextColumn("ETA"), TimeRemainingColumn(), console=console,
                       disable=quiet, transient=False)
        job = bar.add_task("sweep", total=space.size, rate="")
        def progress(done: int, total: int) -> None:
            speed = bar.tasks[job].speed
            bar.update(job, completed=done,
                       rate=f"{speed:,.0f} points/s" if speed else "")

        try:
            with bar:
                summary = run_sweep(space, out, pool, progress)
        except KeyboardInterrupt:  # before the first point ran: nothing written yet
            summary = SweepSummary(out, space.size, interrupted=True)
        finally:
            pool.close()
        if parquet is not None:
            outputs.write(parquet, parquet_bytes(out))
    _report(summary)
    if summary.interrupted:
        raise typer.Exit(code=130)


def _report(s: SweepSummary) -> None:
    state = "interrupted" if s.interrupted else "done"
    console.print(
        f"sweep {state}: {s.skipped + s.ran:,} of {s.total:,} points in {s.out} "
        f"({s.ran:,} run now in {s.seconds:.1f} s, {s.points_per_s:,.0f} points/s, "
        f"{s.skipped:,} already there; {s.invalid:,} invalid)")
    for error in s.errors:
        console.print(f"  invalid: {error}", soft_wrap=True)
    if s.interrupted:
        console.print("rerun the same command to finish the sweep")
