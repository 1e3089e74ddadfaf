"""The workload front-end: model files (ONNX, layer-table CSV) -> accelsim's layer IR.

Nothing outside this package touches an ``onnx`` object.
"""

from __future__ import annotations

from pathlib import Path

from accelsim.errors import ModelError
from accelsim.workload.ir import Layer, Network
from accelsim.workload.onnx import load_onnx
from accelsim.workload.table import load_layer_table

MODEL_SUFFIXES = (".csv", ".onnx")


def load_model(path: str | Path, input_shape: tuple[int, ...] | None = None) -> Network:
    """Load a model by its suffix: ``.onnx`` (ONNX graph) or ``.csv`` (layer table, 8-bit fmaps).

    ``input_shape`` fixes the symbolic dims of an ONNX model's input.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".onnx":
        return load_onnx(path, input_shape)
    if suffix == ".csv":
        return load_layer_table(path)
    raise ModelError(f"{path}: unknown model suffix {suffix or '(none)'!r}; expected one of "
                     f"{', '.join(MODEL_SUFFIXES)}")


__all__ = ["Layer", "MODEL_SUFFIXES", "ModelError", "Network", "load_layer_table", "load_model",
           "load_onnx"]
