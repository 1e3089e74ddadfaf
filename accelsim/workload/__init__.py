"""The workload front-end: model files (ONNX, layer-table CSV) -> accelsim's layer IR.

Nothing outside this package touches an ``onnx`` object. The ONNX front-end
(and onnx itself) is imported by the first ONNX load, not by this package: a
layer-table run never pays for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from accelsim.errors import ModelError
from accelsim.workload.ir import Layer, Network
from accelsim.workload.table import load_layer_table

if TYPE_CHECKING:
    from accelsim.workload.onnx import load_onnx

MODEL_SUFFIXES = (".csv", ".onnx")


def load_model(path: str | Path, input_shape: tuple[int, ...] | None = None) -> Network:
    """Load a model by its suffix: ``.onnx`` (ONNX graph) or ``.csv`` (layer table, 8-bit fmaps).

    ``input_shape`` fixes the symbolic dims of an ONNX model's input.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".onnx":
        from accelsim.workload.onnx import load_onnx

        return load_onnx(path, input_shape)
    if suffix == ".csv":
        return load_layer_table(path)
    raise ModelError(f"{path}: unknown model suffix {suffix or '(none)'!r}; expected one of "
                     f"{', '.join(MODEL_SUFFIXES)}")


def __getattr__(name: str) -> Any:
    if name == "load_onnx":
        from accelsim.workload.onnx import load_onnx

        return load_onnx
    raise AttributeError(f"module 'accelsim.workload' has no attribute {name!r}")


__all__ = ["Layer", "MODEL_SUFFIXES", "ModelError", "Network", "load_layer_table", "load_model",
           "load_onnx"]
