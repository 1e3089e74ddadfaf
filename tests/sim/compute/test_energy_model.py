"""The per-layer energy model and its sourced default costs."""

from __future__ import annotations

import math

import pytest

from accelsim.hw.energy_defaults import (
    DDR3_1600_4GB_X8,
    OP_ENERGY,
    SRAM_READ_64BIT,
    default_energy_costs,
    mac_pj,
    sram_pj_per_byte,
)
from accelsim.sim.energy import ZERO_ENERGY, EnergyBreakdown, EnergyCosts, layer_energy

COSTS = EnergyCosts(mac_pj=0.25, sram_read_pj_per_byte=1.5, sram_write_pj_per_byte=2.0,
                    ddr_read_pj_per_byte=100.0, ddr_write_pj_per_byte=80.0,
                    ddr_activate_pj=1000.0, ddr_refresh_pj=50_000.0, static_mw=10.0)


def test_layer_energy_adds_counts_times_costs():
    e = layer_energy(macs=1000, sram_read_bytes=400, sram_write_bytes=100,
                     ddr_read_bytes=64, ddr_write_bytes=128, ddr_activates=2, refreshes=1,
                     duration_ps=1_000_000, costs=COSTS)
    assert e.compute_pj == 250.0
    assert e.sram_pj == 400 * 1.5 + 100 * 2.0
    assert e.ddr_pj == 64 * 100.0 + 128 * 80.0 + 2 * 1000.0 + 50_000.0
    assert e.static_pj == 10_000.0  # 10 mW x 1 us = 10 nJ
    assert e.total_pj == e.compute_pj + e.sram_pj + e.ddr_pj + e.static_pj


def test_layer_energy_is_zero_for_no_events():
    e = layer_energy(0, 0, 0, 0, 0, 0, 0, 0, COSTS)
    assert e == ZERO_ENERGY


def test_breakdowns_add_up():
    a = layer_energy(10, 0, 0, 0, 0, 0, 0, 1000, COSTS)
    b = layer_energy(0, 8, 8, 0, 0, 0, 0, 0, COSTS)
    total = sum([a, b], ZERO_ENERGY)
    assert total == EnergyBreakdown(2.5, 28.0, 0.0, 10.0, 40.5)


@pytest.mark.parametrize("field", ["mac_pj", "sram_read_pj_per_byte", "ddr_activate_pj",
                                   "static_mw"])
def test_costs_reject_negative_values_quoting_them(field):
    kwargs = {**COSTS.__dict__, field: -0.5}
    with pytest.raises(ValueError, match=f"{field}.*-0.5"):
        EnergyCosts(**kwargs)


def test_costs_reject_nan_and_infinity():
    with pytest.raises(ValueError, match="nan"):
        EnergyCosts(**{**COSTS.__dict__, "mac_pj": math.nan})
    with pytest.raises(ValueError, match="inf"):
        EnergyCosts(**{**COSTS.__dict__, "ddr_refresh_pj": math.inf})


@pytest.mark.parametrize("position,name", [(0, "macs"), (3, "ddr_read_bytes"),
                                           (7, "duration_ps")])
def test_layer_energy_rejects_negative_counts(position, name):
    counts = [0] * 8
    counts[position] = -3
    with pytest.raises(ValueError, match=f"{name}.*-3"):
        layer_energy(*counts, COSTS)


def test_layer_energy_rejects_fractional_counts():
    with pytest.raises(ValueError, match="sram_read_bytes.*1.5"):
        layer_energy(0, 1.5, 0, 0, 0, 0, 0, 0, COSTS)


# --- defaults ---------------------------------------------------------------------

def test_horowitz_numbers_are_as_published():
    assert OP_ENERGY["int8_add"].value == 0.03
    assert OP_ENERGY["int8_mult"].value == 0.2
    assert OP_ENERGY["fp32_mult"].value == 3.7
    assert OP_ENERGY["fp32_add"].value == 0.9
    assert {size: f.value for size, f in SRAM_READ_64BIT.items()} == {
        8192: 10.0, 32768: 20.0, 1048576: 100.0}
    assert all("Horowitz" in f.source for f in OP_ENERGY.values())


def test_mac_energy_is_mult_plus_add():
    assert mac_pj("int8") == pytest.approx(0.23)
    assert mac_pj("fp32") == pytest.approx(4.6)
    with pytest.raises(ValueError, match="'int4'.*fp16, fp32, int32, int8"):
        mac_pj("int4")


def test_sram_interpolation_hits_horowitz_points_and_is_log_log_between():
    assert sram_pj_per_byte(8 * 1024) == pytest.approx(10.0 / 8)
    assert sram_pj_per_byte(32 * 1024) == pytest.approx(20.0 / 8)
    assert sram_pj_per_byte(1024 * 1024) == pytest.approx(100.0 / 8)
    # halfway in log size between 8 KB and 32 KB: geometric mean of 10 and 20 pJ
    assert sram_pj_per_byte(16 * 1024) == pytest.approx(math.sqrt(10 * 20) / 8)
    # extrapolated along the end segments, still monotonic
    sizes = [256, 4096, 8192, 100_000, 1_000_000, 1 << 20, 1 << 24]
    values = [sram_pj_per_byte(s) for s in sizes]
    assert values == sorted(values)


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_sram_interpolation_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match=f"size_bytes.*{bad}"):
        sram_pj_per_byte(bad)


def test_ddr3_command_energies_follow_tn_41_01():
    spec = DDR3_1600_4GB_X8
    # VDD (IDD0 tRC - IDD3N tRAS - IDD2N tRP) tCK x 8 devices
    assert spec.activate_pj == pytest.approx(1.35 * (55 * 39 - 38 * 28 - 32 * 11) * 1.25 * 8)
    assert spec.read_pj_per_byte == pytest.approx(1.35 * (157 - 38) * 4 * 1.25 * 8 / 64)
    assert spec.write_pj_per_byte == pytest.approx(1.35 * (125 - 38) * 4 * 1.25 * 8 / 64)
    assert spec.refresh_pj == pytest.approx(1.35 * (235 - 38) * 208 * 1.25 * 8)
    # Horowitz's all-in DRAM access, 1.3-2.6 nJ per 64 bits, is 162-325 pJ/byte:
    # the core-only read burst sits below it, as it should without I/O.
    assert 50 < spec.read_pj_per_byte < 162.5


def test_default_costs_are_valid_energy_costs():
    costs = default_energy_costs()
    assert isinstance(costs, EnergyCosts)
    assert costs.mac_pj == pytest.approx(0.23)
    assert costs.sram_read_pj_per_byte == pytest.approx(sram_pj_per_byte(1_000_000))
    assert costs.static_mw == 0.0
