"""accelsim's own layer IR: what a model computes, independent of ONNX.

A :class:`Network` is a schedule: its layers in topological (execution) order.
Each :class:`Layer` is one operation the accelerator executes after the
front-end has folded what needs no execution of its own (BatchNormalization
into the preceding convolution, Relu/Clip into it as a fused
:class:`Activation`, Flatten/Reshape into the consumer). Its kind is an
:class:`~accelsim.sim.ops.OpKind`. Shapes are the model's (NCHW feature maps,
the batch first); a layer read from an explicit-size layer table has flat
shapes ``(elements,)``.

A network is a DAG: a layer's ``inputs`` name the ``output`` tensors of earlier
layers (or the network input), so a tensor read by several layers (a residual
branch, a Concat) is visible to the simulator's residency policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod
from typing import Union

import numpy as np

from accelsim.sim.ops import Operand, OperandRole, OpKind, RowDependence, VectorWork
from accelsim.sim.work import ConvGeometry, LayerWork
from accelsim.workload.activations import Activation
from accelsim.workload.vector_work import QUANTIZE_PER_ELEMENT, combine, scaled


AttrValue = Union[int, float, str, tuple[int, ...]]
"""An op attribute the functional executor needs (an axis, a permutation, a pool mode)."""


def rows_kept(rank: int, across: tuple[int, ...] = ()) -> RowDependence:
    """SAME when a tensor of ``rank`` dims has rows (axis -2) and the op works along
    none of them (``across``: the axes it reduces, moves or cuts, non-negative), else
    WHOLE."""
    return RowDependence.SAME if rank >= 2 and rank - 2 not in across else RowDependence.WHOLE


@dataclass(frozen=True)
class QuantParams:
    """Affine quantisation ``real = (q - zero_point) * scale`` of a tensor, as QDQ models give it.

    Per-tensor when ``axis`` is None (one scale and zero point), else one
    ``scale``/``zero_point`` per index of ``axis``. ``bits`` is the integer
    width (8 for int8/uint8), ``signed`` whether q is signed.
    """

    scale: tuple[float, ...]
    zero_point: tuple[int, ...]
    bits: int = 8
    signed: bool = True
    axis: int | None = None

    def __post_init__(self) -> None:
        if not self.scale or len(self.scale) != len(self.zero_point):
            raise ValueError(f'"scale" and "zero_point" must be non-empty and of one length, '
                             f"got {self.scale} and {self.zero_point}")
        if min(self.scale) <= 0:
            raise ValueError(f'"scale" must be > 0, got {self.scale}')

    @classmethod
    def from_arrays(cls, scale: np.ndarray, zero_point: np.ndarray | None, dtype: np.dtype,
                    axis: int, rank: int) -> QuantParams:
        """From a QuantizeLinear/DequantizeLinear's scale, zero point, integer type and axis.

        Raises ValueError for a non-integer type or a bad scale.
        """
        if not np.issubdtype(dtype, np.integer):
            raise ValueError(f"expected an integer quantised type, got {dtype}")
        info = np.iinfo(dtype)
        scales = tuple(float(v) for v in np.asarray(scale, np.float64).reshape(-1))
        points = (tuple(int(v) for v in np.asarray(zero_point).reshape(-1))
                  if zero_point is not None else (0,) * len(scales))
        per_axis = len(scales) > 1
        return cls(scale=scales, zero_point=points, bits=info.bits, signed=info.min < 0,
                   axis=(axis % rank if rank else 0) if per_axis else None)

    @property
    def qmin(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def qmax(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


@dataclass(frozen=True)
class Layer:
    """One executed layer.

    ``op`` is its :class:`~accelsim.sim.ops.OpKind`; ``source_ops`` the ONNX op
    types fused into it, e.g. ("Conv", "BatchNormalization", "Relu"). ``weight_params`` counts
    kernel parameters only, ``bias_params`` biases (including the bias a folded
    BatchNormalization creates). ``weights``/``bias`` hold the folded float32
    values when the front-end has them (for functional execution); an
    "eltwise" layer with a constant operand keeps that operand in ``bias``
    (original shape; its position is ``attrs["const_input"]``).

    ``input_roles`` gives each of ``inputs`` its :class:`~accelsim.sim.ops.OperandRole`
    (empty: all activations, streamed); the B operand of an activation x
    activation MatMul is an input in the WEIGHT role. ``rows`` says which input
    rows a band of output rows needs (set by the lowering, which knows the op's
    axes; WHOLE when nothing better is known). ``activation`` is the
    function applied on the way out, if any. ``vector_work`` is the layer's own
    vector work (pooling's window ops, element-wise arithmetic); the fused
    activation's is added by :meth:`work`.

    ``input_shapes`` is the shape of each tensor of ``inputs`` as the consuming
    node sees it, for layers with several inputs (Add, Mul, Concat); empty
    means ``(input_shape,)``. ``attrs`` holds what execution needs beyond the
    geometry (pool ``mode`` and ``count_include_pad``, the Concat ``axis``, a
    Transpose ``perm``, Slice ``axes/starts/ends/steps``), as sorted pairs.
    ``output_quant`` is the quantisation a QuantizeLinear/DequantizeLinear
    pair applies to the output, ``weight_quant`` the one the weights were
    dequantised with (QDQ models); None for float layers.
    """

    name: str
    op: OpKind
    source_ops: tuple[str, ...]
    inputs: tuple[str, ...]
    output: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    weight_params: int
    bias_params: int
    macs: int
    geometry: ConvGeometry | None = None
    activation: Activation | None = None
    weights: np.ndarray | None = field(default=None, compare=False, repr=False)
    bias: np.ndarray | None = field(default=None, compare=False, repr=False)
    input_shapes: tuple[tuple[int, ...], ...] = ()
    attrs: tuple[tuple[str, AttrValue], ...] = ()
    output_quant: QuantParams | None = None
    weight_quant: QuantParams | None = None
    input_roles: tuple[OperandRole, ...] = ()
    vector_work: VectorWork = ()
    rows: RowDependence = RowDependence.WHOLE

    def attr(self, key: str, default: AttrValue | None = None) -> AttrValue | None:
        """The value of op attribute ``key``, or ``default``."""
        return next((value for name, value in self.attrs if name == key), default)

    @property
    def all_input_shapes(self) -> tuple[tuple[int, ...], ...]:
        return self.input_shapes or (self.input_shape,)

    @property
    def input_elems(self) -> int:
        """Elements read: the sum over every activation input (both operands of an Add)."""
        return sum(prod(shape) for shape in self.all_input_shapes)

    @property
    def output_elems(self) -> int:
        return prod(self.output_shape)

    def input_bytes(self, bits_per_element: int) -> int:
        return -(-self.input_elems * bits_per_element // 8)

    def output_bytes(self, bits_per_element: int) -> int:
        return -(-self.output_elems * bits_per_element // 8)

    def weight_bytes(self, bits_per_param: int) -> int:
        return -(-self.weight_params * bits_per_param // 8)

    def role(self, index: int) -> OperandRole:
        """The role of input ``index``."""
        return self.input_roles[index] if self.input_roles else OperandRole.ACTIVATION

    def operands(self) -> tuple[Operand, ...]:
        """Each input with its role and elements, then the parameters (if any)."""
        tensors = tuple(Operand(self.role(i), prod(shape), name) for i, (name, shape)
                        in enumerate(zip(self.inputs, self.all_input_shapes, strict=True)))
        params = self.weight_params + self.bias_params
        return tensors + ((Operand(OperandRole.WEIGHT, params, None),) if params else ())

    def total_vector_work(self) -> VectorWork:
        """The layer's own vector work, plus its fused activation's and its output
        quantisation's on every output element."""
        if self.activation is None and self.output_quant is None:
            return self.vector_work
        return combine(
            self.vector_work,
            scaled(self.activation.vector_work, self.output_elems) if self.activation else (),
            scaled(QUANTIZE_PER_ELEMENT, self.output_elems) if self.output_quant else ())

    def work(self) -> LayerWork:
        """The simulator's view of this layer."""
        return LayerWork(
            name=self.name, op=self.op, input_elems=self.input_elems,
            output_elems=self.output_elems, weight_params=self.weight_params,
            bias_params=self.bias_params, macs=self.macs, geometry=self.geometry,
            inputs=self.inputs, output=self.output, operands=self.operands(),
            vector_work=self.total_vector_work(), output_shape=self.output_shape,
            input_shapes=self.all_input_shapes, rows=self.rows)


@dataclass(frozen=True)
class Network:
    """A model lowered to a schedule of layers, in execution order.

    ``source`` names the file it came from (for messages and reports).
    ``input_shape`` is the shape of the file's input; ``input_perm``, when not
    None, is the layout change applied to it before the first layer (the
    NHWC -> NCHW Transpose tf2onnx writes after an NHWC input, done by the DMA
    that loads the input), so layers see ``input_shape`` permuted by it.
    """

    name: str
    source: str
    input_name: str
    input_shape: tuple[int, ...]
    layers: tuple[Layer, ...]
    input_perm: tuple[int, ...] | None = None

    def work(self) -> tuple[LayerWork, ...]:
        return tuple(layer.work() for layer in self.layers)

    @property
    def total_macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def total_params(self) -> int:
        return sum(layer.weight_params + layer.bias_params for layer in self.layers)

    def __repr__(self) -> str:  # a few lines, not every layer's weights
        macs = self.total_macs
        return (f"Network({self.name!r} from {self.source!r}: {len(self.layers)} layers, "
                f"input {'x'.join(map(str, self.input_shape))}, {macs:,} MACs, "
                f"{self.total_params:,} parameters)")
