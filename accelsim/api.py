"""The typed pipeline: load a model, load a hardware config, simulate.

``simulate(load_model(path), load_hw(path)) -> RunResult``. Everything the CLI,
the reports and the explorer do goes through these calls. The result types
are defined here with nothing heavy behind them (the simulator is imported
when ``simulate`` runs), so that reading results (``accelsim pareto``,
``diff``, a report) never loads the simulator or the ONNX front-end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

    from accelsim.hw.config import HwConfig
    from accelsim.sim.dram import TraceStats
    from accelsim.sim.results import SimulationResult
    from accelsim.workload.ir import Network


@dataclass(frozen=True, repr=False)
class RunResult:
    """One model on one hardware config: what ran where, and the simulation's results.

    ``sim`` holds everything the simulation recorded (layers, every step, SRAM
    occupancy); ``hw`` the config it ran on (None when a caller built the result
    without one). The methods give the same figures under the names of
    :mod:`accelsim.schema`: ``totals()`` as a dict, ``to_dataframe()`` (one row
    per layer, the CSV's columns), ``steps_dataframe()`` and ``sram_dataframe()``
    (pandas: ``pip install 'accelsim[pandas]'``).
    """

    model_name: str
    model_source: str
    hw_name: str
    policy: str
    activation_bits: int
    sim: SimulationResult
    hw: HwConfig | None = None

    def totals(self) -> dict[str, Any]:
        """Whole-run figures (the JSON's ``totals``, a sweep row's figures)."""
        from accelsim.figures import run_totals

        return run_totals(self)

    def to_dataframe(self) -> pandas.DataFrame:
        """One row per executed layer, with the columns of ``accelsim run --csv``."""
        from accelsim.figures import layer_rows
        from accelsim.schema import LAYER_COLUMNS

        return _frame(layer_rows(self), LAYER_COLUMNS)

    def steps_dataframe(self) -> pandas.DataFrame:
        """Every DMA transfer and compute step with its start and end."""
        from accelsim.figures import step_rows
        from accelsim.schema import STEP_COLUMNS

        return _frame(step_rows(self), STEP_COLUMNS)

    def sram_dataframe(self) -> pandas.DataFrame:
        """SRAM occupancy over time: one row per change."""
        from accelsim.figures import occupancy_rows
        from accelsim.schema import OCCUPANCY_COLUMNS

        return _frame(occupancy_rows(self), OCCUPANCY_COLUMNS)

    def __repr__(self) -> str:
        from accelsim.quantity import format_bytes, format_energy_pj, format_time_ps

        t = self.totals()
        spilled = t["spilled_layers"]
        overflow = (f"spilled at layer{'s' if len(spilled) > 1 else ''} "
                    f"{', '.join(map(str, spilled[:8]))}{' ...' if len(spilled) > 8 else ''}"
                    if spilled else "no spill")
        return (f"RunResult({self.model_name!r} on {self.hw_name!r}, {self.policy} policy:\n"
                f"  {t['layer_count']} layers, {format_time_ps(t['performance_ps'])}, "
                f"{format_bytes(t['ddr_bytes'])} over DDR, "
                f"{format_energy_pj(t['energy_pj'])}, SRAM peak "
                f"{format_bytes(t['sram_peak_bytes'])} of "
                f"{format_bytes(t['sram_capacity_bytes'])}, {overflow})")


def _frame(rows: list[dict[str, Any]], columns: tuple[Any, ...]) -> pandas.DataFrame:
    try:
        import pandas
    except ImportError:
        from accelsim.errors import AccelsimError

        raise AccelsimError("DataFrames need pandas: pip install 'accelsim[pandas]'") from None
    return pandas.DataFrame(rows, columns=[c.name for c in columns])


def simulate(network: Network, hw: HwConfig) -> RunResult:
    """Run ``network``'s schedule on ``hw`` under its configured policy."""
    from accelsim.hw.factory import build_accelerator, build_policy, check_simulated_work

    policy = build_policy(hw)
    prepared = policy.prepare(network.work(), hw.sram.size)
    check_simulated_work(prepared, hw)
    sim = build_accelerator(hw).run(prepared)
    return RunResult(model_name=network.name, model_source=network.source, hw_name=hw.name,
                     policy=policy.name, activation_bits=hw.precision.activation_bits, sim=sim,
                     hw=hw)


@dataclass(frozen=True)
class DramTraceResult:
    """A request trace run through a hardware config's DRAM model."""

    hw_name: str
    dram_name: str
    trace: str
    serial: bool
    peak_bandwidth_bytes_per_s: float
    stats: TraceStats


def run_dram_trace(hw: HwConfig, trace: str | Path, serial: bool = False) -> DramTraceResult:
    """Run a request trace (``R 0x<addr> [bytes]`` / ``W 0x<addr> [bytes]`` lines; a request
    without a size is one burst) through ``hw``'s DRAM model; ``serial`` issues each
    request only after the previous one completes."""
    from accelsim.hw.factory import build_dram_model
    from accelsim.sim.dram import parse_trace

    model = build_dram_model(hw)
    stats = model.run_trace(parse_trace(trace), serial=serial)
    return DramTraceResult(hw.name, model.spec.name, str(trace), serial,
                           model.spec.peak_bandwidth_bytes_per_s, stats)


@dataclass(frozen=True)
class Objective:
    """A column to minimise: its ``name`` as asked, the file ``column`` and the
    ``unit`` of its numbers ("" when the column holds plain numbers)."""

    name: str
    column: str
    unit: str = ""

    @property
    def label(self) -> str:
        shown = self.column if self.name == self.column else f"{self.name} ({self.column})"
        return f"{shown} ({self.unit})" if self.unit else shown


@dataclass(frozen=True)
class ParetoResult:
    """A sweep's Pareto front (``accelsim.explore.pareto_front``): the valid designs of
    a results file, their objective values, and which are on the front.

    ``values[i]`` are the objectives of ``rows[i]``; ``front`` indexes the
    optimal rows, sorted by the first objective; ``skipped`` counts rows left
    out (invalid designs); ``axes`` are the swept columns."""

    objectives: tuple[Objective, ...]
    axes: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    values: tuple[tuple[float, ...], ...]
    front: tuple[int, ...]
    skipped: int


def bundled_model_path() -> Path:
    """The bundled MobileNet (``models/mobilenet_cifar10.onnx``; package data, so it is
    found from any folder and from an installed wheel): the paper's, alpha 1, rho 1."""
    from accelsim.hw.bundled import data_path

    return data_path("models", "mobilenet_cifar10.onnx")


def bundled_hw_path(name: str = "1mb_ddr3") -> Path:
    """A bundled hardware config by name (``"1mb_ddr3"`` or ``"1mb_ddr3.yaml"``)."""
    from accelsim.hw.bundled import resolve

    return resolve(Path(name).name)


FIT_OK, FIT_SPILL, FIT_TOO_SMALL = "ok", "spill", "too small"
"""What a model does on one SRAM size under a policy: runs without any spill, runs
but spills, or cannot run at all (the policy refuses the SRAM)."""


@dataclass(frozen=True)
class FitPoint:
    """One SRAM size of a fit, simulated: ``status`` is :data:`FIT_OK`, :data:`FIT_SPILL`
    or :data:`FIT_TOO_SMALL` (then ``error`` is the policy's one-line reason and the
    figures are 0). ``performance_ps`` is the run's latency, ``ddr_bytes`` its DDR
    reads and writes, ``spill_bytes`` the part of them that was spill."""

    sram_bytes: int
    status: str
    performance_ps: int = 0
    ddr_bytes: int = 0
    spill_bytes: int = 0
    energy_pj: float = 0.0
    error: str = ""


@dataclass(frozen=True)
class PolicyFit:
    """One policy's answer: ``min_sram_bytes``, the smallest SRAM (a multiple of the
    fit's step) on which the model runs without any spill, simulated at that size and
    one step below it; None when no size up to the search's bound does (``error`` says
    why). ``ladder``: simulated sizes around it, smallest first. ``probes``: sizes the
    search prepared the policy's plan for."""

    policy: str
    min_sram_bytes: int | None
    ladder: tuple[FitPoint, ...]
    probes: int
    error: str = ""

    @property
    def at_min(self) -> FitPoint | None:
        """The ladder's point at ``min_sram_bytes`` (None when nothing fits)."""
        return next((p for p in self.ladder if p.sram_bytes == self.min_sram_bytes), None)


@dataclass(frozen=True)
class FitResult:
    """``accelsim.fit``: for each policy, the smallest SRAM that runs ``model_name``
    on ``hw_name`` (whose own SRAM is ``hw_sram_bytes``) without a spill, to
    ``step_bytes``, and the latency on a ladder of sizes around it."""

    model_name: str
    hw_name: str
    hw_sram_bytes: int
    step_bytes: int
    policies: tuple[PolicyFit, ...]

    def policy(self, name: str) -> PolicyFit:
        """The answer of the policy called ``name`` (KeyError if it was not fitted)."""
        for fitted in self.policies:
            if fitted.policy == name:
                return fitted
        raise KeyError(name)
