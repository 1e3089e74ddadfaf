"""A naive clock-by-clock controller: the scheduling rules of controller.py, read literally.

``naive_serve`` visits every clock and applies the controller's order as the
module docstring of :mod:`accelsim.sim.dram.controller` states it (refresh
due, one burst admitted, then per free command bus: a pending refresh first,
else the oldest ready row hit, else the oldest ready ACT/PRE), asking the
controller only for its timing state (``earliest``, ``issue``). The event
loops (Python and compiled, with or without the closed form) must produce the
same command log and per-request completion and admission clocks.
"""

from __future__ import annotations

from accelsim.sim.dram.controller import NEVER, ChannelController


def naive_serve(ctrl: ChannelController, bursts: list[tuple[int, bool]]
                ) -> tuple[list[int], list[int]]:
    """Serve one-burst requests (channel-local burst, is_write), all ready at clock 0."""
    spec, amap, t = ctrl.spec, ctrl.amap, ctrl.tables
    n = len(bursts)
    done, first = [-1] * n, [NEVER] * n
    queue: list[tuple[int, int, int, int, bool, int, int]] = []  # seq, bank, rank, row, w, enq, req
    per_rank = spec.banks
    due = [t.refresh_interval if t.refresh_command >= 0 else NEVER] * spec.ranks
    pending = [False] * spec.ranks
    ref_bank = [r * per_rank for r in range(spec.ranks)]
    lat = (t.read_latency, t.write_latency)
    c = k = 0
    while k < n or queue:
        for r in range(spec.ranks):
            if not pending[r] and c >= due[r]:
                pending[r] = True
        if k < n and len(queue) < spec.queue_depth:
            bank, rank, row = amap.decode(bursts[k][0])
            queue.append((k, bank, rank, row, bursts[k][1], c, k))
            first[k] = c
            k += 1
        used: set[int] = set()
        for _ in range(t.nbus):
            issued = _refresh(ctrl, c, pending, ref_bank, due, used)
            if issued is None:
                issued = _frfcfs(ctrl, c, queue, pending, ref_bank, used, done, lat)
            if issued is None:
                break
            used.add(issued)
        c += 1
    return done, first


def _refresh(ctrl: ChannelController, c: int, pending: list[bool], ref_bank: list[int],
             due: list[int], used: set[int]) -> int | None:
    spec, t = ctrl.spec, ctrl.tables
    for r in range(spec.ranks):
        if not pending[r]:
            continue
        if t.refresh_per_bank:
            b = ref_bank[r]
            cmd = t.refresh_precharge if ctrl.open_row[b] >= 0 else t.refresh_command
        else:
            b = -1
            banks = range(r * spec.banks, (r + 1) * spec.banks)
            is_open = any(ctrl.open_row[x] >= 0 for x in banks)
            cmd = t.refresh_precharge if is_open else t.refresh_command
        if t.bus[cmd] not in used and ctrl.earliest(cmd, r, b) <= c:
            ctrl.issue(cmd, r, b, c)
            if cmd == t.refresh_command:
                pending[r] = False
                due[r] += t.refresh_interval
                if t.refresh_per_bank:
                    base = r * spec.banks
                    ref_bank[r] = base + (ref_bank[r] - base + 1) % spec.banks
            return t.bus[cmd]
    return None


def _frfcfs(ctrl: ChannelController, c: int, queue: list, pending: list[bool],
            ref_bank: list[int], used: set[int], done: list[int], lat: tuple[int, int]
            ) -> int | None:
    spec, t = ctrl.spec, ctrl.tables
    hits, misses = [], []
    for b in range(ctrl.nbanks):
        rank = b // spec.banks
        if pending[rank] and (not t.refresh_per_bank or ref_bank[rank] == b):
            continue
        mine = [e for e in queue if e[1] == b]
        if not mine:
            continue
        orow = ctrl.open_row[b]
        open_hits = [e for e in mine if e[3] == orow]
        if orow >= 0 and open_hits:
            for is_write in (False, True):
                same = [e for e in open_hits if e[4] == is_write]
                cmd = ctrl.WR if is_write else ctrl.RD
                if (same and same[0][5] < c and t.bus[cmd] not in used
                        and ctrl.earliest(cmd, rank, b) <= c):
                    hits.append((same[0], cmd))
        else:
            cmd = ctrl.PRE if orow >= 0 else ctrl.ACT
            if mine[0][5] < c and t.bus[cmd] not in used and ctrl.earliest(cmd, rank, b) <= c:
                misses.append((mine[0], cmd))
    if not (hits or misses):
        return None
    e, cmd = min(hits or misses)
    ctrl.issue(cmd, e[2], e[1], c, e[3])
    if cmd in (ctrl.RD, ctrl.WR):
        queue.remove(e)
        done[e[6]] = c + lat[e[4]]
    return t.bus[cmd]
