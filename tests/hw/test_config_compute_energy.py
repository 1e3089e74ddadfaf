"""Compute (systolic array, vector unit) and energy sections of hardware configs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hw_files import error_for, write

from accelsim.api import bundled_hw_path
from accelsim.hw.config import SystolicCompute, load_hw
from accelsim.hw.dram_power import rank_power
from accelsim.hw.energy_defaults import (
    DDR3_1600_4GB_X8,
    default_energy_costs,
    mac_pj,
    sram_pj_per_byte,
)
from accelsim.hw.factory import build_compute_timing, build_energy_costs
from accelsim.quantity import parse_power_nw
from accelsim.sim.compute import DispatchTiming, SystolicArray, VectorUnit
from accelsim.sim.ops import VECTOR_KINDS

SYSTOLIC = """\
name: t
sram: {size: 1 MB}
dram: {model: ideal, bandwidth: 1 GB/s}
policy: {name: tiled}
compute:
  model: systolic
  rows: 32
  cols: 32
  clock: 1 GHz
  dataflow: ws
"""
# Lines appended to SYSTOLIC extend its compute section, until a top-level key.


# -- compute ------------------------------------------------------------------------


def test_systolic_array_alone(tmp_path: Path) -> None:
    hw = load_hw(write(tmp_path, SYSTOLIC))
    assert isinstance(hw.compute, SystolicCompute)
    assert (hw.compute.rows, hw.compute.cols, hw.compute.clock) == (32, 32, 10**9)
    timing = build_compute_timing(hw)
    assert isinstance(timing, SystolicArray)
    assert (timing.dataflow, timing.depthwise_mapping) == ("ws", "channel_by_channel")


@pytest.mark.parametrize("dataflow", ["ws", "os", "is"])
def test_every_dataflow_builds(tmp_path: Path, dataflow: str) -> None:
    hw = load_hw(write(tmp_path, SYSTOLIC.replace("dataflow: ws", f"dataflow: {dataflow}")))
    timing = build_compute_timing(hw)
    assert isinstance(timing, SystolicArray) and timing.dataflow == dataflow


def test_diagonal_mapping_reaches_the_array(tmp_path: Path) -> None:
    hw = load_hw(write(tmp_path, SYSTOLIC + "  depthwise: diagonal\n"))
    timing = build_compute_timing(hw)
    assert isinstance(timing, SystolicArray) and timing.depthwise_mapping == "diagonal"


def test_vector_unit_takes_pool_eltwise_softmax_and_depthwise_on_request(tmp_path: Path) -> None:
    vector = "  vector: {lanes: 32, clock: 800 MHz}\n"
    hw = load_hw(write(tmp_path, SYSTOLIC + vector))
    timing = build_compute_timing(hw)
    assert isinstance(timing, DispatchTiming)
    assert isinstance(timing.vector, VectorUnit)
    assert (timing.vector.lanes, timing.vector.clock_hz) == (32, 800_000_000)
    assert timing.vector_ops == VECTOR_KINDS and {"pool", "eltwise", "softmax"} <= VECTOR_KINDS
    hw = load_hw(write(tmp_path, SYSTOLIC + "  depthwise: vector\n" + vector))
    timing = build_compute_timing(hw)
    assert isinstance(timing, DispatchTiming)
    assert timing.vector_ops == VECTOR_KINDS | {"depthwise"}


def test_shipped_systolic_configs() -> None:
    ws = load_hw(bundled_hw_path("systolic_32x32_ws.yaml"))
    assert isinstance(build_compute_timing(ws), SystolicArray)
    vector = load_hw(bundled_hw_path("systolic_32x32_vector.yaml"))
    timing = build_compute_timing(vector)
    assert isinstance(timing, DispatchTiming) and "depthwise" in timing.vector_ops


def test_zero_rows(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC.replace("rows: 32", "rows: 0"))
    assert "compute.systolic.rows: Input should be greater than 0, got 0" in message


def test_unknown_dataflow_lists_the_known(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC.replace("dataflow: ws", "dataflow: rs"))
    assert "compute.systolic.dataflow: unknown dataflow 'rs'; expected one of is, os, ws" \
        in message


def test_clock_without_unit(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC.replace("clock: 1 GHz", "clock: 800"))
    assert "compute.systolic.clock: expected a frequency like \"800 MHz\", got 800 " \
           "(a unit is required)" in message
    quoted = error_for(tmp_path, SYSTOLIC.replace("clock: 1 GHz", 'clock: "800"'))
    assert "compute.systolic.clock: expected a frequency like \"800 MHz\", got '800'" in quoted


def test_unknown_depthwise_placement(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC + "  depthwise: sideways\n")
    assert ("compute.systolic.depthwise: unknown depthwise placement 'sideways'; expected "
            "one of vector, channel_by_channel, diagonal") in message


def test_depthwise_on_vector_needs_a_vector_unit(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC + "  depthwise: vector\n")
    assert "compute.systolic: depthwise: vector needs a vector unit" in message


def test_vector_unit_errors(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC + "  vector: {lanes: 0, clock: 1 GHz, width: 3}\n")
    assert "compute.systolic.vector.lanes: Input should be greater than 0, got 0" in message
    assert "compute.systolic.vector.width: unknown key" in message


def test_array_fields_are_only_for_the_array(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC.replace("model: systolic", "model: ideal"))
    assert "compute.ideal.rows: unknown key" in message
    assert "compute.ideal.throughput: missing required field" in message


# -- energy -------------------------------------------------------------------------

ENERGY = """\
energy:
  mac: 0.5 pJ
  sram_read_per_byte: 2 pJ
  sram_write_per_byte: 2.5 pJ
  ddr_read_per_byte: 80 pJ
  ddr_write_per_byte: 90 pJ
  ddr_activate: 1.5 nJ
  ddr_refresh: 40 nJ
  static_power: 12.5 mW
"""


def test_energy_defaults_when_the_section_is_absent(tmp_path: Path) -> None:
    costs = build_energy_costs(load_hw(write(tmp_path, SYSTOLIC)))
    # The ideal pipe: the data sheet's x64 rank of eight x8 devices.
    assert costs == default_energy_costs(sram_bytes=1_000_000, precision="int8",
                                         ddr=DDR3_1600_4GB_X8)
    assert costs.mac_pj == mac_pj("int8") == pytest.approx(0.23)
    assert costs.sram_read_pj_per_byte == sram_pj_per_byte(1_000_000)
    assert costs.static_mw == 0.0


def test_energy_fields_override_defaults_exactly(tmp_path: Path) -> None:
    costs = build_energy_costs(load_hw(write(tmp_path, SYSTOLIC + ENERGY)))
    assert (costs.mac_pj, costs.sram_read_pj_per_byte, costs.sram_write_pj_per_byte) == \
        (0.5, 2.0, 2.5)
    assert (costs.ddr_read_pj_per_byte, costs.ddr_write_pj_per_byte) == (80.0, 90.0)
    assert (costs.ddr_activate_pj, costs.ddr_refresh_pj) == (1500.0, 40_000.0)
    assert costs.static_mw == 12.5


def test_a_vector_lane_cycle_costs_a_mac_unless_set(tmp_path: Path) -> None:
    costs = build_energy_costs(load_hw(write(tmp_path, SYSTOLIC)))
    assert costs.vector_op_pj is None and costs.vector_lane_pj == costs.mac_pj
    costs = build_energy_costs(load_hw(write(tmp_path, SYSTOLIC + "energy: {vector_op: 0.05 pJ}\n")))
    assert costs.vector_lane_pj == 0.05 and costs.mac_pj != 0.05


def test_a_partial_section_keeps_the_other_defaults(tmp_path: Path) -> None:
    hw = load_hw(write(tmp_path, SYSTOLIC + "energy: {mac_precision: fp16, static_power: 1 W}\n"))
    costs = build_energy_costs(hw)
    assert costs.mac_pj == mac_pj("fp16") == pytest.approx(1.5)
    assert costs.static_mw == 1000.0
    assert costs.ddr_read_pj_per_byte == DDR3_1600_4GB_X8.read_pj_per_byte


def test_wide_operands_default_to_a_wider_mac(tmp_path: Path) -> None:
    text = SYSTOLIC.replace("name: t\n", "name: t\nprecision: {activation_bits: 16, "
                                         "weight_bits: 16}\n")
    assert build_energy_costs(load_hw(write(tmp_path, text))).mac_pj == mac_pj("int32")


def test_ddr3_defaults_scale_with_the_rank(tmp_path: Path) -> None:
    one_device = build_energy_costs(load_hw(bundled_hw_path("1mb_ddr3_1066_tiled.yaml")))
    assert one_device.ddr_activate_pj == rank_power(DDR3_1600_4GB_X8, 1).activate_pj \
        == pytest.approx(DDR3_1600_4GB_X8.activate_pj / 8)
    assert one_device.ddr_refresh_pj == pytest.approx(DDR3_1600_4GB_X8.refresh_pj / 8)
    assert one_device.ddr_read_pj_per_byte == DDR3_1600_4GB_X8.read_pj_per_byte


def test_shipped_energy_numbers_are_the_published_defaults_rounded() -> None:
    costs = build_energy_costs(load_hw(bundled_hw_path("systolic_32x32_ws.yaml")))
    rank = rank_power(DDR3_1600_4GB_X8, 1)
    assert costs.mac_pj == pytest.approx(mac_pj("int8"))
    assert costs.sram_read_pj_per_byte == pytest.approx(sram_pj_per_byte(2**20))  # 1 MB point
    assert costs.ddr_read_pj_per_byte == pytest.approx(rank.read_pj_per_byte, rel=1e-3)
    assert costs.ddr_write_pj_per_byte == pytest.approx(rank.write_pj_per_byte, rel=1e-3)
    assert costs.ddr_activate_pj == pytest.approx(rank.activate_pj, rel=1e-3)
    assert costs.ddr_refresh_pj == pytest.approx(rank.refresh_pj, rel=1e-3)


def test_negative_energy(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC + ENERGY.replace("mac: 0.5 pJ", "mac: -0.5 pJ"))
    assert "energy.mac: an energy must not be negative, got '-0.5 pJ'" in message


def test_energy_needs_units_and_known_names(tmp_path: Path) -> None:
    text = SYSTOLIC + ENERGY.replace("ddr_refresh: 40 nJ", "ddr_refresh: 40").replace(
        "static_power: 12.5 mW", "static_power: 12.5 mJ\n  mac_precision: int4\n  leakage: 1 mW")
    message = error_for(tmp_path, text)
    assert "energy.ddr_refresh: expected an energy like \"0.2 pJ\", got 40 (a unit is required)" \
        in message
    assert "energy.static_power: expected a power like \"50 mW\"" in message
    assert "energy.mac_precision: unknown MAC precision 'int4'; expected one of fp16, fp32, " \
           "int32, int8" in message
    assert "energy.leakage: unknown key" in message


def test_energy_below_a_femtojoule_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, SYSTOLIC + "energy: {mac: 0.0001 pJ}\n")
    assert "energy.mac: energy (in fJ) '0.0001 pJ' is not a whole number" in message


def test_parse_power_is_exact() -> None:
    assert parse_power_nw("12.5 mW") == 12_500_000
    assert parse_power_nw("1.2 W") == 1_200_000_000
    assert parse_power_nw("3 nW") == 3
    with pytest.raises(ValueError, match="not a whole number"):
        parse_power_nw("0.5 nW")
    with pytest.raises(ValueError, match="a unit is required"):
        parse_power_nw(50)
