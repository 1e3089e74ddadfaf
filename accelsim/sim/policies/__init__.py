"""Residency/accounting policies: how a layer's data moves between DDR and SRAM."""

from __future__ import annotations

from accelsim.sim.policies.base import Compute, LayerPlan, ResidencyPolicy, Step, Transfer
from accelsim.sim.policies.paper import PaperPolicy
from accelsim.sim.policies.tiled import SramTooSmallError, TiledPolicy

__all__ = ["Compute", "LayerPlan", "PaperPolicy", "ResidencyPolicy", "SramTooSmallError",
           "Step", "TiledPolicy", "Transfer"]
