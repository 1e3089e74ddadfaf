"""accelsim: a discrete-event simulator of DNN inference accelerators.

    import accelsim
    hw = accelsim.load_hw("1mb_ddr3")                     # a bundled config, a file or a dict
    run = accelsim.simulate(accelsim.load_model("mobilenet"), hw)
    run.to_dataframe()                                    # one row per layer (needs pandas)
    accelsim.sweep(hw, {"sram.size": ["256 KB", "1 MB"]})  # one row per design
    accelsim.plots.layer_time(run)                        # a matplotlib Figure
    accelsim.fit(hw).policy("tiled").min_sram_bytes        # smallest SRAM without a spill

The names below are imported when first used, so that ``import accelsim`` (and
every ``accelsim`` command) costs only what it uses: the ONNX front-end is
loaded by the first ``load_model`` of an ONNX file, not by ``import accelsim``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_PUBLIC = {
    "AccelsimError": "accelsim.errors",
    "ConfigError": "accelsim.errors",
    "ModelError": "accelsim.errors",
    "FitResult": "accelsim.api",
    "HwConfig": "accelsim.hw.config",
    "load_hw": "accelsim.hw.config",
    "load_model": "accelsim.workload",
    "Network": "accelsim.workload.ir",
    "fit": "accelsim.explore.fit",
    "RunResult": "accelsim.api",
    "simulate": "accelsim.api",
    "sweep": "accelsim.explore.frame",
}
_MODULES = {"plots": "accelsim.report.plots", "schema": "accelsim.schema"}

__all__ = sorted([*_PUBLIC, *_MODULES, "__version__"])

if TYPE_CHECKING:
    from accelsim.api import FitResult, RunResult, simulate
    from accelsim import schema
    from accelsim.errors import AccelsimError, ConfigError, ModelError
    from accelsim.explore.fit import fit
    from accelsim.explore.frame import sweep
    from accelsim.report import plots
    from accelsim.hw.config import HwConfig, load_hw
    from accelsim.workload import load_model
    from accelsim.workload.ir import Network


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
        globals()[name] = value
        return value
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'accelsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
