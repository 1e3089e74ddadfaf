"""The compiled controller is built, is the default, and is the Python controller's model (DDR3).

Beyond the comparisons in the other modules of this folder (pinned streams,
random traces and transfers, the naive clock loop), this drives a channel the
way the tiled policy's DMA does: a stream of contiguous transfers that may be
issued before the previous one completed, on several ranks, and compares the
command log, completion and admission clocks and counters with the Python
reference after every transfer.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.dram import compiled
from accelsim.sim.dram.compiled import CompiledChannel
from accelsim.sim.dram.controller import NEVER, ChannelController
from accelsim.sim.dram.frontend import Run
from accelsim.sim.dram.memory import DramModel


def test_the_compiled_controller_is_built_and_used_by_default() -> None:
    # pip install builds it wherever a C compiler exists, as on CI; without it
    # accelsim still runs (on the Python controller), but this test says so.
    assert compiled.AVAILABLE, ("accelsim/sim/dram/_channel_core.c was not built: "
                                "run pip install -e .")
    spec = ddr3_spec("DDR3-1600K", channels=2)
    assert all(isinstance(c, CompiledChannel) for c in DramModel(spec).controllers)
    assert all(isinstance(c, ChannelController)
               for c in DramModel(spec, backend="python").controllers)
    with pytest.raises(ValueError, match="backend"):
        DramModel(spec, backend="fortran")  # type: ignore[arg-type]


def _state(ctrl: ChannelController | CompiledChannel) -> tuple[int, ...]:
    return ctrl.cycle, ctrl.acts, ctrl.column_commands, ctrl.refreshes, ctrl.qlen


@pytest.mark.parametrize("seed", range(12))
def test_overlapping_transfers_match_the_python_reference(seed: int) -> None:
    rng = random.Random(seed)
    spec = ddr3_spec(rng.choice(["DDR3-800D", "DDR3-1333H", "DDR3-2133N"]),
                     ranks=rng.choice([1, 2, 4]), queue_depth=rng.choice([1, 4, 32]),
                     refresh_enabled=rng.random() < 0.8, trefi=rng.choice([600, 3000]),
                     address_mapping=rng.choice(["row_rank_bank_column", "row_column_rank_bank"]))
    transfers = [(rng.randrange(1 << 18), rng.randint(1, 600), rng.random() < 0.4,
                  rng.randint(-300, 2000)) for _ in range(30)]
    ref, fast = ChannelController(spec), CompiledChannel(spec)
    ref.log, fast.log = [], []
    n = len(transfers)
    ref_out = ([-1] * n, [NEVER] * n)
    fast_out = ([-1] * n, [NEVER] * n)
    now = 0
    for k, (start, count, is_write, gap) in enumerate(transfers):
        ref.serve([Run(start, count, is_write, now, k, 0, 1, count)], *ref_out)
        fast.serve([Run(start, count, is_write, now, k, 0, 1, count)], *fast_out)
        assert fast_out == ref_out
        assert _state(fast) == _state(ref)
        assert fast.open_row == ref.open_row
        now = max(0, now + gap)  # a negative gap: issued before the previous transfer ended
    assert fast.log == ref.log
    assert ref.acts > 0 and ref.column_commands == sum(t[1] for t in transfers)


def test_bad_runs_are_refused_not_misread() -> None:
    fast = CompiledChannel(ddr3_spec("DDR3-1600K"))
    with pytest.raises(IndexError, match="request id"):
        fast.serve([Run(0, 4, False, 0, req_base=7)], [-1], [NEVER])
    run = Run(0, 2, False, 0, scatter=[(0, 0, False), (1, 0, False)])
    run.placed = [(0, 0, 0, False)]  # one tuple for two bursts
    with pytest.raises(ValueError, match="placed"):
        fast.serve([run], [-1], [NEVER])


def test_without_the_extension_the_python_controller_runs() -> None:
    """An install without a C compiler: same API, Python controller, same result."""
    code = (
        "import sys; sys.modules['accelsim.sim.dram._channel_core'] = None\n"
        "from accelsim.hw.ddr3_presets import ddr3_spec\n"
        "from accelsim.sim.dram import compiled\n"
        "from accelsim.sim.dram.memory import DramModel\n"
        "m = DramModel(ddr3_spec('DDR3-1066F', bus_width_bits=8))\n"
        "print(compiled.AVAILABLE, type(m.controllers[0]).__name__,\n"
        "      m.transfer(0, 4096, 70000, False))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = DramModel(ddr3_spec("DDR3-1066F", bus_width_bits=8)).transfer(0, 4096, 70000, False)
    assert out.stdout.split() == ["False", "ChannelController", str(expected)]
