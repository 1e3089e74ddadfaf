"""Activations as typed records: the element-wise functions fused into a layer's output.

An :class:`Activation` is a kind and its numeric parameters, printed as the IR
always printed them (``relu``, ``clip(0,6)``, ``hardsigmoid(0.2,0.5)``);
:mod:`accelsim.functional.kernels` evaluates them, and each kind's
``vector_work`` says how many elementary vector operations one element costs:

- relu: a MAX; clip: a MAX and a MIN (two MAX); leakyrelu: a MUL and a MAX
  (select); hardsigmoid: a MUL, an ADD and a clip (two MAX); hardswish:
  hardsigmoid at alpha 1/6, beta 1/2, then a MUL;
- sigmoid: 1 / (1 + exp(-x)): an EXP, an ADD and a DIV (the negation folds into
  the EXP's argument);
- erf: an ERF; gelu (exact): x * 0.5 * (1 + erf(x / sqrt 2)): a MUL by 1 / sqrt 2, an
  ERF, an ADD and two MUL; gelu (tanh approximation):
  0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))): x^2, x^3, 0.044715 x^3 and the
  sqrt(2/pi) factor (four MUL), the inner ADD, a TANH, the ADD of 1 and two MUL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from math import inf, isinf

from accelsim.sim.ops import VectorOp, VectorWork


class ActivationKind(StrEnum):
    """An element-wise function applied on a layer's way out (or as a layer of its own)."""

    RELU = "relu"
    CLIP = "clip"                # params (lo, hi); -inf/inf for a missing bound
    HARDSWISH = "hardswish"      # x * clip(x / 6 + 1/2, 0, 1)
    HARDSIGMOID = "hardsigmoid"  # params (alpha, beta): clip(alpha x + beta, 0, 1)
    SIGMOID = "sigmoid"
    LEAKYRELU = "leakyrelu"      # params (alpha,)
    ERF = "erf"
    GELU = "gelu"                # params () exact (erf), (1,) the tanh approximation


_A, _M, _X, _D, _E = VectorOp.ADD, VectorOp.MUL, VectorOp.MAX, VectorOp.DIV, VectorOp.EXP
_ERF, _TANH = VectorOp.ERF, VectorOp.TANH

PER_ELEMENT: dict[ActivationKind, VectorWork] = {
    ActivationKind.RELU: ((_X, 1),),
    ActivationKind.CLIP: ((_X, 2),),
    ActivationKind.LEAKYRELU: ((_M, 1), (_X, 1)),
    ActivationKind.HARDSIGMOID: ((_M, 1), (_A, 1), (_X, 2)),
    ActivationKind.HARDSWISH: ((_M, 2), (_A, 1), (_X, 2)),
    ActivationKind.SIGMOID: ((_E, 1), (_A, 1), (_D, 1)),
    ActivationKind.ERF: ((_ERF, 1),),
}
"""Elementary vector operations per element of each activation kind."""


@dataclass(frozen=True)
class Activation:
    """A fused activation: its kind and numeric parameters (bounds, slopes)."""

    kind: ActivationKind
    params: tuple[float, ...] = ()

    def __str__(self) -> str:
        if not self.params:
            return str(self.kind)
        return f"{self.kind}({','.join(_number(v) for v in self.params)})"

    @property
    def vector_work(self) -> VectorWork:
        """Elementary vector operations per element."""
        if self.kind is ActivationKind.GELU:
            return _GELU_TANH if self.params == (1,) else _GELU_ERF
        return PER_ELEMENT[self.kind]


_GELU_ERF: VectorWork = ((_A, 1), (_M, 3), (_ERF, 1))
_GELU_TANH: VectorWork = ((_A, 2), (_M, 6), (_TANH, 1))


def _number(value: float) -> str:
    if isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(int(value)) if value == int(value) else repr(value)


RELU = Activation(ActivationKind.RELU)


def clip(lo: float = -inf, hi: float = inf) -> Activation:
    """Clip(lo, hi) (a missing bound is -inf or inf); Clip(0, inf) is a Relu."""
    return RELU if lo == 0 and hi == inf else Activation(ActivationKind.CLIP, (lo, hi))
