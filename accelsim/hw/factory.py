"""The one place where validated config meets the constructors of simulator units."""

from __future__ import annotations

from accelsim.errors import ConfigError
from accelsim.hw.config import (
    Ddr3Dram,
    HwConfig,
    IdealCompute,
    IdealDram,
    PaperPolicyConfig,
    TiledPolicyConfig,
)
from accelsim.hw.ddr3_presets import ddr3_spec
from accelsim.sim.bus import BusTiming, Ddr3Timing, IdealPipe
from accelsim.sim.dram.ddr3 import Ddr3Model
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.compute.timing import ComputeTiming
from accelsim.sim.engine import Accelerator
from accelsim.sim.policies import PaperPolicy, ResidencyPolicy, TiledPolicy


def build_ddr3_model(hw: HwConfig) -> Ddr3Model:
    """The DDR3 model of ``hw``; a config error if its DRAM is not DDR3."""
    if not isinstance(hw.dram, Ddr3Dram):
        raise ConfigError(f"{hw.name}: dram.model is {hw.dram.model!r}; a DRAM trace needs "
                          "dram.model: ddr3")
    return Ddr3Model(ddr3_spec(**hw.dram.spec_arguments()))  # type: ignore[arg-type]


def build_bus_timing(hw: HwConfig) -> BusTiming:
    dram = hw.dram
    if isinstance(dram, IdealDram):
        return IdealPipe(dram.bandwidth)
    if isinstance(dram, Ddr3Dram):
        return Ddr3Timing(build_ddr3_model(hw))
    raise NotImplementedError(type(dram).__name__)  # unreachable: the config union is closed


def build_compute_timing(hw: HwConfig) -> ComputeTiming:
    compute = hw.compute
    if isinstance(compute, IdealCompute):
        return IdealThroughput(compute.throughput, compute.ops_per_mac)
    raise NotImplementedError(type(compute).__name__)


def build_policy(hw: HwConfig) -> ResidencyPolicy:
    policy = hw.policy
    if isinstance(policy, PaperPolicyConfig):
        return PaperPolicy(hw.precision.activation_bits, policy.weight_bits_per_param)
    if isinstance(policy, TiledPolicyConfig):
        return TiledPolicy(hw.precision.activation_bits, hw.precision.weight_bits,
                           policy.pipeline_tiles)
    raise NotImplementedError(type(policy).__name__)


def build_accelerator(hw: HwConfig) -> Accelerator:
    """A fresh machine for one run (SimPy environments are single-use)."""
    return Accelerator(hw.sram.size, build_bus_timing(hw), build_compute_timing(hw),
                       hw.precision.activation_bits)
