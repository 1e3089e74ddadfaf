"""The paper's MobileNet (Table 1) as an ONNX model, written the way torch.onnx writes it.

The body is a 3x3 convolution (3 -> 32, stride 1) followed by 13 depthwise /
pointwise pairs; every convolution has no bias and is followed by
BatchNormalization (epsilon 1e-5) and Relu, as PyTorch MobileNets export in
eval mode without constant folding. The head is an average pool over the final
feature map, Flatten, a fully connected Gemm (transB=1, with bias) and Softmax.

Multipliers (MobileNet paper, section 3.3):

- width ``alpha`` scales every channel count except the 3 image channels:
  ``c -> int(c * alpha)`` (Keras' MobileNet rounding, truncation), at least 1.
  A 1e-9 guard keeps float noise from truncating, e.g. 0.29 * 100 -> 29 not 28.
- resolution ``rho`` scales the input side: ``round(28 * rho)`` (Python's
  round, half to even), at least 1; later sizes follow from the strides and
  the pool covers the final map (7x7 at rho 1).

Weights are Kaiming-normal (std sqrt(2 / fan_in)), BN statistics have positive
variances; all are float32 drawn from ``numpy.random.default_rng(seed)`` in a
fixed order, so the serialized model is byte-for-byte reproducible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from accelsim.errors import ModelError

PAPER_INPUT_SIDE = 28
OPSET = 17
IR_VERSION = 8
BN_EPSILON = 1e-5


@dataclass(frozen=True)
class _ConvSpec:
    """One body convolution of Table 1 (channel counts before the width multiplier)."""

    name: str
    kind: str  # "conv", "depthwise" or "pointwise"
    in_channels: int
    out_channels: int
    kernel: int
    stride: int


def _table1_body() -> tuple[_ConvSpec, ...]:
    """The 27 convolutions of Table 1 (same as tests/data/paper/table1_layers.csv)."""
    specs = [_ConvSpec("conv1", "conv", 3, 32, 3, 1)]
    # (depthwise stride, pointwise output channels) for the 13 separable blocks.
    blocks = [(1, 64), (2, 64), (1, 128), (1, 256)] + [(1, 256)] * 8 + [(2, 256)]
    channels = 32
    for block, (stride, out_channels) in enumerate(blocks):
        index = 2 + 2 * block
        specs.append(_ConvSpec(f"dw{index}", "depthwise", channels, channels, 3, stride))
        specs.append(_ConvSpec(f"pw{index + 1}", "pointwise", channels, out_channels, 1, 1))
        channels = out_channels
    return tuple(specs)


TABLE1_BODY = _table1_body()


def scale_channels(channels: int, alpha: float) -> int:
    """Width-multiplied channel count: ``int(channels * alpha)``, at least 1."""
    return max(1, int(channels * alpha + 1e-9))


def scale_side(side: int, rho: float) -> int:
    """Resolution-multiplied input side: ``round(side * rho)``, at least 1."""
    return max(1, round(side * rho))


class _Builder:
    """Accumulates nodes and initializers with exporter-style names."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def init(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value.astype(np.float32), name))
        return name

    def node(self, op_type: str, scope: str, inputs: list[str], **attrs: Any) -> str:
        output = f"{scope}/{op_type}_output_0"
        self.nodes.append(helper.make_node(
            op_type, inputs, [output], name=f"{scope}/{op_type}", **attrs))
        return output

    def conv_bn_relu(self, x: str, index: int, spec: _ConvSpec, in_c: int, out_c: int) -> str:
        groups = in_c if spec.kind == "depthwise" else 1
        k = spec.kernel
        fan_in = (in_c // groups) * k * k
        weight = self.rng.standard_normal((out_c, in_c // groups, k, k)) * math.sqrt(2.0 / fan_in)
        w = self.init(f"features.{spec.name}.weight", weight)
        pad = k // 2
        y = self.node("Conv", f"/features/{spec.name}", [x, w], dilations=[1, 1], group=groups,
                      kernel_shape=[k, k], pads=[pad, pad, pad, pad],
                      strides=[spec.stride, spec.stride])
        bn = f"features.bn{index}"
        scale = self.init(f"{bn}.weight", self.rng.uniform(0.5, 1.5, out_c))
        bias = self.init(f"{bn}.bias", self.rng.normal(0.0, 0.1, out_c))
        mean = self.init(f"{bn}.running_mean", self.rng.normal(0.0, 0.1, out_c))
        var = self.init(f"{bn}.running_var", self.rng.uniform(0.5, 1.5, out_c))
        y = self.node("BatchNormalization", f"/features/bn{index}", [y, scale, bias, mean, var],
                      epsilon=BN_EPSILON, momentum=0.9)
        return self.node("Relu", f"/features/relu{index}", [y])


def build_mobilenet(alpha: float = 1.0, rho: float = 1.0, seed: int = 0,
                    num_classes: int = 10) -> onnx.ModelProto:
    """The paper's MobileNet for 28x28 CIFAR-10 crops, with width ``alpha`` and resolution ``rho``.

    Input ``input``: float32 1x3xSxS with S = round(28 * rho); output ``output``:
    1 x ``num_classes`` class probabilities. Raises :class:`ModelError` for a
    multiplier <= 0 or fewer than 1 class.
    """
    for field, value in (("alpha", alpha), ("rho", rho)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ModelError(f"build_mobilenet: {field} must be a number > 0, got {value!r}")
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ModelError("build_mobilenet: num_classes must be an integer >= 1, "
                         f"got {num_classes!r}")

    b = _Builder(np.random.default_rng(seed))
    side = scale_side(PAPER_INPUT_SIDE, rho)
    x = "input"
    channels = 3
    for index, spec in enumerate(TABLE1_BODY, start=1):
        out_c = channels if spec.kind == "depthwise" else scale_channels(spec.out_channels, alpha)
        x = b.conv_bn_relu(x, index, spec, channels, out_c)
        channels = out_c
        side = (side + 2 * (spec.kernel // 2) - spec.kernel) // spec.stride + 1

    x = b.node("AveragePool", "/pool", [x], ceil_mode=0, count_include_pad=1,
               kernel_shape=[side, side], pads=[0, 0, 0, 0], strides=[1, 1])
    x = b.node("Flatten", "", [x], axis=1)
    fc_w = b.init("classifier.weight", b.rng.standard_normal((num_classes, channels))
                  * math.sqrt(1.0 / channels))
    fc_b = b.init("classifier.bias", b.rng.normal(0.0, 0.01, num_classes))
    x = b.node("Gemm", "/classifier", [x, fc_w, fc_b], alpha=1.0, beta=1.0, transB=1)
    b.nodes.append(helper.make_node("Softmax", [x], ["output"], name="/Softmax", axis=1))

    input_side = scale_side(PAPER_INPUT_SIDE, rho)
    graph = helper.make_graph(
        b.nodes, "mobilenet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, input_side, input_side])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, num_classes])],
        initializer=b.initializers)
    model = helper.make_model(graph, producer_name="accelsim", producer_version="",
                              opset_imports=[helper.make_opsetid("", OPSET)],
                              ir_version=IR_VERSION)
    model.doc_string = (f"MobileNet (paper Table 1) alpha={alpha!r} rho={rho!r} seed={seed} "
                        f"num_classes={num_classes}")
    return model


def save_model(model: onnx.ModelProto, path: str | Path) -> None:
    """Write ``model`` to ``path`` with all weights inline; :class:`ModelError` on I/O failure."""
    try:
        Path(path).write_bytes(model.SerializeToString())
    except OSError as exc:
        raise ModelError(f"{path}: cannot write the ONNX model: {exc.strerror or exc}") from exc


def mobilenet_onnx_bytes(alpha: float = 1.0, rho: float = 1.0, seed: int = 0) -> bytes:
    """The serialized ONNX file of :func:`build_mobilenet`, for writers outside the front-end."""
    return build_mobilenet(alpha=alpha, rho=rho, seed=seed).SerializeToString()
