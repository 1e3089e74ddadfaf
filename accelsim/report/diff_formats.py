"""A :class:`~accelsim.report.diff.TableDiff` as text for people and for CI tools.

``text`` (one line per difference), ``markdown`` (a pull-request comment),
``json`` (for scripts), ``junit`` (JUnit XML, one test case per row of
EXPECTED, for test-report viewers) and ``github`` (GitHub Actions workflow
commands: one ``::error`` annotation per difference, on ACTUAL's line).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from accelsim.report.diff import CellDiff, DiffKind, TableDiff

FORMATS = ("text", "markdown", "json", "junit", "github")


def _n(value: int) -> str:
    return f"{value:,}"


def _plural(count: int, word: str) -> str:
    return f"{_n(count)} {word}{'' if count == 1 else 's'}"


def headline(diff: TableDiff) -> str:
    """One sentence: equal or how many differences, what was compared, the tolerances."""
    t = diff.tolerance
    per_column = "".join(f"; {c} rtol {tc.rtol:g} atol {tc.atol:g}"
                         for c, tc in sorted(diff.column_tolerances.items()))
    scope = (f"{_n(diff.compared_cells)} cells in {_plural(len(diff.columns), 'shared column')} "
             f"of {_plural(diff.expected_rows, 'row')} (rtol {t.rtol:g}, atol {t.atol:g}"
             f"{per_column})")
    if diff.equal:
        return f"{scope} agree."
    return f"{_plural(len(diff.differences), 'difference')}; compared {scope}."


def _notes(diff: TableDiff) -> list[str]:
    notes = []
    if diff.extra_columns:
        notes.append(f"Not compared, only in {diff.actual_path}: {', '.join(diff.extra_columns)}.")
    if diff.ignored_columns:
        notes.append(f"Ignored: {', '.join(diff.ignored_columns)}.")
    return notes


def describe(diff: TableDiff, d: CellDiff) -> str:
    """One difference as a sentence."""
    row = f"{diff.key_column} {d.key}"
    if d.kind is DiffKind.MISSING_COLUMN:
        return f"column {d.column}: missing from {diff.actual_path}"
    if d.kind is DiffKind.MISSING_ROW:
        return f"{row}: row missing from {diff.actual_path}"
    if d.kind is DiffKind.EXTRA_ROW:
        return f"{row}: row only in {diff.actual_path}, not in {diff.expected_path}"
    return f"{row}: {d.column} expected {d.expected}, actual {d.actual}"


def to_text(diff: TableDiff) -> str:
    lines = [headline(diff), *_notes(diff), *(f"  {describe(diff, d)}" for d in diff.differences)]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|") or " "


def to_markdown(diff: TableDiff) -> str:
    verdict = "equal" if diff.equal else _plural(len(diff.differences), "difference")
    lines = [f"### accelsim diff: {verdict}", "",
             f"`{diff.actual_path}` against `{diff.expected_path}`, rows matched on "
             f"`{diff.key_column}`: {headline(diff)}", *(f"\n{n}" for n in _notes(diff))]
    if diff.differences:
        lines += ["", f"| {_md_cell(diff.key_column)} | column | expected | actual |",
                  "|---|---|---|---|"]
        for d in diff.differences:
            key = d.key if d.kind is not DiffKind.MISSING_COLUMN else "(every row)"
            column = d.column or "(row)"
            lines.append(f"| {' | '.join(_md_cell(c) for c in (key, column, d.expected, d.actual))} |")
    return "\n".join(lines) + "\n"


def to_json(diff: TableDiff) -> str:
    doc: dict[str, Any] = {
        "equal": diff.equal, "expected": diff.expected_path, "actual": diff.actual_path,
        "key": diff.key_column, "compared_cells": diff.compared_cells,
        "expected_rows": diff.expected_rows, "columns": list(diff.columns),
        "missing_columns": list(diff.missing_columns),
        "extra_columns": list(diff.extra_columns), "ignored_columns": list(diff.ignored_columns),
        "rtol": diff.tolerance.rtol, "atol": diff.tolerance.atol,
        "column_tolerances": {c: {"rtol": t.rtol, "atol": t.atol}
                              for c, t in sorted(diff.column_tolerances.items())},
        "differences": [{"kind": d.kind.value, "key": d.key, "column": d.column,
                         "expected": d.expected, "actual": d.actual, "line": d.line}
                        for d in diff.differences],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can hold (control characters and lone surrogates as U+FFFD)."""
    return _NOT_XML.sub("\ufffd", text)


def to_junit(diff: TableDiff) -> str:
    """One test case per row of EXPECTED (failed when a cell differs or the row is
    missing), one for the columns, one for rows only ACTUAL has."""
    by_row: dict[str, list[CellDiff]] = {}
    columns, extra = [], []
    for d in diff.differences:
        if d.kind is DiffKind.MISSING_COLUMN:
            columns.append(d)
        elif d.kind is DiffKind.EXTRA_ROW:
            extra.append(d)
        else:
            by_row.setdefault(d.key, []).append(d)
    cases: list[tuple[str, list[CellDiff]]] = [("columns", columns)]
    # Every row of EXPECTED: failed ones carry their differences, the others pass.
    cases += [(f"{diff.key_column}={key}", by_row.get(key, [])) for key in diff.row_keys]
    cases.append(("rows only in actual", extra))
    failures = sum(1 for _, found in cases if found)
    suites = ET.Element("testsuites", name="accelsim diff", tests=str(len(cases)),
                        failures=str(failures), errors="0")
    suite = ET.SubElement(suites, "testsuite", name=_xml(f"{diff.actual_path} vs "
                                                         f"{diff.expected_path}"),
                          tests=str(len(cases)), failures=str(failures), errors="0")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="summary",
                  value=_xml(headline(diff)))
    for name, found in cases:
        case = ET.SubElement(suite, "testcase", classname="accelsim.diff", name=_xml(name))
        if found:
            failure = ET.SubElement(case, "failure", type=found[0].kind.value,
                                    message=_xml(f"{_plural(len(found), 'difference')}: "
                                                 f"{describe(diff, found[0])}"))
            failure.text = _xml("\n".join(describe(diff, d) for d in found))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(diff: TableDiff) -> str:
    """GitHub Actions workflow commands: ``::error file=ACTUAL,line=N,title=...::...`` per
    difference (a missing row points at EXPECTED's line), then a plain summary line."""
    lines = []
    for d in diff.differences:
        where = diff.expected_path if d.kind is DiffKind.MISSING_ROW else diff.actual_path
        lines.append(f"::error file={_gh_property(where)},line={d.line},"
                     f"title={_gh_property('accelsim diff')}::{_gh_data(describe(diff, d))}")
    if diff.equal:
        lines.append(f"::notice title=accelsim diff::{_gh_data(headline(diff))}")
    lines.append(f"accelsim diff: {headline(diff)}")
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[TableDiff], str]] = {
    "text": to_text, "markdown": to_markdown, "json": to_json, "junit": to_junit,
    "github": to_github,
}


def render(diff: TableDiff, fmt: str) -> str:
    """``diff`` in one of :data:`FORMATS`."""
    return RENDERERS[fmt](diff)
