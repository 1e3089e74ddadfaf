"""The int8 datapath: per-tensor 8-bit quantisation as an 8-bit accelerator applies it.

- Activations (the network input and every layer's output) are stored as
  asymmetric 8-bit integers, one scale and zero point per tensor, calibrated
  from the tensor's float range (which always includes 0, so that zero padding
  is exact): ``scale = (max - min) / 255``. A QDQ model's own QuantizeLinear
  parameters are used where it has them (precision taken from the model).
- Weights are symmetric int8 per tensor (``scale = max|w| / 127``), or the
  model's own (possibly per-channel) grid when it dequantised them (QDQ).
- Biases are int32 on the grid ``scale_in x scale_w`` (the accumulator's), so
  that the accumulation of int8 x int8 products plus bias is exact; it is done
  here in float on values of that grid (``real = (q - zero_point) x scale``),
  which gives the accelerator's numbers without integer bookkeeping.

Rounding is half to even after a float32 division, as ONNX QuantizeLinear.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from accelsim.workload.ir import QuantParams

ACTIVATION_BITS = 8
WEIGHT_BITS = 8


@dataclass(frozen=True)
class Int8Datapath:
    """The quantisation of every activation tensor (by name) the executor writes or reads."""

    activations: Mapping[str, QuantParams]
    calibration_samples: int


def fake_quant(x: np.ndarray, params: QuantParams) -> np.ndarray:
    """``x`` rounded to the grid of ``params`` and saturated, as real (dequantised) float32."""
    x = np.asarray(x, dtype=np.float32)
    scale = np.asarray(params.scale, dtype=np.float32)
    zero = np.asarray(params.zero_point, dtype=np.float32)
    if params.axis is not None:
        shape = [1] * x.ndim
        shape[params.axis] = scale.size
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    q = np.clip(np.rint(x / scale) + zero, params.qmin, params.qmax)
    return ((q - zero) * scale).astype(np.float32)


def activation_params(low: float, high: float, bits: int = ACTIVATION_BITS) -> QuantParams:
    """Asymmetric unsigned ``bits``-bit quantisation of the range [low, high] (0 included)."""
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    levels = (1 << bits) - 1
    scale = (high - low) / levels if high > low else 1.0
    zero = int(np.clip(round(-low / scale), 0, levels))
    return QuantParams(scale=(scale,), zero_point=(zero,), bits=bits, signed=False)


def weight_params(w: np.ndarray, bits: int = WEIGHT_BITS) -> QuantParams:
    """Symmetric signed ``bits``-bit per-tensor quantisation of ``w``."""
    peak = float(np.abs(w).max()) if w.size else 0.0
    limit = (1 << (bits - 1)) - 1
    return QuantParams(scale=(peak / limit if peak > 0 else 1.0,), zero_point=(0,), bits=bits,
                       signed=True)


def quantized_weights(w: np.ndarray, given: QuantParams | None) -> tuple[np.ndarray, QuantParams]:
    """The weights on their int8 grid (the model's own when given) and that grid."""
    params = given if given is not None else weight_params(w)
    return fake_quant(w, params), params


def quantized_bias(b: np.ndarray, input_scale: float, weights: QuantParams) -> np.ndarray:
    """The bias on the int32 accumulator grid ``input_scale x weight scale`` (per channel)."""
    step = np.asarray(weights.scale, dtype=np.float64) * input_scale
    step = np.broadcast_to(step, b.shape)
    return (np.rint(b.astype(np.float64) / step) * step).astype(np.float32)


def calibrate(ranges: Iterable[tuple[str, float, float]],
              given: Mapping[str, QuantParams], samples: int) -> Int8Datapath:
    """The int8 datapath from each tensor's observed (name, min, max) over the calibration
    inputs; ``given`` (a QDQ model's own parameters, by tensor) takes precedence."""
    params = {name: given.get(name) or activation_params(low, high)
              for name, low, high in ranges}
    return Int8Datapath(activations=params, calibration_samples=samples)
