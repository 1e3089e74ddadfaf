"""``accelsim fit``'s answer as tables, JSON text and a picture (pure: the caller writes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accelsim.api import FIT_OK, FIT_TOO_SMALL, FitPoint, FitResult, PolicyFit
from accelsim.figures import seconds
from accelsim.quantity import format_bytes, format_energy_pj, format_time_ps


def _size(nbytes: int, step_bytes: int) -> str:
    """A size on the fit's grid, exactly: "1,152 KB" (1 KB steps), else bytes."""
    if step_bytes % 1000 == 0 and nbytes % 1000 == 0:
        return f"{nbytes // 1000:,} KB"
    return f"{nbytes:,} B"


def _figures(point: FitPoint) -> tuple[str, str, str]:
    if point.status == FIT_TOO_SMALL:
        return "-", "-", "-"
    return (format_time_ps(point.performance_ps), format_bytes(point.ddr_bytes),
            format_bytes(point.spill_bytes) if point.spill_bytes else "0")


def summary_table(result: FitResult) -> Table:
    """One row per policy: the smallest SRAM without a spill and the run there."""
    table = Table(title=f"Smallest SRAM without a spill: {result.model_name} on "
                        f"{result.hw_name} (to {format_bytes(result.step_bytes)})",
                  title_justify="left")
    for header in ("policy", "smallest SRAM", "latency", "DDR traffic", "energy"):
        table.add_column(header, justify="left" if header == "policy" else "right",
                         no_wrap=True)
    for fitted in result.policies:
        at = fitted.at_min
        if fitted.min_sram_bytes is None or at is None:
            table.add_row(fitted.policy, Text("none", style="bold red"), "-", "-", "-")
            continue
        table.add_row(fitted.policy, _size(fitted.min_sram_bytes, result.step_bytes),
                      format_time_ps(at.performance_ps), format_bytes(at.ddr_bytes),
                      format_energy_pj(at.energy_pj))
    return table


def ladder_table(result: FitResult) -> Table:
    """Every simulated size, per policy: latency, DDR traffic and spill."""
    table = Table(title="Latency around the smallest size (simulated)", title_justify="left")
    for header in ("policy", "SRAM", "latency", "DDR traffic", "spill", ""):
        table.add_column(header, justify="left" if header in ("policy", "") else "right",
                         no_wrap=True)
    for n, fitted in enumerate(result.policies):
        if n:
            table.add_section()
        for point in fitted.ladder:
            notes = []
            if point.sram_bytes == fitted.min_sram_bytes:
                notes.append("smallest without spill")
            elif point.status != FIT_OK:
                notes.append(point.status)
            if point.sram_bytes == result.hw_sram_bytes:
                notes.append("the config's size")
            table.add_row(fitted.policy, _size(point.sram_bytes, result.step_bytes),
                          *_figures(point), ", ".join(notes),
                          style="red" if point.status != FIT_OK else None)
    return table


def fit_report(result: FitResult) -> Group:
    """The summary, the ladder, and why a policy found no size."""
    parts: list[Any] = [summary_table(result), ladder_table(result)]
    parts += [Text(f"{f.policy}: {f.error}") for f in result.policies if f.error]
    return Group(*parts)


def _point_dict(point: FitPoint) -> dict[str, Any]:
    return {"sram_bytes": point.sram_bytes, "status": point.status,
            "performance_s": seconds(point.performance_ps),
            "performance_ps": point.performance_ps, "ddr_bytes": point.ddr_bytes,
            "spill_bytes": point.spill_bytes, "energy_pj": point.energy_pj,
            "error": point.error}


def _policy_dict(fitted: PolicyFit) -> dict[str, Any]:
    at = fitted.at_min
    figures = ({k: v for k, v in _point_dict(at).items() if k not in ("sram_bytes", "status",
                                                                       "error")}
               if at is not None else {})
    return {"min_sram_bytes": fitted.min_sram_bytes, **figures, "error": fitted.error,
            "probes": fitted.probes, "ladder": [_point_dict(p) for p in fitted.ladder]}


def fit_dict(result: FitResult) -> dict[str, Any]:
    """The answer as plain data: ``{"model", "hw", "hw_sram_bytes", "step_bytes",
    "policies": {name: {"min_sram_bytes", "performance_s", "ddr_bytes", ..., "ladder"}}}``;
    the figures beside ``min_sram_bytes`` are those of the run at that size."""
    return {"model": result.model_name, "hw": result.hw_name,
            "hw_sram_bytes": result.hw_sram_bytes, "step_bytes": result.step_bytes,
            "policies": {f.policy: _policy_dict(f) for f in result.policies}}


def fit_json(result: FitResult) -> str:
    return json.dumps(fit_dict(result), indent=2) + "\n"


def draw_curves(latency: Any, traffic: Any, curves: dict[str, Sequence[FitPoint]]) -> dict[str, str]:
    """Latency (ms) on the axes ``latency`` and DDR traffic (MB) on ``traffic`` against
    SRAM size (MB, log scale), one line per entry of ``curves`` (sizes that ran); returns
    each line's colour by name."""
    colours = {}
    for name, points in curves.items():
        run = [p for p in points if p.status != FIT_TOO_SMALL]
        if not run:
            continue
        x = [p.sram_bytes / 1e6 for p in run]
        line, = latency.plot(x, [seconds(p.performance_ps) * 1e3 for p in run], marker="o",
                             ms=3, label=name)
        traffic.plot(x, [p.ddr_bytes / 1e6 for p in run], marker="o", ms=3, c=line.get_color(),
                     label=name)
        colours[name] = line.get_color()
    for ax, label in ((latency, "latency (ms)"), (traffic, "DDR traffic (MB)")):
        ax.set_xscale("log")
        ax.set_xlabel("SRAM (MB)")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    return colours


def fit_plot(result: FitResult) -> Any:
    """Latency and DDR traffic against SRAM size, one line per policy, the smallest
    spill-free size of each marked; a matplotlib Figure."""
    from accelsim.report.plots import new_figure

    fig = new_figure(11.0, 4.2)
    latency, traffic = fig.subplots(1, 2)
    colours = draw_curves(latency, traffic, {f.policy: f.ladder for f in result.policies})
    for fitted in result.policies:
        if fitted.min_sram_bytes is not None and fitted.policy in colours:
            for ax in (latency, traffic):
                ax.axvline(fitted.min_sram_bytes / 1e6, c=colours[fitted.policy], ls=":", lw=1)
    fig.suptitle(f"{result.model_name} on {result.hw_name}: dotted lines mark the smallest "
                 "SRAM without a spill")
    fig.tight_layout()
    return fig
