"""Residency/accounting policies: how a layer's data moves between DDR and SRAM."""

from __future__ import annotations

from accelsim.sim.policies.base import (
    Compute,
    LayerAccount,
    LayerPlan,
    Policy,
    PreparedSchedule,
    Segment,
    SramTooSmallError,
    Step,
    TooManyTilesError,
    Transfer,
)
from accelsim.sim.policies.fused import FusedPolicy, Machine
from accelsim.sim.policies.paper import PaperPolicy
from accelsim.sim.policies.tiled import TiledPolicy

__all__ = ["Compute", "FusedPolicy", "Machine", "LayerAccount", "LayerPlan", "PaperPolicy", "Policy", "PreparedSchedule",
           "Segment", "SramTooSmallError", "Step", "TiledPolicy", "TooManyTilesError", "Transfer"]
