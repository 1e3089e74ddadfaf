"""DramModel on traces and transfers: request sizes, channel mappings, 64-bit addresses."""

from __future__ import annotations

import random

import pytest

from accelsim.hw.dram_presets import dram_spec
from accelsim.sim.dram.memory import DramModel


def test_a_request_is_one_burst_unless_it_has_a_size() -> None:
    spec = dram_spec("DDR3", "DDR3-1066F", bus_width_bits=8)  # 8-byte bursts
    one = DramModel(spec).run_trace([(False, 0)])
    assert one.bytes == 8
    sized = DramModel(spec).run_trace([(False, 0, 64)])  # eight bursts
    assert sized.bytes == 64 and sized.completion_ps > one.completion_ps
    # A request touches every burst of its byte range: bytes 4..11 are two bursts.
    straddling, two = (DramModel(spec).run_trace([(False, a, n)]) for a, n in ((4, 8), (0, 16)))
    assert (straddling.bytes, straddling.completion_ps) == (8, two.completion_ps)


def test_addresses_wrap_at_capacity_up_to_64_bits() -> None:
    spec = dram_spec("HBM2")
    top = (1 << 64) - 32
    high = DramModel(spec).run_trace([(False, top), (True, top - 32)])
    low = DramModel(spec).run_trace([(False, top % spec.capacity_bytes),
                                     (True, (top - 32) % spec.capacity_bytes)])
    assert high == low


@pytest.mark.parametrize("standard,mapping", [
    ("DDR4", "row-rank-ch-bg-bank-col"), ("LPDDR4", "row-ch-rank-bank-col"),
    ("HBM2", "row-bank-col-ch-rank-bg"), ("DDR3", "row_rank_bank_column")])
def test_channels_anywhere_in_the_mapping_agree_with_the_reference(standard: str,
                                                                   mapping: str) -> None:
    spec = dram_spec(standard, ranks=2, channels=2, mapping=mapping, timing={"trefi": 1500})
    rng = random.Random(standard)
    bb = spec.burst_bytes
    requests = []
    for _ in range(60):
        start, size = rng.randrange(1 << 16) * bb, rng.choice([bb, 3 * bb, 17 * bb + 5])
        requests += [(rng.random() < 0.3, start + k * size, size) for k in range(rng.randint(1, 12))]
    fast, ref = DramModel(spec), DramModel(spec, backend="python")
    assert fast.run_trace(requests) == ref.run_trace(requests)
    assert fast.run_trace(requests[:200], serial=True) == ref.run_trace(requests[:200], serial=True)
    now = 0
    for is_write, address, size in requests[:40]:
        assert fast.transfer(now, address, size * 40, is_write) == ref.transfer(
            now, address, size * 40, is_write)
        now += 20_000
    assert fast.command_counts() == ref.command_counts()
