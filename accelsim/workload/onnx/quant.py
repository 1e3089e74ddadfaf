"""QuantizeLinear / DequantizeLinear: the QDQ pairs of int8 models (onnxruntime's quantiser).

- A DequantizeLinear of a constant (int8 weights, int32 bias) is folded by
  the loader into float32 values; :meth:`GraphState.const_quant` keeps its
  scale so that the consuming layer records ``weight_quant``.
- A QuantizeLinear of an activation is fused into the layer producing it as
  that layer's ``output_quant`` (the accelerator writes the tensor in 8 bits);
  the layer's ``output`` is then the QuantizeLinear's integer tensor. When it
  cannot be fused (it reads the network input, or a tensor with several
  consumers) it is an "eltwise" layer of its own that only quantises.
- A DequantizeLinear of an activation renames the quantised tensor: the IR
  keeps dequantised (real) values, so it is an alias. Its scale and zero point
  must be those of the QuantizeLinear it follows.
"""

from __future__ import annotations

from accelsim.sim.ops import OpKind
from accelsim.workload.ir import Layer, rows_kept
from accelsim.workload.onnx.graph import GraphState, Node
from accelsim.workload.onnx.registry import lowering


@lowering("QuantizeLinear")
def lower_quantize(node: Node, state: GraphState) -> None:
    x = state.activation(node, 0)
    params = state.quant_params(node)
    if params.axis is not None:
        raise state.error(node, f"expected one scale for the activation (per tensor), got "
                                f"{len(params.scale)} along axis {params.axis}")
    index = state.fusable_producer(node.inputs[0])
    if index is not None:
        state.fuse(index, node, output_quant=params)
        return
    shape = state.shape(node, node.inputs[0])
    state.emit(Layer(
        name=node.name, op=OpKind.ELTWISE, source_ops=("QuantizeLinear",), inputs=(x,),
        output=node.outputs[0], input_shape=shape, output_shape=state.shape(node, node.outputs[0]),
        weight_params=0, bias_params=0, macs=0, output_quant=params,
        rows=rows_kept(len(shape))))


@lowering("DequantizeLinear")
def lower_dequantize(node: Node, state: GraphState) -> None:
    x = state.activation(node, 0)
    index = state.producer(x)
    quant = state.layer(index).output_quant if index is not None else None
    if quant is None:
        raise state.error(node, f"expected its input {node.inputs[0]!r} to come from a "
                                "QuantizeLinear (a QDQ pair), got an unquantised tensor")
    params = state.quant_params(node)
    if (params.scale, params.zero_point) != (quant.scale, quant.zero_point):
        raise state.error(node, f"expected the scale and zero point of the QuantizeLinear it "
                                f"follows ({quant.scale}, {quant.zero_point}), got "
                                f"({params.scale}, {params.zero_point})")
    state.alias(node.outputs[0], node.inputs[0])
