"""Rich tables of a run: memory (the paper's Table 3) and timing (Table 4)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accelsim.api import RunResult
from accelsim.quantity import format_bits
from accelsim.figures import bytes_of, seconds
from accelsim.sim.results import LayerResult

SPILL_MARK = "SPILL"


def _n(value: int) -> str:
    return f"{value:,}"


def _s(time_ps: int) -> str:
    return f"{seconds(time_ps):.6g}"


def _uj(energy_pj: float) -> str:
    return f"{energy_pj / 1e6:.4g}"


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.3g}"


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


def _clocked(run: RunResult) -> bool:
    """A compute model with a clock (array, vector unit) has cycles and utilisation to show."""
    return any(r.compute_unit != "ideal" for r in run.sim.layers)


def timing_table(run: RunResult) -> Table:
    """Times in seconds, energy in microjoules; with a clocked compute model, the unit
    each layer ran on, its cycles and its utilisation (useful MACs / MAC slots, %)."""
    extra = ("stall",) if _detailed(run) else ()
    clocked = ("unit", "cycles", "util %") if _clocked(run) else ()
    table = _table(f"Timing (seconds) and energy (uJ): {run.model_name} on {run.hw_name}",
                   ("#", "layer", "op", "MACs", *clocked, "data movement", "compute",
                    "performance", *extra, "energy"), ("op", "unit"))
    layers = run.sim.layers
    for r in layers:
        details = (_s(r.stall_ps),) if extra else ()
        compute = (r.compute_unit, _n(r.compute_cycles), _pct(r.utilization)) if clocked else ()
        table.add_row(str(r.index), display_name(r.name), r.op, _n(r.macs), *compute,
                      _s(r.movement_ps), _s(r.compute_ps), _s(r.performance_ps), *details,
                      _uj(r.energy_pj), style="red" if r.spill else None)
    table.add_section()
    totals = (_s(sum(r.stall_ps for r in layers)),) if extra else ()
    total_compute = ("", _n(sum(r.compute_cycles for r in layers)), "") if clocked else ()
    table.add_row("", "total", "", _n(sum(r.macs for r in layers)), *total_compute,
                  _s(sum(r.movement_ps for r in layers)), _s(sum(r.compute_ps for r in layers)),
                  _s(run.sim.total_ps), *totals, _uj(run.sim.energy.total_pj))
    return table


def energy_line(run: RunResult) -> Text:
    """Total energy, where it went, and the DDR commands behind the DDR share."""
    energy = run.sim.energy
    layers = run.sim.layers
    text = Text()
    text.append(f"Energy {_uj(energy.total_pj)} uJ", style="bold")
    if energy.total_pj:
        parts = (("compute", energy.compute_pj), ("SRAM", energy.sram_pj),
                 ("DDR", energy.ddr_pj), ("static", energy.static_pj))
        text.append(": " + ", ".join(f"{name} {_uj(pj)} uJ ({100 * pj / energy.total_pj:.1f} %)"
                                     for name, pj in parts))
        text.append(f"; {_n(sum(r.ddr_activates for r in layers))} DDR activates, "
                    f"{_n(sum(r.ddr_refreshes for r in layers))} refreshes")
        macs = sum(r.macs for r in layers)
        if macs:
            text.append(f"; {energy.total_pj / macs:.3g} pJ per MAC")
    text.append(".\n")
    return text


def compute_line(run: RunResult) -> Text:
    """Cycles, time and utilisation per compute unit, depthwise layers apart
    (utilisation over a group: its layers' useful operations / their slots)."""
    groups: dict[tuple[str, str], list[LayerResult]] = {}
    for r in run.sim.layers:
        if r.compute_cycles:
            kind = "depthwise" if r.op == "depthwise" else "other layers"
            groups.setdefault((r.compute_unit, kind), []).append(r)
    parts = []
    for (unit, kind), layers in groups.items():
        cycles = sum(r.compute_cycles for r in layers)
        util = sum(r.utilization * r.compute_cycles for r in layers) / cycles
        where = "vector unit" if unit == "vector" else unit
        parts.append(f"{kind} on the {where} {_n(cycles)} cycles, "
                     f"{_s(sum(r.compute_ps for r in layers))} s, {_pct(util)} % utilised")
    return Text("Compute: " + "; ".join(parts) + ".\n") if parts else Text()


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
    if _clocked(run):
        text.append(compute_line(run))
    text.append(energy_line(run))
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
