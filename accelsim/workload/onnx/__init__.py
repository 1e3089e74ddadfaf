"""ONNX front-end: :func:`load_onnx` and the registry of op lowerings."""

from accelsim.workload.onnx.loader import load_onnx
from accelsim.workload.onnx.registry import supported_ops

__all__ = ["load_onnx", "supported_ops"]
