"""DRAM presets for every standard, and the one factory of :class:`DramSpec`.

Each standard has a preset family (:class:`PresetFamily`): its JEDEC speed
bins, the device organisations by density and width, the bus widths its
devices can make and its defaults, each table beside its source, in one
module per standard (``hw/ddr3_presets.py``, ``hw/ddr4_presets.py``...).
:func:`dram_spec` picks a bin and a device, applies per-field timing
overrides (in clocks, or ``tck_ps``) and builds the checked spec; every
mistake is one :class:`~accelsim.sim.dram.spec.SpecError` line naming the
field of the ``dram`` section and what it accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from accelsim.errors import ConfigError
from accelsim.sim.dram.mapping import AddressMapping
from accelsim.sim.dram.spec import QUEUE_DEPTH_RANGE, DramSpec, SpecError
from accelsim.sim.dram.standard import Standard
from accelsim.sim.dram.standards import STANDARDS, standard_named


def ceil_clocks(t_ps: int, tck_ps: int, min_clocks: int = 0) -> int:
    """JEDEC rounding of a time to clocks: ceil(t / tCK - 0.01), at least ``min_clocks``
    (JEDEC's rounding algorithm tolerates 1 % so that nominal tCKs round as intended)."""
    return max(min_clocks, -(-(100 * t_ps - tck_ps) // (100 * tck_ps)))


@dataclass(frozen=True)
class Device:
    """One device (or, for LPDDR and HBM2, one channel or pseudo-channel of a die):
    ``density_gbit``, data ``width_bits``, ``bankgroups`` x ``banks_per_group`` banks
    of ``rows`` rows of ``columns`` columns (one column: one ``width_bits`` word)."""

    density_gbit: int
    width_bits: int
    bankgroups: int
    banks_per_group: int
    rows: int
    columns: int

    @property
    def page_bytes(self) -> int:
        return self.columns * self.width_bits // 8


#: A family's timing function: (speed bin name, device, tCK in ps or None for the
#: bin's own) -> (tCK in ps, clock timings). It raises SpecError("timing.tck_ps", ...)
#: for a clock the bin cannot run at.
Resolve = Callable[[str, Device, int | None], tuple[int, dict[str, int]]]


@dataclass(frozen=True)
class PresetFamily:
    """The presets of one standard (see the module docstring)."""

    standard: Standard
    source: str
    bins: tuple[str, ...]
    default_bin: str
    devices: Mapping[tuple[int, int], Device]
    bus_widths: tuple[int, ...]
    default_density_gbit: int
    default_device_width_bits: int
    default_bus_width_bits: int
    default_mapping: str
    resolve: Resolve
    default_ranks: int = 1

    def bin_named(self, preset: str) -> str:
        """The canonical name of speed bin ``preset`` ("ddr4_2400r" is "DDR4-2400R")."""
        key = preset.strip().upper().replace("_", "-") if isinstance(preset, str) else ""
        prefix = self.standard.name + "-"
        if key and not key.startswith(prefix):
            key = prefix + key
        if key not in self.bins:
            raise SpecError("preset", f"{self.standard.name} has no speed bin {preset!r}; "
                                      f"expected one of {', '.join(self.bins)}")
        return key

    def device(self, density_gbit: object, width_bits: object) -> Device:
        dev = self.devices.get((density_gbit, width_bits))  # type: ignore[arg-type]
        if dev is None:
            densities = sorted({d for d, _ in self.devices})
            widths = sorted({w for _, w in self.devices})
            field = "density_gbit" if density_gbit not in densities else "device_width_bits"
            raise SpecError(field, f"no {self.standard.name} device of {density_gbit!r} Gb "
                                   f"x{width_bits!r}; expected a density in {densities} Gb and a "
                                   f"width in {widths} bits")
        return dev


_FAMILIES: dict[str, PresetFamily] = {}


def register(family: PresetFamily) -> PresetFamily:
    if family.standard.name in _FAMILIES:
        raise ValueError(f"{family.standard.name} presets registered twice")
    _FAMILIES[family.standard.name] = family
    return family


def family_of(standard: str | Standard) -> PresetFamily:
    std = standard if isinstance(standard, Standard) else standard_named(standard)
    _load()
    return _FAMILIES[std.name]


def _load() -> None:
    """Import every standard's preset module (each registers its family)."""
    if len(_FAMILIES) == len(STANDARDS):
        return
    from accelsim.hw import (  # noqa: F401  (each registers itself)
        ddr3_presets,
        ddr4_presets,
        hbm2_presets,
        lpddr4_presets,
        lpddr5_presets,
    )


def standard_of_preset(preset: str) -> Standard:
    """The standard a speed bin's name starts with ("LPDDR4-3200" -> LPDDR4)."""
    key = preset.strip().upper().replace("_", "-") if isinstance(preset, str) else ""
    for name in sorted(STANDARDS, key=len, reverse=True):  # LPDDR4 before DDR4
        if key.startswith(name + "-"):
            return STANDARDS[name]
    raise SpecError("preset", f"{preset!r} names no standard; expected a speed bin like "
                              "DDR4-2400R, or give dram.standard")


def dram_spec(standard: str | Standard | None = None, preset: str | None = None, *,
              density_gbit: int | None = None, device_width_bits: int | None = None,
              bus_width_bits: int | None = None, ranks: int | None = None, channels: int = 1,
              refresh: str | None = None, queue_depth: int = 32, mapping: str | None = None,
              timing: Mapping[str, int] | None = None) -> DramSpec:
    """The :class:`DramSpec` of speed bin ``preset`` of ``standard`` on the given devices.

    Either of ``standard`` and ``preset`` may be left out: the standard is then
    the one the preset names, the preset the standard's default bin. Device
    density and width, bus width and mapping default to the family's.
    ``timing`` overrides clock timings by name (and ``tck_ps``: a slower clock
    than the bin's re-rounds its nanosecond timings).
    """
    if standard is None:
        if preset is None:
            raise SpecError("standard", f"give a standard ({', '.join(STANDARDS)}) or a preset")
        std = standard_of_preset(preset)
    else:
        std = standard if isinstance(standard, Standard) else standard_named(standard)
    fam = family_of(std)
    bin_name = fam.bin_named(preset if preset is not None else fam.default_bin)
    device = fam.device(fam.default_density_gbit if density_gbit is None else density_gbit,
                        fam.default_device_width_bits if device_width_bits is None
                        else device_width_bits)
    bus = fam.default_bus_width_bits if bus_width_bits is None else bus_width_bits
    if bus not in fam.bus_widths or bus % device.width_bits:
        usable = [w for w in fam.bus_widths if w % device.width_bits == 0]
        raise SpecError("bus_width_bits", f"a x{bus!r} {std.name} bus cannot be built from "
                                          f"x{device.width_bits} devices; expected one of {usable}")
    overrides = dict(timing or {})
    for name in overrides:
        if name != "tck_ps" and name not in std.timing_params:
            raise SpecError(f"timing.{name}", f"{std.name} has no such timing; expected one of "
                                              f"tck_ps, {', '.join(std.timing_params)}")
    tck, values = fam.resolve(bin_name, device, overrides.pop("tck_ps", None))
    values.update(overrides)
    lo, hi = QUEUE_DEPTH_RANGE
    if not isinstance(queue_depth, int) or isinstance(queue_depth, bool) or \
            not lo <= queue_depth <= hi:
        raise SpecError("queue_depth", f"expected a whole number of bursts from {lo} to {hi}, got "
                                       f"{queue_depth!r}")
    try:
        amap = AddressMapping.parse(fam.default_mapping if mapping is None else mapping)
    except ConfigError as exc:  # the parser's, named for the section
        raise SpecError("mapping", str(exc).removeprefix("mapping: ")) from None
    name = f"{bin_name} {device.density_gbit}Gb x{device.width_bits} x{bus}"
    return DramSpec(
        standard=std, name=name, tck_ps=tck, timing=values,  # type: ignore[arg-type]
        device_width_bits=device.width_bits, density_gbit=device.density_gbit,
        bankgroups=device.bankgroups, banks_per_group=device.banks_per_group, rows=device.rows,
        columns=device.columns, bus_width_bits=bus, mapping=amap,
        ranks=fam.default_ranks if ranks is None else ranks,
        channels=channels, refresh=refresh or std.refresh[0].name, queue_depth=queue_depth)


def preset_names(standard: str | Standard) -> tuple[str, ...]:
    return family_of(standard).bins
