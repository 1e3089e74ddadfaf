"""Address mapping of a DDR3 memory system: byte address -> channel, rank, bank, row, column.

Addresses are cut into BL8 bursts of ``spec.burst_bytes`` bytes. The burst
index's least significant field is always the channel (channels interleave
burst by burst); the rest, the channel-local burst index, is split into
row, rank, bank and column (in bursts) fields in the order named by
``spec.address_mapping`` (see :data:`accelsim.sim.dram.spec.ADDRESS_MAPPINGS`).
"""

from __future__ import annotations


import numpy as np

from accelsim.sim.dram.spec import ADDRESS_MAPPINGS, Ddr3Spec


class AddressMap:
    """Decodes channel-local burst indices of ``spec`` (field sizes are powers of two)."""

    def __init__(self, spec: Ddr3Spec) -> None:
        sizes = {"row": spec.rows, "rank": spec.ranks, "bank": spec.banks,
                 "column": spec.bursts_per_row}
        order = ADDRESS_MAPPINGS[spec.address_mapping]
        shift = 0
        self._shift: dict[str, int] = {}
        self._mask: dict[str, int] = {}
        for name in reversed(order):
            self._shift[name] = shift
            self._mask[name] = sizes[name] - 1
            shift += sizes[name].bit_length() - 1
        self.local_bursts = 1 << shift
        self.channels = spec.channels
        self.banks = spec.banks
        # Bursts with the same (rank, bank, row) come in runs of this length:
        # the span of all fields below the lowest of rank and bank.
        low = min(self._shift["rank"] if spec.ranks > 1 else self._shift["bank"],
                  self._shift["bank"])
        self.segment_bursts = 1 << low
        self._rs, self._rm = self._shift["rank"], self._mask["rank"]
        self._bs, self._bm = self._shift["bank"], self._mask["bank"]
        self._ws, self._wm = self._shift["row"], self._mask["row"]

    def decode(self, local_burst: int) -> tuple[int, int, int]:
        """(flat bank index, rank, row) of a channel-local burst index (wraps at capacity)."""
        rank = (local_burst >> self._rs) & self._rm
        bank = (local_burst >> self._bs) & self._bm
        row = (local_burst >> self._ws) & self._wm
        return rank * self.banks + bank, rank, row

    def place(self, local_bursts: np.ndarray) -> tuple[list[int], list[int]]:
        """(flat bank indices, rows) of an int64 array of channel-local bursts: :meth:`decode`
        on every element at once (its shifts and masks work on arrays too)."""
        flat_bank, _, row = self.decode(local_bursts)  # type: ignore[arg-type]
        return flat_bank.tolist(), row.tolist()  # type: ignore[attr-defined]

    def segment_left(self, local_burst: int) -> int:
        """Bursts from ``local_burst`` to the end of its (rank, bank, row) run, itself included."""
        return self.segment_bursts - (local_burst & (self.segment_bursts - 1))
