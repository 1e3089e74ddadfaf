"""accelsim's execution of its IR against onnxruntime's reference, as frozen results.

float32 mode, per layer:

- ``max_abs_error``: the layer executed by accelsim on onnxruntime's own
  values of its inputs, against onnxruntime's value of its output (the
  layer's own error, not the errors it inherits);
- ``chained_max_abs_error``: the same tensor when accelsim runs the whole
  schedule from the network input (errors accumulated);
- ``max_rel_error = max_abs_error / max|reference|`` (the tensor's scale,
  since element-wise relative errors are meaningless near zero).

A layer passes when ``max_abs_error <= rtol x max|reference| + atol`` (plus
one quantisation step of its output when a QDQ model quantises it: two
float32 computations that differ in the last bit may round to neighbouring
steps). See :data:`DEFAULT_TOLERANCE` for the values and why. The network
passes when every layer passes and, for a float model, the chained final
output is within the same tolerance.

int8 mode, per layer: the signal-to-quantisation-noise ratio of accelsim's
int8 datapath against onnxruntime's float output,
``10 log10(sum ref^2 / sum (ref - int8)^2)`` in dB over all samples:
``sqnr_db`` with the int8 datapath run from the network input (the noise of
every layer so far), ``local_sqnr_db`` with the layer run on onnxruntime's
inputs put on their 8-bit grids (the noise this layer adds). It reports; it
never fails.

Top-1 agreement: the fraction of samples whose arg-max of the final output
agrees (of the last layer's input when the last layer is a Softmax, which is
monotonic, so that ties among 8-bit probabilities do not count as misses).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from accelsim.functional.executor import execute, run_layer
from accelsim.functional.quantize import Int8Datapath, fake_quant
from accelsim.workload.ir import Layer, Network


@dataclass(frozen=True)
class Tolerance:
    """Allowed float32 error of a tensor: ``rtol x max|reference| + atol``."""

    rtol: float
    atol: float

    def __post_init__(self) -> None:
        for name in ("rtol", "atol"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f'"{name}" must be a number >= 0, got {value!r}')

    def allowed(self, reference_max_abs: float) -> float:
        return self.rtol * reference_max_abs + self.atol


DEFAULT_TOLERANCE = Tolerance(rtol=1e-4, atol=1e-5)
"""float32 has a 24-bit significand (eps 1.2e-7). onnxruntime and accelsim sum a
layer's products in different orders (blocked GEMM vs im2col BLAS, BatchNorm
applied after the Conv vs folded into its weights), which moves a K-term dot
product by about sqrt(K) x eps of its magnitude: 6e-6 relative for K = 2,304
(a 3x3 conv over 256 channels), the largest sums of the test models; measured,
the worst layer of every test model is below 1.2e-6 of its tensor's max.
1e-4 leaves a margin of about 100x over that, while any real lowering error (a
wrong pad, stride, fold, bound or wiring) moves outputs by a sizeable fraction
of their scale (a bias off by 1 % of its range already fails). ``atol``
1e-5 covers tensors that are almost all zero (a Relu output of tiny values)."""


@dataclass(frozen=True)
class LayerAgreement:
    """One layer: accelsim's output tensor against onnxruntime's (see the module doc)."""

    index: int
    name: str
    op: str
    output: str
    reference_max_abs: float
    max_abs_error: float
    max_rel_error: float
    chained_max_abs_error: float
    allowed_abs_error: float
    passed: bool
    sqnr_db: float | None = None
    local_sqnr_db: float | None = None


@dataclass(frozen=True)
class VerifyResult:
    """A model's verification against onnxruntime on ``samples`` inputs."""

    model_name: str
    model_source: str
    mode: str  # "float32" or "int8"
    samples: int
    tolerance: Tolerance
    layers: tuple[LayerAgreement, ...]
    output_max_abs_error: float
    output_allowed_abs_error: float
    top1_matches: int
    quantized_model: bool

    @property
    def top1_agreement(self) -> float:
        return self.top1_matches / self.samples if self.samples else 1.0

    @property
    def passed(self) -> bool:
        """float32: every layer and the chained output within tolerance; int8: always."""
        if self.mode == "int8":
            return True
        output_ok = (self.quantized_model
                     or self.output_max_abs_error <= self.output_allowed_abs_error)
        return output_ok and all(layer.passed for layer in self.layers)

    @property
    def failed_layers(self) -> tuple[LayerAgreement, ...]:
        return tuple(layer for layer in self.layers if not layer.passed)


def sqnr_db(reference: Sequence[np.ndarray], actual: Sequence[np.ndarray]) -> float:
    """10 log10(signal power / noise power); inf when equal, -inf for a zero signal."""
    signal = sum(float(np.sum(np.square(r.astype(np.float64)))) for r in reference)
    noise = sum(float(np.sum(np.square(r.astype(np.float64) - a.astype(np.float64))))
                for r, a in zip(reference, actual, strict=True))
    if noise == 0:
        return math.inf
    if signal == 0:
        return -math.inf
    return 10 * math.log10(signal / noise)


def _max_abs(arrays: Sequence[np.ndarray]) -> float:
    return max((float(np.max(np.abs(a))) if a.size else 0.0) for a in arrays)


def _max_err(reference: Sequence[np.ndarray], actual: Sequence[np.ndarray]) -> float:
    return _max_abs([r.astype(np.float64) - a.astype(np.float64)
                     for r, a in zip(reference, actual, strict=True)])


def _quant_step(layer: Layer) -> float:
    return max(layer.output_quant.scale) if layer.output_quant is not None else 0.0


def _top1_tensor(network: Network) -> str:
    last = network.layers[-1]
    return last.inputs[0] if last.op == "softmax" and last.inputs else last.output


def _top1_matches(network: Network, refs: Sequence[dict[str, np.ndarray]],
                  runs: Sequence[dict[str, np.ndarray]]) -> int:
    name = _top1_tensor(network)
    return sum(int(np.argmax(ref[name]) == np.argmax(run[name]))
               for ref, run in zip(refs, runs, strict=True))


def compare_float(network: Network, samples: Sequence[np.ndarray],
                  refs: Sequence[dict[str, np.ndarray]],
                  tolerance: Tolerance = DEFAULT_TOLERANCE) -> VerifyResult:
    """The float32 datapath on ``samples`` against the reference tensors of each."""
    runs = [execute(network, sample) for sample in samples]
    layers = []
    for index, layer in enumerate(network.layers, start=1):
        reference = [ref[layer.output] for ref in refs]
        local = [run_layer(layer, [ref[name] for name in layer.inputs]) for ref in refs]
        chained = [run[layer.output] for run in runs]
        peak = _max_abs(reference)
        error = _max_err(reference, local)
        allowed = tolerance.allowed(peak) + _quant_step(layer)
        layers.append(LayerAgreement(
            index=index, name=layer.name, op=layer.op, output=layer.output,
            reference_max_abs=peak, max_abs_error=error,
            max_rel_error=error / peak if peak > 0 else (0.0 if error == 0 else math.inf),
            chained_max_abs_error=_max_err(reference, chained), allowed_abs_error=allowed,
            passed=error <= allowed))
    last = layers[-1]
    return VerifyResult(
        model_name=network.name, model_source=network.source, mode="float32",
        samples=len(refs), tolerance=tolerance, layers=tuple(layers),
        output_max_abs_error=last.chained_max_abs_error,
        output_allowed_abs_error=tolerance.allowed(last.reference_max_abs),
        top1_matches=_top1_matches(network, refs, runs),
        quantized_model=any(layer.output_quant is not None for layer in network.layers))


def compare_int8(network: Network, samples: Sequence[np.ndarray],
                 refs: Sequence[dict[str, np.ndarray]], datapath: Int8Datapath,
                 tolerance: Tolerance = DEFAULT_TOLERANCE) -> VerifyResult:
    """The int8 datapath on ``samples`` against the float reference: SQNR, top-1."""
    runs = [execute(network, sample, datapath) for sample in samples]
    grids = datapath.activations
    layers = []
    for index, layer in enumerate(network.layers, start=1):
        reference = [ref[layer.output] for ref in refs]
        chained = [run[layer.output] for run in runs]
        scale = grids[layer.inputs[0]].scale[0] if layer.inputs[0] in grids else None
        local = [run_layer(layer, [fake_quant(ref[name], grids[name]) if name in grids
                                   else ref[name] for name in layer.inputs], datapath, scale)
                 for ref in refs]
        peak = _max_abs(reference)
        error = _max_err(reference, chained)
        layers.append(LayerAgreement(
            index=index, name=layer.name, op=layer.op, output=layer.output,
            reference_max_abs=peak, max_abs_error=error,
            max_rel_error=error / peak if peak > 0 else (0.0 if error == 0 else math.inf),
            chained_max_abs_error=error, allowed_abs_error=math.inf, passed=True,
            sqnr_db=sqnr_db(reference, chained), local_sqnr_db=sqnr_db(reference, local)))
    last = layers[-1]
    return VerifyResult(
        model_name=network.name, model_source=network.source, mode="int8", samples=len(refs),
        tolerance=tolerance, layers=tuple(layers),
        output_max_abs_error=last.chained_max_abs_error, output_allowed_abs_error=math.inf,
        top1_matches=_top1_matches(network, refs, runs),
        quantized_model=any(layer.output_quant is not None for layer in network.layers))
