"""Rich rendering of a :class:`~accelsim.report.reproduce.Reproduction`."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accelsim.report.reproduce import Reproduction


def reproduction_view(rep: Reproduction) -> Group:
    parts: list[Table | Text] = []
    a3, n3 = rep.count(3)
    a4, n4 = rep.count(4)
    head = Text(f"\n{rep.title}\n", style="bold")
    head.append(f"Table 3 (internal memory, data movement): {a3} of {n3} cells agree.  "
                f"Table 4 (timing, at printed precision): {a4} of {n4} cells agree.")
    s3, m3 = rep.count(3, computed_only=False)
    if m3 != n3:
        head.append(f"  Table 3 with fmap sizes: {s3} of {m3}.")
    parts.append(head)
    disagreements = [c for c in rep.cells if not c.agrees]
    if disagreements:
        table = Table(title="Cells that disagree", title_justify="left", show_lines=False)
        for header in ("table", "layer", "column", "published", "simulated", "why"):
            table.add_column(header, justify="right" if header in ("table", "layer",
                                                                    "published", "simulated")
                             else "left", overflow="fold")
        for c in disagreements:
            why = Text(c.explanation) if c.explanation else Text("UNEXPLAINED", style="bold red")
            table.add_row(str(c.table), str(c.layer), c.column, c.published, c.simulated, why)
        parts.append(table)
    total = rep.total
    line = Text(f"Printed total {total.published_s} s; sum of printed rows "
                f"{total.sum_of_rows_s} s; simulated total of these rows "
                f"{total.simulated_s.normalize():f} s.")
    gap = Decimal(total.published_s) - total.sum_of_rows_s
    if gap:
        line.append(f" The printed total is off its own rows by {gap:+f} s: {total.explanation}")
    parts.append(line)
    if rep.extra_layers:
        parts.append(Text("Layers the accelerator also executes that the paper's tables omit: "
                          + ", ".join(rep.extra_layers) + ".", style="dim"))
    if rep.unexplained:
        parts.append(Text(f"{len(rep.unexplained)} disagreement(s) without an explanation.",
                          style="bold red"))
    return Group(*parts)
