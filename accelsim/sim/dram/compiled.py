"""The DRAM channel controller compiled (``_channel_core.c`` and its companions).

:class:`CompiledChannel` is a drop-in for
:class:`~accelsim.sim.dram.controller.ChannelController` (``serve``,
``transfer``, ``log`` and the command counters) that runs the same FR-FCFS
model in C. It is given the rule tables of :mod:`accelsim.sim.dram.rules`
(the ones the Python controller reads) and the address fields of
:class:`~accelsim.sim.dram.address.AddressMap`, so no standard, command or
timing is written in C; tests compare it with the Python reference command
for command.

The extension is built by ``pip install`` when a C compiler is present;
without one, :data:`AVAILABLE` is False and
:class:`~accelsim.sim.dram.memory.DramModel` uses the Python controller, with
the same results, only slower.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from accelsim.sim.dram.address import AddressMap
from accelsim.sim.dram.frontend import Run, placed
from accelsim.sim.dram.rules import rule_tables
from accelsim.sim.dram.spec import DramSpec
from accelsim.sim.dram.standard import Role

_core: ModuleType | None
try:
    _core = importlib.import_module("accelsim.sim.dram._channel_core")
except ImportError:  # built without a C compiler
    _core = None

#: Whether the compiled controller was built with this installation.
AVAILABLE = _core is not None


class CompiledChannel:
    """One channel of ``spec``: :class:`ChannelController`'s model, compiled."""

    def __init__(self, spec: DramSpec) -> None:
        if _core is None:
            raise RuntimeError("accelsim's compiled DRAM controller is not built in this "
                               "installation")
        t = rule_tables(spec)
        amap = AddressMap(spec)
        self.spec = spec
        self.amap = amap
        self.log: list[tuple[int, str, int, int]] | None = None  # (cycle, cmd, rank, bank) if set
        self._core = _core.ChannelCore(
            ranks=spec.ranks, bankgroups=spec.bankgroups, banks_per_group=spec.banks_per_group,
            depth=spec.queue_depth, latencies=(t.read_latency, t.write_latency),
            window=(t.window_count, t.window_cycles), names=t.names,
            roles=tuple(t.role[r] for r in (Role.ACTIVATE, Role.PRECHARGE, Role.PRECHARGE_ALL,
                                            Role.READ, Role.WRITE)),
            bus=t.bus, tables=(t.bank, t.bankgroup, t.rank, t.sibling, t.channel, t.late),
            refresh=(t.refresh_command, t.refresh_precharge, t.refresh_interval,
                     int(t.refresh_per_bank)),
            fields=amap.fields)

    def serve(self, runs: list[Run], done: list[int], first_enq: list[int]) -> None:
        """Run ``runs`` (in order) to the issue of their last column command
        (see ChannelController.serve)."""
        for run in runs:
            placed(run, self.amap)
        self._core.serve(runs, done, first_enq, self.log)

    def transfer(self, local_start: int, count: int, is_write: bool, avail: int) -> int:
        """Serve one request of ``count`` contiguous channel-local bursts from clock
        ``avail``; return its completion clock."""
        return int(self._core.transfer(local_start, count, is_write, avail, self.log))

    @property
    def cycle(self) -> int:
        return int(self._core.cycle)

    @property
    def acts(self) -> int:
        return int(self._core.acts)

    @property
    def column_commands(self) -> int:
        return int(self._core.column_commands)

    @property
    def refreshes(self) -> int:
        return int(self._core.refreshes)

    @property
    def qlen(self) -> int:
        return int(self._core.qlen)

    @property
    def open_row(self) -> list[int]:
        return list(self._core.open_row)
