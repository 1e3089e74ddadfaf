"""Reader of DRAM request traces: ``R 0x<addr>`` or ``W 0x<addr>``, optionally a size, per line.

The format of DRAMsim3's and Ramulator's trace front ends as the reference
streams use it: an operation letter (R read, W write) and a byte address in
hexadecimal, and, as accelsim's extension, an optional request size in bytes
(``R 0x1000 32``, decimal or ``0x`` hex). Without a size a request is one
burst of the channel it runs on. Blank lines and ``#`` comments are ignored.

Anything else is a :class:`~accelsim.errors.TraceError` naming the file and
line: an unknown operation, an address beyond 64 bits, a size of 0 or above
:data:`MAX_REQUEST_BYTES`, bytes that are not ASCII text, a line longer than
:data:`MAX_LINE_CHARS`, or more than :data:`MAX_REQUESTS` requests, so that
a hostile file costs bounded time and memory.
"""

from __future__ import annotations

from pathlib import Path

from accelsim.errors import TraceError

_OPS = {"R": False, "W": True}
MAX_ADDRESS = (1 << 64) - 1  #: addresses are 64-bit byte addresses
MAX_REQUEST_BYTES = 1 << 30  #: 1 GiB in one request
MAX_REQUESTS = 2_000_000  #: requests in one trace
MAX_LINE_CHARS = 1024

Request = tuple[bool, int] | tuple[bool, int, int]


def _number(text: str, hex_only: bool) -> int | None:
    low = text.lower()
    try:
        if low.startswith("0x") and len(low) > 2:
            return int(low[2:], 16)
        if not hex_only and text.isdigit():
            return int(text)
    except ValueError:
        return None
    return None


def parse_trace(path: str | Path) -> list[Request]:
    """Requests of the trace file at ``path``: ``(is_write, byte address)`` or
    ``(is_write, byte address, bytes)`` when the line gives a size, in file order."""
    path = Path(path)
    requests: list[Request] = []
    try:
        with path.open("rb") as f:
            for lineno, raw in enumerate(iter(lambda: f.readline(MAX_LINE_CHARS + 1), b""),
                                         start=1):
                if len(raw) > MAX_LINE_CHARS and not raw.endswith(b"\n"):
                    raise TraceError(f"{path}:{lineno}: line longer than {MAX_LINE_CHARS} "
                                     "characters")
                request = _parse_line(path, lineno, raw)
                if request is None:
                    continue
                if len(requests) == MAX_REQUESTS:
                    raise TraceError(f"{path}:{lineno}: more than {MAX_REQUESTS:,} requests; "
                                     "split the trace")
                requests.append(request)
    except OSError as err:
        raise TraceError(f"{path}: cannot read trace ({err.strerror or err})") from None
    return requests


def _parse_line(path: Path, lineno: int, raw: bytes) -> Request | None:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise TraceError(f"{path}:{lineno}: not a text line (binary or non-ASCII bytes); "
                         "expected 'R 0x<hex address>' or 'W 0x<hex address> [bytes]'") from None
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\r\n\f\v" for ch in text):
        raise TraceError(f"{path}:{lineno}: not a text line (control bytes); expected "
                         "'R 0x<hex address>' or 'W 0x<hex address> [bytes]'")
    line = text.split("#", 1)[0].strip()
    if not line:
        return None
    parts = line.split()
    shown = line if len(line) <= 60 else line[:57] + "..."
    address = _number(parts[1], hex_only=True) if len(parts) in (2, 3) else None
    if parts[0].upper() not in _OPS or address is None:
        raise TraceError(f"{path}:{lineno}: expected 'R 0x<hex address>' or "
                         f"'W 0x<hex address> [bytes]', got {shown!r}")
    if address > MAX_ADDRESS:
        raise TraceError(f"{path}:{lineno}: address {parts[1][:40]} is beyond 64 bits")
    is_write = _OPS[parts[0].upper()]
    if len(parts) == 2:
        return is_write, address
    size = _number(parts[2], hex_only=False)
    if size is None or not 1 <= size <= MAX_REQUEST_BYTES:
        raise TraceError(f"{path}:{lineno}: request size must be a whole number of bytes from 1 "
                         f"to {MAX_REQUEST_BYTES}, got {parts[2][:40]!r}")
    return is_write, address, size
