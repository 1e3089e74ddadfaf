"""``accelsim sweep``: many designs from one command, in parallel, resumable."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from accelsim.cli.common import console, user_errors
from accelsim.errors import AccelsimError

if TYPE_CHECKING:
    from accelsim.explore import SweepSpace, SweepSummary


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
    point_seconds: Annotated[Optional[float], typer.Option(
        "--point-seconds", help="Wall time one point may take on a local worker before it "
                                "is stopped and marked failed.", show_default="300")] = None,
    point_memory: Annotated[Optional[str], typer.Option(
        "--point-memory", help="Memory a local worker may grow by for a point, e.g. '8 GiB'.",
        show_default="4 GiB, less on a small machine")] = None,
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
        check_results_path,
        check_space,
        make_executor,
        preload,
        run_sweep,
    )
    from accelsim.explore.results import parquet_bytes
    from accelsim.hw.bundled import resolve
    from accelsim.limits import POINT_SECONDS
    from accelsim.outputs import Outputs

    with user_errors(), stopped_by_signals() as stop:
        check_results_path(out, "--out")
        check_results_path(parquet, "--parquet", regular=False)
        hw = None if hw is None else resolve(hw)
        if sweep_file is not None:
            sweep_file = resolve(sweep_file, "sweep file")
        space = build_space(hw=hw, sweep_file=sweep_file, model=model, sets=sets or (),
                            sample_n=sample, seed=seed)
        with Outputs(hw, sweep_file, model, *_files_read(space)) as outputs:
            outputs.add("--out", out)  # appended as points finish, not staged: checked only
            outputs.add("--parquet", parquet)
            check_space(space)
            preload(space)
            pool = make_executor(executor, workers, scheduler,
                                 POINT_SECONDS if point_seconds is None else point_seconds,
                                 _memory_bytes(point_memory))
            try:
                # Refreshed as rows arrive, not by a thread of its own: a worker that
                # replaces a dead one is forked from this process, best with one thread.
                bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                               TextColumn("ETA"), TimeRemainingColumn(), console=console,
                               disable=quiet, transient=False, auto_refresh=False)
                job = bar.add_task("sweep", total=space.size, rate="")

                def progress(done: int, total: int) -> None:
                    speed = bar.tasks[job].speed
                    bar.update(job, completed=done,
                               rate=f"{speed:,.0f} points/s" if speed else "")
                    bar.refresh()

                try:
                    with bar:
                        summary = run_sweep(space, out, pool, progress)
                except KeyboardInterrupt:  # before the first point ran: nothing written yet
                    summary = SweepSummary(out, space.size, interrupted=True)
            finally:
                pool.close()
            if parquet is not None and not summary.interrupted:
                outputs.write(parquet, parquet_bytes(out))
    _report(summary)
    if summary.interrupted:
        raise typer.Exit(code=128 + (stop.signal or signal.SIGINT))


class _Stop:
    """Which signal stopped the sweep (None: Ctrl-C, or none)."""

    signal: int | None = None


@contextmanager
def stopped_by_signals() -> Iterator[_Stop]:
    """SIGTERM (and SIGHUP) stop a sweep as Ctrl-C does: finished points stay in the
    file, workers are stopped, the exit status is 128 + the signal."""
    stop = _Stop()

    def interrupt(signum: int, _frame: object) -> None:
        stop.signal = signum
        raise KeyboardInterrupt

    previous = {}
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            try:
                previous[signum] = signal.signal(signum, interrupt)
            except ValueError:  # not the main thread: the caller keeps its own handling
                pass
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _files_read(space: SweepSpace) -> list[Path]:
    """The files a sweep file names (its base and model), beside those on the command line."""
    found = [Path(p) for p in (space.base_source, space.model) if p]
    return [p for p in found if p.is_file()]


def _memory_bytes(text: str | None) -> int | None:
    if text is None:
        return None
    from accelsim.quantity import parse_size_bytes

    try:
        value = parse_size_bytes(text)
    except ValueError as exc:
        raise AccelsimError(f"--point-memory: {exc}") from None
    if value < 2**26:
        raise AccelsimError(f"--point-memory {text!r}: expected at least 64 MiB")
    return value


def _report(s: SweepSummary) -> None:
    state = "interrupted" if s.interrupted else "done"
    failed = f", {s.failed:,} failed (a rerun retries them)" if s.failed else ""
    console.print(
        f"sweep {state}: {s.skipped + s.ran:,} of {s.total:,} points in {s.out} "
        f"({s.ran:,} run now in {s.seconds:.1f} s, {s.points_per_s:,.0f} points/s, "
        f"{s.skipped:,} already there; {s.invalid:,} invalid{failed})")
    for error in s.errors:
        console.print(f"  {error}", soft_wrap=True)
    if s.interrupted:
        console.print("rerun the same command to finish the sweep")
