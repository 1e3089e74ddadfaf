"""An array with a vector unit beside it: each layer's estimate comes from its unit."""

from __future__ import annotations

import pytest

from accelsim.sim.compute import VECTOR_OPS, DispatchTiming, SystolicArray, VectorUnit
from accelsim.sim.ops import OpKind
from accelsim.sim.work import ConvGeometry, LayerWork

GHZ = 1_000_000_000
ARRAY = SystolicArray(32, 32, GHZ, "ws")
VECTOR = VectorUnit(32, 500_000_000)


def depthwise() -> LayerWork:
    g = ConvGeometry(32, 32, 28, 28, 28, 28, 3, 3, pads=(1, 1, 1, 1), groups=32)
    return LayerWork("dw2", "depthwise", 32 * 784, 32 * 784, 288, 32, g.conv_macs, g)


def pointwise() -> LayerWork:
    g = ConvGeometry(32, 64, 28, 28, 28, 28)
    return LayerWork("pw3", "pointwise", 32 * 784, 64 * 784, 2048, 64, g.conv_macs, g)


def pool() -> LayerWork:
    g = ConvGeometry(256, 256, 7, 7, 1, 1, 7, 7, groups=256)
    return LayerWork("pool", "pool", 256 * 49, 256, 0, 0, 256 * 49, g)


def test_default_routes_every_vector_kind_to_the_vector_unit() -> None:
    both = DispatchTiming(ARRAY, VECTOR)
    assert both.vector_ops == VECTOR_OPS == {kind for kind in OpKind if kind.is_vector}
    assert {"pool", "eltwise", "softmax", "norm", "movement"} <= VECTOR_OPS
    assert not VECTOR_OPS & {"conv", "depthwise", "pointwise", "fc", "matmul"}
    assert both.estimate(pool()) == VECTOR.estimate(pool())
    assert both.estimate(pool()).unit == "vector"
    for layer in (pointwise(), depthwise()):
        assert both.estimate(layer) == ARRAY.estimate(layer)
        assert both.estimate(layer).unit == "array"


def test_depthwise_on_the_vector_unit_on_request() -> None:
    both = DispatchTiming(ARRAY, VECTOR, VECTOR_OPS | {"depthwise"})
    estimate = both.estimate(depthwise())
    assert estimate == VECTOR.estimate(depthwise())
    assert estimate.unit == "vector"
    # 28 x 28 pixels x 1 pass of 32 lanes x 9 window MACs + 4 fill cycles, at 2 ns.
    assert estimate.cycles == 28 * 28 * 9 + 4 == 7060
    assert estimate.time_ps == 7060 * 2000
    assert estimate.utilization > 0.99
    on_array = ARRAY.estimate(depthwise())
    assert on_array.cycles == 28_064 and on_array.utilization < 0.01
    assert both.estimate(pointwise()) == ARRAY.estimate(pointwise())


def test_bad_op_names_are_refused() -> None:
    with pytest.raises(ValueError, match='"vector_ops" must be op names'):
        DispatchTiming(ARRAY, VECTOR, {""})
