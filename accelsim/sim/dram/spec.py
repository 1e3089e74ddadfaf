"""The parameters of one DRAM memory system: standard, timing, organisation, bus and controller.

A :class:`DramSpec` is one JEDEC standard (:mod:`accelsim.sim.dram.standards`)
with the clock timings of a speed bin, the organisation of its devices, the
bus they make, and the controller in front of each channel (queue depth,
refresh kind, address mapping). Every timing is in clocks of the DRAM command
clock, whose period is ``tck_ps`` picoseconds. Presets (speed bins, device
organisations, with their sources) live in :mod:`accelsim.hw.dram_presets`;
this module only holds the values and checks them, each against its accepted
range, so that nothing absurd reaches the controller.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from accelsim.errors import ConfigError
from accelsim.sim.dram.mapping import AddressMapping
from accelsim.sim.dram.standard import TBURST, Standard

#: Largest clock count a timing may have: 2**24 clocks is over 16 ms at 1 GHz,
#: beyond any JEDEC timing, and keeps every sum of timings far from overflow.
MAX_CLOCKS = 1 << 24
#: Longest and shortest clock period accepted, ps (1 ps .. 1 us).
TCK_RANGE_PS = (1, 1_000_000)
#: Queue depth range per channel, bursts.
QUEUE_DEPTH_RANGE = (1, 1024)
#: Ranks (or pseudo-channels) and channels: powers of two up to these.
MAX_RANKS = 8
MAX_CHANNELS = 64
REFRESH_OFF = "off"


class SpecError(ConfigError):
    """A DRAM value outside what the standard allows; ``field`` is its path in the
    ``dram`` section (``timing.cl``, ``queue_depth``), ``detail`` what was expected."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"dram.{field}: {detail}")
        self.field = field
        self.detail = detail


class TimingValues(Mapping[str, int]):
    """An immutable, hashable mapping of timing parameter -> clocks."""

    __slots__ = ("_items", "_dict")

    def __init__(self, values: Mapping[str, int]) -> None:
        self._items = tuple(sorted(values.items()))
        self._dict = dict(self._items)

    def __getitem__(self, key: str) -> int:
        return self._dict[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TimingValues) and self._items == other._items

    def __repr__(self) -> str:
        return f"TimingValues({self._dict!r})"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _power_of_two(value: object, limit: int) -> bool:
    return _is_int(value) and 1 <= value <= limit and value & (value - 1) == 0  # type: ignore[operator]


@dataclass(frozen=True)
class DramSpec:
    """A DRAM memory system (see the module docstring).

    Organisation: each device is ``device_width_bits`` wide, of
    ``density_gbit`` Gb, with ``bankgroups`` x ``banks_per_group`` banks of
    ``rows`` rows of ``columns`` columns (one column is one device-width word);
    ``bus_width_bits // device_width_bits`` devices form a rank, ``ranks``
    ranks (HBM2: pseudo-channels) make a channel, ``channels`` channels run
    independently. Controller: ``queue_depth`` bursts per channel, ``refresh``
    a refresh kind of the standard or "off", ``mapping`` the address mapping.
    """

    standard: Standard
    name: str
    tck_ps: int
    timing: TimingValues
    device_width_bits: int
    density_gbit: int
    bankgroups: int
    banks_per_group: int
    rows: int
    columns: int
    bus_width_bits: int
    mapping: AddressMapping
    ranks: int = 1
    channels: int = 1
    refresh: str = ""
    queue_depth: int = 32
    _layout: dict[str, tuple[int, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        std = self.standard
        if not self.refresh:
            object.__setattr__(self, "refresh", std.refresh[0].name)
        if not isinstance(self.timing, TimingValues):
            object.__setattr__(self, "timing", TimingValues(self.timing))
        lo, hi = TCK_RANGE_PS
        if not _is_int(self.tck_ps) or not lo <= self.tck_ps <= hi:
            raise SpecError("timing.tck_ps", f"expected a clock period from {lo} to {hi} ps, "
                                             f"got {self.tck_ps!r}")
        missing = [p for p in std.timing_params if p not in self.timing]
        if missing:
            raise SpecError(f"timing.{missing[0]}", f"{std.name} needs a value for it")
        for name, value in self.timing.items():
            if name not in std.timing_params:
                raise SpecError(f"timing.{name}", f"{std.name} has no such timing; expected one "
                                                  f"of {', '.join(std.timing_params)} or tck_ps")
            low = std.min_clocks.get(name, 1)
            if not _is_int(value) or not low <= value <= MAX_CLOCKS:
                raise SpecError(f"timing.{name}", f"expected a whole number of clocks from {low} "
                                                  f"to {MAX_CLOCKS}, got {value!r}")
        values = self.clocks
        for c in std.checks:
            if not c.holds(values):
                raise SpecError(f"timing.{c.lhs.text.split()[0]}",
                                f"expected {c.lhs.text} {c.op} {c.rhs.text} = "
                                f"{c.rhs.evaluate(values)} ({c.reason}), got "
                                f"{c.lhs.evaluate(values)}")
        for name, limit in (("bankgroups", 64), ("banks_per_group", 64), ("rows", 1 << 24),
                            ("columns", 1 << 16)):
            value = getattr(self, name)
            if not _power_of_two(value, limit):
                raise SpecError(name, f"expected a power of two from 1 to {limit}, got {value!r}")
        if not _power_of_two(self.ranks, MAX_RANKS):
            raise SpecError(std.rank_level + "s", f"expected 1, 2, 4 or 8, got {self.ranks!r}")
        if not _power_of_two(self.channels, MAX_CHANNELS):
            raise SpecError("channels", f"expected a power of two from 1 to {MAX_CHANNELS}, got "
                                        f"{self.channels!r}")
        if not _is_int(self.device_width_bits) or not _is_int(self.bus_width_bits) or \
                self.device_width_bits < 1 or self.bus_width_bits < self.device_width_bits or \
                self.bus_width_bits % self.device_width_bits or self.bus_width_bits > 1024:
            raise SpecError("bus_width_bits",
                            f"a x{self.bus_width_bits!r} bus cannot be built from "
                            f"x{self.device_width_bits!r} devices (needs a multiple of "
                            f"{self.device_width_bits!r}, at most 1024)")
        if self.bus_width_bits * std.burst_length % 8:
            raise SpecError("bus_width_bits", f"a burst of x{self.bus_width_bits} is not whole "
                                              "bytes")
        if self.columns < std.burst_length:
            raise SpecError("columns", f"expected at least {std.burst_length}, got {self.columns}")
        lo, hi = QUEUE_DEPTH_RANGE
        if not _is_int(self.queue_depth) or not lo <= self.queue_depth <= hi:
            raise SpecError("queue_depth", f"expected a whole number of bursts from {lo} to {hi}, "
                                           f"got {self.queue_depth!r}")
        kinds = [k.name for k in std.refresh] + [REFRESH_OFF]
        if self.refresh not in kinds:
            raise SpecError("refresh", f"{std.name} refreshes {' or '.join(kinds)}, got "
                                       f"{self.refresh!r}")
        try:
            layout = self.mapping.layout({
                "channel": self.channels, "rank": self.ranks, "bankgroup": self.bankgroups,
                "bank": self.banks_per_group, "row": self.rows, "column": self.bursts_per_row})
        except ConfigError as exc:
            raise SpecError("mapping", str(exc).removeprefix("mapping: ")) from None
        object.__setattr__(self, "_layout", layout)

    # --- timing ---------------------------------------------------------------
    @cached_property
    def clocks(self) -> dict[str, int]:
        """Every timing in clocks, with the derived ``tburst``: what rule expressions use."""
        return {**self.timing, TBURST: self.tburst}

    @property
    def refresh_enabled(self) -> bool:
        return self.refresh != REFRESH_OFF

    # --- organisation -------------------------------------------------------
    @property
    def burst_length(self) -> int:
        return self.standard.burst_length

    @property
    def tburst(self) -> int:
        """Data-bus clocks of one burst (BL / transfers per clock)."""
        return self.standard.tburst

    @property
    def banks(self) -> int:
        """Banks per rank."""
        return self.bankgroups * self.banks_per_group

    @property
    def devices_per_rank(self) -> int:
        return self.bus_width_bits // self.device_width_bits

    @property
    def bus_bytes(self) -> int:
        return self.bus_width_bits // 8

    @property
    def page_bytes(self) -> int:
        """Row (page) size of one device, bytes."""
        return self.columns * self.device_width_bits // 8

    @property
    def row_bytes(self) -> int:
        """Bytes in one row of one bank across the rank (page x devices)."""
        return self.page_bytes * self.devices_per_rank

    @property
    def burst_bytes(self) -> int:
        """Bytes moved by one burst on the whole bus of a rank."""
        return self.bus_width_bits * self.burst_length // 8

    @property
    def bursts_per_row(self) -> int:
        return self.columns // self.burst_length

    @property
    def capacity_bytes(self) -> int:
        return self.row_bytes * self.rows * self.banks * self.ranks * self.channels

    @property
    def peak_bandwidth_bytes_per_s(self) -> float:
        """All channels (and pseudo-channels, which have their own data buses)."""
        buses = self.channels * (1 if self.standard.rank_shares_data_bus else self.ranks)
        return buses * self.bus_bytes * self.standard.data_rate * 1e12 / self.tck_ps

    @property
    def layout(self) -> dict[str, tuple[int, int]]:
        """(shift, bits) of each address field in a global burst index."""
        return self._layout
