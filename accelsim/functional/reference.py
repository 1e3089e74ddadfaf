"""The reference: onnxruntime on the model file, with every layer's tensor exposed.

Each accelsim layer's ``output`` is the name of an ONNX tensor (for a fused
Conv+BatchNormalization+Relu layer, the Relu's output; for a layer with a
fused QuantizeLinear, its integer output), so the model is run with those
tensors added as graph outputs. Graph optimisations are off, so that
onnxruntime computes each node as the file writes it (no fusion of its own).
Integer tensors (QuantizeLinear outputs) are returned dequantised with the
layer's ``output_quant``, so that every tensor is real-valued like the IR's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort

from accelsim.errors import ModelError
from accelsim.functional.executor import network_input
from accelsim.workload.ir import Network, QuantParams


def _one_line(exc: BaseException, limit: int = 240) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _with_outputs(path: Path, names: Sequence[str]) -> bytes:
    """The model at ``path`` with ``names`` added to its graph outputs (types inferred)."""
    try:
        model = onnx.load(str(path), load_external_data=True)
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception as exc:  # the loader read it already; this is a file changed since
        raise ModelError(f"{path}: cannot read for the reference run ({_one_line(exc)})") from exc
    types = {value.name: value.type.tensor_type.elem_type
             for value in [*inferred.graph.value_info, *inferred.graph.input,
                           *inferred.graph.output]}
    present = {value.name for value in model.graph.output}
    for name in names:
        if name not in present:
            model.graph.output.append(onnx.helper.make_tensor_value_info(
                name, types.get(name, onnx.TensorProto.FLOAT), None))
            present.add(name)
    return model.SerializeToString()


def _dequantized(value: np.ndarray, quant: QuantParams | None) -> np.ndarray:
    if quant is None or not np.issubdtype(value.dtype, np.integer):
        return value.astype(np.float32)
    scale = np.float32(quant.scale[0])
    return ((value.astype(np.float32) - np.float32(quant.zero_point[0])) * scale).astype(
        np.float32)


def reference_tensors(path: str | Path, network: Network,
                      samples: np.ndarray) -> list[dict[str, np.ndarray]]:
    """For each sample (batch 1 each), onnxruntime's value of the network input (as the first
    layers read it) and of every layer's output tensor, shaped as the IR shapes them."""
    names = [layer.output for layer in network.layers]
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    # Fatal only: onnxruntime's own error lines (an integer overflow in a Conv's huge
    # pads, say) would print beside the one line our ModelError gives for the same thing.
    options.log_severity_level = 4
    ort.set_default_logger_severity(4)
    run_options = ort.RunOptions()
    run_options.log_severity_level = 4
    try:
        session = ort.InferenceSession(_with_outputs(Path(path), names), options,
                                       providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/NotImplemented
        raise ModelError(f"{path}: onnxruntime cannot load the model for the reference run "
                         f"({_one_line(exc)})") from exc
    quant = {layer.output: layer.output_quant for layer in network.layers}
    shapes = {layer.output: layer.output_shape for layer in network.layers}
    results = []
    for sample in samples:
        feed = {network.input_name: np.asarray(sample, np.float32).reshape(network.input_shape)}
        try:
            values = session.run(names, feed, run_options)
        except Exception as exc:  # onnxruntime's runtime errors
            raise ModelError(f"{path}: onnxruntime failed to run the model "
                             f"({_one_line(exc)})") from exc
        tensors = {network.input_name: network_input(network, sample)}
        for name, value in zip(names, values, strict=True):
            tensors[name] = _dequantized(np.asarray(value), quant[name]).reshape(shapes[name])
        results.append(tensors)
    return results
