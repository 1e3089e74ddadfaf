"""What one layer did, counted as energy events: pure functions from the run to counts.

:mod:`accelsim.sim.energy` prices events; this module counts them from what
the simulation did in a layer, so that the engine only has to call
:func:`count_layer_events` and :func:`~accelsim.sim.energy.layer_energy`.

The model, per layer:

- MACs: the layer's multiply-accumulates, on whichever unit ran them.
- Vector work (pooling, element-wise, softmax, normalisation, a fused
  activation): its lane cycles, each elementary operation weighed by
  :data:`~accelsim.sim.compute.vector.OP_CYCLES` (an exp costs ten adds);
  copies (data movement) do no arithmetic and cost none.
- DDR bytes: every DMA transfer of the layer, each rounded up to whole bytes.
- SRAM bytes, from the transfers and the compute step:
  a DMA fill (DDR read) writes its bytes into SRAM; a DMA drain (DDR write)
  reads its bytes out of SRAM; the compute unit reads the layer's input
  activations and its weights and biases once and writes its output once
  (its tiles partition the layer, each reading its own share). Re-reads
  inside the compute unit (the array's folds, a tile's halo rows, the input
  read once per output-channel tile) are served by PE registers and local
  buffers and are not counted: a lower bound on SRAM traffic.
- DDR activates and refreshes: with the DDR3 model, the commands its
  controllers actually issued during the layer (a refresh that falls due
  while the bus is idle is counted at the next transfer). With the ideal pipe
  there are no commands to count, so they are estimated (:class:`RowEstimate`):
  ``bytes // row_bytes + 1`` activates per transfer, and one refresh every
  tREFI of wall time, for an 8 KB row (a x64 rank of eight x8 devices with
  1 KB pages) and tREFI = 7.8 us (JEDEC DDR3, 0-85 C).
- Static energy: static power x the layer's wall time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from accelsim.sim.compute.vector import OP_CYCLES
from accelsim.sim.dram.memory import CommandCounts
from accelsim.sim.energy import EnergyBreakdown, EnergyCosts, layer_energy
from accelsim.sim.frozen import make
from accelsim.sim.records import StepRecord
from accelsim.sim.units import bytes_of
from accelsim.sim.work import LayerWork

ESTIMATE_ROW_BYTES = 8192
"""Row of a x64 DDR3 rank of eight x8 devices with 1 KB pages, bytes."""

ESTIMATE_REFRESH_INTERVAL_PS = 7_800_000
"""JEDEC DDR3 tREFI at 0-85 C: 7.8 us."""


class CommandCounter(Protocol):
    """A DRAM model that counts its commands (:class:`~accelsim.sim.dram.memory.DramModel`)."""

    def command_counts(self) -> CommandCounts: ...


@dataclass(frozen=True)
class RowEstimate:
    """DDR commands estimated from bytes and time, for a DRAM model that issues none.

    ``row_bytes``: bytes one activate opens across the rank. ``refresh_interval_ps``:
    tREFI, ps.
    """

    row_bytes: int = ESTIMATE_ROW_BYTES
    refresh_interval_ps: int = ESTIMATE_REFRESH_INTERVAL_PS

    def __post_init__(self) -> None:
        for field in ("row_bytes", "refresh_interval_ps"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'"{field}" must be an integer >= 1, got {value!r}')

    def commands(self, transfer_bytes: Iterable[int], start_ps: int,
                 end_ps: int) -> CommandCounts:
        """``bytes // row_bytes + 1`` activates per transfer of any bytes; the refreshes
        due in [start_ps, end_ps) (counted on the absolute tREFI grid, so layers add up)."""
        row_bytes = self.row_bytes
        activates = 0
        for n in transfer_bytes:  # a loop, not sum(): this runs per layer of every run
            if n > 0:
                activates += n // row_bytes + 1
        interval = self.refresh_interval_ps
        return CommandCounts(activates=activates,
                             refreshes=end_ps // interval - start_ps // interval)


@dataclass(frozen=True)
class EnergyAccounting:
    """What the engine needs to charge each layer's energy.

    ``costs``: per-event energies. ``activation_bits`` / ``weight_bits``: bits
    per stored activation and per weight or bias (the compute unit's SRAM
    reads and writes). ``counter``: the DRAM model whose commands are counted,
    or None to use ``estimate``.
    """

    costs: EnergyCosts
    activation_bits: int
    weight_bits: int
    counter: CommandCounter | None = None
    estimate: RowEstimate = RowEstimate()

    def __post_init__(self) -> None:
        for field in ("activation_bits", "weight_bits"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'"{field}" must be an integer >= 1, got {value!r}')


@dataclass(frozen=True)
class LayerEvents:
    """The energy events of one layer (all counts, bytes and ps are integers >= 0)."""

    macs: int
    sram_read_bytes: int
    sram_write_bytes: int
    ddr_read_bytes: int
    ddr_write_bytes: int
    ddr_activates: int
    ddr_refreshes: int
    duration_ps: int
    vector_lane_ops: int = 0


NO_EVENTS = LayerEvents(0, 0, 0, 0, 0, 0, 0, 0)
"""What a layer reports when energy is not accounted."""


def compute_sram_bytes(work: LayerWork, activation_bits: int,
                       weight_bits: int) -> tuple[int, int]:
    """(read, written) SRAM bytes of the compute unit: input and parameters read once,
    output written once."""
    read = (bytes_of(work.input_elems * activation_bits)
            + bytes_of(work.parameter_elems * weight_bits))
    return read, bytes_of(work.output_elems * activation_bits)


def vector_lane_ops(work: LayerWork) -> int:
    """Lane cycles of ``work``'s arithmetic vector work (copies excluded)."""
    return sum(count * OP_CYCLES[op] for op, count in work.vector_work if op.is_arithmetic)


def count_layer_events(work: LayerWork, records: Iterable[StepRecord], start_ps: int,
                       end_ps: int, accounting: EnergyAccounting,
                       measured: CommandCounts | None) -> LayerEvents:
    """The events of one layer from its step records (DMA transfers and compute steps).

    ``measured``: the DDR commands the DRAM model issued during the layer, or
    None to estimate them from the transfers with ``accounting.estimate``.
    """
    transfers = [r for r in records if r.unit == "ddr"]
    return transfer_events(
        work, [bytes_of(r.bits) for r in transfers if r.action == "read"],
        [bytes_of(r.bits) for r in transfers if r.action == "write"],
        start_ps, end_ps, accounting, measured)


def transfer_events(work: LayerWork, read_bytes: Sequence[int], write_bytes: Sequence[int],
                    start_ps: int, end_ps: int, accounting: EnergyAccounting,
                    measured: CommandCounts | None) -> LayerEvents:
    """The events of one layer from the whole bytes of each of its DMA reads and
    writes, in the order they ended (what :func:`count_layer_events` counts)."""
    read = sum(read_bytes)
    write = sum(write_bytes)
    commands = measured if measured is not None else accounting.estimate.commands(
        [*read_bytes, *write_bytes], start_ps, end_ps)
    compute_read, compute_write = compute_sram_bytes(
        work, accounting.activation_bits, accounting.weight_bits)
    return make(LayerEvents, {
        "macs": work.macs,
        "sram_read_bytes": compute_read + write,   # drains read what they send
        "sram_write_bytes": compute_write + read,  # fills write what they bring
        "ddr_read_bytes": read,
        "ddr_write_bytes": write,
        "ddr_activates": commands.activates,
        "ddr_refreshes": commands.refreshes,
        "duration_ps": end_ps - start_ps,
        "vector_lane_ops": vector_lane_ops(work),
    })


def charge(events: LayerEvents, costs: EnergyCosts) -> EnergyBreakdown:
    """The energy of ``events`` at ``costs``, pJ."""
    return layer_energy(events.macs, events.sram_read_bytes, events.sram_write_bytes,
                        events.ddr_read_bytes, events.ddr_write_bytes, events.ddr_activates,
                        events.ddr_refreshes, events.duration_ps, costs,
                        events.vector_lane_ops)
