"""accelsim's own layer IR: what a model computes, independent of ONNX.

A :class:`Network` is a schedule: its layers in topological (execution) order.
Each :class:`Layer` is one operation the accelerator executes after the
front-end has folded what needs no execution of its own (BatchNormalization
into the preceding convolution, Relu/Clip into it as a fused activation,
Flatten/Reshape into the consumer). Shapes are NCHW with batch 1; a layer read
from an explicit-size layer table has flat shapes ``(elements,)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

import numpy as np

from accelsim.sim.work import ConvGeometry, LayerWork


@dataclass(frozen=True)
class Layer:
    """One executed layer.

    ``op`` is the coarse kind ("conv", "depthwise", "pointwise", "fc", "pool",
    "softmax", "eltwise", "layer"); ``source_ops`` the ONNX op types fused into
    it, e.g. ("Conv", "BatchNormalization", "Relu"). ``weight_params`` counts
    kernel parameters only, ``bias_params`` biases (including the bias a folded
    BatchNormalization creates). ``weights``/``bias`` hold the folded float32
    values when the front-end has them (for functional execution).
    """

    name: str
    op: str
    source_ops: tuple[str, ...]
    inputs: tuple[str, ...]
    output: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    weight_params: int
    bias_params: int
    macs: int
    geometry: ConvGeometry | None = None
    activation: str | None = None
    weights: np.ndarray | None = field(default=None, compare=False, repr=False)
    bias: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def input_elems(self) -> int:
        return prod(self.input_shape)

    @property
    def output_elems(self) -> int:
        return prod(self.output_shape)

    def input_bytes(self, bits_per_element: int) -> int:
        return -(-self.input_elems * bits_per_element // 8)

    def output_bytes(self, bits_per_element: int) -> int:
        return -(-self.output_elems * bits_per_element // 8)

    def weight_bytes(self, bits_per_param: int) -> int:
        return -(-self.weight_params * bits_per_param // 8)

    def work(self) -> LayerWork:
        """The simulator's view of this layer."""
        return LayerWork(
            name=self.name, op=self.op, input_elems=self.input_elems,
            output_elems=self.output_elems, weight_params=self.weight_params,
            bias_params=self.bias_params, macs=self.macs, geometry=self.geometry)


@dataclass(frozen=True)
class Network:
    """A model lowered to a schedule of layers, in execution order.

    ``source`` names the file it came from (for messages and reports).
    """

    name: str
    source: str
    input_name: str
    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]

    def work(self) -> tuple[LayerWork, ...]:
        return tuple(layer.work() for layer in self.layers)

    @property
    def total_macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def total_params(self) -> int:
        return sum(layer.weight_params + layer.bias_params for layer in self.layers)
