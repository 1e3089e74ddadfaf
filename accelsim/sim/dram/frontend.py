"""What waits in front of a DRAM channel controller: runs of bursts, in arrival order.

A channel's front end holds the bursts of the requests not yet admitted to
the controller queue. They come as :class:`Run` records (contiguous channel-
local burst indices of one direction, as a DMA transfer or a sequential
stretch of a trace makes them) or, for traces of scattered one-burst requests,
as one run listing its bursts explicitly, so that random traffic does not
cost one record per request. Queued bursts are plain tuples (see
:data:`ENTRY_FIELDS`) because the controller creates one per burst.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from accelsim.sim.dram.address import AddressMap

#: Fields of a queued burst tuple: age (admission order), row, direction,
#: admission clock, request id.
ENTRY_FIELDS = ("seq", "row", "is_write", "enq", "req")


@dataclass(slots=True)
class Run:
    """Channel-local bursts waiting to enter the queue, available from clock ``avail``.

    Contiguous form: bursts ``local_start .. local_start + count - 1``, all
    ``is_write``; burst
    i belongs to request ``req_base + (req_offset + i * req_stride) //
    bursts_per_req``. Scattered form: ``scatter`` lists (channel-local burst,
    request, is_write) per burst; ``local_start`` and ``is_write`` are unused.
    ``placed`` is the same list decoded to (flat bank, row, request, is_write)
    per burst, which the controller admits without re-deriving the bank and
    row of each burst: the producer may fill it in bulk (see
    :meth:`accelsim.sim.dram.address.AddressMap.place`), else the controller
    decodes the run once when it reaches the front.
    """

    local_start: int
    count: int
    is_write: bool
    avail: int
    req_base: int = 0
    req_offset: int = 0
    req_stride: int = 1
    bursts_per_req: int = 1
    scatter: list[tuple[int, int, bool]] | None = None
    placed: list[tuple[int, int, int, bool]] | None = None

    def req_of(self, i: int) -> int:
        if self.scatter is not None:
            return self.scatter[i][1]
        return self.req_base + (self.req_offset + i * self.req_stride) // self.bursts_per_req


def placed(run: Run, amap: AddressMap) -> list[tuple[int, int, int, bool]] | None:
    """``run.placed``, decoded by ``amap`` in one numpy pass if the producer did not;
    None for a contiguous run."""
    sc = run.scatter
    if sc is None:
        return None
    if run.placed is None:
        banks, rows = amap.place(np.fromiter(map(itemgetter(0), sc), dtype=np.int64, count=len(sc)))
        run.placed = list(zip(banks, rows, map(itemgetter(1), sc), map(itemgetter(2), sc)))
    return run.placed
