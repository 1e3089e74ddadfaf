"""Random networks with tensor shapes and row dependences, as the ONNX front-end lowers
them, for the fused policy's tests: chains of conv, depthwise and pointwise layers with
residual Adds and Concats (DAGs), sometimes ending in global pooling and a fully
connected layer. ``from fused_networks import fusable_networks``."""

from __future__ import annotations

from hypothesis import strategies as st

from accelsim.sim.ops import RowDependence
from accelsim.sim.work import ConvGeometry, LayerWork


def conv(name: str, source: str, c_in: int, c_out: int, h: int, k: int, s: int,
         op: str = "conv") -> LayerWork:
    """A k x k convolution of stride s, padded to keep h / s rows, on a (1, c_in, h, h) map."""
    pad = k // 2
    out = (h + 2 * pad - k) // s + 1
    groups = c_in if op == "depthwise" else 1
    if op == "depthwise":
        c_out = c_in
    g = ConvGeometry(c_in, c_out, h, h, out, out, k, k, s, s, pads=(pad, pad, pad, pad),
                     groups=groups)
    return LayerWork(name, op, c_in * h * h, c_out * out * out,
                     c_out * (c_in // groups) * k * k, c_out, g.conv_macs, g,
                     inputs=(source,), output=name, output_shape=(1, c_out, out, out),
                     input_shapes=((1, c_in, h, h),), rows=RowDependence.WINDOW)


def join(name: str, op: str, sources: tuple[str, str], shapes: tuple[tuple[int, ...], ...]
         ) -> LayerWork:
    """An element-wise Add of two maps of one shape, or a Concat along channels."""
    c = sum(s[1] for s in shapes) if op == "movement" else shapes[0][1]
    out = (1, c, shapes[0][2], shapes[0][3])
    n = sum(s[1] * s[2] * s[3] for s in shapes)
    return LayerWork(name, op, n, c * out[2] * out[3], 0, 0, 0, inputs=sources, output=name,
                     output_shape=out, input_shapes=shapes, rows=RowDependence.SAME)


@st.composite
def fusable_networks(draw: st.DrawFn, max_layers: int = 8) -> list[LayerWork]:
    h = draw(st.sampled_from([8, 16, 28, 56]))
    c = draw(st.sampled_from([3, 8, 16, 32]))
    layers: list[LayerWork] = []
    shapes: dict[str, tuple[int, int, int, int]] = {"x": (1, c, h, h)}
    name = "x"
    for i in range(draw(st.integers(1, max_layers))):
        kind = draw(st.sampled_from(["conv", "depthwise", "pointwise", "pointwise", "add",
                                     "concat"]))
        here = shapes[name]
        same = [n for n, shape in shapes.items() if shape == here and n != name]
        alike = [n for n, shape in shapes.items() if shape[2:] == here[2:] and n != name]
        if kind == "add" and same:
            other = draw(st.sampled_from(sorted(same)))
            layer = join(f"l{i}", "eltwise", (name, other), (here, here))
        elif kind == "concat" and alike:
            other = draw(st.sampled_from(sorted(alike)))
            layer = join(f"l{i}", "movement", (name, other), (here, shapes[other]))
        else:
            _, c, h, _ = here
            k, s, op = {"pointwise": (1, 1, "pointwise"),
                        "depthwise": (3, draw(st.sampled_from([1, 2])) if h > 4 else 1,
                                      "depthwise"),
                        }.get(kind, (3, draw(st.sampled_from([1, 1, 2])) if h > 4 else 1,
                                     "conv"))
            layer = conv(f"l{i}", name, c, draw(st.sampled_from([8, 16, 32, 64, 96])), h, k, s,
                         op)
        layers.append(layer)
        name = layer.output
        shapes[name] = layer.output_shape  # type: ignore[assignment]
    if draw(st.booleans()):
        _, c, h, _ = shapes[name]
        g = ConvGeometry(c, c, h, h, 1, 1, h, h, 1, 1, groups=c)
        layers.append(LayerWork("pool", "pool", c * h * h, c, 0, 0, 0, g, inputs=(name,),
                                output="pool", output_shape=(1, c, 1, 1),
                                input_shapes=((1, c, h, h),), rows=RowDependence.WINDOW))
        layers.append(LayerWork("fc", "fc", c, 10, 10 * c, 10, 10 * c,
                                ConvGeometry(c, 10, 1, 1, 1, 1), inputs=("pool",), output="fc",
                                output_shape=(1, 10), input_shapes=((1, c),),
                                rows=RowDependence.SAME))
    return layers
