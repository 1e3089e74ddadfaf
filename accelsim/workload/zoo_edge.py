"""Edge networks built in code, each written the way one exporter writes it (random weights).

No downloads: every model is generated from its arguments and a seed. Each
reproduces an exporter's habits so that the front-end is tested on them:

- :func:`mobilenet_v2` (torchvision's structure; torch.onnx classic with
  constant folding): Conv with folded-BN bias, Clip(0, 6) with constant
  bounds, residual Add, GlobalAveragePool, Flatten, Gemm.
- :func:`resnet_small` (torch.onnx dynamo, before its optimiser): Conv +
  BatchNormalization unfolded, small constants as Constant nodes, MaxPool with
  pads, residual Add with a strided 1x1 shortcut, ReduceMean (opset 18, axes
  as an input) as global pooling, Reshape to a Constant shape, MatMul + Add.
- :func:`squeezenet_small` (torch.onnx classic): Fire modules (squeeze 1x1,
  expand 1x1 and 3x3, Concat), MaxPool with ceil_mode, an averaging pool with
  pads, ``x.view(x.size(0), -1)`` as Shape/Gather/Unsqueeze/Concat/Reshape.
- :func:`shufflenet_small` (torch.onnx classic): channel Split, channel
  shuffle as Reshape/Transpose/Reshape, Concat, Slice, ReduceMean without
  keepdims, MatMul without bias.
- :func:`mobilenet_v3_small` (torch.onnx, opset 17 or 13): HardSwish (or
  x * HardSigmoid(x) below opset 14), squeeze-and-excitation (pool, Conv,
  Relu, Conv, HardSigmoid, Mul), residual Add, Dropout, Gemm.
- :func:`tf_mobilenet_nhwc` (tf2onnx): an NHWC input and a leading Transpose,
  SAME padding written as asymmetric pads, Clip (ReLU6), a Transpose back to
  NHWC, ReduceMean over axes 1, 2, MatMul + Add, Softmax.

``published`` figures: MobileNetV2 1.0 at 224 (1000 classes) has about 300 M
MACs and 3.5 M parameters (Sandler et al. 2018, Table 3; torchvision
3,504,872 parameters counting BatchNorm scale and shift separately).
"""

from __future__ import annotations

import numpy as np
import onnx

from accelsim.workload.zoo_builder import GraphBuilder


def make_divisible(value: float, divisor: int = 8) -> int:
    """torchvision's channel rounding: nearest multiple of ``divisor``, never 10 % below."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


MOBILENET_V2_BLOCKS = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1))
"""(expansion t, output channels c, repeats n, first stride s) of MobileNetV2."""


def mobilenet_v2(width: float = 1.0, side: int = 224, num_classes: int = 1000,
                 seed: int = 0) -> onnx.ModelProto:
    b = GraphBuilder(seed)
    in_c = make_divisible(32 * width)
    x = b.conv("input", "/features/0", 3, in_c, 3, stride=2, act="relu6")
    index = 1
    for t, c, n, s in MOBILENET_V2_BLOCKS:
        out_c = make_divisible(c * width)
        for i in range(n):
            scope = f"/features/{index}"
            hidden = in_c * t
            y = x if t == 1 else b.conv(x, f"{scope}/expand", in_c, hidden, 1, act="relu6")
            y = b.conv(y, f"{scope}/dw", hidden, hidden, 3, stride=s if i == 0 else 1,
                       groups=hidden, act="relu6")
            y = b.conv(y, f"{scope}/project", hidden, out_c, 1)
            x = b.node("Add", [x, y], scope) if s == 1 and i > 0 or (
                i == 0 and s == 1 and in_c == out_c) else y
            in_c = out_c
            index += 1
    last = make_divisible(1280 * max(1.0, width))
    x = b.conv(x, f"/features/{index}", in_c, last, 1, act="relu6")
    x = b.node("GlobalAveragePool", [x], "/pool")
    x = b.node("Flatten", [x], "", axis=1)
    x = b.node("Dropout", [x], "/classifier/0")
    x = b.linear(x, "/classifier/1", last, num_classes)
    return b.model("mobilenet_v2", "input", [1, 3, side, side], x, [1, num_classes],
                   f"MobileNetV2 width={width} side={side} classes={num_classes} seed={seed}")


def resnet_small(side: int = 32, num_classes: int = 10, seed: int = 0) -> onnx.ModelProto:
    b = GraphBuilder(seed, opset=18, bn_folded=False, constants_as_nodes=True)
    x = b.conv("x", "/conv1", 3, 16, 3, act="relu")
    x = b.node("MaxPool", [x], "/maxpool", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    in_c = 16
    for stage, (out_c, stride) in enumerate(((16, 1), (32, 2), (64, 2)), start=1):
        scope = f"/layer{stage}"
        y = b.conv(x, f"{scope}/conv1", in_c, out_c, 3, stride=stride, act="relu")
        y = b.conv(y, f"{scope}/conv2", out_c, out_c, 3)
        short = x if stride == 1 and in_c == out_c else b.conv(
            x, f"{scope}/downsample", in_c, out_c, 1, stride=stride, pads=[0, 0, 0, 0])
        x = b.node("Relu", [b.node("Add", [y, short], scope)], scope)
        in_c = out_c
    axes = b.const("/avgpool.axes", np.array([-1, -2], np.int64))
    x = b.node("ReduceMean", [x, axes], "/avgpool", keepdims=1)
    x = b.node("Reshape", [x, b.const("/flatten.shape", np.array([1, -1], np.int64))], "/flatten")
    x = b.linear(x, "/fc", in_c, num_classes, style="matmul_add")
    return b.model("resnet_small", "x", ["batch", 3, side, side], x, ["batch", num_classes],
                   f"ResNet-8-like side={side} classes={num_classes} seed={seed}")


def squeezenet_small(side: int = 48, num_classes: int = 10, seed: int = 0) -> onnx.ModelProto:
    b = GraphBuilder(seed)
    x = b.conv("input.1", "/features/0", 3, 32, 3, stride=2, pads=[0, 0, 0, 0], act="relu",
               norm=False)
    x = b.node("MaxPool", [x], "/features/2", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    in_c = 32
    for index, (squeeze, expand) in enumerate(((8, 16), (8, 16), (16, 32)), start=3):
        scope = f"/features/{index}"
        s = b.conv(x, f"{scope}/squeeze", in_c, squeeze, 1, act="relu", norm=False)
        e1 = b.conv(s, f"{scope}/expand1x1", squeeze, expand, 1, act="relu", norm=False)
        e3 = b.conv(s, f"{scope}/expand3x3", squeeze, expand, 3, act="relu", norm=False)
        x = b.node("Concat", [e1, e3], scope, axis=1)
        in_c = 2 * expand
        if index == 4:
            x = b.node("MaxPool", [x], f"{scope}/pool", kernel_shape=[3, 3], strides=[2, 2],
                       ceil_mode=1)
    x = b.conv(x, "/classifier/1", in_c, num_classes, 1, pads=[0, 0, 0, 0], act="relu",
               norm=False)
    # A window larger than the 5x5 map, over its pads, excluding them from the count.
    x = b.node("AveragePool", [x], "/classifier/3", kernel_shape=[7, 7], strides=[1, 1],
               pads=[1, 1, 1, 1], count_include_pad=0)
    # x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape
    shape = b.node("Shape", [x], "")
    n = b.node("Gather", [shape, b.init("/Constant_output_0", np.array(0, np.int64))], "",
               axis=0)
    n = b.node("Unsqueeze", [n, b.init("/Constant_1_output_0", np.array([0], np.int64))], "")
    target = b.node("Concat", [n, b.init("/Constant_2_output_0", np.array([-1], np.int64))], "",
                    axis=0)
    x = b.node("Reshape", [x, target], "")
    x = b.node("Softmax", [x], "", axis=1)
    return b.model("squeezenet_small", "input.1", [1, 3, side, side], x, [1, num_classes],
                   f"SqueezeNet-like side={side} classes={num_classes} seed={seed}")


def _shuffle(b: GraphBuilder, x: str, scope: str, channels: int, side: int) -> str:
    shape5 = b.init(f"{scope}.shape5", np.array([1, 2, channels // 2, side, side], np.int64))
    shape4 = b.init(f"{scope}.shape4", np.array([1, channels, side, side], np.int64))
    y = b.node("Reshape", [x, shape5], scope)
    y = b.node("Transpose", [y], scope, perm=[0, 2, 1, 3, 4])
    return b.node("Reshape", [y, shape4], scope)


def shufflenet_small(side: int = 32, num_classes: int = 10, seed: int = 0) -> onnx.ModelProto:
    b = GraphBuilder(seed, opset=13)
    x = b.conv("input", "/conv1", 3, 24, 3, stride=2, act="relu")
    c, hw = 24, side // 2
    for stage, use_slice in ((2, False), (3, True)):
        scope = f"/stage{stage}"
        # Stride-2 unit: both branches see the whole input.
        left = b.conv(x, f"{scope}/0/b1/dw", c, c, 3, stride=2, groups=c)
        left = b.conv(left, f"{scope}/0/b1/pw", c, c, 1, act="relu")
        right = b.conv(x, f"{scope}/0/b2/pw1", c, c, 1, act="relu")
        right = b.conv(right, f"{scope}/0/b2/dw", c, c, 3, stride=2, groups=c)
        right = b.conv(right, f"{scope}/0/b2/pw2", c, c, 1, act="relu")
        c, hw = 2 * c, (hw + 1) // 2
        x = _shuffle(b, b.node("Concat", [left, right], f"{scope}/0", axis=1), f"{scope}/0", c, hw)
        # Stride-1 unit: half the channels pass, half go through the branch.
        half = c // 2
        if use_slice:
            keep = b.node("Slice", [x, b.init(f"{scope}.s0", np.array([0], np.int64)),
                                    b.init(f"{scope}.e0", np.array([half], np.int64)),
                                    b.init(f"{scope}.ax", np.array([1], np.int64))], scope)
            work = b.node("Slice", [x, b.init(f"{scope}.s1", np.array([half], np.int64)),
                                    b.init(f"{scope}.e1", np.array([c], np.int64)),
                                    b.init(f"{scope}.ax", np.array([1], np.int64))], scope)
        else:
            split = b.init(f"{scope}.split", np.array([half, half], np.int64))
            keep = b.node("Split", [x, split], scope, outputs=2, axis=1)
            work = keep[:-1] + "1"
        y = b.conv(work, f"{scope}/1/pw1", half, half, 1, act="relu")
        y = b.conv(y, f"{scope}/1/dw", half, half, 3, groups=half)
        y = b.conv(y, f"{scope}/1/pw2", half, half, 1, act="relu")
        x = _shuffle(b, b.node("Concat", [keep, y], f"{scope}/1", axis=1), f"{scope}/1", c, hw)
    x = b.conv(x, "/conv5", c, 128, 1, act="relu")
    x = b.node("ReduceMean", [x], "/mean", axes=[2, 3], keepdims=0)
    x = b.linear(x, "/fc", 128, num_classes, style="matmul")
    return b.model("shufflenet_small", "input", [1, 3, side, side], x, [1, num_classes],
                   f"ShuffleNetV2-like side={side} classes={num_classes} seed={seed}")


def mobilenet_v3_small(side: int = 32, num_classes: int = 10, seed: int = 0,
                       opset: int = 17) -> onnx.ModelProto:
    b = GraphBuilder(seed, opset=opset)
    hs = "hardswish" if opset >= 14 else "hardswish_decomposed"
    x = b.conv("input", "/features/0", 3, 16, 3, stride=2, act=hs)
    in_c = 16
    # (kernel, expanded, out, squeeze-excite, activation, stride)
    blocks = ((3, 16, 16, True, "relu", 2), (3, 72, 24, False, "relu", 2),
              (3, 88, 24, False, "relu", 1), (5, 96, 40, True, hs, 2),
              (5, 240, 40, True, hs, 1))
    for index, (k, hidden, out_c, se, act, stride) in enumerate(blocks, start=1):
        scope = f"/features/{index}"
        y = x if hidden == in_c else b.conv(x, f"{scope}/expand", in_c, hidden, 1, act=act)
        y = b.conv(y, f"{scope}/dw", hidden, hidden, k, stride=stride, groups=hidden, act=act)
        if se:
            squeeze = make_divisible(hidden // 4)
            s = b.node("GlobalAveragePool", [y], f"{scope}/se") if index % 2 else b.node(
                "ReduceMean", [y], f"{scope}/se", axes=[2, 3], keepdims=1)
            s = b.conv(s, f"{scope}/se/fc1", hidden, squeeze, 1, pads=[0] * 4, act="relu",
                       norm=False)
            s = b.conv(s, f"{scope}/se/fc2", squeeze, hidden, 1, pads=[0] * 4, act="hardsigmoid",
                       norm=False)
            y = b.node("Mul", [y, s], f"{scope}/se")
        y = b.conv(y, f"{scope}/project", hidden, out_c, 1)
        x = b.node("Add", [y, x], scope) if stride == 1 and in_c == out_c else y
        in_c = out_c
    x = b.conv(x, "/features/last", in_c, 288, 1, act=hs)
    x = b.node("GlobalAveragePool", [x], "/avgpool")
    x = b.node("Flatten", [x], "", axis=1)
    x = b.activation(b.linear(x, "/classifier/0", 288, 256), "/classifier/1", hs)
    x = b.node("Dropout", [x], "/classifier/2")
    x = b.linear(x, "/classifier/3", 256, num_classes)
    return b.model("mobilenet_v3_small", "input", [1, 3, side, side], x, [1, num_classes],
                   f"MobileNetV3-small-like side={side} opset={opset} seed={seed}")


def tf_mobilenet_nhwc(side: int = 32, num_classes: int = 10, seed: int = 0) -> onnx.ModelProto:
    b = GraphBuilder(seed, opset=13)
    x = b.node("Transpose", ["input_1"], "/model/conv1", perm=[0, 3, 1, 2])
    # TF "SAME" with stride 2 on an even side pads only at the bottom and right.
    x = b.conv(x, "/model/conv1", 3, 16, 3, stride=2, pads=[0, 0, 1, 1], act="relu6")
    c = 16
    for index, (out_c, stride) in enumerate(((32, 1), (64, 2), (64, 1)), start=1):
        scope = f"/model/block{index}"
        pads = [1, 1, 1, 1] if stride == 1 else [0, 0, 1, 1]
        x = b.conv(x, f"{scope}/depthwise", c, c, 3, stride=stride, groups=c, pads=pads,
                   act="relu6")
        x = b.conv(x, f"{scope}/project", c, out_c, 1, pads=[0] * 4, act="relu6")
        c = out_c
    x = b.node("Transpose", [x], "/model/to_nhwc", perm=[0, 2, 3, 1])
    x = b.node("ReduceMean", [x], "/model/global_average_pooling2d", axes=[1, 2], keepdims=0)
    x = b.linear(x, "/model/predictions", c, num_classes, style="matmul_add")
    x = b.node("Softmax", [x], "/model/predictions", axis=-1)
    return b.model("tf_mobilenet_nhwc", "input_1", ["unk__0", side, side, 3], x,
                   ["unk__0", num_classes],
                   f"tf2onnx-style MobileNet side={side} classes={num_classes} seed={seed}")


EDGE_MODELS = {
    "mobilenet_v2": mobilenet_v2, "resnet_small": resnet_small,
    "squeezenet_small": squeezenet_small, "shufflenet_small": shufflenet_small,
    "mobilenet_v3_small": mobilenet_v3_small, "tf_mobilenet_nhwc": tf_mobilenet_nhwc}
"""Every builder by name (default arguments give the test models)."""
