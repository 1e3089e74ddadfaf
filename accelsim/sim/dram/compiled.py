"""The DDR3 channel controller with its scheduler loop compiled (``_channel_core.c``).

:class:`CompiledChannel` is a drop-in for
:class:`~accelsim.sim.dram.controller.ChannelController` (``serve``, ``log``
and the command counters) that runs the same FR-FCFS model in C, one
command at a time, with no streaming shortcut: it needs none, and that
keeps the compiled part small. The timing rules it applies are the tables
:class:`~accelsim.sim.dram.state.ChannelState` derives from
:mod:`accelsim.sim.dram.timing`, so the rules have one source.

The Python controller stays the reference: tests compare the two, command
log included, on random traffic. The extension is built by ``pip install``
when a C compiler is present; without one, :data:`AVAILABLE` is False and
:class:`~accelsim.sim.dram.ddr3.Ddr3Model` uses the Python controller, with
the same results, only slower.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from accelsim.sim.dram.frontend import Run, placed
from accelsim.sim.dram.spec import Ddr3Spec
from accelsim.sim.dram.state import ChannelState

_core: ModuleType | None
try:
    _core = importlib.import_module("accelsim.sim.dram._channel_core")
except ImportError:  # built without a C compiler
    _core = None

#: Whether the compiled controller was built with this installation.
AVAILABLE = _core is not None


class CompiledChannel:
    """One DDR3 channel of ``spec``: :class:`ChannelController`'s model, compiled."""

    def __init__(self, spec: Ddr3Spec) -> None:
        if _core is None:
            raise RuntimeError("accelsim's compiled DDR3 controller is not built in this "
                               "installation")
        state = ChannelState(spec)  # the rule tables, from the one place that derives them
        amap = state.amap
        self.spec = spec
        self.amap = amap
        self.log: list[tuple[int, str, int, int]] | None = None  # (cycle, cmd, rank, bank) if set
        self._core = _core.ChannelCore(
            nranks=spec.ranks, banks=spec.banks, depth=spec.queue_depth, trefi=spec.trefi,
            refresh_enabled=spec.refresh_enabled, read_latency=state.lat[0],
            write_latency=state.lat[1], faw_count=len(state.faw[0]), faw_cycles=state.faw_cycles,
            bank_rules=state._bank_rules, rank_rules=state._rank_rules,
            other_rules=state._other_rules, late_rules=state._late_rules,
            field_shifts=(amap._rs, amap._bs, amap._ws), field_masks=(amap._rm, amap._bm, amap._wm))

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
