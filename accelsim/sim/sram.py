"""The on-chip SRAM buffer: a capacity and what is resident in it over time."""

from __future__ import annotations

import simpy


class SramOverflowError(RuntimeError):
    """A policy tried to hold more than the SRAM can: a bug in the policy, not user input."""


class Sram:
    """On-chip SRAM of ``capacity_bits`` bits.

    It tracks the bits resident at every simulated instant: ``occupy`` and
    ``release`` change the level and append ``(time_ps, used_bits)`` to
    ``occupancy``. Holding more than the capacity is impossible hardware, so it
    raises :class:`SramOverflowError`; policies must spill or tile first.
    Windows (:meth:`open_window`) measure the peak over a stretch of the run,
    such as while a layer's steps are running; several may be open at once.
    """

    def __init__(self, env: simpy.Environment, capacity_bits: int) -> None:
        if capacity_bits <= 0:
            raise ValueError(f'"capacity_bits" must be > 0, got {capacity_bits}')
        self.env = env
        self.capacity_bits = capacity_bits
        self.used_bits = 0
        self.peak_bits = 0
        self._windows: dict[int, int] = {}  # open window -> its peak so far
        self.occupancy: list[tuple[int, int]] = [(0, 0)]

    @property
    def free_bits(self) -> int:
        return self.capacity_bits - self.used_bits

    def occupy(self, bits: int) -> None:
        if bits < 0:
            raise ValueError(f'"bits" must be >= 0, got {bits}')
        if bits > self.free_bits:
            raise SramOverflowError(
                f"occupying {bits} bits with {self.used_bits} of {self.capacity_bits} in use")
        self._set(self.used_bits + bits)

    def release(self, bits: int) -> None:
        if not 0 <= bits <= self.used_bits:
            raise ValueError(f"cannot release {bits} bits with {self.used_bits} in use")
        self._set(self.used_bits - bits)

    def open_window(self, key: int) -> None:
        """Start measuring the peak level under ``key`` (a layer, say), from now."""
        self._windows[key] = self.used_bits

    def close_window(self, key: int) -> int:
        """The peak level since :meth:`open_window` of ``key``, which ends."""
        return self._windows.pop(key)

    def _set(self, used_bits: int) -> None:
        if used_bits == self.used_bits:
            return
        self.used_bits = used_bits
        if used_bits > self.peak_bits:
            self.peak_bits = used_bits
        for key, peak in self._windows.items():
            if used_bits > peak:
                self._windows[key] = used_bits
        now = int(self.env.now)
        if self.occupancy[-1][0] == now:
            self.occupancy[-1] = (now, used_bits)
        else:
            self.occupancy.append((now, used_bits))
