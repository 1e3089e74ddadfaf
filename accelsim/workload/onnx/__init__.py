"""ONNX front-end: :func:`load_onnx` and the registry of op lowerings."""

from accelsim.workload.onnx.loader import SymbolicInputError, load_onnx
from accelsim.workload.onnx.registry import supported_ops

__all__ = ["SymbolicInputError", "load_onnx", "supported_ops"]
