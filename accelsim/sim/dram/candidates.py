"""The FR-FCFS candidates of a DDR3 channel: per bank, the commands the scheduler may pick next.

For each bank, FR-FCFS looks at no more than two commands: when the bank is
open and bursts of its open row are queued, the RD of its oldest read hit and
the WR of its oldest write hit; otherwise the ACT (bank closed) or PRE (bank
open on another row) of its oldest burst. Banks of a rank waiting for
refresh offer nothing. Bank ``b`` owns slots ``2b`` (read hit, or ACT/PRE)
and ``2b + 1`` (write hit).

Each slot is one integer, ordered as the scheduler's choice is:
``clock << shift | miss << (SEQ_BITS + slot bits) | age << slot bits | slot``,
so the smallest slot is the next command: earliest clock, then row hits
before misses, then oldest. The clock is a lower bound: the bank's own part
(``stb``: the bank timing rules and one clock after the burst entered) is
exact, set whenever the bank changes, while the rank's part (``rn``, which
every command on the rank moves) and the current clock are only folded in
when the slot reaches the front (see ``ChannelController.serve``). Timing
only ever moves later, so a stale bound is never too late.

The slots are kept in a binary heap (``heap``) with lazy deletion: a slot
pushes its value whenever it changes, and an entry that no longer equals its
slot's value is dropped when it reaches the top. A sentinel slot of clock
NEVER keeps the heap from running empty.
"""

from __future__ import annotations

from heapq import heappush
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accelsim.sim.dram.controller import ChannelController

NEVER = 1 << 62  # a clock later than any simulation
SEQ_BITS = 40  # ages (admission numbers) stay below 2**40

_ACT, _PRE, _RD, _WR = 0, 1, 3, 4


class Candidates:
    """The slots of one :class:`ChannelController`; ``set_bank(b)`` refreshes bank ``b``'s."""

    def __init__(self, ctrl: ChannelController) -> None:
        nslots = 2 * ctrl.nbanks
        self.sentinel = nslots
        sb = nslots.bit_length()
        self.slot_mask = (1 << sb) - 1
        self.shift = sh = sb + SEQ_BITS + 1
        self.low_mask = (1 << sh) - 1
        self.slot_bits = sb
        self.miss = miss = 1 << (SEQ_BITS + sb)  # the miss flag: row hits sort first
        self.empty = empty = [(NEVER << sh) | s for s in range(nslots + 1)]  # a slot with no command
        self.w = w = list(empty)  # the slots' values
        self.heap = heap = [empty[nslots]]  # a heap of slot values, some stale
        self.stb = stb = [NEVER] * (nslots + 1)  # bank part of the slot's clock (NEVER: empty)
        self.scmd = scmd = [0] * (nslots + 1)  # command
        self.sidx = sidx = [0] * (nslots + 1)  # position of a hit in its bank queue
        self.slot_rank = [ctrl.rank_of[min(s, nslots - 1) >> 1] for s in range(nslots + 1)]
        self.srn = srn = [ctrl.rn[r] for r in self.slot_rank]  # rank times
        bank_q, open_row, nhit, nq, bn = ctrl.bank_q, ctrl.open_row, ctrl.nhit, ctrl.nq, ctrl.bn
        rank_of, pending = ctrl.rank_of, ctrl.ref_pending

        def set_bank(b: int) -> None:
            s0 = 2 * b
            q = bank_q[b]
            w[s0 + 1], stb[s0 + 1] = empty[s0 + 1], NEVER
            if not q or pending[rank_of[b]]:
                w[s0], stb[s0] = empty[s0], NEVER
                return
            orow = open_row[b]
            bnb = bn[b]
            rnr = srn[s0]
            if orow >= 0 and nhit[b]:
                w[s0], stb[s0] = empty[s0], NEVER
                want_rd, want_wr = nq[b][0] > 0, nq[b][1] > 0
                for i, e in enumerate(q):
                    if e[1] != orow:
                        continue
                    if e[2]:
                        if not want_wr:
                            continue
                        want_wr = False
                        s, cmd = s0 + 1, _WR
                    else:
                        if not want_rd:
                            continue
                        want_rd = False
                        s, cmd = s0, _RD
                    tb = e[3] + 1
                    if bnb[cmd] > tb:
                        tb = bnb[cmd]
                    stb[s], scmd[s], sidx[s] = tb, cmd, i
                    t = tb if tb >= rnr[cmd] else rnr[cmd]
                    w[s] = v = (t << sh) | (e[0] << sb) | s
                    heappush(heap, v)
                    if not (want_rd or want_wr):
                        break
                return
            e = q[0]
            cmd = _PRE if orow >= 0 else _ACT
            tb = e[3] + 1
            if bnb[cmd] > tb:
                tb = bnb[cmd]
            stb[s0], scmd[s0] = tb, cmd
            t = tb if tb >= rnr[cmd] else rnr[cmd]
            w[s0] = v = (t << sh) | miss | (e[0] << sb) | s0
            heappush(heap, v)

        self.set_bank = set_bank
        self._banks = ctrl.spec.banks
        self._nbanks = ctrl.nbanks
        self._bank_q = bank_q

    def set_rank(self, rank: int) -> None:
        """Refresh the slots of every bank of ``rank``."""
        for b in range(rank * self._banks, (rank + 1) * self._banks):
            self.set_bank(b)

    def set_all(self) -> None:
        """Refresh every slot (after the bank state changed outside the scheduler)."""
        self.heap[:] = [self.empty[self.sentinel]]
        w, empty, bank_q = self.w, self.empty, self._bank_q
        for b in range(self._nbanks):
            if bank_q[b] or w[2 * b] != empty[2 * b] or w[2 * b + 1] != empty[2 * b + 1]:
                self.set_bank(b)
