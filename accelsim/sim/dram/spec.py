"""The parameters of one DDR3 memory system: device timing, organisation, bus and controller.

A :class:`Ddr3Spec` describes JEDEC DDR3 SDRAM (JESD79-3) behind one open-page
FR-FCFS controller per channel. Every timing is in clock cycles of the DRAM
command clock, whose period is ``tck_ps`` picoseconds; data moves on both
edges, so a BL8 burst occupies ``burst_length // 2`` clocks of the data bus.
Presets (JEDEC speed bins) live in :mod:`accelsim.hw.ddr3_presets`; this
module only holds and checks the values.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from accelsim.errors import ConfigError

#: Address mappings, most to least significant field of a channel-local burst
#: index. The channel is always the least significant field (channels
#: interleave burst by burst), and ``row`` is always the most significant so
#: a row stays open across a whole row-sized stripe of addresses.
ADDRESS_MAPPINGS: dict[str, tuple[str, ...]] = {
    # Row | rank | bank | column: a sequential stream fills a whole row of a
    # bank before it moves to the next bank (the reference simulators' map).
    "row_rank_bank_column": ("row", "rank", "bank", "column"),
    # Row | column | rank | bank: consecutive bursts rotate over the banks.
    "row_column_rank_bank": ("row", "column", "rank", "bank"),
    # Row | bank | rank | column: as the default, ranks interleave before banks.
    "row_bank_rank_column": ("row", "bank", "rank", "column"),
}

DEFAULT_ADDRESS_MAPPING = "row_rank_bank_column"

_DEVICE_WIDTHS_BITS = (4, 8, 16)
_BUS_WIDTHS_BITS = (8, 16, 32, 64)

# Fields that are clock-cycle timings and must be >= 1.
TIMING_FIELDS: tuple[str, ...] = (
    "cl", "cwl", "trcd", "trp", "tras", "trc", "trrd", "tfaw", "twr", "twtr",
    "trtp", "tccd", "trfc", "trefi", "trtrs")


def _is_power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


@dataclass(frozen=True)
class Ddr3Spec:
    """A DDR3 channel set: JEDEC timing in clocks, device organisation and controller.

    Timings (clock cycles of ``tck_ps`` ps): ``cl`` read latency, ``cwl``
    write latency, ``trcd`` ACT->RD/WR, ``trp`` PRE->ACT, ``tras`` ACT->PRE,
    ``trc`` ACT->ACT same bank, ``trrd`` ACT->ACT other bank, ``tfaw`` window
    holding at most four ACTs, ``twr`` write recovery (end of write data ->
    PRE), ``twtr`` end of write data -> RD, ``trtp`` RD->PRE, ``tccd`` column
    command spacing, ``trfc`` REF duration, ``trefi`` refresh interval,
    ``trtrs`` rank-to-rank data-bus switch.

    Organisation: each device is ``device_width_bits`` wide with ``banks``
    banks of ``rows`` rows of ``columns`` columns; ``bus_width_bits //
    device_width_bits`` devices form a rank; ``ranks`` ranks share a
    channel's bus; ``channels`` channels run independently.

    Controller: ``queue_depth`` bursts per channel, all-bank refresh when
    ``refresh_enabled``, and an address mapping named in
    :data:`ADDRESS_MAPPINGS`.
    """

    name: str
    tck_ps: int
    cl: int
    cwl: int
    trcd: int
    trp: int
    tras: int
    trc: int
    trrd: int
    tfaw: int
    twr: int
    twtr: int
    trtp: int
    tccd: int
    trfc: int
    trefi: int
    device_width_bits: int
    density_gbit: int
    banks: int
    rows: int
    columns: int
    bus_width_bits: int = 64
    ranks: int = 1
    channels: int = 1
    burst_length: int = 8
    trtrs: int = 1
    refresh_enabled: bool = True
    queue_depth: int = 32
    address_mapping: str = DEFAULT_ADDRESS_MAPPING

    def __post_init__(self) -> None:
        if not isinstance(self.tck_ps, int) or self.tck_ps < 1:
            raise ConfigError(f"ddr3.tck_ps: expected a positive integer of picoseconds, got {self.tck_ps!r}")
        for name in TIMING_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"ddr3.{name}: expected a positive whole number of clocks, got {value!r}")
        if self.device_width_bits not in _DEVICE_WIDTHS_BITS:
            raise ConfigError(f"ddr3.device_width_bits: expected one of {_DEVICE_WIDTHS_BITS}, "
                              f"got {self.device_width_bits!r}")
        if self.bus_width_bits not in _BUS_WIDTHS_BITS:
            raise ConfigError(f"ddr3.bus_width_bits: expected one of {_BUS_WIDTHS_BITS}, "
                              f"got {self.bus_width_bits!r}")
        if self.bus_width_bits % self.device_width_bits:
            raise ConfigError(
                f"ddr3.bus_width_bits: a x{self.bus_width_bits} bus cannot be built from "
                f"x{self.device_width_bits} devices (needs a multiple of {self.device_width_bits})")
        for name in ("banks", "rows", "columns", "ranks", "channels"):
            value = getattr(self, name)
            if not isinstance(value, int) or not _is_power_of_two(value):
                raise ConfigError(f"ddr3.{name}: expected a power of two >= 1, got {value!r}")
        if self.burst_length != 8:
            raise ConfigError(f"ddr3.burst_length: only BL8 is modelled, got {self.burst_length!r}")
        if self.columns < self.burst_length:
            raise ConfigError(f"ddr3.columns: expected at least {self.burst_length}, got {self.columns}")
        if not isinstance(self.queue_depth, int) or self.queue_depth < 1:
            raise ConfigError(f"ddr3.queue_depth: expected a positive integer, got {self.queue_depth!r}")
        if self.address_mapping not in ADDRESS_MAPPINGS:
            raise ConfigError(f"ddr3.address_mapping: expected one of {sorted(ADDRESS_MAPPINGS)}, "
                              f"got {self.address_mapping!r}")
        if self.tras + self.trp > self.trc:
            raise ConfigError(f"ddr3.trc: expected >= tras + trp = {self.tras + self.trp}, got {self.trc}")
        if self.tccd < self.burst_length // 2:
            raise ConfigError(f"ddr3.tccd: expected >= BL/2 = {self.burst_length // 2}, got {self.tccd}")
        if self.trefi <= self.trfc:
            raise ConfigError(f"ddr3.trefi: expected more than trfc = {self.trfc}, got {self.trefi}")

    # --- organisation -------------------------------------------------------
    @property
    def devices_per_rank(self) -> int:
        return self.bus_width_bits // self.device_width_bits

    @property
    def bus_bytes(self) -> int:
        return self.bus_width_bits // 8

    @property
    def page_bytes(self) -> int:
        """Row (page) size of one device, bytes: 1 KB or 2 KB for JEDEC DDR3."""
        return self.columns * self.device_width_bits // 8

    @property
    def row_bytes(self) -> int:
        """Bytes in one row of one bank across the rank (page x devices)."""
        return self.page_bytes * self.devices_per_rank

    @property
    def burst_bytes(self) -> int:
        """Bytes moved by one BL8 burst on the whole bus."""
        return self.bus_bytes * self.burst_length

    @property
    def bursts_per_row(self) -> int:
        return self.columns // self.burst_length

    @property
    def tburst(self) -> int:
        """Data-bus clocks of one burst (BL/2, double data rate)."""
        return self.burst_length // 2

    @property
    def capacity_bytes(self) -> int:
        return self.row_bytes * self.rows * self.banks * self.ranks * self.channels

    @property
    def peak_bandwidth_bytes_per_s(self) -> float:
        """All channels: bus bytes x 2 transfers per clock / tCK."""
        return self.channels * self.bus_bytes * 2 * 1e12 / self.tck_ps

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))
