"""The trace reader: R/W lines with an optional size, comments, and one-line errors naming
file:line for everything else (binary bytes, 128-bit addresses, absurd sizes, long lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import TraceError
from accelsim.sim.dram.trace import MAX_LINE_CHARS, parse_trace


def test_parses_reads_writes_sizes_comments(tmp_path: Path) -> None:
    f = tmp_path / "t.trace"
    f.write_text("# a header\nR 0x0\n\nW 0x40  # a write\nr 0XFF00\nR 0x1000 32\nW 0x80 0x100\n"
                 "R 0xffffffffffffffff\n")
    assert parse_trace(f) == [(False, 0), (True, 0x40), (False, 0xFF00), (False, 0x1000, 32),
                              (True, 0x80, 256), (False, (1 << 64) - 1)]


@pytest.mark.parametrize("line,message", [
    ("X 0x10", "expected 'R 0x<hex address>'"), ("R", "expected 'R 0x<hex address>'"),
    ("R 0x", "expected 'R 0x<hex address>'"), ("R 16", "expected 'R 0x<hex address>'"),
    ("R 0xzz", "expected 'R 0x<hex address>'"), ("R 0x10 0x20 7", "expected 'R 0x<hex address>'"),
    ("W -0x10", "expected 'R 0x<hex address>'"),
    ("R 0x" + "f" * 32, "address 0xffffffffffffffffffffffffffffffff is beyond 64 bits"),
    ("R 0x10 0", "request size must be a whole number of bytes from 1"),
    ("R 0x10 -4", "request size must be a whole number of bytes from 1"),
    ("R 0x10 99999999999", "request size must be a whole number of bytes from 1"),
    ("R 0x10 lots", "request size must be a whole number of bytes from 1"),
])
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "bad.trace"
    f.write_text(f"R 0x0\n# ok\n{line}\n")
    with pytest.raises(TraceError, match=r"bad\.trace:3: ") as err:
        parse_trace(f)
    assert message in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("payload", [b"R 0x0\n\x89PNG\r\n\x1a\n\x00\x00", b"R 0x0\nR 0x\xff\xfe\n",
                                     b"R 0x0\nR 0x40\x00\n"])
def test_binary_bytes_name_the_line(tmp_path: Path, payload: bytes) -> None:
    f = tmp_path / "bin.trace"
    f.write_bytes(payload)
    with pytest.raises(TraceError, match=r"bin\.trace:2: not a text line") as err:
        parse_trace(f)
    assert "\n" not in str(err.value)


def test_a_huge_line_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    f = tmp_path / "long.trace"
    f.write_bytes(b"R 0x0\n" + b"R 0x" + b"1" * (10 * MAX_LINE_CHARS))
    with pytest.raises(TraceError, match=rf"long\.trace:2: line longer than {MAX_LINE_CHARS}"):
        parse_trace(f)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TraceError, match="cannot read trace"):
        parse_trace(tmp_path / "nope.trace")
