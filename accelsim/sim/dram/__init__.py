"""DDR3 main-memory timing: spec, FR-FCFS controller with a streaming fast path, traces."""

from accelsim.sim.dram.ddr3 import Ddr3Model, TraceStats, simulate_trace
from accelsim.sim.dram.spec import ADDRESS_MAPPINGS, Ddr3Spec
from accelsim.sim.dram.trace import parse_trace

__all__ = ["ADDRESS_MAPPINGS", "Ddr3Model", "Ddr3Spec", "TraceStats", "parse_trace",
           "simulate_trace"]
