"""Reader of DRAM request traces: one ``R 0x<addr>`` or ``W 0x<addr>`` per line.

The format of DRAMsim3's and Ramulator 2's trace front ends as used by the
DDR3 reference streams: an operation letter (R read, W write) and a byte
address in hexadecimal. Blank lines and ``#`` comments are ignored.
"""

from __future__ import annotations

from pathlib import Path

from accelsim.errors import TraceError

_OPS = {"R": False, "W": True}


def parse_trace(path: str | Path) -> list[tuple[bool, int]]:
    """Requests of the trace file at ``path`` as ``(is_write, byte address)``, in file order."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise TraceError(f"{path}: cannot read trace ({err.strerror})") from None
    requests: list[tuple[bool, int]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        address = None
        if len(parts) == 2 and parts[0].upper() in _OPS and parts[1][:2].lower() == "0x":
            try:
                address = int(parts[1], 16)
            except ValueError:
                address = None
        if address is None or address < 0:
            raise TraceError(f"{path}:{lineno}: expected 'R 0x<hex address>' or "
                             f"'W 0x<hex address>', got {raw.strip()!r}")
        requests.append((_OPS[parts[0].upper()], address))
    return requests
