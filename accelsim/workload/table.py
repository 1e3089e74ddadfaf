"""Layer tables (CSV) -> :class:`~accelsim.workload.ir.Network`, two forms told by the header.

Shape rows (``type,in_channels,out_channels,in_h,in_w,kernel,stride,padding``;
optional ``name``, other columns ignored): each row states its own input map
and accelsim derives the rest as for ONNX. Output side = (side + 2 padding -
kernel) // stride + 1. Per type:

- ``conv``: groups 1; weights out x in x k x k; MACs out_h x out_w x out x in x k x k.
- ``depthwise``: groups = in_channels (out_channels a multiple of it); weights out x k x k.
- ``pointwise``: a conv whose kernel must be 1.
- ``fc``: flattens its input, K = in_channels x in_h x in_w, N = out_channels;
  weights and MACs K x N (kernel, stride, padding are ignored).
- ``pool``: groups = channels, no weights, no MACs; vector work an ADD per
  window element per output and a MUL per output (an average pool).
- ``softmax``: shape kept, 0 MACs, a softmax's vector work over the channels
  (kernel, stride, padding ignored).

Explicit-size rows (``input_fmap_bits,output_fmap_bits,weight_params,macs``;
optional ``layer``, ``name``, ``op``) give sizes directly, as the paper's
tables do: elements = bits / ``bits_per_element``, shapes are flat
``(elements,)``, no geometry, op "layer" unless given, no bias. For a vector
op (pool, softmax, eltwise) the ``macs`` column counts its operations, which
become vector work (ADDs): ``macs`` counts matrix products only.

Layers are chained in row order: each reads the previous layer's output. Tables
carry no weights. Problems are one-line :class:`ModelError` s naming the file,
the row (1 = first data row) with its line, and the column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from math import prod
from pathlib import Path
from typing import Any

from accelsim.errors import ModelError, quoted
from accelsim.limits import MAX_LAYERS, MAX_NUMBER_DIGITS
from accelsim.sim.ops import OpKind, RowDependence, VectorOp
from accelsim.sim.work import ConvGeometry
from accelsim.workload.ir import Layer, Network
from accelsim.workload.size_limits import check_tensor
from accelsim.workload.vector_work import pool_work, scaled, softmax_work

SHAPE_COLUMNS = ("type", "in_channels", "out_channels", "in_h", "in_w", "kernel", "stride",
                 "padding")
SIZE_COLUMNS = ("input_fmap_bits", "output_fmap_bits", "weight_params", "macs")
SHAPE_TYPES = ("conv", "depthwise", "fc", "pointwise", "pool", "softmax")
SIZE_OPS = ("conv", "depthwise", "eltwise", "fc", "layer", "pointwise", "pool", "softmax")
INPUT_NAME = "input"


_INTEGER = re.compile(r"[+-]?[0-9]+")


class _Row:
    """One data row, with messages that name the file, row, line and column."""

    def __init__(self, label: str, number: int, line: int, cells: Mapping[str, str | None]):
        self.label, self.number, self.line, self.cells = label, number, line, cells

    def error(self, column: str, message: str) -> ModelError:
        return ModelError(f"{self.label}: row {self.number} (line {self.line}), column "
                          f"{column!r}: {message}")

    def text(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def int(self, column: str, minimum: int = 0) -> int:
        cell = self.text(column)
        # Plain ASCII digits only: int() would read "2_8" as 28 and "١٢" as 12.
        if not _INTEGER.fullmatch(cell) or len(cell) > MAX_NUMBER_DIGITS:
            raise self.error(column, f"expected an integer >= {minimum}, got {quoted(cell)}")
        value = int(cell)
        if value < minimum:
            raise self.error(column, f"expected an integer >= {minimum}, got {value}")
        return value


def _read_rows(path: Path, label: str) -> tuple[list[str], list[_Row]]:
    if not path.exists():
        raise ModelError(f"{label}: no such file; expected a layer table (.csv)")
    if path.is_dir():  # a pipe (<(...)) is read as a stream, within the row bound
        raise ModelError(f"{label}: is a folder; expected a layer table (.csv)")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, skipinitialspace=True)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = []
            for i, cells in enumerate(reader, 1):  # read as a stream: a table may be huge
                if i > MAX_LAYERS:
                    raise ModelError(f"{label}: more than {MAX_LAYERS:,} rows; beyond the limit "
                                     "of a network (see Limits in the README)")
                rows.append(_Row(label, i, reader.line_num, cells))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ModelError(f"{label}: cannot read as a CSV layer table: {exc}") from exc
    if not header:
        raise ModelError(f"{label}: empty file; expected a CSV header with "
                         f"{','.join(SHAPE_COLUMNS)} or {','.join(SIZE_COLUMNS)}")
    for row in rows:
        if None in row.cells:
            raise ModelError(f"{label}: row {row.number} (line {row.line}): more cells than "
                             f"the {len(header)} columns of the header")
    return header, rows


def _shape_layer(row: _Row, previous: str) -> Layer:
    kind = row.text("type").lower()
    if kind not in SHAPE_TYPES:
        raise row.error("type", f"expected one of {', '.join(SHAPE_TYPES)}, got {kind!r}")
    in_c, out_c = row.int("in_channels", 1), row.int("out_channels", 1)
    in_h, in_w = row.int("in_h", 1), row.int("in_w", 1)
    k, s, p = row.int("kernel", 1), row.int("stride", 1), row.int("padding", 0)
    name = row.text("name") or f"layer{row.number}"
    in_shape = (1, in_c, in_h, in_w)
    common: dict[str, Any] = dict(name=name, op=OpKind(kind), source_ops=(), inputs=(previous,),
                                  output=name, input_shape=in_shape, bias_params=0)
    if kind == "fc":
        features = in_c * in_h * in_w
        geometry = ConvGeometry(in_channels=features, out_channels=out_c, in_h=1, in_w=1,
                                out_h=1, out_w=1)
        return Layer(**common, output_shape=(1, out_c), weight_params=features * out_c,
                     macs=features * out_c, geometry=geometry)
    if kind == "softmax":
        if out_c != in_c:
            raise row.error("out_channels",
                            f"expected {in_c} (softmax keeps its shape), got {out_c}")
        return Layer(**common, output_shape=in_shape, weight_params=0, macs=0,
                     vector_work=softmax_work(prod(in_shape), in_h * in_w))
    if kind == "pointwise" and k != 1:
        raise row.error("kernel", f"expected 1 for a pointwise layer, got {k}")
    groups = 1 if kind in ("conv", "pointwise") else in_c
    if kind == "pool" and out_c != in_c:
        raise row.error("out_channels", f"expected {in_c} (pooling keeps channels), got {out_c}")
    if kind == "depthwise" and out_c % in_c:
        raise row.error("out_channels", f"expected a multiple of in_channels {in_c}, got {out_c}")
    out_h, out_w = (in_h + 2 * p - k) // s + 1, (in_w + 2 * p - k) // s + 1
    if out_h < 1 or out_w < 1:
        raise row.error("kernel", f"kernel {k} does not fit a {in_h}x{in_w} map padded by {p}")
    geometry = ConvGeometry(in_channels=in_c, out_channels=out_c, in_h=in_h, in_w=in_w,
                            out_h=out_h, out_w=out_w, kernel_h=k, kernel_w=k, stride_h=s,
                            stride_w=s, pads=(p, p, p, p), groups=groups)
    out_shape = (1, out_c, out_h, out_w)
    if kind == "pool":
        return Layer(**common, output_shape=out_shape, weight_params=0, macs=0,
                     vector_work=pool_work("avg", prod(out_shape), k * k), geometry=geometry,
                     rows=RowDependence.WINDOW)
    return Layer(**common, output_shape=out_shape,
                 weight_params=out_c * (in_c // groups) * k * k, macs=geometry.conv_macs,
                 geometry=geometry, rows=RowDependence.WINDOW)


def _size_layer(row: _Row, previous: str, bits_per_element: int) -> Layer:
    def elements(column: str) -> int:
        bits = row.int(column)
        if bits % bits_per_element:
            raise row.error(column, f"{bits} bits is not a whole number of "
                                    f"{bits_per_element}-bit elements")
        return bits // bits_per_element

    op = row.text("op").lower() or "layer"
    if op not in SIZE_OPS:
        raise row.error("op", f"expected one of {', '.join(SIZE_OPS)}, got {op!r}")
    layer_id = row.text("layer")
    name = row.text("name") or (f"layer{layer_id}" if layer_id.isdigit() else layer_id) \
        or f"layer{row.number}"
    kind = OpKind(op)
    macs = row.int("macs")
    vector = kind.is_vector
    return Layer(name=name, op=kind, source_ops=(), inputs=(previous,), output=name,
                 input_shape=(elements("input_fmap_bits"),),
                 output_shape=(elements("output_fmap_bits"),),
                 weight_params=row.int("weight_params"), bias_params=0,
                 macs=0 if vector else macs,
                 vector_work=scaled(((VectorOp.ADD, 1),), macs) if vector else ())


def load_layer_table(path: str | Path, bits_per_element: int = 8) -> Network:
    """Read a layer table CSV (shape rows or explicit-size rows) into a :class:`Network`.

    ``bits_per_element`` (bits) converts the fmap bit columns of explicit-size
    rows to elements; shape rows do not use it.
    """
    label = str(path)
    if isinstance(bits_per_element, bool) or not isinstance(bits_per_element, int) \
            or bits_per_element < 1:
        raise ModelError(f"{label}: bits_per_element must be an integer >= 1, "
                         f"got {bits_per_element!r}")
    header, rows = _read_rows(Path(path), label)
    shape_form = "type" in header or not any(column in header for column in SIZE_COLUMNS)
    required, other = (SHAPE_COLUMNS, SIZE_COLUMNS) if shape_form else (SIZE_COLUMNS,
                                                                         SHAPE_COLUMNS)
    missing = [column for column in required if column not in header]
    if missing:
        raise ModelError(f"{label}: header lacks column(s) {', '.join(missing)}; expected "
                         f"{','.join(required)} (or {','.join(other)})")
    if not rows:
        raise ModelError(f"{label}: the table has a header but no rows; expected one row per layer")
    layers: list[Layer] = []
    names: dict[str, int] = {}
    previous = INPUT_NAME
    for row in rows:
        layer = (_shape_layer(row, previous) if shape_form
                 else _size_layer(row, previous, bits_per_element))
        where = f"{label}: row {row.number} (line {row.line})"
        check_tensor(where, "its input", layer.input_shape)
        check_tensor(where, "its output", layer.output_shape)
        check_tensor(where, "its weights", (layer.weight_params,))
        if layer.name in names or layer.name == INPUT_NAME:
            raise row.error("name", f"layer name {layer.name!r} is used twice "
                                    f"(row {names.get(layer.name, 0)} or the input)")
        names[layer.name] = row.number
        layers.append(layer)
        previous = layer.output
    return Network(name=Path(path).stem, source=label, input_name=INPUT_NAME,
                   input_shape=layers[0].input_shape, layers=tuple(layers))
