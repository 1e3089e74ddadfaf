"""Read an ONNX file into accelsim's :class:`~accelsim.workload.ir.Network`.

Steps: read and sort the graph topologically, check it with ``onnx.checker``,
fix a symbolic batch dim to 1, infer every shape (strict, with onnx's data
propagation so that shapes computed by Shape -> Gather -> Concat -> Reshape
chains are static too), then lower node by node through the registry. A
registered node whose inputs are all constants is evaluated at load time with
the ONNX reference evaluator (constant folding), never executed as a layer.

Any problem with the file is a one-line :class:`ModelError` naming the file
(and the node or input); an op without a lowering is an
:class:`UnsupportedOpError` listing the supported ops.
"""

from __future__ import annotations

import heapq
from math import prod
from pathlib import Path

import onnx
from onnx import external_data_helper, numpy_helper

from accelsim.errors import ModelError, UnsupportedOpError
from accelsim.limits import MAX_FOLD_ELEMENTS
from accelsim.workload.ir import Network
from accelsim.workload.size_limits import check_layer_count, check_tensor

# Importing the op-family modules registers their lowerings.
from accelsim.workload.onnx import (  # noqa: F401
    activation,
    conv,
    elementwise,
    linear,
    movement,
    normalization,
    pool,
    quant,
    shape,
)
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering_for, supported_ops

_MAX_DETAIL = 240


class SymbolicInputError(ModelError):
    """The model's input has a symbolic size and none was given (a caller may give one)."""


def one_line(exc: BaseException) -> str:
    """An exception's message collapsed to one line, shortened, with its type if empty."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _MAX_DETAIL else text[:_MAX_DETAIL - 3] + "..."


def _read(path: Path, label: str) -> onnx.ModelProto:
    if not path.exists():
        raise ModelError(f"{label}: no such file; expected an ONNX model file")
    if not path.is_file():
        raise ModelError(f"{label}: not a file; expected an ONNX model file")
    if path.stat().st_size == 0:
        raise ModelError(f"{label}: empty file; expected an ONNX model file")
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:  # protobuf DecodeError, OSError
        raise ModelError(f"{label}: cannot read as an ONNX model ({one_line(exc)}); expected a "
                         "serialized ModelProto") from exc
    for tensor in model.graph.initializer:
        if external_data_helper.uses_external_data(tensor):
            info = external_data_helper.ExternalDataInfo(tensor)
            data = path.parent / info.location
            if data.exists() and not data.is_file():
                raise ModelError(f"{label}: external data file {info.location!r} of tensor "
                                 f"{tensor.name!r} is not a regular file ({data}); expected "
                                 "the tensor's bytes in a file beside the model")
            if not data.is_file():
                raise ModelError(f"{label}: external data file {info.location!r} of tensor "
                                 f"{tensor.name!r} is missing; expected it beside the model, "
                                 f"at {data}")
    try:
        external_data_helper.load_external_data_for_model(model, str(path.parent))
        return model
    except Exception as exc:  # OSError, onnx errors for external data
        raise ModelError(f"{label}: cannot read as an ONNX model ({one_line(exc)}); expected a "
                         "serialized ModelProto with its external data files") from exc


def _sort_nodes(graph: onnx.GraphProto, label: str) -> list[onnx.NodeProto]:
    """Kahn's algorithm, keeping the file's order among nodes that are ready together."""
    nodes = list(graph.node)
    producer = {out: i for i, node in enumerate(nodes) for out in node.output if out}
    waiting = [0] * len(nodes)
    users: list[list[int]] = [[] for _ in nodes]
    for i, node in enumerate(nodes):
        for name in {name for name in node.input if name in producer}:
            waiting[i] += 1
            users[producer[name]].append(i)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in users[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    if len(order) != len(nodes):
        stuck = next(node for i, node in enumerate(nodes) if waiting[i])
        raise ModelError(f"{label}: node {stuck.name or stuck.output[0]!r} ({stuck.op_type}) is "
                         "on a cycle; expected an acyclic graph")
    return [nodes[i] for i in order]


def _fix_input(model: onnx.ModelProto, label: str,
               given: tuple[int, ...] | None = None) -> tuple[str, tuple[int, ...]]:
    """The one activation input, with a symbolic batch dim set to 1 in ``model``.

    ``given`` (the shape of an input the caller has) fixes the other symbolic
    dims; fixed dims must agree with it.
    """
    initializers = {init.name for init in model.graph.initializer}
    inputs = [value for value in model.graph.input if value.name not in initializers]
    if len(inputs) != 1:
        raise ModelError(f"{label}: expected exactly one graph input (besides initializers), "
                         f"got {[value.name for value in inputs]}")
    value = inputs[0]
    if not value.type.HasField("tensor_type") or not value.type.tensor_type.HasField("shape"):
        raise ModelError(f"{label}: input {value.name!r} has no shape; expected a tensor of "
                         "fixed shape")
    dims = []
    file_dims = value.type.tensor_type.shape.dim
    if given is not None and len(given) != len(file_dims):
        raise ModelError(f"{label}: input {value.name!r} has {len(file_dims)} dims, the given "
                         f"input has shape {given}; expected the same rank")
    for axis, dim in enumerate(file_dims):
        if given is not None and axis > 0:
            if dim.HasField("dim_value") and dim.dim_value != given[axis]:
                raise ModelError(f"{label}: input {value.name!r} dim {axis} is {dim.dim_value}, "
                                 f"the given input has {given[axis]}; expected them to agree")
            dim.dim_value = given[axis]
        if dim.HasField("dim_value"):
            pass
        elif axis == 0:
            dim.dim_value = 1  # a symbolic batch is simulated as batch 1
        else:
            symbol = dim.dim_param or "unknown"
            raise SymbolicInputError(f"{label}: input {value.name!r} dim {axis} is symbolic "
                             f"({symbol!r}); expected a fixed size (only dim 0, the batch, "
                             "may be symbolic), or an input of the size to run (verify --input)")
        dims.append(dim.dim_value)
    return value.name, tuple(dims)


def _static_shapes(model: onnx.ModelProto) -> dict[str, tuple[int, ...]]:
    shapes = {}
    graph = model.graph
    for value in [*graph.input, *graph.value_info, *graph.output]:
        tensor_type = value.type.tensor_type
        if value.type.HasField("tensor_type") and tensor_type.HasField("shape") and all(
                dim.HasField("dim_value") for dim in tensor_type.shape.dim):
            shapes[value.name] = tuple(int(dim.dim_value) for dim in tensor_type.shape.dim)
    return shapes


def _attr_value(attr: onnx.AttributeProto) -> object:
    value = onnx.helper.get_attribute_value(attr)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, onnx.TensorProto):
        return numpy_helper.to_array(value)
    if isinstance(value, list) and value and isinstance(value[0], bytes):
        return [v.decode("utf-8", "replace") for v in value]
    return value


def _node(proto: onnx.NodeProto) -> Node:
    return Node(name=proto.name or proto.output[0], op_type=proto.op_type,
                inputs=tuple(proto.input), outputs=tuple(proto.output),
                attrs={attr.name: _attr_value(attr) for attr in proto.attribute}, proto=proto)


def _check_versions(model: onnx.ModelProto, label: str) -> None:
    """Refuse an IR version or a default-domain opset newer than the installed onnx
    knows: its checker and shape inference would judge the model by older rules."""
    if model.ir_version > onnx.IR_VERSION:
        raise ModelError(f"{label}: IR version {model.ir_version} is newer than onnx "
                         f"{onnx.__version__} reads (up to {onnx.IR_VERSION}); export with an "
                         "older IR version, or update onnx")
    latest = onnx.defs.onnx_opset_version()
    for opset in model.opset_import:
        if (opset.domain or "") in ("", "ai.onnx") and opset.version > latest:
            raise ModelError(f"{label}: opset {opset.version} is newer than onnx "
                             f"{onnx.__version__} knows (up to {latest}); export with an older "
                             "opset, or update onnx")


def _prepare(path: Path, label: str) -> onnx.ModelProto:
    model = _read(path, label)
    _check_versions(model, label)
    if not model.graph.node:
        raise ModelError(f"{label}: the graph has no nodes; expected an ONNX model with layers")
    check_layer_count(label, len(model.graph.node))
    nodes = _sort_nodes(model.graph, label)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    try:
        onnx.checker.check_model(model)
    except Exception as exc:  # onnx.checker.ValidationError and friends
        raise ModelError(f"{label}: not a valid ONNX model: {one_line(exc)}") from exc
    return model


def _check_sizes(model: onnx.ModelProto, shapes: dict[str, tuple[int, ...]],
                 label: str) -> None:
    """Every tensor within :data:`~accelsim.limits.MAX_TENSOR_ELEMENTS`, checked before
    anything is computed from the shapes (a Conv padded by 1e9 has an output of
    10**19 elements); the error names the node that makes the tensor."""
    for init in model.graph.initializer:
        check_tensor(label, f"initializer {init.name!r}", tuple(init.dims))
    producer = {out: node for node in model.graph.node for out in node.output if out}
    for name, shape in shapes.items():
        node = producer.get(name)
        where = (f"{label}: node {node.name or node.output[0]!r} ({node.op_type})" if node
                 else label)
        check_tensor(where, f"tensor {name!r}", shape)


def _check_fold(node: Node, proto: onnx.NodeProto, state: GraphState,
                shapes: dict[str, tuple[int, ...]], label: str) -> None:
    """A constant folded at load time is computed in memory: refuse one far larger than
    what it is computed from (a ConstantOfShape, Expand or Tile of 2**40 elements)."""
    read = sum(int(getattr(state.const(name), "size", 0) or 0) for name in node.inputs if name)
    for name in node.outputs:
        shape = shapes.get(name)
        made = prod(shape) if shape is not None else 0
        if made > max(MAX_FOLD_ELEMENTS, 4 * read):
            raise ModelError(f"{label}: node {node.name!r} ({proto.op_type}) makes a constant of "
                             f"{made:,} elements from {read:,}; accelsim computes constants at "
                             f"load time only up to {MAX_FOLD_ELEMENTS:,} elements (see Limits "
                             "in the README)")


def load_onnx(path: str | Path, input_shape: tuple[int, ...] | None = None) -> Network:
    """Lower the ONNX model at ``path`` to a :class:`Network` (batch 1, static shapes).

    ``input_shape`` (batch 1), when given, fixes symbolic dims of the input.
    """
    label = str(path)
    model = _prepare(Path(path), label)
    input_name, input_shape = _fix_input(model, label, input_shape)
    check_tensor(label, f"input {input_name!r}", input_shape)
    try:
        model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                                   data_prop=True)
    except Exception as exc:  # onnx InferenceError
        raise ModelError(f"{label}: shape inference failed: {one_line(exc)}") from exc
    shapes = _static_shapes(model)
    _check_sizes(model, shapes, label)
    try:
        constants = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    except Exception as exc:  # bad tensor data
        raise ModelError(f"{label}: shape inference failed: {one_line(exc)}") from exc
    consumers: dict[str, int] = {}
    for proto in model.graph.node:
        for name in proto.input:
            consumers[name] = consumers.get(name, 0) + 1
    for value in model.graph.output:
        consumers[value.name] = consumers.get(value.name, 0) + 1
    opsets = {op.domain or "": op.version for op in model.opset_import}
    state = GraphState(label, constants=constants, shapes=shapes,
                       consumers=consumers, graph_input=input_name,
                       opsets={"": opsets.get("", opsets.get("ai.onnx", 1))})
    for proto in model.graph.node:
        node = _node(proto)
        lower = lowering_for(node.op_type) if proto.domain in ("", "ai.onnx") else None
        if lower is None:
            domain = f" (domain {proto.domain!r})" if proto.domain else ""
            raise UnsupportedOpError(
                f"{label}: node {node.name!r} has op type {node.op_type!r}{domain}, which "
                f"accelsim cannot lower; supported ops: {', '.join(supported_ops())}")
        if node.op_type != "Constant" and node.inputs and state.all_inputs_const(node):
            _check_fold(node, proto, state, shapes, label)
            state.fold_constant(node)
        else:
            lower(node, state)
    if not state.layers:
        raise ModelError(f"{label}: no executable layer (only renames and constants); "
                         "expected at least one Conv, Gemm, MatMul, pool or activation")
    return Network(name=Path(path).stem, source=label, input_name=input_name,
                   input_shape=input_shape, layers=state.layers, input_perm=state.input_perm)
