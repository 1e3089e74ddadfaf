"""DRAM main-memory timing: standards as data, specs, FR-FCFS controllers (Python reference
and compiled), address mappings, request traces."""

from accelsim.sim.dram.memory import CommandCounts, DramModel, TraceStats, simulate_trace
from accelsim.sim.dram.spec import DramSpec
from accelsim.sim.dram.standards import STANDARDS, standard_named
from accelsim.sim.dram.trace import parse_trace

__all__ = ["STANDARDS", "CommandCounts", "DramModel", "DramSpec", "TraceStats", "parse_trace",
           "simulate_trace", "standard_named"]
