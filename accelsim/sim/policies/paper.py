"""The paper's accounting, exactly as ``docs/paper.md`` reconstructs it.

- The resident set only grows: internal(1) = in(1) + out(1) + w(1);
  internal(i) = internal(i-1) + out(i) + w(i).
- Movement: layer 1 reads its input and moves its weights twice (in + 2w);
  every other layer that fits moves its weights twice (2w).
- Overflow (internal(i) > capacity): the whole resident set goes out over the
  bus and the layer's weights come in (internal(i) + w(i)); the next layer
  starts afresh with internal = in + out + w (its input is not re-read: the
  paper does not count it).
- Movement and compute are serial, nothing overlaps.
- A layer whose own input, output and weights exceed the SRAM could never run
  (it would overflow even after a spill): that SRAM is refused, as every policy
  refuses an SRAM too small for some layer.

Weights enter at ``weight_bits_per_param`` bits per parameter: 1 reproduces the
paper's units slip (its tables add parameter counts to bit counts); 8 gives
the honest byte-per-weight accounting. Capacity is the SRAM's, in bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from accelsim.sim.policies.base import (
    Compute,
    LayerPlan,
    PreparedSchedule,
    Segment,
    Transfer,
    chain,
    sram_too_small,
)
from accelsim.sim.work import LayerWork


@dataclass(frozen=True)
class PaperPolicy:
    """Cumulative residency, spill-all on overflow, serial movement and compute.

    ``activation_bits``: bits per activation; ``weight_bits_per_param``: bits each
    weight counts for (1: the paper's units slip; the hardware's precision: honest).
    """

    activation_bits: int
    weight_bits_per_param: int = 1
    name: ClassVar[str] = "paper"

    def __post_init__(self) -> None:
        if self.activation_bits <= 0:
            raise ValueError(f'"activation_bits" must be > 0, got {self.activation_bits}')
        if self.weight_bits_per_param <= 0:
            raise ValueError(f'"weight_bits_per_param" must be > 0, '
                             f"got {self.weight_bits_per_param}")

    def prepare(self, schedule: Sequence[LayerWork], capacity_bits: int) -> PreparedSchedule:
        """Each layer is a segment of its own. The SRAM holds what the paper says is
        resident: an accounting figure, so it is set at each layer's start (grown to
        the resident set, or emptied by a spill), not reserved step by step."""
        segments = []
        held = 0  # bits the SRAM holds when the layer starts
        internal_before: int | None = None  # None: the next layer starts afresh
        for index, work in enumerate(schedule, start=1):
            in_bits = work.input_elems * self.activation_bits
            out_bits = work.output_elems * self.activation_bits
            w_bits = work.weight_params * self.weight_bits_per_param
            if in_bits + out_bits + w_bits > capacity_bits:
                # Even started afresh the layer overflows: it could never run.
                raise sram_too_small(self.name, capacity_bits, index, work,
                                     in_bits + out_bits + w_bits,
                                     "its input, output and weights (what it holds when it "
                                     "starts afresh)")
            internal = (in_bits + out_bits + w_bits if internal_before is None
                        else internal_before + out_bits + w_bits)
            if internal > capacity_bits:
                # The paper's spill: everything resident goes to DDR, this layer's
                # weights come in, and the following layer starts from nothing.
                segments.append(Segment.of_layer(
                    index, _layer_plan(work, internal, w_bits, None, spill=True),
                    release_at_start_bits=held))
                held, internal_before = 0, None
            else:
                segments.append(Segment.of_layer(
                    index, _layer_plan(work, internal, w_bits, in_bits if index == 1 else None,
                                       spill=False),
                    occupy_at_start_bits=internal - held))
                held = internal_before = internal
        return PreparedSchedule(self.name, tuple(schedule), capacity_bits, tuple(segments))


def _layer_plan(work: LayerWork, internal: int, w_bits: int, read_bits: int | None,
                spill: bool) -> LayerPlan:
    """The plan of ``work`` with ``internal`` bits resident, ``w_bits`` of weights and,
    unless None, ``read_bits`` of input read first."""
    compute = Compute(work.name, work)
    if spill:
        steps = chain(
            # What goes out is activations that overflowed: spill, counted in spill_bytes.
            Transfer("spill resident set", internal, is_write=True, tensor="resident set",
                     spill=True),
            Transfer("weights", w_bits, is_write=False),
            compute)
    else:
        reads = [] if read_bits is None else [Transfer("input fmap", read_bits, is_write=False)]
        steps = chain(
            *reads,
            Transfer("weights", w_bits, is_write=False),
            # The paper counts every layer's weight movement twice.
            Transfer("weights (counted twice by the paper)", w_bits, is_write=False),
            compute)
    return LayerPlan(steps, internal, spill=spill)
