"""The verification pipeline: load, pick inputs, run onnxruntime, execute, compare.

``verify_model(path) -> VerifyResult``: float32 by default (fails when a
layer disagrees with onnxruntime beyond the tolerance), or the int8
datapath (reports SQNR and top-1 agreement), calibrated on the same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from accelsim.errors import ModelError
from accelsim.functional.compare import DEFAULT_TOLERANCE, Tolerance, VerifyResult
from accelsim.functional.compare import compare_float, compare_int8
from accelsim.functional.executor import execute, require_executable
from accelsim.functional.memory import require_memory
from accelsim.functional.inputs import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    batch_of,
    pick_input,
    read_input_arrays,
    seeded_batch,
)
from accelsim.functional.quantize import Int8Datapath, calibrate
from accelsim.functional.reference import reference_tensors
from accelsim.workload.onnx import SymbolicInputError, load_onnx
from accelsim.workload.ir import Network, QuantParams


def calibrate_network(network: Network, samples: Sequence[np.ndarray]) -> Int8Datapath:
    """Per-tensor 8-bit activation grids from accelsim's float run on ``samples``."""
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    for sample in samples:
        for name, value in execute(network, sample).items():
            low[name] = min(low.get(name, 0.0), float(value.min()))
            high[name] = max(high.get(name, 0.0), float(value.max()))
    given: dict[str, QuantParams] = {layer.output: layer.output_quant
                                     for layer in network.layers if layer.output_quant}
    # A QDQ model quantises its input itself: the accelerator stores it on that grid.
    readers = [layer for layer in network.layers if network.input_name in layer.inputs]
    grids = {layer.output_quant for layer in readers if layer.source_ops == ("QuantizeLinear",)}
    if len(grids) == 1 and all(layer.source_ops == ("QuantizeLinear",) for layer in readers):
        given[network.input_name] = grids.pop()  # type: ignore[assignment]
    return calibrate(((name, low[name], high[name]) for name in low), given, len(samples))


def verify_network(network: Network, path: str | Path, samples: np.ndarray | None = None,
                   int8: bool = False,
                   tolerance: Tolerance = DEFAULT_TOLERANCE) -> VerifyResult:
    """Verify an already-lowered ``network`` of the ONNX file ``path`` on ``samples``
    (N x input shape; default the seeded batch of :func:`verify_model`)."""
    require_executable(network)
    require_memory(network, DEFAULT_SAMPLES if samples is None else len(samples))
    if samples is None:
        samples = seeded_batch(network.input_shape)
    refs = reference_tensors(path, network, samples)
    if not int8:
        return compare_float(network, list(samples), refs, tolerance)
    datapath = calibrate_network(network, list(samples))
    return compare_int8(network, list(samples), refs, datapath, tolerance)


def verify_model(path: str | Path, input_path: str | Path | None = None, int8: bool = False,
                 tolerance: Tolerance = DEFAULT_TOLERANCE, samples: int = DEFAULT_SAMPLES,
                 seed: int = DEFAULT_SEED) -> VerifyResult:
    """Execute the ONNX model at ``path`` from accelsim's IR and compare with onnxruntime.

    Inputs: the array(s) in ``input_path`` (.npy/.npz: one sample of the model's input
    shape, or N stacked), else ``samples`` seeded standard-normal inputs. A model whose
    input has symbolic sizes takes them from the given input.
    """
    if Path(path).suffix.lower() != ".onnx":
        raise ModelError(f"{path}: verification needs an ONNX model (.onnx), which has the "
                         "weights to execute; a layer table has none")
    arrays = read_input_arrays(input_path) if input_path is not None else None
    single = next(iter(arrays.values())) if arrays is not None and len(arrays) == 1 else None
    try:
        network = load_onnx(path)
    except SymbolicInputError:
        if single is None:
            raise
        # A symbolic input size: take it from the given input (one sample or N stacked).
        network = _load_with_shape(path, single)
    array = (pick_input(arrays, network.input_name, str(input_path)) if arrays is not None
             else None)
    if array is not None:
        batch = batch_of(array, network.input_shape, str(input_path))
    else:
        require_memory(network, samples)  # before the batch itself is allocated
        batch = seeded_batch(network.input_shape, samples, seed)
    return verify_network(network, path, batch, int8, tolerance)


def _load_with_shape(path: str | Path, array: np.ndarray) -> Network:
    for shape in ((1,) + tuple(array.shape), (1,) + tuple(array.shape[1:])):
        try:
            return load_onnx(path, shape)
        except ModelError:
            continue
    return load_onnx(path, (1,) + tuple(array.shape[1:]))  # raises the last error
