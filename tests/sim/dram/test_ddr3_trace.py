"""The trace reader: R/W lines, comments, blank lines, and one-line errors naming file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import TraceError
from accelsim.sim.dram.trace import parse_trace


def test_parses_reads_writes_comments(tmp_path: Path) -> None:
    f = tmp_path / "t.trace"
    f.write_text("# a header\nR 0x0\n\nW 0x40  # a write\nr 0XFF00\n")
    assert parse_trace(f) == [(False, 0), (True, 0x40), (False, 0xFF00)]


@pytest.mark.parametrize("line", ["X 0x10", "R", "R 0x", "R 16", "R 0xzz", "R 0x10 0x20", "W -0x10"])
def test_bad_line_names_file_and_line(tmp_path: Path, line: str) -> None:
    f = tmp_path / "bad.trace"
    f.write_text(f"R 0x0\n# ok\n{line}\n")
    with pytest.raises(TraceError, match=r"bad\.trace:3: expected 'R 0x<hex address>'") as err:
        parse_trace(f)
    assert "\n" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="cannot read trace"):
        parse_trace(tmp_path / "nope.trace")
