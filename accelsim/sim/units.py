"""The simulator's units, defined once: its time base and how bits round to bytes.

Every other module (the simulator's, the figures', the reports') takes these
from here, so that a second, subtly different definition cannot appear.
"""

from __future__ import annotations

PS_PER_S = 10**12
"""Picoseconds per second: the simulator's time base (integer picoseconds)."""


def bytes_of(bits: int) -> int:
    """Whole bytes that hold ``bits`` (what a byte-addressed bus or memory moves)."""
    return -(-bits // 8)
