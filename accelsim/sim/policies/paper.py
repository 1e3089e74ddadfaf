"""The paper's accounting, exactly as ``shared/paper/NOTES.md`` reconstructs it.

- The resident set only grows: internal(1) = in(1) + out(1) + w(1);
  internal(i) = internal(i-1) + out(i) + w(i).
- Movement: layer 1 reads its input and moves its weights twice (in + 2w);
  every other layer that fits moves its weights twice (2w).
- Overflow (internal(i) > capacity): the whole resident set goes out over the
  bus and the layer's weights come in (internal(i) + w(i)); the next layer
  starts afresh with internal = in + out + w (its input is not re-read: the
  paper does not count it).
- Movement and compute are serial, nothing overlaps.

Weights enter at ``weight_bits_per_param`` bits per parameter: 1 reproduces the
paper's units slip (its tables add parameter counts to bit counts); 8 gives
the honest byte-per-weight accounting. Capacity is the SRAM's, in bits.
"""

from __future__ import annotations

from collections.abc import Sequence

from accelsim.sim.policies.base import Compute, LayerPlan, Transfer, chain
from accelsim.sim.sram import Sram
from accelsim.sim.work import LayerWork


class PaperPolicy:
    """Cumulative residency, spill-all on overflow, serial movement and compute."""

    name = "paper"

    def __init__(self, activation_bits: int, weight_bits_per_param: int = 1) -> None:
        if activation_bits <= 0:
            raise ValueError(f'"activation_bits" must be > 0, got {activation_bits}')
        if weight_bits_per_param <= 0:
            raise ValueError(f'"weight_bits_per_param" must be > 0, got {weight_bits_per_param}')
        self.activation_bits = activation_bits
        self.weight_bits_per_param = weight_bits_per_param
        self._internal_bits: int | None = None  # None: the next layer starts afresh

    def start(self, schedule: Sequence[LayerWork], capacity_bits: int) -> None:
        self._internal_bits = None

    def plan(self, index: int, work: LayerWork, sram: Sram) -> LayerPlan:
        in_bits = work.input_elems * self.activation_bits
        out_bits = work.output_elems * self.activation_bits
        w_bits = work.weight_params * self.weight_bits_per_param
        fresh = self._internal_bits is None
        internal = (in_bits + out_bits + w_bits if fresh
                    else self._internal_bits + out_bits + w_bits)  # type: ignore[operator]

        if internal > sram.capacity_bits:
            # The paper's spill: everything resident goes to DDR, this layer's
            # weights come in, and the following layer starts from nothing.
            sram.release_all()
            self._internal_bits = None
            return _layer_plan(work, internal, w_bits, None, spill=True)

        # The SRAM holds what the paper says is resident; it is an accounting
        # figure here, so it is set, not reserved step by step.
        sram.occupy(internal - sram.used_bits)
        self._internal_bits = internal
        return _layer_plan(work, internal, w_bits, in_bits if index == 1 else None, spill=False)


_PLANS: dict[tuple[int, int, int, int | None, bool], tuple[LayerWork, LayerPlan]] = {}
_PLANS_MAX = 20_000


def _layer_plan(work: LayerWork, internal: int, w_bits: int, read_bits: int | None,
                spill: bool) -> LayerPlan:
    """The plan of ``work`` with ``internal`` bits resident, ``w_bits`` of weights and,
    unless None, ``read_bits`` of input read first; made once per process for each
    such layer (a sweep plans the same layers at every point). The plan is immutable,
    and keyed on the layer object itself (held in the cache, so its id stays its own)."""
    key = (id(work), internal, w_bits, read_bits, spill)
    found = _PLANS.get(key)
    if found is not None and found[0] is work:
        return found[1]
    compute = Compute(work.name, work)
    if spill:
        steps = chain(
            Transfer("spill resident set", internal, is_write=True),
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
    plan = LayerPlan(steps, internal, spill=spill)
    if len(_PLANS) >= _PLANS_MAX:
        _PLANS.clear()
    _PLANS[key] = (work, plan)
    return plan
