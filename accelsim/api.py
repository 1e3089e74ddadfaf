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
    from accelsim.hw.config import HwConfig
    from accelsim.sim.dram import TraceStats
    from accelsim.sim.results import SimulationResult
    from accelsim.workload.ir import Network


@dataclass(frozen=True)
class RunResult:
    """One model on one hardware config: what ran where, and the simulation's results."""

    model_name: str
    model_source: str
    hw_name: str
    policy: str
    activation_bits: int
    sim: SimulationResult


def simulate(network: Network, hw: HwConfig) -> RunResult:
    """Run ``network``'s schedule on ``hw`` under its configured policy."""
    from accelsim.hw.factory import build_accelerator, build_policy

    policy = build_policy(hw)
    sim = build_accelerator(hw).run(policy.prepare(network.work(), hw.sram.size))
    return RunResult(model_name=network.name, model_source=network.source, hw_name=hw.name,
                     policy=policy.name, activation_bits=hw.precision.activation_bits, sim=sim)


@dataclass(frozen=True)
class DramTraceResult:
    """A request trace run through a hardware config's DDR3 model."""

    hw_name: str
    dram_name: str
    trace: str
    serial: bool
    peak_bandwidth_bytes_per_s: float
    stats: TraceStats


def run_dram_trace(hw: HwConfig, trace: str | Path, serial: bool = False) -> DramTraceResult:
    """Run ``R 0x<addr>``/``W 0x<addr>`` 64-byte requests through ``hw``'s DDR3 model;
    ``serial`` issues each request only after the previous one completes."""
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
