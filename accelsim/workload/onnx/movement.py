"""Data-movement ops on activations: Concat, Split, Slice and Transpose -> "movement" layers.

They compute nothing (0 MACs, no parameters, a COPY per output element of
vector work) but read and write tensors, so they are layers the accelerator
schedules; ``source_ops`` names the ONNX op
and ``attrs`` holds what the functional executor needs (``axis``; ``axes``,
``starts``, ``ends``, ``steps``; ``perm``). Two Transposes execute nothing:
one that only moves size-1 axes (a reshape in memory) is an alias, and the
NHWC -> NCHW Transpose right after the network input (tf2onnx) becomes the
network's ``input_perm`` (the DMA loading the input reorders it).
On constants these ops are folded by the loader (shape arithmetic).
"""

from __future__ import annotations

from math import prod

from accelsim.sim.ops import OpKind
from accelsim.workload.ir import AttrValue, Layer, rows_kept
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering
from accelsim.workload.vector_work import copy_work


def _data_layer(node: Node, state: GraphState, name: str, output: str,
                inputs: tuple[int, ...], attrs: dict[str, AttrValue],
                across: tuple[int, ...]) -> None:
    """A data-movement layer; ``across``: the axes it cuts, joins or moves."""
    shapes = tuple(state.shape(node, node.inputs[i]) for i in inputs)
    state.emit(Layer(
        name=name, op=OpKind.MOVEMENT, source_ops=(node.op_type,),
        inputs=tuple(state.activation(node, i) for i in inputs), output=output,
        input_shape=shapes[0], output_shape=state.shape(node, output), weight_params=0,
        bias_params=0, macs=0, input_shapes=shapes if len(shapes) > 1 else (),
        attrs=tuple(sorted(attrs.items())), rows=rows_kept(len(shapes[0]), across),
        vector_work=copy_work(prod(state.shape(node, output)))))


@lowering("Concat")
def lower_concat(node: Node, state: GraphState) -> None:
    consts = [name for name in node.inputs if state.const(name) is not None]
    if consts:
        raise state.error(node, f"expected every input to be an activation (or every one a "
                                f"constant), got constant {consts[0]!r} among activations")
    rank = len(state.shape(node, node.outputs[0]))
    axis = int(node.attr("axis", 0)) % rank  # type: ignore[call-overload]
    _data_layer(node, state, node.name, node.outputs[0], tuple(range(len(node.inputs))),
                {"axis": axis}, (axis,))


@lowering("Split")
def lower_split(node: Node, state: GraphState) -> None:
    in_shape = state.shape(node, node.inputs[0])
    axis = int(node.attr("axis", 0)) % len(in_shape)  # type: ignore[call-overload]
    start = 0
    for index, output in enumerate(node.outputs):
        if not output:
            continue
        size = state.shape(node, output)[axis]
        if state.consumers(output):
            _data_layer(node, state, f"{node.name}:{index}", output, (0,),
                        {"axes": (axis,), "starts": (start,), "ends": (start + size,),
                         "steps": (1,)}, (axis,))
        start += size


def _ints(node: Node, state: GraphState, index: int, key: str,
          default: tuple[int, ...] | None) -> tuple[int, ...]:
    if state.opset() < 10:
        value = node.attr(key)
        return default if value is None else tuple(int(v) for v in value)  # type: ignore
    if not node.input(index):
        if default is None:
            raise state.error(node, f"expected {key} (input {index})")
        return default
    return tuple(int(v) for v in state.require_const(node, index, key).reshape(-1))


@lowering("Slice")
def lower_slice(node: Node, state: GraphState) -> None:
    rank = len(state.shape(node, node.inputs[0]))
    starts = _ints(node, state, 1, "starts", None)
    ends = _ints(node, state, 2, "ends", None)
    axes = tuple(a % rank for a in _ints(node, state, 3, "axes", tuple(range(len(starts)))))
    steps = _ints(node, state, 4, "steps", (1,) * len(starts))
    if not len(starts) == len(ends) == len(axes) == len(steps) or 0 in steps:
        raise state.error(node, f"expected starts, ends, axes and steps of one length and "
                                f"non-zero steps, got {starts}, {ends}, {axes}, {steps}")
    _data_layer(node, state, node.name, node.outputs[0], (0,),
                {"axes": axes, "starts": starts, "ends": ends, "steps": steps}, axes)


@lowering("Transpose")
def lower_transpose(node: Node, state: GraphState) -> None:
    x = state.activation(node, 0)
    in_shape = state.shape(node, node.inputs[0])
    perm_attr = node.attr("perm")
    perm = (tuple(int(p) for p in perm_attr) if perm_attr is not None  # type: ignore
            else tuple(reversed(range(len(in_shape)))))
    if sorted(perm) != list(range(len(in_shape))):
        raise state.error(node, f"expected perm to be a permutation of 0..{len(in_shape) - 1}, "
                                f"got {list(perm)}")
    if (node.inputs[0] == state.graph_input and state.consumers(x) == 1
            and state.input_perm is None):
        state.input_perm = perm
        state.alias(node.outputs[0], x)
        return
    moved = [axis for axis in perm if in_shape[axis] != 1]
    if moved == sorted(moved):  # only size-1 axes move: the bytes keep their order
        state.alias(node.outputs[0], node.inputs[0])
        return
    moving = tuple(axis for axis in range(len(perm)) if perm[axis] != axis)
    _data_layer(node, state, node.name, node.outputs[0], (0,), {"perm": perm}, moving)
