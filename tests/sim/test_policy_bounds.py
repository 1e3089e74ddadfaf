"""Every policy refuses an SRAM too small for a layer in one line, and plans any tensor
sizes in bounded time and memory (issue 13, items 4 and 9)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.sim.policies import (
    PaperPolicy,
    Policy,
    SramTooSmallError,
    TiledPolicy,
    TooManyTilesError,
)
from accelsim.sim.policies.tiling import MAX_TILES, TileShape, best_tiling, smallest_buffer_bits
from accelsim.sim.work import ConvGeometry, LayerWork

POLICIES: list[Policy] = [PaperPolicy(8), PaperPolicy(8, 8), TiledPolicy(8, 8)]


def conv(c_in: int, c_out: int, h: int, k: int, s: int, pad: int, groups: int = 1) -> LayerWork:
    out = (h + 2 * pad - k) // s + 1
    g = ConvGeometry(c_in, c_out, h, h, out, out, k, k, s, s, pads=(pad,) * 4, groups=groups)
    return LayerWork("c", "conv", c_in * h * h, c_out * out * out,
                     c_out * (c_in // groups) * k * k, c_out, g.conv_macs, g, inputs=("x",),
                     output="y")


LAYERS = st.builds(conv, st.integers(1, 64), st.integers(1, 64), st.integers(5, 64),
                   st.sampled_from([1, 3, 5]), st.sampled_from([1, 2]), st.integers(0, 2))


def least_sram_bits(policy: Policy, layer: LayerWork) -> int:
    """The figure the error names, read back from it."""
    with pytest.raises(SramTooSmallError) as info:
        policy.prepare((layer,), 1)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("SRAM of 1 bit (1 byte) is too small for layer 1 ('c') under "
                              f"the {policy.name} policy: ")
    return int(message.split("need at least ")[1].split(" bit")[0].replace(",", ""))


@settings(max_examples=40, deadline=None)
@given(LAYERS)
def test_every_policy_names_the_least_sram_a_layer_runs_on(layer: LayerWork) -> None:
    for policy in POLICIES:
        need = least_sram_bits(policy, layer)
        policy.prepare((layer,), need)  # runs there...
        with pytest.raises(SramTooSmallError):
            policy.prepare((layer,), need - 1)  # ...and not a bit below


def test_the_paper_needs_a_layers_input_output_and_weights() -> None:
    layer = conv(3, 32, 28, 3, 1, 1)  # weights at one bit each, as the paper counts them
    assert least_sram_bits(PaperPolicy(8), layer) == (3 * 28 * 28 + 32 * 28 * 28) * 8 + 32 * 27


@settings(max_examples=40, deadline=None)
@given(LAYERS)
def test_smallest_buffer_is_where_a_tiling_first_fits(layer: LayerWork) -> None:
    shape = TileShape.of(layer, 8, 8)
    least = smallest_buffer_bits(shape, False, False)
    assert best_tiling(shape, least, False, False) is not None
    assert best_tiling(shape, least - 1, False, False) is None


HUGE = 2**31


def huge(pad: int) -> LayerWork:
    side = HUGE if pad < 2 else 8
    return conv(3, 32, side, 3, 1, pad)


def test_a_layer_beyond_the_tile_cap_is_refused_by_name() -> None:
    with pytest.raises(TooManyTilesError, match=rf"layer 1 \('c'\) fits an SRAM of "
                                                rf"10,000,000,000,000 bits only in more than "
                                                rf"{MAX_TILES:,} tiles"):
        TiledPolicy(8, 8).prepare((huge(1),), 10**13)
    plan = TiledPolicy(8, 8).prepare((huge(1),), 10**20)
    assert plan.segments[0].accounts[0].tiles <= MAX_TILES


BOUNDED = textwrap.dedent('''
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from accelsim.errors import AccelsimError
    from accelsim.hw.config import load_hw
    from accelsim.hw.factory import build_compute_timing, build_policy
    sys.path.insert(0, "tests/sim")
    from test_policy_bounds import huge
    hw = load_hw(sys.argv[1])
    layer = huge(int(sys.argv[2]))
    build_compute_timing(hw).estimate(layer)
    try:
        build_policy(hw).prepare((layer,), hw.sram.size)
        print("planned")
    except AccelsimError as exc:
        print(exc)
''')


@pytest.mark.parametrize("config", ["1mb_ddr3_1066_tiled", "systolic_32x32_vector", "1mb_ddr3"])
@pytest.mark.parametrize("pad", [1, 10**9])
def test_absurd_tensors_are_planned_in_bounded_time_and_memory(config: str, pad: int) -> None:
    """A 1x3x2^31x2^31 Conv, or pads of 1e9, under 2 GB of address space and a minute:
    one error line (the 1 MB SRAMs are far too small), never a hang or MemoryError."""
    proc = subprocess.run([sys.executable, "-c", BOUNDED, f"hwconfigs/{config}.yaml", str(pad)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and "is too small for layer 1 ('c')" in lines[0]
