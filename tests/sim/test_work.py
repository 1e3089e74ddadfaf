"""LayerWork: its kind is an OpKind, its operands say what it reads and in which role."""

from __future__ import annotations

import pytest

from accelsim.sim.ops import MATRIX_KINDS, Operand, OperandRole, OpKind, VectorOp
from accelsim.sim.work import ConvGeometry, LayerWork

ACT, WEIGHT = OperandRole.ACTIVATION, OperandRole.WEIGHT


def test_the_kind_is_an_enum_and_a_string_is_checked() -> None:
    work = LayerWork("c", "conv", 10, 10, 4, 1, 40)
    assert work.op is OpKind.CONV and work.op == "conv" and f"{work.op}" == "conv"
    with pytest.raises(ValueError, match="must be one of conv, depthwise"):
        LayerWork("c", "convolution", 10, 10, 4, 1, 40)
    assert {k for k in OpKind if k.is_matrix} == MATRIX_KINDS
    assert OpKind.MATMUL.is_matrix and not OpKind.POOL.is_matrix and OpKind.POOL.is_vector


def test_default_operands_are_the_inputs_as_activations_then_the_parameters() -> None:
    work = LayerWork("add", "eltwise", 7, 4, 0, 3, 0, inputs=("a", "b"), output="y")
    assert work.operands == (Operand(ACT, 3, "a"), Operand(ACT, 4, "b"), Operand(WEIGHT, 3, None))
    assert work.parameter_elems == 3
    assert LayerWork("l", "layer", 5, 5, 0, 0, 0).operands == (Operand(ACT, 5, ""),)


def test_operands_must_agree_with_the_inputs() -> None:
    qk = (Operand(ACT, 12, "q"), Operand(WEIGHT, 12, "k"))
    work = LayerWork("qk", "matmul", 24, 9, 0, 0, 36, inputs=("q", "k"), operands=qk)
    assert work.operands_in(WEIGHT) == (Operand(WEIGHT, 12, "k"),)
    with pytest.raises(ValueError, match="must be its inputs"):
        LayerWork("qk", "matmul", 24, 9, 0, 0, 36, inputs=("k", "q"), operands=qk)
    with pytest.raises(ValueError, match="must be its inputs"):
        LayerWork("qk", "matmul", 20, 9, 0, 0, 36, inputs=("q", "k"), operands=qk)
    with pytest.raises(ValueError, match="at most one parameter"):
        LayerWork("qk", "matmul", 24, 9, 0, 0, 36, inputs=("q", "k"),
                  operands=(Operand(WEIGHT, 1, None), *qk))


def test_vector_ops_count_arithmetic_not_copies() -> None:
    work = LayerWork("s", "softmax", 10, 10, 0, 0, 0,
                     vector_work=((VectorOp.ADD, 20), (VectorOp.EXP, 10), (VectorOp.COPY, 10)))
    assert work.vector_ops == 30
    with pytest.raises(ValueError, match="each VectorOp once"):
        LayerWork("s", "softmax", 10, 10, 0, 0, 0,
                  vector_work=((VectorOp.ADD, 1), (VectorOp.ADD, 1)))


def test_batch_multiplies_macs_and_a_transposed_convolution_counts_its_input_pixels() -> None:
    g = ConvGeometry(4, 8, 5, 5, 5, 5, 3, 3, pads=(1, 1, 1, 1), batch=3)
    assert g.conv_macs == 3 * 5 * 5 * 8 * 4 * 9
    up = ConvGeometry(4, 8, 5, 5, 10, 10, 2, 2, 2, 2, groups=2, transposed=True)
    assert up.conv_macs == 5 * 5 * 4 * (8 // 2) * 2 * 2 and not up.is_depthwise
