"""Changing a validated config: by dotted paths, or pydantic's ``model_copy(update=...)``,
always validated again as a hand-written file is, and a one-line description.

Used by :meth:`accelsim.hw.config.HwConfig.with_values` and ``model_copy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from accelsim.errors import ConfigError
from accelsim.quantity import exact_frequency, exact_ops, exact_rate, exact_size

if TYPE_CHECKING:
    from accelsim.hw.config import HwConfig


def with_values(hw: HwConfig, values: Mapping[str, Any]) -> HwConfig:
    """``hw`` with each ``{"sram.size": "2 MB", ...}`` set (sections created as needed)."""
    from accelsim.hw.config import validate_hw

    if not isinstance(values, Mapping):
        raise ConfigError(f"with_values: expected a mapping of dotted paths to values, got "
                          f"{type(values).__name__}")
    data = hw.model_dump()
    for path, value in values.items():
        parts = str(path).split(".")
        if not all(parts):
            raise ConfigError(f"with_values: {path!r} is not a dotted path like sram.size")
        node = data
        for depth, key in enumerate(parts[:-1]):
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                raise ConfigError(f"with_values: {path}: {'.'.join(parts[:depth + 1])} is "
                                  f"{child!r}, not a section of fields")
            node = child
        node[parts[-1]] = _plain(value)
    shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
    return validate_hw(data, f"{hw.name} with {shown}")


def updated(hw: HwConfig, update: Mapping[str, Any]) -> HwConfig:
    """``hw`` with whole top-level fields replaced (models or mappings), validated."""
    from accelsim.hw.config import validate_hw

    data = hw.model_dump()
    data.update({k: _plain(v) for k, v in update.items()})
    return validate_hw(data, f"{hw.name}.model_copy(update={sorted(update)})")


def _plain(value: Any) -> Any:
    """A pydantic model given as a value, as the mapping a file would hold."""
    dump = getattr(value, "model_dump", None)
    return dump() if callable(dump) else value


def describe(hw: HwConfig) -> str:
    """One line: name, SRAM, DRAM, compute unit and policy."""
    from accelsim.hw.config import SystolicCompute

    dram, compute = hw.dram, hw.compute
    dram_text = str(dram.model)
    for field in ("preset", "bandwidth", "bus_width_bits"):
        value = getattr(dram, field, None)
        if value is not None:
            dram_text += (f" {exact_rate(value)}" if field == "bandwidth"
                          else f" x{value}" if field == "bus_width_bits" else f" {value}")
    if isinstance(compute, SystolicCompute):
        compute_text = (f"{compute.model} {compute.rows}x{compute.cols} {compute.dataflow} at "
                        f"{exact_frequency(compute.clock)}")
        if compute.vector is not None:
            compute_text += f" + {compute.vector.lanes}-lane vector unit"
    else:
        compute_text = f"{compute.model} {exact_ops(getattr(compute, 'throughput', 0))}"
    return (f"{hw.name!r}: SRAM {exact_size(hw.sram.size)}, DRAM {dram_text}, compute "
            f"{compute_text}, {hw.policy.name} policy")
