"""The numpy kernels the executor runs: one function per kind of layer arithmetic.

Activations are batch-1 arrays without the batch axis ((C, H, W) for a
feature map); arithmetic is float32 like the model, with convolutions and
matrix products as BLAS matrix products (im2col), depthwise convolutions and
pools as a sum over the window taps. Window geometry, padding (top, left,
bottom, right), stride, dilation and groups come from the layer's
:class:`~accelsim.sim.work.ConvGeometry`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from accelsim.sim.work import ConvGeometry
from accelsim.workload.activations import Activation, ActivationKind


def _padded(x: np.ndarray, g: ConvGeometry, fill: float,
            extra_fill: float | None = None) -> np.ndarray:
    """``x`` padded by the geometry's pads with ``fill``, then by the extra bottom/right
    rows a ceil-mode output needs (``extra_fill``, default ``fill``), so that every
    output window lies inside."""
    top, left, bottom, right = g.pads
    need_h = (g.out_h - 1) * g.stride_h + (g.kernel_h - 1) * g.dilation_h + 1
    need_w = (g.out_w - 1) * g.stride_w + (g.kernel_w - 1) * g.dilation_w + 1
    extra_h = max(need_h - (g.in_h + top + bottom), 0)
    extra_w = max(need_w - (g.in_w + left + right), 0)
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right)), constant_values=fill)
    return np.pad(padded, ((0, 0), (0, extra_h), (0, extra_w)),
                  constant_values=fill if extra_fill is None else extra_fill)


def _tap(padded: np.ndarray, g: ConvGeometry, i: int, j: int) -> np.ndarray:
    """The input each output position sees at window tap (i, j): (C, out_h, out_w)."""
    r, c = i * g.dilation_h, j * g.dilation_w
    return padded[:, r:r + (g.out_h - 1) * g.stride_h + 1:g.stride_h,
                  c:c + (g.out_w - 1) * g.stride_w + 1:g.stride_w]


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, g: ConvGeometry) -> np.ndarray:
    """Grouped 2-D convolution (cross-correlation, as ONNX Conv): (C, H, W) -> (O, out_h, out_w)."""
    padded = _padded(x, g, 0.0)
    out_c, per_group = g.out_channels, g.in_channels_per_group
    if per_group == 1:  # depthwise (with an optional channel multiplier): taps, no im2col
        source = np.repeat(padded, out_c // g.in_channels, axis=0)
        y = np.zeros((out_c, g.out_h, g.out_w), dtype=x.dtype)
        for i in range(g.kernel_h):
            for j in range(g.kernel_w):
                y += w[:, 0, i, j].reshape(-1, 1, 1) * _tap(source, g, i, j)
    else:
        taps = np.stack([_tap(padded, g, i, j) for i in range(g.kernel_h)
                         for j in range(g.kernel_w)], axis=1)  # (C, kh*kw, oh, ow)
        per_out = out_c // g.groups
        parts = []
        for group in range(g.groups):
            cols = taps[group * per_group:(group + 1) * per_group].reshape(
                per_group * g.kernel_h * g.kernel_w, g.out_h * g.out_w)
            kernel = w[group * per_out:(group + 1) * per_out].reshape(per_out, -1)
            parts.append(kernel @ cols)
        y = np.concatenate(parts).reshape(out_c, g.out_h, g.out_w)
    return y if b is None else y + b.reshape(-1, 1, 1).astype(y.dtype)


def pool2d(x: np.ndarray, g: ConvGeometry, mode: str, count_include_pad: bool) -> np.ndarray:
    """Max or average pool of (C, H, W). Averages divide by the window elements inside the
    input, plus the explicit pads when ``count_include_pad``; ceil-mode positions past the
    pads never count (onnxruntime's rule)."""
    if mode == "max":
        padded = _padded(x, g, -np.inf)
        taps = [_tap(padded, g, i, j) for i in range(g.kernel_h) for j in range(g.kernel_w)]
        return np.max(taps, axis=0)
    padded = _padded(x, g, 0.0)
    inside = np.ones((1, g.in_h, g.in_w), dtype=x.dtype)
    mask = _padded(inside, g, 1.0 if count_include_pad else 0.0, extra_fill=0.0)
    total = sum(_tap(padded, g, i, j) for i in range(g.kernel_h) for j in range(g.kernel_w))
    count = sum(_tap(mask, g, i, j) for i in range(g.kernel_h) for j in range(g.kernel_w))
    return np.asarray(total / count, dtype=x.dtype)


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x: np.ndarray, axis: int, epsilon: float, scale: np.ndarray | None,
               bias: np.ndarray | None) -> np.ndarray:
    """LayerNormalization over axes ``axis``.. (ONNX's rule): mean and biased variance
    in float32, then ``scale`` and ``bias`` broadcast over the normalised axes."""
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    variance = np.square(centred).mean(axis=axes, keepdims=True)
    y = centred / np.sqrt(variance + np.float32(epsilon))
    if scale is not None:
        y = y * scale
    return y if bias is None else y + bias


_ERF = np.frompyfunc(math.erf, 1, 1)


def erf(y: np.ndarray) -> np.ndarray:
    """The error function, element-wise (math.erf in float64, then y's dtype)."""
    return np.asarray(_ERF(y.astype(np.float64)), dtype=np.float64).astype(y.dtype)


def _relu(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    return np.maximum(y, 0)


def _clip(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    lo, hi = params
    return np.clip(y, lo if math.isfinite(lo) else None, hi if math.isfinite(hi) else None)


def _hardswish(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    return y * np.clip(y / 6 + 0.5, 0, 1)


def _hardsigmoid(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    alpha, beta = params
    return np.clip(np.float32(alpha) * y + np.float32(beta), 0, 1)


def _sigmoid(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    return 1 / (1 + np.exp(-y))


def _leakyrelu(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    (alpha,) = params
    return np.where(y >= 0, y, np.float32(alpha) * y)


def _erf(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    return erf(y)


def _gelu(y: np.ndarray, params: tuple[float, ...]) -> np.ndarray:
    if params == (1,):  # the tanh approximation
        inner = np.float32(math.sqrt(2 / math.pi)) * (y + np.float32(0.044715) * y * y * y)
        return np.float32(0.5) * y * (1 + np.tanh(inner))
    return np.float32(0.5) * y * (1 + erf(y / np.float32(math.sqrt(2))))


ACTIVATIONS: dict[ActivationKind, Callable[[np.ndarray, tuple[float, ...]], np.ndarray]] = {
    ActivationKind.RELU: _relu, ActivationKind.CLIP: _clip,
    ActivationKind.HARDSWISH: _hardswish, ActivationKind.HARDSIGMOID: _hardsigmoid,
    ActivationKind.SIGMOID: _sigmoid, ActivationKind.LEAKYRELU: _leakyrelu,
    ActivationKind.ERF: _erf, ActivationKind.GELU: _gelu,
}
"""The numpy function of each activation kind, (values, params) -> values."""


def activation(y: np.ndarray, act: Activation | None) -> np.ndarray:
    """Apply a fused activation (None: none), keeping ``y``'s dtype."""
    if act is None:
        return y
    return np.asarray(ACTIVATIONS[act.kind](y, act.params), dtype=y.dtype)
