"""Results of a simulation run: frozen, with units in every name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from accelsim.sim.compute.timing import ComputeEstimate
from accelsim.sim.dram.memory import CommandCounts
from accelsim.sim.energy import ZERO_ENERGY, EnergyBreakdown
from accelsim.sim.energy_accounting import NO_EVENTS, EnergyAccounting, charge, transfer_events
from accelsim.sim.frozen import make
from accelsim.sim.policies.base import LayerAccount
from accelsim.sim.records import StepRecord
from accelsim.sim.units import bytes_of
from accelsim.sim.work import LayerWork


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
    many pieces the layer ran in. ``compute_cycles``, ``folds`` and
    ``utilization`` come from the compute unit's timing model, in cycles of the
    clock of ``compute_unit`` ("array", "vector" or "ideal"), the unit that ran it.

    Energy (see :mod:`accelsim.sim.energy_accounting`): ``sram_read_bytes`` /
    ``sram_write_bytes`` count on-chip accesses (DMA fills and drains, compute
    operands and results), ``ddr_activates`` / ``ddr_refreshes`` the DRAM row
    activations and refresh commands charged to the layer, and ``energy`` its
    energy by where it is spent, in pJ.

    ``group`` is the 1-based run of layers the policy scheduled together (a layer
    run alone is a group of its own); ``recomputed_macs`` the MACs it computed
    more than once (halo rows a fused tile recomputes), on top of ``macs``.
    ``macs`` counts matrix multiply-accumulates only; ``vector_ops`` the
    elementary operations of the layer's vector work (pooling, element-wise,
    normalisation, softmax, a fused activation).
    When a layer's steps interleave with other layers' (prefetch, fused tiles),
    ``performance_ps`` is its share of the wall time (:mod:`accelsim.sim.ledger`).
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
    folds: int = 0
    compute_unit: str = "ideal"
    sram_read_bytes: int = 0
    sram_write_bytes: int = 0
    ddr_activates: int = 0
    ddr_refreshes: int = 0
    energy: EnergyBreakdown = ZERO_ENERGY
    group: int = 0
    recomputed_macs: int = 0
    vector_ops: int = 0

    @property
    def energy_pj(self) -> float:
        """The layer's total energy, pJ."""
        return self.energy.total_pj


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
    def energy(self) -> EnergyBreakdown:
        """All layers' energy, summed in layer order, pJ."""
        # The sum ZERO_ENERGY + layer 1 + layer 2 ..., field by field, in one object.
        compute = sram = ddr = static = total = 0.0
        for layer in self.layers:
            e = layer.energy
            compute += e.compute_pj
            sram += e.sram_pj
            ddr += e.ddr_pj
            static += e.static_pj
            total += e.total_pj
        return EnergyBreakdown(compute, sram, ddr, static, total)

    @property
    def spilled_layers(self) -> tuple[LayerResult, ...]:
        return tuple(layer for layer in self.layers if layer.spill)


def layer_result(index: int, work: LayerWork, account: LayerAccount,
                 records: Sequence[StepRecord], start_ps: int, end_ps: int,
                 performance_ps: int, window_ps: tuple[int, int], sram_peak_bits: int,
                 estimate: ComputeEstimate, activation_bits: int,
                 energy: EnergyAccounting | None, measured: CommandCounts | None) -> LayerResult:
    """What layer ``index`` did, summed from its step ``records`` (the run ledger of
    both engines calls this).

    ``start_ps``/``end_ps``: its first step's start and last step's end;
    ``performance_ps``: its share of the wall time; ``window_ps``: that share laid
    on the time line (static energy, estimated refreshes). ``sram_peak_bits``: the
    most the SRAM held while it ran. ``energy``: how to charge it (None: zero
    energy); ``measured``: the DDR commands its transfers issued, or None to
    estimate them.
    """
    reads = writes = spill_bits = movement_ps = compute_ps = 0
    read_bytes: list[int] = []   # whole bytes of each DMA transfer, for energy
    write_bytes: list[int] = []
    for r in records:
        action = r.action
        if action == "read":
            reads += r.bits
        elif action == "write":
            writes += r.bits
        if r.spill:
            spill_bits += r.bits
        if r.unit == "ddr":
            movement_ps += r.end_ps - r.start_ps
            if action == "read":
                read_bytes.append(bytes_of(r.bits))
            elif action == "write":
                write_bytes.append(bytes_of(r.bits))
        elif r.unit == "compute":
            compute_ps += r.end_ps - r.start_ps
    events = (transfer_events(work, read_bytes, write_bytes, window_ps[0], window_ps[1], energy,
                              measured)
              if energy is not None else NO_EVENTS)
    return make(LayerResult, {
        "index": index, "name": work.name, "op": work.op,
        "input_fmap_bits": work.input_elems * activation_bits,
        "output_fmap_bits": work.output_elems * activation_bits,
        "weight_params": work.weight_params, "macs": work.macs,
        "internal_memory_bits": account.internal_memory_bits,
        "data_movement_bits": reads + writes,
        "ddr_read_bits": reads, "ddr_write_bits": writes, "spill_bits": spill_bits,
        "spill": account.spill or spill_bits > 0, "tiles": account.tiles,
        "sram_peak_bits": sram_peak_bits, "movement_ps": movement_ps, "compute_ps": compute_ps,
        "performance_ps": performance_ps, "stall_ps": performance_ps - compute_ps,
        "start_ps": start_ps, "end_ps": end_ps,
        "compute_cycles": estimate.cycles, "utilization": estimate.utilization,
        "folds": estimate.folds, "compute_unit": estimate.unit,
        "sram_read_bytes": events.sram_read_bytes, "sram_write_bytes": events.sram_write_bytes,
        "ddr_activates": events.ddr_activates, "ddr_refreshes": events.ddr_refreshes,
        "energy": charge(events, energy.costs) if energy is not None else ZERO_ENERGY,
        "group": account.group, "recomputed_macs": account.recomputed_macs,
        "vector_ops": work.vector_ops})
