"""Pictures of results as matplotlib Figures; the caller decides where they go.

Figures are made with ``matplotlib.figure.Figure`` directly, never through
pyplot, so drawing one neither needs a display nor changes the backend of the
program that asked (a notebook keeps its own). :func:`figure_bytes` renders
one as PNG, SVG or PDF for a file.

matplotlib is an optional extra (``pip install 'accelsim[plot]'``): only
pictures need it, and it is a large install for a simulator; without it a
plot request is one clear error line.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.api import ParetoResult

PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def new_figure(width_in: float = 6.4, height_in: float = 4.8) -> Any:
    """An empty ``matplotlib.figure.Figure`` (no pyplot, no backend change)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise AccelsimError("plots need matplotlib: pip install 'accelsim[plot]'") from None
    return Figure(figsize=(width_in, height_in))


def check_plot_path(path: Path, option: str = "--plot") -> str:
    """The format of a plot file by its suffix (png, svg, pdf), or one error line."""
    suffix = Path(path).suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise AccelsimError(f"{option} {path}: expected a file ending in "
                            f"{', '.join(PLOT_SUFFIXES)}")
    return suffix.lstrip(".")


def figure_bytes(fig: Any, fmt: str) -> bytes:
    """``fig`` rendered as ``fmt`` (png, svg or pdf), in memory; reproducible (no dates)."""
    buffer = io.BytesIO()
    metadata = {"png": {"Software": None}, "svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None}}[fmt]
    fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def pareto_plot(result: ParetoResult) -> Any:
    """Every valid design as a grey dot, the Pareto-optimal ones in red joined by
    their staircase; one panel per objective after the first, against the first."""
    x_obj, y_objs = result.objectives[0], result.objectives[1:]
    fig = new_figure(6.4 * len(y_objs), 4.8)
    axes = fig.subplots(1, len(y_objs), squeeze=False)
    front = set(result.front)
    for k, y_obj in enumerate(y_objs, start=1):
        ax = axes[0][k - 1]
        others = [v for i, v in enumerate(result.values) if i not in front]
        best = [result.values[i] for i in result.front]
        ax.scatter([v[0] for v in others], [v[k] for v in others], s=12, c="0.65",
                   label=f"designs ({len(result.values)})", zorder=1)
        if len(result.objectives) == 2:
            stairs = sorted((v[0], v[1]) for v in best)
            ax.step([p[0] for p in stairs], [p[1] for p in stairs], where="post", c="tab:red",
                    lw=1, zorder=2)
        ax.scatter([v[0] for v in best], [v[k] for v in best], s=28, c="tab:red",
                   edgecolors="black", linewidths=0.5, label=f"Pareto front ({len(best)})",
                   zorder=3)
        ax.set_xlabel(x_obj.label)
        ax.set_ylabel(y_obj.label)
        if _spread(result.values, 0) > 100:
            ax.set_xscale("log")
        if _spread(result.values, k) > 100:
            ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    fig.suptitle("Design-space sweep: Pareto front (all objectives minimised)")
    fig.tight_layout()
    return fig


def _spread(values: tuple[tuple[float, ...], ...], k: int) -> float:
    positive = [v[k] for v in values if v[k] > 0]
    if len(positive) != len(values) or not positive:
        return 0.0
    return max(positive) / min(positive)
