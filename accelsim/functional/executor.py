"""Numerical execution of accelsim's own layer IR, layer by layer, with numpy.

What runs is the schedule the simulator sees: folded BatchNormalization,
fused activations, the same padding, stride, dilation and groups, Concat and
residual Add as layers reading several tensors. Two datapaths:

- float32 (``int8=None``): the model's arithmetic; a QDQ model's output
  quantisation (``Layer.output_quant``) is applied, since it is part of what
  the model computes;
- int8 (an :class:`~accelsim.functional.quantize.Int8Datapath`): weights,
  biases and every activation tensor on the 8-bit grids of
  :mod:`accelsim.functional.quantize`.

One function per kind of layer, chosen from an explicit table: by ``op`` (an
:class:`~accelsim.sim.ops.OpKind`), and for element-wise and data-movement
layers by the ONNX op they came from (``source_ops[0]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from accelsim.errors import ModelError
from accelsim.functional import kernels
from accelsim.functional.quantize import (
    Int8Datapath,
    fake_quant,
    quantized_bias,
    quantized_weights,
    weight_params,
)
from accelsim.sim.ops import MATRIX_KINDS, OpKind
from accelsim.workload.ir import Layer, Network

Params = tuple[np.ndarray | None, np.ndarray | None]  # (weights, bias) as executed
LayerFn = Callable[[Layer, Sequence[np.ndarray], Params], np.ndarray]


def _int(layer: Layer, key: str, default: int) -> int:
    return int(layer.attr(key, default))  # type: ignore[arg-type]


def _ints(layer: Layer, key: str) -> tuple[int, ...]:
    return tuple(int(v) for v in layer.attr(key, ()))  # type: ignore[union-attr]


def _conv(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    w, b = params
    return np.stack([kernels.conv2d(x, w, b, layer.geometry)  # type: ignore[arg-type]
                     for x in xs[0]])


def _fc(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    w, b = params
    assert w is not None  # checked by require_executable
    y = xs[0].reshape(-1, w.shape[1]) @ w.T
    return y if b is None else y + b


def _matmul(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    """A @ B of two activations (Gemm's transposes and alpha from ``attrs``), plus the bias."""
    a, b = xs
    if _int(layer, "transA", 0):
        a = a.T
    if _int(layer, "transB", 0):
        b = b.T
    y = np.matmul(a, b)
    alpha = float(layer.attr("alpha", 1.0))  # type: ignore[arg-type]
    if alpha != 1.0:
        y = y * np.float32(alpha)
    return y if params[1] is None else y + params[1]


def _pool(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    x = xs[0]
    if _ints(layer, "axes") == (1, 2):  # a ReduceMean over NHWC's spatial axes
        x = x.transpose(0, 3, 1, 2)
    mode = str(layer.attr("mode", "max" if "Max" in layer.source_ops[0] else "avg"))
    include = bool(_int(layer, "count_include_pad", 1))
    return np.stack([kernels.pool2d(image, layer.geometry, mode, include)  # type: ignore[arg-type]
                     for image in x])


def _layer_norm(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    epsilon = float(layer.attr("epsilon", 1e-5))  # type: ignore[arg-type]
    return kernels.layer_norm(xs[0], _int(layer, "axis", -1) % xs[0].ndim, epsilon, *params)


def _softmax(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    x, axis = xs[0], _int(layer, "axis", len(layer.input_shape) - 1)
    if _int(layer, "flatten", 0):
        flat = x.reshape(int(np.prod(x.shape[:axis], dtype=np.int64)), -1)
        return kernels.softmax(flat, 1).reshape(x.shape)
    return kernels.softmax(x, axis)


_BINARY: Mapping[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}


def _binary(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    operands = list(xs)
    const = params[1]
    if const is not None:
        operands.insert(_int(layer, "const_input", 1), const)
    if len(operands) != 2:
        raise ModelError(f"layer {layer.name!r}: expected 2 operands, got {len(operands)}")
    return np.asarray(_BINARY[layer.source_ops[0]](operands[0], operands[1]), dtype=np.float32)


def _batchnorm(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    w, b = params
    shape = (1, -1) + (1,) * (xs[0].ndim - 2)
    return xs[0] * w.reshape(shape) + b.reshape(shape)  # type: ignore[union-attr]


def _concat(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    return np.concatenate(list(xs), axis=_int(layer, "axis", 1))


def _slice(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    index = [slice(None)] * xs[0].ndim
    for axis, start, end, step in zip(_ints(layer, "axes"), _ints(layer, "starts"),
                                      _ints(layer, "ends"), _ints(layer, "steps"), strict=True):
        index[axis] = slice(start, end, step)
    return xs[0][tuple(index)]


def _transpose(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    return xs[0].transpose(_ints(layer, "perm"))


def _identity(layer: Layer, xs: Sequence[np.ndarray], params: Params) -> np.ndarray:
    """Activation-only and quantise-only layers: the work is in the epilogue."""
    return xs[0]


BY_OP: Mapping[OpKind, LayerFn] = {
    OpKind.CONV: _conv, OpKind.DEPTHWISE: _conv, OpKind.POINTWISE: _conv, OpKind.FC: _fc,
    OpKind.MATMUL: _matmul, OpKind.POOL: _pool, OpKind.SOFTMAX: _softmax,
    OpKind.NORM: _layer_norm}
BY_SOURCE_OP: Mapping[str, LayerFn] = {
    **{op: _binary for op in _BINARY}, "BatchNormalization": _batchnorm, "Concat": _concat,
    "Split": _slice, "Slice": _slice, "Transpose": _transpose, "QuantizeLinear": _identity,
    **{op: _identity for op in ("Relu", "Clip", "HardSwish", "HardSigmoid", "Sigmoid",
                                "LeakyRelu", "Erf", "Gelu")}}
_WINDOWED = frozenset({OpKind.CONV, OpKind.DEPTHWISE, OpKind.POINTWISE, OpKind.POOL})
_BY_SOURCE = frozenset({OpKind.ELTWISE, OpKind.MOVEMENT})
"""Kinds whose function is chosen by the ONNX op the layer came from."""


def layer_function(layer: Layer) -> LayerFn | None:
    if layer.op in _BY_SOURCE:
        return BY_SOURCE_OP.get(layer.source_ops[0]) if layer.source_ops else None
    return BY_OP.get(layer.op)


def require_executable(network: Network) -> None:
    """A :class:`ModelError` naming the first layer the executor cannot run (no weights or
    geometry, as in a layer table, or an op it has no function for)."""
    for layer in network.layers:
        missing = ((layer.op in MATRIX_KINDS and layer.op != OpKind.MATMUL
                    and layer.weights is None)
                   or (layer.op in _WINDOWED and layer.geometry is None))
        if missing:
            raise ModelError(f"{network.source}: layer {layer.name!r} ({layer.op}) has no "
                             "weights or geometry to execute; expected a model from an ONNX "
                             "file, not a layer table")
        if layer_function(layer) is None:
            raise ModelError(f"{network.source}: layer {layer.name!r} ({layer.op} from "
                             f"{'+'.join(layer.source_ops)}) has no functional execution")


def network_input(network: Network, x: np.ndarray) -> np.ndarray:
    """One input sample as the first layers read it (batch 1, ``input_perm`` applied)."""
    x = np.asarray(x, dtype=np.float32).reshape(network.input_shape)
    return x.transpose(network.input_perm) if network.input_perm is not None else x


def _params(layer: Layer, xs: Sequence[np.ndarray], int8: Int8Datapath | None,
            input_scale: float | None) -> Params:
    w, b = layer.weights, layer.bias
    if int8 is None:
        return w, b
    if w is not None:
        w, grid = quantized_weights(w, layer.weight_quant)
        if b is not None and layer.op in MATRIX_KINDS and input_scale is not None:
            return w, quantized_bias(b, input_scale, grid)
    if b is not None:  # a per-channel shift or a constant operand: 8 bits, per tensor
        b = fake_quant(b, weight_params(b))
    return w, b


def run_layer(layer: Layer, inputs: Sequence[np.ndarray], int8: Int8Datapath | None = None,
              input_scale: float | None = None) -> np.ndarray:
    """Execute one layer on its input tensors (any shape of the right size), float32 out.

    With ``int8``, ``input_scale`` is the scale of the (per-tensor) quantised input,
    which sets the bias grid; the output goes onto its tensor's grid.
    """
    fn = layer_function(layer)
    if fn is None:
        raise ModelError(f"layer {layer.name!r}: no functional execution for {layer.op}")
    xs = [np.asarray(x, dtype=np.float32).reshape(shape)
          for x, shape in zip(inputs, layer.all_input_shapes, strict=True)]
    y = fn(layer, xs, _params(layer, xs, int8, input_scale))
    y = kernels.activation(np.asarray(y, dtype=np.float32), layer.activation)
    quant = layer.output_quant if int8 is None else int8.activations.get(layer.output)
    if quant is not None:
        y = fake_quant(y, quant)
    return np.asarray(y, dtype=np.float32).reshape(layer.output_shape)


def execute(network: Network, x: np.ndarray,
            int8: Int8Datapath | None = None) -> dict[str, np.ndarray]:
    """Run ``network`` on one input sample; every tensor by name (the input, each layer output)."""
    require_executable(network)
    first = network_input(network, x)
    if int8 is not None and network.input_name in int8.activations:
        first = fake_quant(first, int8.activations[network.input_name])
    tensors = {network.input_name: first}
    for layer in network.layers:
        scale = None
        if int8 is not None and layer.inputs and layer.inputs[0] in int8.activations:
            scale = int8.activations[layer.inputs[0]].scale[0]
        tensors[layer.output] = run_layer(layer, [tensors[name] for name in layer.inputs], int8,
                                          scale)
    return tensors
