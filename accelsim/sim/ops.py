"""The simulator's typed layer vocabulary: what kind of work a layer is, and what it reads.

Shared by the workload front-end (which lowers ONNX to these kinds), the
compute-timing models (which time them), the residency policies and their
tiling (which move their operands), the functional executor and the reports.
The values are the strings the result tables print in their ``op`` column.

- :class:`OpKind`: the kind of a layer. The *matrix* kinds run as matrix
  products on an array (their ``macs`` are multiply-accumulates); the others
  are vector work (pooling, element-wise arithmetic, normalisation, softmax,
  reductions) or pure data movement.
- :class:`OperandRole` and :class:`Operand`: each tensor a layer reads, and
  whether the compute unit streams it (the activation, the A operand) or holds
  it stationary while the other streams past (the weights, the B operand). The
  B operand of ``Q @ K^T`` is an activation *tensor* in the weight *role*: it
  comes from SRAM or DDR like any activation and is loaded into a systolic
  array as weights are.
- :class:`VectorOp`: the elementary operations vector work is counted in
  (``LayerWork.vector_work``), each with its own cost on a vector unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OpKind(StrEnum):
    """The kind of work one layer is."""

    CONV = "conv"
    """A 2-D convolution (grouped ones included) that is neither depthwise nor pointwise."""
    DEPTHWISE = "depthwise"
    """A convolution with one input channel per group (and more than one group)."""
    POINTWISE = "pointwise"
    """A 1x1 convolution, one group, stride 1, no padding."""
    CONV_TRANSPOSE = "conv_transpose"
    """A transposed 2-D convolution (ConvTranspose): each input pixel scatters a window."""
    FC = "fc"
    """An activation times a constant weight matrix (Gemm, MatMul with a constant B)."""
    MATMUL = "matmul"
    """An activation times an activation (Q @ K^T, scores @ V), batched over leading dims."""
    POOL = "pool"
    """A window reduction (max or average pooling, a spatial mean)."""
    SOFTMAX = "softmax"
    """Softmax along one axis."""
    NORM = "norm"
    """A normalisation over an axis (LayerNormalization): mean, variance, scale, shift."""
    ELTWISE = "eltwise"
    """Element-wise arithmetic: Add, Mul, activations, comparisons, masks, casts."""
    REDUCE = "reduce"
    """A reduction over axes that is not spatial pooling (ReduceMean over channels)."""
    RESIZE = "resize"
    """Upsampling by nearest or linear interpolation (Resize)."""
    MOVEMENT = "movement"
    """Data movement without arithmetic: Concat, Split, Slice, Transpose, Pad, Expand, Gather."""
    EMBEDDING = "embedding"
    """Rows of a weight table picked by activation indices (Gather on token ids)."""
    LAYER = "layer"
    """An explicit-size layer table row: only its sizes are known."""

    @property
    def is_matrix(self) -> bool:
        """Runs as matrix products: its ``macs`` are multiply-accumulates of a matrix unit."""
        return self in MATRIX_KINDS

    @property
    def is_vector(self) -> bool:
        """Vector work (or data movement) that a vector unit takes when there is one."""
        return self in VECTOR_KINDS


MATRIX_KINDS = frozenset({OpKind.CONV, OpKind.DEPTHWISE, OpKind.POINTWISE,
                          OpKind.CONV_TRANSPOSE, OpKind.FC, OpKind.MATMUL})
"""Kinds whose work is multiply-accumulates on a matrix unit."""

VECTOR_KINDS = frozenset({OpKind.POOL, OpKind.SOFTMAX, OpKind.NORM, OpKind.ELTWISE,
                          OpKind.REDUCE, OpKind.RESIZE, OpKind.MOVEMENT, OpKind.EMBEDDING})
"""Kinds a vector unit runs (``LAYER`` rows, of unknown kind, are neither)."""


class OperandRole(StrEnum):
    """What the compute unit does with an operand."""

    ACTIVATION = "activation"
    """Streamed through the unit: a feature map, the A operand of a product, an Add's operands."""
    WEIGHT = "weight"
    """Held stationary while the activations stream past: a layer's weights, biases and
    constants, or the activation that is the B operand of an activation x activation product."""


@dataclass(frozen=True)
class Operand:
    """One tensor a layer reads.

    ``role``: streamed or stationary (:class:`OperandRole`). ``elems``: elements the
    layer reads of it (for an embedding's table, the rows it gathers, not the table).
    ``tensor``: the activation tensor read (a name in ``LayerWork.inputs``, "" for
    "the previous layer's output"), or None for the layer's own parameters (its
    weights, biases and constant operands, which come from DDR as weights do).
    """

    role: OperandRole
    elems: int
    tensor: str | None

    def __post_init__(self) -> None:
        if self.elems < 0:
            raise ValueError(f'"elems" of an operand must be >= 0, got {self.elems}')

    @property
    def is_parameter(self) -> bool:
        """The layer's own constants (weights, biases), not an activation tensor."""
        return self.tensor is None


class VectorOp(StrEnum):
    """An elementary operation of vector work, counted per element it is applied to.

    Functions are counted as the operations a vector lane runs for them (a sigmoid
    is an EXP, an ADD and a DIV); the few that lanes evaluate as one routine (EXP,
    TANH, ERF, RSQRT, ...) are operations of their own, dearer than an ADD (their
    cycles are the compute model's: :data:`accelsim.sim.compute.vector.OP_CYCLES`).
    """

    ADD = "add"          # add or subtract
    MUL = "mul"          # multiply (a division by a constant is a multiply by its inverse)
    MAX = "max"          # max, min, a comparison or a select (Relu, MaxPool, Where, Equal)
    LOGIC = "logic"      # and, or, xor, not, isnan
    CAST = "cast"        # a change of number format
    DIV = "div"          # division (or a reciprocal) of two variables
    SQRT = "sqrt"
    RSQRT = "rsqrt"      # reciprocal square root
    EXP = "exp"
    LOG = "log"
    TANH = "tanh"
    ERF = "erf"
    COPY = "copy"        # an element moved through the unit without arithmetic

    @property
    def is_arithmetic(self) -> bool:
        """Counts as a vector operation (``LayerWork.vector_ops``): everything but COPY."""
        return self is not VectorOp.COPY


class RowDependence(StrEnum):
    """Which input rows a band of a layer's output rows needs.

    "Rows" are axis -2 of a tensor as the layer sees it (``LayerWork.output_shape``
    and ``LayerWork.input_shapes``): H of an NCHW feature map, the sequence of a
    (batch, sequence, features) tensor, the batch of a (batch, features) one.
    A reshape between a producer and its consumer may move that axis: compare the
    producer's ``output_shape`` with the consumer's view of it before relying on it.
    """

    WINDOW = "window"
    """Output rows read a window of input rows: the geometry's kernel, stride, dilation
    and pads (convolutions, pools; a transposed convolution scatters into a window)."""
    SAME = "same"
    """Output rows [a, b) read rows [a, b) of every ACTIVATION-role input that has the
    output's row count, and the whole of the others (a broadcast operand with one row, the
    WEIGHT-role B operand of a matmul): element-wise work, an fc or matmul row by row, a
    softmax or normalisation over another axis, a Concat or Slice along another axis."""
    WHOLE = "whole"
    """A band of output rows may need any input row: a reduction or softmax over the rows,
    a Transpose that moves them, a resize along them, an explicit-size table row."""


VectorWork = tuple[tuple[VectorOp, int], ...]
"""Vector work as (elementary operation, how many) pairs, each operation at most once."""
