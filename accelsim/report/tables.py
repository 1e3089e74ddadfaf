"""Rich tables of a run: memory (the paper's Table 3) and timing (Table 4)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accelsim.api import RunResult
from accelsim.quantity import format_bits
from accelsim.report.rows import bytes_of, seconds

SPILL_MARK = "SPILL"


def _n(value: int) -> str:
    return f"{value:,}"


def _s(time_ps: int) -> str:
    return f"{seconds(time_ps):.6g}"


def _table(title: str, headers: tuple[str, ...], text_columns: tuple[str, ...]) -> Table:
    """Numbers never shrink or wrap; the layer name folds when the console is narrow."""
    table = Table(title=title, title_justify="left")
    for header in headers:
        if header == "layer":
            table.add_column(header, overflow="fold", min_width=8)
        else:
            table.add_column(header, justify="left" if header in text_columns else "right",
                             no_wrap=True)
    return table


def display_name(name: str) -> str:
    """An exporter's node name without its leading slash and op-type leaf:
    "/features/dw2/Conv" -> "features/dw2". Files keep the full name."""
    parts = name.strip("/").split("/")
    return "/".join(parts[:-1]) if len(parts) > 1 and parts[-1][:1].isupper() else name


def _detailed(run: RunResult) -> bool:
    """Policies other than the paper's report tiles, spills, SRAM peaks and stalls."""
    return run.policy != "paper"


def memory_table(run: RunResult) -> Table:
    extra = ("tiles", "spill bytes", "SRAM peak bytes") if _detailed(run) else ()
    table = _table(f"Memory (bits): {run.model_name} on {run.hw_name}, {run.policy} policy",
                   ("#", "layer", "op", "in fmap", "out fmap", "weights", "internal memory",
                    "data movement", *extra, "spill"), ("op", "spill"))
    layers = run.sim.layers
    for r in layers:
        details = ((_n(r.tiles), _n(bytes_of(r.spill_bits)), _n(bytes_of(r.sram_peak_bits)))
                   if extra else ())
        table.add_row(str(r.index), display_name(r.name), r.op, _n(r.input_fmap_bits),
                      _n(r.output_fmap_bits), _n(r.weight_params), _n(r.internal_memory_bits),
                      _n(r.data_movement_bits), *details,
                      Text(SPILL_MARK, style="bold red") if r.spill else "",
                      style="red" if r.spill else None)
    table.add_section()
    totals = ((_n(sum(r.tiles for r in layers)), _n(sum(bytes_of(r.spill_bits) for r in layers)),
               _n(bytes_of(run.sim.sram_peak_bits))) if extra else ())
    table.add_row("", "total", "", "", "", _n(sum(r.weight_params for r in layers)),
                  "", _n(run.sim.total_movement_bits), *totals,
                  str(len(run.sim.spilled_layers) or ""))
    return table


def timing_table(run: RunResult) -> Table:
    extra = ("stall",) if _detailed(run) else ()
    table = _table(f"Timing (seconds): {run.model_name} on {run.hw_name}",
                   ("#", "layer", "op", "MACs", "data movement", "compute", "performance",
                    *extra), ("op",))
    layers = run.sim.layers
    for r in layers:
        details = (_s(r.stall_ps),) if extra else ()
        table.add_row(str(r.index), display_name(r.name), r.op, _n(r.macs), _s(r.movement_ps),
                      _s(r.compute_ps), _s(r.performance_ps), *details,
                      style="red" if r.spill else None)
    table.add_section()
    totals = (_s(sum(r.stall_ps for r in layers)),) if extra else ()
    table.add_row("", "total", "", _n(sum(r.macs for r in layers)),
                  _s(sum(r.movement_ps for r in layers)), _s(sum(r.compute_ps for r in layers)),
                  _s(run.sim.total_ps), *totals)
    return table


def summary(run: RunResult) -> Text:
    sim = run.sim
    movement_ps = sum(r.movement_ps for r in sim.layers)
    text = Text()
    text.append(f"Total time {_s(sim.total_ps)} s", style="bold")
    if sim.total_ps:
        text.append(f" (DDR bus busy {100 * movement_ps / sim.total_ps:.1f} % of it)")
    text.append(f"; DDR traffic {_n(sim.total_movement_bits)} bits "
                f"({format_bits(sim.total_movement_bits)}); SRAM "
                f"{format_bits(sim.sram_capacity_bits)}.\n")
    spilled = sim.spilled_layers
    if spilled and _detailed(run):
        spill_bytes = sum(bytes_of(r.spill_bits) for r in spilled)
        text.append(f"Spilled {_n(spill_bytes)} bytes of activations to DDR and back, at "
                    f"layers {', '.join(str(r.index) for r in spilled)}; peak SRAM "
                    f"{_n(bytes_of(sim.sram_peak_bits))} bytes.", style="bold yellow")
    elif spilled:
        names = ", ".join(f"layer {r.index} ({r.name}, {_n(r.internal_memory_bits)} bits "
                          f"> {_n(sim.sram_capacity_bits)})" for r in spilled)
        text.append(f"SRAM overflowed at {names}.", style="bold red")
    else:
        text.append("No layer overflowed the SRAM", style="green")
        text.append(f"; peak SRAM {_n(bytes_of(sim.sram_peak_bits))} bytes." if _detailed(run)
                    else ".")
    return text


def run_report(run: RunResult) -> Group:
    return Group(memory_table(run), timing_table(run), summary(run))
