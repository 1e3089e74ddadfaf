"""Results of a simulation run: frozen, with units in every name."""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.sim.records import StepRecord


@dataclass(frozen=True)
class LayerResult:
    """One executed layer. Bits at the hardware's precision; times in picoseconds.

    ``internal_memory_bits`` is the policy's figure for memory in use (the
    paper's column); ``sram_peak_bits`` the most the SRAM actually held during
    the layer; ``data_movement_bits`` all bits over the DDR bus, of which
    ``spill_bits`` moved activations out only to bring them back (or back in);
    ``spill`` says the layer overflowed or spilled. ``movement_ps``/``compute_ps``
    are the summed durations of its transfers and compute steps;
    ``performance_ps`` the layer's wall time (their sum when nothing overlaps),
    of which ``stall_ps`` the compute unit waited for data. ``tiles`` is how
    many pieces the layer ran in. ``compute_cycles`` and ``utilization`` come
    from the compute unit's timing model.
    """

    index: int
    name: str
    op: str
    input_fmap_bits: int
    output_fmap_bits: int
    weight_params: int
    macs: int
    internal_memory_bits: int
    data_movement_bits: int
    ddr_read_bits: int
    ddr_write_bits: int
    spill_bits: int
    spill: bool
    tiles: int
    sram_peak_bits: int
    movement_ps: int
    compute_ps: int
    performance_ps: int
    stall_ps: int
    start_ps: int
    end_ps: int
    compute_cycles: int
    utilization: float


@dataclass(frozen=True)
class SimulationResult:
    """All layers, the full step log and the SRAM occupancy series ``(time_ps, bits)``."""

    layers: tuple[LayerResult, ...]
    steps: tuple[StepRecord, ...]
    sram_occupancy: tuple[tuple[int, int], ...]
    sram_capacity_bits: int
    sram_peak_bits: int

    @property
    def total_ps(self) -> int:
        return self.layers[-1].end_ps if self.layers else 0

    @property
    def total_movement_bits(self) -> int:
        return sum(layer.data_movement_bits for layer in self.layers)

    @property
    def spilled_layers(self) -> tuple[LayerResult, ...]:
        return tuple(layer for layer in self.layers if layer.spill)
