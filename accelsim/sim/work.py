"""What the accelerator is asked to do, layer by layer, in the simulator's own terms.

The simulator never sees ONNX or layer tables: the workload front-end lowers
them to a tuple of :class:`LayerWork`, each carrying its kind
(:class:`~accelsim.sim.ops.OpKind`), element counts (not bits: precision is a
property of the hardware), the operands it reads with their roles, its vector
work and, where the layer has one, its convolution geometry for compute models
that care about shape (systolic arrays).
"""

from __future__ import annotations

from dataclasses import dataclass

from accelsim.sim.ops import Operand, OperandRole, OpKind, RowDependence, VectorOp, VectorWork


@dataclass(frozen=True)
class ConvGeometry:
    """Shape of a convolution-like layer, NCHW, ``batch`` images.

    A fully connected layer is a 1x1 convolution on a rows x 1 map; a pooling
    layer is a grouped "convolution" with ``groups == in_channels`` and no
    weights; an activation x activation product batched over G matrices is a
    1x1 convolution with G groups on an M x 1 map (group g multiplies its own
    M x K block by its own K x N block). Padding is (top, left, bottom, right)
    in elements. ``batch`` images share the weights. ``transposed``: a
    transposed convolution (ConvTranspose): ``in_*`` is its input, ``out_*``
    its output, and each input pixel scatters a ``kernel`` window into the
    output at ``stride`` (``pads`` crop the full output).
    """

    in_channels: int
    out_channels: int
    in_h: int
    in_w: int
    out_h: int
    out_w: int
    kernel_h: int = 1
    kernel_w: int = 1
    stride_h: int = 1
    stride_w: int = 1
    dilation_h: int = 1
    dilation_w: int = 1
    pads: tuple[int, int, int, int] = (0, 0, 0, 0)
    groups: int = 1
    batch: int = 1
    transposed: bool = False

    def __post_init__(self) -> None:
        for field in ("in_channels", "out_channels", "in_h", "in_w", "out_h", "out_w",
                      "kernel_h", "kernel_w", "stride_h", "stride_w", "dilation_h",
                      "dilation_w", "groups", "batch"):
            value = getattr(self, field)
            if value < 1:
                raise ValueError(f'"{field}" must be >= 1, got {value}')
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(
                f'"groups" ({self.groups}) must divide in_channels ({self.in_channels}) '
                f"and out_channels ({self.out_channels})")

    @property
    def in_channels_per_group(self) -> int:
        return self.in_channels // self.groups

    @property
    def out_channels_per_group(self) -> int:
        return self.out_channels // self.groups

    @property
    def is_depthwise(self) -> bool:
        """One input channel per group and more than one group."""
        return self.groups > 1 and self.groups == self.in_channels and not self.transposed

    @property
    def conv_macs(self) -> int:
        """Multiply-accumulates: batch x out_h x out_w x out_c x in_c/groups x k_h x k_w;
        for a transposed convolution, every input pixel times every weight of its group
        (batch x in_h x in_w x in_c x out_c/groups x k_h x k_w, as fvcore counts it)."""
        if self.transposed:
            return (self.batch * self.in_h * self.in_w * self.in_channels
                    * self.out_channels_per_group * self.kernel_h * self.kernel_w)
        return (self.batch * self.out_h * self.out_w * self.out_channels
                * self.in_channels_per_group * self.kernel_h * self.kernel_w)


@dataclass(frozen=True)
class LayerWork:
    """One layer as the accelerator sees it.

    ``op`` is the layer's :class:`~accelsim.sim.ops.OpKind` (a string is taken and
    checked). Counts are elements (activations) and parameters (weights), for the
    whole batch. ``macs`` counts multiply-accumulates of matrix kinds only; vector
    work (pooling, element-wise, normalisation, softmax, a matrix layer's fused
    activation) is ``vector_work``, (:class:`~accelsim.sim.ops.VectorOp`, count)
    pairs, whose arithmetic totals ``vector_ops``. ``geometry`` is None for layers
    given only by their sizes (explicit-size layer tables) or without a window shape.

    ``inputs`` and ``output`` name the activation tensors read and written, so that
    policies can see which layer consumes what (a network is a DAG); empty names
    mean "the previous layer's output" and "a tensor of its own". ``operands``
    says, for each tensor read, its role and elements: one operand per entry of
    ``inputs`` (in order), then one for the layer's parameters if it has any
    (``tensor`` None). Left empty, it is derived: every input an activation
    (``input_elems`` shared evenly), the parameters ``weight_params + bias_params``.
    ``input_elems`` is the elements of all activation tensors read (the B operand of
    an activation x activation product included).

    ``output_shape`` and ``input_shapes`` (one per entry of ``inputs``) are the
    tensors' shapes as the layer sees them (empty when unknown, as for table rows);
    ``rows`` says which input rows a band of output rows needs
    (:class:`~accelsim.sim.ops.RowDependence`; rows are axis -2 of those shapes).
    """

    name: str
    op: OpKind
    input_elems: int
    output_elems: int
    weight_params: int
    bias_params: int
    macs: int
    geometry: ConvGeometry | None = None
    inputs: tuple[str, ...] = ()
    output: str = ""
    operands: tuple[Operand, ...] = ()
    vector_work: VectorWork = ()
    output_shape: tuple[int, ...] = ()
    input_shapes: tuple[tuple[int, ...], ...] = ()
    rows: RowDependence = RowDependence.WHOLE

    def __post_init__(self) -> None:
        for field in ("input_elems", "output_elems", "weight_params", "bias_params", "macs"):
            value = getattr(self, field)
            if value < 0:
                raise ValueError(f'"{field}" of layer {self.name!r} must be >= 0, got {value}')
        try:
            kind = OpKind(self.op)
        except ValueError:
            raise ValueError(f'"op" of layer {self.name!r} must be one of '
                             f'{", ".join(OpKind)}, got {self.op!r}') from None
        object.__setattr__(self, "op", kind)
        if not self.operands:
            object.__setattr__(self, "operands", _default_operands(self))
        else:
            self._check_operands()
        seen: set[VectorOp] = set()
        for vop, count in self.vector_work:
            if not isinstance(vop, VectorOp) or vop in seen or count < 0:
                raise ValueError(f'"vector_work" of layer {self.name!r} must pair each '
                                 f"VectorOp once with a count >= 0, got {self.vector_work!r}")
            seen.add(vop)

    def _check_operands(self) -> None:
        tensors = tuple(o for o in self.operands if not o.is_parameter)
        if (self.operands[:len(tensors)] != tensors or len(self.operands) > len(tensors) + 1
                or tuple(o.tensor for o in tensors) != (self.inputs or ("",))
                or sum(o.elems for o in tensors) != self.input_elems):
            raise ValueError(f'"operands" of layer {self.name!r} must be its inputs '
                             f"{self.inputs} in order ({self.input_elems} elements in all), "
                             f"then at most one parameter operand; got {self.operands!r}")

    @property
    def vector_ops(self) -> int:
        """Elementary arithmetic operations of the layer's vector work (copies excluded)."""
        return sum(count for vop, count in self.vector_work if vop.is_arithmetic)

    @property
    def parameter_elems(self) -> int:
        """Parameter elements the layer reads (weights, biases, constants; for an
        embedding only the table rows it gathers)."""
        return sum(o.elems for o in self.operands if o.is_parameter)

    def operands_in(self, role: OperandRole) -> tuple[Operand, ...]:
        """The operands of ``role``, in order."""
        return tuple(o for o in self.operands if o.role is role)


def _default_operands(work: LayerWork) -> tuple[Operand, ...]:
    """Every input an activation (``input_elems`` shared evenly, exactly), then the
    parameters as one stationary operand."""
    names = work.inputs or ("",)
    operands = []
    done = 0
    for i, name in enumerate(names, start=1):
        share = work.input_elems * i // len(names)
        operands.append(Operand(OperandRole.ACTIVATION, share - done, name))
        done = share
    params = work.weight_params + work.bias_params
    if params:
        operands.append(Operand(OperandRole.WEIGHT, params, None))
    return tuple(operands)
