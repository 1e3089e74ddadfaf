"""The state a lowering function works on: one ONNX node at a time, and the layers so far.

A lowering function reads its :class:`Node` (attributes already converted to
Python values, inputs and outputs as tensor names) and does exactly one of:

- ``state.emit(layer)``: the node becomes a new executed layer;
- ``state.fuse(index, node, ...)``: the node is folded into the layer that
  produces its input (BatchNormalization, Relu/Clip, a bias Add);
- ``state.alias(out, src)``: the node only renames or reshapes (Flatten, Identity);
- ``state.set_const(name, value)``: the node computes a constant (Constant, Shape).

A constant produced by a DequantizeLinear (the int8 weights of a QDQ model)
keeps its quantisation (:meth:`GraphState.const_quant`). Nothing fuses into a
layer after its output has been quantised (a QuantizeLinear fused into it).

Tensor names used in layers are *resolved*: an alias is replaced by the tensor
it renames, so a layer's ``inputs`` name the ``output`` of an earlier layer (or
the network input).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import onnx
from onnx.reference import ReferenceEvaluator

from accelsim.errors import ModelError
from accelsim.workload.ir import Layer, QuantParams


@dataclass(frozen=True)
class Node:
    """One ONNX node; ``name`` is its node name, or its first output's name if it has none."""

    name: str
    op_type: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: Mapping[str, object]
    proto: onnx.NodeProto = field(compare=False, repr=False)

    def attr(self, key: str, default: object = None) -> object:
        return self.attrs.get(key, default)

    def input(self, index: int) -> str:
        """Name of input ``index``, or "" when the optional input is absent."""
        return self.inputs[index] if index < len(self.inputs) else ""


class GraphState:
    """Constants, static shapes and the layers lowered so far, for one ONNX file."""

    def __init__(self, path: str, *, constants: Mapping[str, np.ndarray],
                 shapes: Mapping[str, tuple[int, ...]], consumers: Mapping[str, int],
                 graph_input: str, opsets: Mapping[str, int]) -> None:
        self.path = path
        self._consts: dict[str, np.ndarray] = dict(constants)
        self._shapes = shapes
        self._consumers = consumers  # consuming nodes + graph outputs, per tensor
        self._graph_input = graph_input
        self._opsets = dict(opsets)
        self._layers: list[Layer] = []
        self._producer: dict[str, int] = {}  # layer output tensor -> layer index
        self._alias: dict[str, str] = {}     # tensor -> tensor it renames
        self._names: set[str] = set()
        self._const_quant: dict[str, QuantParams] = {}
        self.input_perm: tuple[int, ...] | None = None  # see Network.input_perm

    def opset(self) -> int:
        """The default-domain opset version the model imports."""
        return self._opsets.get("", 1)

    @property
    def graph_input(self) -> str:
        return self._graph_input

    def consumers(self, name: str) -> int:
        """How many nodes (and graph outputs) read tensor ``name``."""
        return self._consumers.get(name, 0)

    # -- messages ---------------------------------------------------------------------------
    def error(self, node: Node, message: str) -> ModelError:
        """A one-line :class:`ModelError` naming the file, the node and its op type."""
        return ModelError(f"{self.path}: node {node.name!r} ({node.op_type}): {message}")

    # -- constants and shapes -------------------------------------------------------------
    def const(self, name: str) -> np.ndarray | None:
        return self._consts.get(name) if name else None

    def require_const(self, node: Node, index: int, what: str) -> np.ndarray:
        value = self.const(node.input(index))
        if value is None:
            raise self.error(node, f"expected {what} (input {index}) to be a constant "
                                   f"initializer, got a computed tensor {node.input(index)!r}")
        return value

    def set_const(self, name: str, value: np.ndarray) -> None:
        self._consts[name] = np.asarray(value)

    def all_inputs_const(self, node: Node) -> bool:
        return all(name == "" or name in self._consts for name in node.inputs)

    def fold_constant(self, node: Node) -> None:
        """Evaluate a node whose inputs are all constants with the ONNX reference evaluator."""
        feeds = {name: self._consts[name] for name in node.inputs if name}
        try:
            results = ReferenceEvaluator(node.proto, opsets=self._opsets).run(None, feeds)
        except Exception as exc:  # the reference evaluator raises anything on bad attributes
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            raise self.error(node, f"cannot evaluate on its constant inputs: {detail}") from exc
        for name, value in zip(node.outputs, results, strict=False):
            if name:
                self.set_const(name, value)
        if node.op_type == "DequantizeLinear":
            self._const_quant[node.outputs[0]] = self.quant_params(node)

    def quant_params(self, node: Node) -> QuantParams:
        """The quantisation of a QuantizeLinear or DequantizeLinear (constant scale, zero point)."""
        scale = self.require_const(node, 1, "the scale")
        zero = self.const(node.input(2))
        if node.input(2) and zero is None:
            raise self.error(node, "expected the zero point (input 2) to be a constant")
        if node.op_type == "DequantizeLinear":
            x = self.const(node.input(0))
            dtype = x.dtype if x is not None else (zero.dtype if zero is not None
                                                   else np.dtype(np.uint8))
            rank = x.ndim if x is not None else len(self.shape(node, node.inputs[0]))
        else:
            dtype = zero.dtype if zero is not None else np.dtype(np.uint8)
            rank = len(self.shape(node, node.inputs[0]))
        try:
            return QuantParams.from_arrays(scale, zero, dtype,
                                           int(node.attr("axis", 1)),  # type: ignore[call-overload]
                                           rank)
        except ValueError as exc:
            raise self.error(node, str(exc)) from None

    def const_quant(self, name: str) -> QuantParams | None:
        """The quantisation of a constant produced by a DequantizeLinear, else None."""
        return self._const_quant.get(name)

    def shape(self, node: Node, name: str) -> tuple[int, ...]:
        try:
            return self._shapes[name]
        except KeyError:
            raise self.error(node, f"shape inference gave no static shape for tensor {name!r}; "
                                   "expected every activation to have a fixed shape") from None

    # -- activations and aliases ----------------------------------------------------------
    def resolve(self, name: str) -> str:
        while name in self._alias:
            name = self._alias[name]
        return name

    def activation(self, node: Node, index: int = 0) -> str:
        """The resolved activation tensor feeding input ``index`` of ``node``."""
        name = node.input(index)
        if not name:
            raise self.error(node, f"expected an activation at input {index}, got none")
        if name in self._consts:
            raise self.error(node, f"expected input {index} ({name!r}) to be an activation, "
                                   "got a constant")
        resolved = self.resolve(name)
        if resolved != self._graph_input and resolved not in self._producer:
            raise self.error(node, f"input {name!r} is produced by no lowered layer")
        return resolved

    def alias(self, out: str, src: str) -> None:
        self._alias[out] = src

    # -- layers ---------------------------------------------------------------------------
    def emit(self, layer: Layer) -> None:
        name, n = layer.name, 2
        while name in self._names:
            name, n = f"{layer.name}#{n}", n + 1
        self._names.add(name)
        self._producer[layer.output] = len(self._layers)
        self._layers.append(replace(layer, name=name) if name != layer.name else layer)

    def fusable_producer(self, tensor: str) -> int | None:
        """Index of the layer whose output reaches ``tensor`` with no other consumer on the way.

        Only renames/reshapes (aliases) may sit in between; each tensor on the
        way must have exactly one consumer and must not be a graph output. A
        layer whose output is already quantised takes no more fusions.
        """
        name = tensor
        while True:
            if self._consumers.get(name, 0) != 1:
                return None
            if name not in self._alias:
                break
            name = self._alias[name]
        index = self._producer.get(name)
        if index is None or self._layers[index].output_quant is not None:
            return None
        return index

    def layer(self, index: int) -> Layer:
        return self._layers[index]

    def producer(self, tensor: str) -> int | None:
        """Index of the layer writing (resolved) ``tensor``, or None for the input or a constant."""
        return self._producer.get(self.resolve(tensor))

    def fuse(self, index: int, node: Node, **changes: object) -> None:
        """Fold ``node`` into layer ``index``: its output becomes the layer's output."""
        old = self._layers[index]
        new = replace(old, output=node.outputs[0], source_ops=old.source_ops + (node.op_type,),
                      **changes)  # type: ignore[arg-type]
        del self._producer[old.output]
        self._producer[new.output] = index
        self._layers[index] = new

    @property
    def layers(self) -> tuple[Layer, ...]:
        return tuple(self._layers)
