"""Pictures of results, drawn with matplotlib's Agg backend (no display needed).

matplotlib is an optional extra (``pip install 'accelsim[plot]'``): only
pictures need it, and it is a large install for a simulator; without it a
plot request is one clear error line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError
from accelsim.explore.pareto import ParetoResult

PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise AccelsimError("--plot needs matplotlib: pip install 'accelsim[plot]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def pareto_plot(result: ParetoResult, path: Path) -> None:
    """Every valid design as a grey dot, the Pareto-optimal ones in red joined by
    their staircase; one panel per objective after the first, against the first.
    The format follows the suffix (PNG, SVG or PDF)."""
    path = Path(path)
    if path.suffix.lower() not in PLOT_SUFFIXES:
        raise AccelsimError(f"--plot {path}: expected a file ending in "
                            f"{', '.join(PLOT_SUFFIXES)}")
    plt = _pyplot()
    x_obj, y_objs = result.objectives[0], result.objectives[1:]
    fig, axes = plt.subplots(1, len(y_objs), figsize=(6.4 * len(y_objs), 4.8), squeeze=False)
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
    try:
        fig.savefig(path, format=path.suffix.lower().lstrip("."))
    except OSError as exc:
        raise AccelsimError(f"--plot {path}: cannot write ({exc.strerror or exc})") from None
    finally:
        plt.close(fig)


def _spread(values: tuple[tuple[float, ...], ...], k: int) -> float:
    positive = [v[k] for v in values if v[k] > 0]
    if len(positive) != len(values) or not positive:
        return 0.0
    return max(positive) / min(positive)
