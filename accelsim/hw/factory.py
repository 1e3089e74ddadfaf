"""The one place where validated config meets the constructors of simulator units."""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.errors import ConfigError
from accelsim.hw.config import (
    FusedPolicyConfig,
    HwConfig,
    IdealCompute,
    IdealDram,
    SystolicCompute,
)
from accelsim.hw.dram_power import DDR3_1600_4GB_X8, dram_power
from accelsim.hw.energy_defaults import default_energy_costs, default_mac_precision
from accelsim.sim.bus import BusTiming, DramTiming, IdealPipe
from accelsim.sim.compute.dispatch import VECTOR_OPS, DispatchTiming
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.compute.systolic import SystolicArray
from accelsim.sim.compute.timing import ComputeTiming
from accelsim.sim.compute.vector import VectorUnit
from accelsim.sim.dram.memory import DramModel
from accelsim.sim.energy import EnergyCosts
from accelsim.sim.energy_accounting import EnergyAccounting
from accelsim.sim.engine import Accelerator
from accelsim.sim.fastpath import FastAccelerator
from accelsim.limits import MAX_TIMED_DRAM_BYTES
from accelsim.sim.policies import Policy, PreparedSchedule, Transfer


def build_dram_model(hw: HwConfig) -> DramModel:
    """The DRAM model of ``hw``; a config error if its DRAM is the ideal pipe."""
    if isinstance(hw.dram, IdealDram):
        raise ConfigError(f"{hw.name}: dram.model is 'ideal' (a bandwidth pipe without DRAM "
                          "commands); a DRAM trace needs dram.model: dram (or ddr3)")
    return DramModel(hw.dram.spec)


def build_compute_timing(hw: HwConfig) -> ComputeTiming:
    compute = hw.compute
    if isinstance(compute, IdealCompute):
        return IdealThroughput(compute.throughput, compute.ops_per_mac)
    if isinstance(compute, SystolicCompute):
        on_array = "channel_by_channel" if compute.depthwise == "vector" else compute.depthwise
        array = SystolicArray(compute.rows, compute.cols, compute.clock, compute.dataflow,
                              depthwise_mapping=on_array)
        if compute.vector is None:
            return array
        vector = VectorUnit(compute.vector.lanes, compute.vector.clock,
                            compute.vector.pipeline_fill_cycles)
        extra = {"depthwise"} if compute.depthwise == "vector" else set()
        return DispatchTiming(array, vector, VECTOR_OPS | extra)
    raise NotImplementedError(type(compute).__name__)


def build_energy_costs(hw: HwConfig) -> EnergyCosts:
    """The config's energy costs; each field it leaves out from ``hw/energy_defaults.py``
    (MAC by precision, SRAM by size, DRAM by the standard's currents for the device and
    the rank's device count, see hw/dram_power.py)."""
    dram = hw.dram
    rank = DDR3_1600_4GB_X8 if isinstance(dram, IdealDram) else dram_power(dram.spec)
    per_bank = not isinstance(dram, IdealDram) and dram.spec.refresh == "per_bank"
    energy = hw.energy
    precision = energy.mac_precision or default_mac_precision(
        hw.precision.activation_bits, hw.precision.weight_bits)
    defaults = default_energy_costs(sram_bytes=max(1, hw.sram.size // 8),
                                    precision=precision, ddr=rank, per_bank_refresh=per_bank)

    def pj(fj: int | None, default: float) -> float:
        return default if fj is None else fj / 1000

    return EnergyCosts(
        mac_pj=pj(energy.mac, defaults.mac_pj),
        sram_read_pj_per_byte=pj(energy.sram_read_per_byte, defaults.sram_read_pj_per_byte),
        sram_write_pj_per_byte=pj(energy.sram_write_per_byte, defaults.sram_write_pj_per_byte),
        ddr_read_pj_per_byte=pj(energy.ddr_read_per_byte, defaults.ddr_read_pj_per_byte),
        ddr_write_pj_per_byte=pj(energy.ddr_write_per_byte, defaults.ddr_write_pj_per_byte),
        ddr_activate_pj=pj(energy.ddr_activate, defaults.ddr_activate_pj),
        ddr_refresh_pj=pj(energy.ddr_refresh, defaults.ddr_refresh_pj),
        static_mw=(defaults.static_mw if energy.static_power is None
                   else energy.static_power / 1_000_000),
        vector_op_pj=None if energy.vector_op is None else energy.vector_op / 1000,
    )


def check_simulated_work(prepared: PreparedSchedule, hw: HwConfig) -> None:
    """Refuse, before it runs, a run whose DDR traffic a timed DRAM model would take
    hours to simulate burst by burst (:data:`~accelsim.limits.MAX_TIMED_DRAM_BYTES`)."""
    if isinstance(hw.dram, IdealDram):
        return
    total_bytes = prepared.ddr_bits // 8
    if total_bytes <= MAX_TIMED_DRAM_BYTES:
        return
    moved, layer = 0, 0
    for segment in prepared.segments:
        for step, index in zip(segment.steps, segment.step_layers):
            if isinstance(step, Transfer):
                moved += step.bits
                if moved // 8 > MAX_TIMED_DRAM_BYTES and not layer:
                    layer = index
    work = prepared.schedule[layer - 1] if layer else None
    where = f" (the limit is passed at layer {layer}, {work.name!r})" if work else ""
    raise ConfigError(
        f"the run moves {total_bytes:,} bytes over DDR{where}, more than the "
        f"{MAX_TIMED_DRAM_BYTES:,} bytes ({MAX_TIMED_DRAM_BYTES // 2**30} GiB) a timed DRAM "
        f"model simulates in one run, burst by burst (see Limits in the README); "
        f"time it on dram.model: ideal instead")


def build_policy(hw: HwConfig) -> Policy:
    """The config's policy, as its registry entry (``hw.config.POLICIES``) builds it; the
    fused policy also gets the machine it plans for."""
    if isinstance(hw.policy, FusedPolicyConfig):
        from accelsim.hw.machine import ConfiguredMachine

        return hw.policy.build(hw.precision, ConfiguredMachine.of(hw))
    return hw.policy.build(hw.precision)


@dataclass(frozen=True)
class MachineParts:
    """What either engine (SimPy's or the fast path) needs to build a machine."""

    sram_capacity_bits: int
    bus_timing: BusTiming
    compute_timing: ComputeTiming
    activation_bits: int
    energy: EnergyAccounting


def build_machine_parts(hw: HwConfig) -> MachineParts:
    """Fresh, stateful parts for one run. With a DDR3 bus, the energy accounting
    counts the activates and refreshes of the very model that times the bus; with
    the ideal pipe it estimates them."""
    dram: DramModel | None = None
    bus: BusTiming
    if isinstance(hw.dram, IdealDram):
        bus = IdealPipe(hw.dram.bandwidth)
    else:
        dram = build_dram_model(hw)
        bus = DramTiming(dram)
    energy = EnergyAccounting(build_energy_costs(hw), hw.precision.activation_bits,
                              hw.precision.weight_bits, counter=dram)
    return MachineParts(hw.sram.size, bus, build_compute_timing(hw),
                        hw.precision.activation_bits, energy)


def build_accelerator(hw: HwConfig) -> Accelerator:
    """A fresh SimPy machine for one run (SimPy environments are single-use)."""
    p = build_machine_parts(hw)
    return Accelerator(p.sram_capacity_bits, p.bus_timing, p.compute_timing,
                       p.activation_bits, energy=p.energy)


def build_fast_accelerator(hw: HwConfig) -> FastAccelerator:
    """A fresh machine on the fast path for one run: the same results as
    :func:`build_accelerator`'s, without SimPy."""
    p = build_machine_parts(hw)
    return FastAccelerator(p.sram_capacity_bits, p.bus_timing, p.compute_timing,
                           p.activation_bits, p.energy)
