"""Residency/accounting policies, by name. An unknown name lists the valid ones."""

from __future__ import annotations

from accelsim.sim.policies.base import Compute, LayerPlan, ResidencyPolicy, Step, Transfer
from accelsim.sim.policies.paper import PaperPolicy

POLICIES: dict[str, type] = {
    PaperPolicy.name: PaperPolicy,
}

__all__ = ["POLICIES", "Compute", "LayerPlan", "PaperPolicy", "ResidencyPolicy", "Step",
           "Transfer"]
