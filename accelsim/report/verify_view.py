"""Rich tables of a verification against onnxruntime (float32 errors, or int8 SQNR)."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from accelsim.functional import VerifyResult
from accelsim.report.tables import display_name


def _e(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else ("inf" if value > 0 else "-inf")


def _db(value: float | None) -> str:
    return "" if value is None else _e(round(value, 1) if math.isfinite(value) else value)


def _table(title: str, headers: tuple[str, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    for header in headers:
        if header == "layer":
            table.add_column(header, overflow="fold", min_width=8)
        else:
            table.add_column(header, justify="left" if header in ("op", "ok") else "right",
                             no_wrap=True)
    return table


def float_table(result: VerifyResult) -> Table:
    table = _table(f"float32 vs onnxruntime: {result.model_name}, {result.samples} input(s)",
                   ("#", "layer", "op", "max |ref|", "abs error", "rel error",
                    "chained abs error", "allowed", "ok"))
    for layer in result.layers:
        table.add_row(str(layer.index), display_name(layer.name), layer.op,
                      _e(layer.reference_max_abs), _e(layer.max_abs_error),
                      _e(layer.max_rel_error), _e(layer.chained_max_abs_error),
                      _e(layer.allowed_abs_error),
                      "ok" if layer.passed else Text("FAIL", style="bold red"),
                      style=None if layer.passed else "red")
    return table


def int8_table(result: VerifyResult) -> Table:
    table = _table(f"int8 datapath vs onnxruntime float32: {result.model_name}, "
                   f"{result.samples} input(s)",
                   ("#", "layer", "op", "SQNR dB", "layer SQNR dB", "max |ref|", "abs error"))
    for layer in result.layers:
        table.add_row(str(layer.index), display_name(layer.name), layer.op,
                      _db(layer.sqnr_db), _db(layer.local_sqnr_db), _e(layer.reference_max_abs),
                      _e(layer.max_abs_error))
    return table


def summary(result: VerifyResult) -> Text:
    text = Text()
    top1 = (f"top-1 agreement {result.top1_matches}/{result.samples} "
            f"({100 * result.top1_agreement:.0f} %)")
    if result.mode == "int8":
        finite = [layer.sqnr_db for layer in result.layers
                  if layer.sqnr_db is not None and math.isfinite(layer.sqnr_db)]
        lowest = f"; lowest SQNR {min(finite):.1f} dB" if finite else ""
        text.append(f"int8 datapath: {top1}{lowest}; output SQNR "
                    f"{_db(result.layers[-1].sqnr_db)} dB (reported, not checked).")
        return text
    tol = result.tolerance
    text.append(f"float32: output max abs error {_e(result.output_max_abs_error)} "
                f"(allowed {_e(result.output_allowed_abs_error)}); {top1}; tolerance per layer "
                f"rtol {tol.rtol:g} x max|ref| + atol {tol.atol:g}. ")
    if result.passed:
        text.append(f"PASS: all {len(result.layers)} layers agree with onnxruntime.",
                    style="bold green")
    else:
        failed = result.failed_layers
        names = ", ".join(f"{layer.index} ({display_name(layer.name)})" for layer in failed[:5])
        more = f" and {len(failed) - 5} more" if len(failed) > 5 else ""
        what = f"layers {names}{more} exceed" if failed else "the chained output exceeds"
        text.append(f"FAIL: {what} the tolerance.", style="bold red")
    return text


def verify_report(result: VerifyResult) -> Group:
    table = int8_table(result) if result.mode == "int8" else float_table(result)
    return Group(table, summary(result))
