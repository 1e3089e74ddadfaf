"""Compute-unit timing models: ideal rate, systolic array, vector unit, and array + vector."""

from accelsim.sim.compute.dataflow import DATAFLOWS, DataflowRule, GemmShape
from accelsim.sim.compute.dispatch import VECTOR_OPS, DispatchTiming
from accelsim.sim.compute.ideal import IdealThroughput
from accelsim.sim.compute.systolic import GROUP_MAPPINGS, FoldCount, SystolicArray
from accelsim.sim.compute.timing import ComputeEstimate, ComputeTiming
from accelsim.sim.compute.vector import VectorUnit

__all__ = [
    "DATAFLOWS",
    "GROUP_MAPPINGS",
    "VECTOR_OPS",
    "ComputeEstimate",
    "ComputeTiming",
    "DataflowRule",
    "DispatchTiming",
    "FoldCount",
    "GemmShape",
    "IdealThroughput",
    "SystolicArray",
    "VectorUnit",
]
