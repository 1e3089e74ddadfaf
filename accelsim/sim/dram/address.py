"""Address decoding of a DRAM memory system: burst index -> channel, then bank and row.

Addresses are cut into bursts of ``spec.burst_bytes`` bytes. A global burst
index is split by ``spec.mapping`` (:mod:`accelsim.sim.dram.mapping`): the
channel field is taken out first, leaving the channel-local burst index the
channel's controller sees, whose rank, bank group, bank, row and column
fields keep their order. A channel's share of a contiguous range of global
bursts is a contiguous range of its local bursts, whatever the mapping.
"""

from __future__ import annotations

import numpy as np

from accelsim.sim.dram.spec import DramSpec


class AddressMap:
    """Splits global burst indices of ``spec`` into channels and decodes local ones."""

    def __init__(self, spec: DramSpec) -> None:
        layout = spec.layout
        cs, cb = layout["channel"]
        self.channels = spec.channels
        self.channel_shift, self.channel_bits = cs, cb

        def local(name: str) -> tuple[int, int]:
            shift, bits = layout[name]
            return (shift - cb if shift > cs else shift), (1 << bits) - 1

        (self._rs, self._rm), (self._gs, self._gm), (self._bs, self._bm), (self._ws, self._wm) = (
            local("rank"), local("bankgroup"), local("bank"), local("row"))
        self.bankgroups, self.banks_per_group = spec.bankgroups, spec.banks_per_group
        self.banks = spec.banks  # per rank
        self.local_bursts = 1 << (sum(bits for _, bits in layout.values()) - cb)
        # Bursts with the same (rank, bank group, bank, row) come in aligned runs of
        # this length: the span of the fields below the lowest of them.
        low = [shift for name, (shift, bits) in ((n, local(n)) for n in
               ("rank", "bankgroup", "bank", "row")) if bits]
        self.segment_bursts = 1 << min(low, default=0)

    @property
    def fields(self) -> tuple[tuple[int, int], ...]:
        """(shift, mask) of rank, bank group, bank and row in a local burst index."""
        return ((self._rs, self._rm), (self._gs, self._gm), (self._bs, self._bm),
                (self._ws, self._wm))

    def decode(self, local_burst: int) -> tuple[int, int, int]:
        """(flat bank index, rank, row) of a channel-local burst index (wraps at capacity)."""
        rank = (local_burst >> self._rs) & self._rm
        bg = (local_burst >> self._gs) & self._gm
        bank = (local_burst >> self._bs) & self._bm
        row = (local_burst >> self._ws) & self._wm
        return (rank * self.bankgroups + bg) * self.banks_per_group + bank, rank, row

    def place(self, local_bursts: np.ndarray) -> tuple[list[int], list[int]]:
        """(flat bank indices, rows) of an int64 array of channel-local bursts: :meth:`decode`
        on every element at once (its shifts and masks work on arrays too)."""
        flat_bank, _, row = self.decode(local_bursts)  # type: ignore[arg-type]
        return flat_bank.tolist(), row.tolist()  # type: ignore[attr-defined]

    def segment_left(self, local_burst: int) -> int:
        """Bursts from ``local_burst`` to the end of its (rank, bank, row) run, itself included."""
        return self.segment_bursts - (local_burst & (self.segment_bursts - 1))

    # --- channels ---------------------------------------------------------------
    def split(self, burst: int) -> tuple[int, int]:
        """(channel, channel-local burst) of a global burst index."""
        cs, cb = self.channel_shift, self.channel_bits
        low = burst & ((1 << cs) - 1)
        return (burst >> cs) & ((1 << cb) - 1), ((burst >> (cs + cb)) << cs) | low

    def split_array(self, bursts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`split` of an int64 array."""
        cs, cb = self.channel_shift, self.channel_bits
        return ((bursts >> cs) & ((1 << cb) - 1),
                ((bursts >> (cs + cb)) << cs) | (bursts & ((1 << cs) - 1)))

    def local_before(self, burst: int, channel: int) -> int:
        """How many bursts of ``channel`` precede global burst ``burst``: the local index
        of the channel's first burst at or after it."""
        cs, cb = self.channel_shift, self.channel_bits
        period = 1 << (cs + cb)
        within = (burst & (period - 1)) - (channel << cs)
        return (burst >> (cs + cb) << cs) + min(max(within, 0), 1 << cs)

    def channel_ranges(self, g0: int, n: int) -> list[tuple[int, int, int]]:
        """(channel, first local burst, count) of each channel's share of global bursts
        g0 .. g0 + n - 1 (channels without a share left out)."""
        if self.channels == 1:
            return [(0, g0, n)]
        out = []
        for ch in range(self.channels):
            first = self.local_before(g0, ch)
            count = self.local_before(g0 + n, ch) - first
            if count > 0:
                out.append((ch, first, count))
        return out
