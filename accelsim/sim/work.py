"""What the accelerator is asked to do, layer by layer, in the simulator's own terms.

The simulator never sees ONNX or layer tables: the workload front-end lowers
them to a tuple of :class:`LayerWork`, each carrying element counts (not bits:
precision is a property of the hardware) and, where the layer has one, its
convolution geometry for compute models that care about shape (systolic arrays).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConvGeometry:
    """Shape of a convolution-like layer, batch 1, NCHW.

    A fully connected layer is a 1x1 convolution on a 1x1 map; a pooling layer
    is a grouped "convolution" with ``groups == in_channels`` and no weights.
    Padding is (top, left, bottom, right) in elements.
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

    def __post_init__(self) -> None:
        for field in ("in_channels", "out_channels", "in_h", "in_w", "out_h", "out_w",
                      "kernel_h", "kernel_w", "stride_h", "stride_w", "dilation_h",
                      "dilation_w", "groups"):
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
    def is_depthwise(self) -> bool:
        """One input channel per group and more than one group."""
        return self.groups > 1 and self.groups == self.in_channels

    @property
    def conv_macs(self) -> int:
        """out_h x out_w x out_c x in_c/groups x k_h x k_w."""
        return (self.out_h * self.out_w * self.out_channels * self.in_channels_per_group
                * self.kernel_h * self.kernel_w)


@dataclass(frozen=True)
class LayerWork:
    """One layer as the accelerator sees it.

    ``op`` is a coarse kind used by compute models and reports: "conv",
    "depthwise", "pointwise", "fc", "pool", "softmax", "eltwise", "layer".
    Counts are elements (activations) and parameters (weights), batch 1.
    ``macs`` is multiply-accumulates; ``geometry`` is None for layers given only
    by their sizes (explicit-size layer tables). ``inputs`` and ``output`` name
    the activation tensors read and written, so that policies can see which
    layer consumes what (a network is a DAG); empty names mean "the previous
    layer's output" and "a tensor of its own".
    """

    name: str
    op: str
    input_elems: int
    output_elems: int
    weight_params: int
    bias_params: int
    macs: int
    geometry: ConvGeometry | None = None
    inputs: tuple[str, ...] = ()
    output: str = ""

    def __post_init__(self) -> None:
        for field in ("input_elems", "output_elems", "weight_params", "bias_params", "macs"):
            value = getattr(self, field)
            if value < 0:
                raise ValueError(f'"{field}" of layer {self.name!r} must be >= 0, got {value}')
