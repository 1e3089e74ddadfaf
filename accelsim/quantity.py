"""Quantities with units, as people write them in hardware configs, to exact integers.

SI prefixes are decimal ("1 MB" = 10**6 bytes, "1 GB/s" = 10**9 bytes/s), IEC
prefixes binary ("1 MiB" = 2**20 bytes). A capital B is a byte, a lower-case b
a bit. Values are parsed exactly (``Fraction``), so "1.5 MB" is 1,500,000
bytes and "0.1 b" is an error rather than a rounding.

Each parser raises ``ValueError`` with a message of the form
``expected a size like "1 MB" or "512 KiB", got 'lots'``; the config layer adds
the file and field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from fractions import Fraction

from accelsim.errors import quoted
from accelsim.limits import MAX_NUMBER_DIGITS, MAX_NUMBER_EXPONENT

_NUMBER = r"(?P<num>-?(?P<digits>[0-9]+(?:\.[0-9]*)?)(?:[eE](?P<exp>[+-]?[0-9]+))?)"
_PATTERN = re.compile(rf"^\s*{_NUMBER}\s*(?P<unit>[A-Za-z/]+)\s*$", re.ASCII)
_MAX_TEXT = MAX_NUMBER_DIGITS + 32
"""Characters of a quantity's text: its number, an exponent, spaces and a unit."""

_SI = {"": 1, "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}
_IEC = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}

# Sizes and rates of data: prefix + B (bytes) or b (bits).
_DATA_UNITS: dict[str, Fraction] = {}
for _p, _f in {**_SI, **_IEC}.items():
    _DATA_UNITS[f"{_p}B"] = Fraction(_f * 8)
    _DATA_UNITS[f"{_p}b"] = Fraction(_f)
_DATA_UNITS["bit"] = _DATA_UNITS["bits"] = Fraction(1)
_DATA_UNITS["byte"] = _DATA_UNITS["bytes"] = Fraction(8)

_FREQ_UNITS = {"Hz": 1, "kHz": 10**3, "KHz": 10**3, "MHz": 10**6, "GHz": 10**9}
_OPS_UNITS = {"OPS": 1, "KOPS": 10**3, "MOPS": 10**6, "GOPS": 10**9, "TOPS": 10**12, "POPS": 10**15}
_TIME_UNITS = {"s": 10**12, "ms": 10**9, "us": 10**6, "ns": 10**3, "ps": 1}
_ENERGY_UNITS = {"J": 10**15, "mJ": 10**12, "uJ": 10**9, "nJ": 10**6, "pJ": 10**3, "fJ": 1}
_POWER_UNITS = {"MW": 10**15, "kW": 10**12, "W": 10**9, "mW": 10**6, "uW": 10**3, "nW": 1}


def _per_text(parse: Callable[[object], int]) -> Callable[[object], int]:
    """``parse``, remembered per text (parsers are pure; a sweep validates the same
    few texts at every design point). Errors and non-text values are not kept."""
    known: dict[str, int] = {}

    @functools.wraps(parse)
    def parse_text(text: object) -> int:
        if type(text) is not str:
            return parse(text)
        value = known.get(text)
        if value is None:
            if len(known) >= 4096:
                known.clear()
            value = known[text] = parse(text)
        return value

    return parse_text


def _split(text: object, example: str, what: str) -> tuple[Fraction, str]:
    if isinstance(text, bool) or not isinstance(text, str):
        raise ValueError(f'expected {what} like "{example}", got {quoted(text)} (a unit is '
                         "required)")
    if len(text) > _MAX_TEXT:
        raise ValueError(f'expected {what} like "{example}", got {len(text):,} characters')
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f'expected {what} like "{example}", got {text!r}')
    # Bounded before Fraction sees it: "1e100000000" would build a 300-million-bit integer.
    digits = len(match["digits"].replace(".", "").lstrip("0"))
    if digits > MAX_NUMBER_DIGITS or abs(int(match["exp"] or 0)) > MAX_NUMBER_EXPONENT:
        raise ValueError(f"{what} {text!r} is out of range (at most {MAX_NUMBER_DIGITS} digits "
                         f"and an exponent within +-{MAX_NUMBER_EXPONENT})")
    value = Fraction(match["num"])
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {text!r}")
    return value, match["unit"]


def _exact_int(value: Fraction, text: str, what: str) -> int:
    if value.denominator != 1:
        raise ValueError(f"{what} {text!r} is not a whole number of its base unit")
    return int(value)


def _lookup(unit: str, table: dict[str, int] | dict[str, Fraction], text: str, what: str,
            example: str) -> Fraction:
    if unit not in table:
        raise ValueError(
            f'expected {what} like "{example}", got {text!r}: unknown unit {unit!r} '
            f"(known: {', '.join(table)})")
    return Fraction(table[unit])


@_per_text
def parse_size_bits(text: object) -> int:
    """A data size ("1 MB", "512 KiB", "8 Mb") in bits."""
    example = '1 MB" or "512 KiB'
    num, unit = _split(text, example, "a size")
    bits = num * _lookup(unit, _DATA_UNITS, str(text), "a size", example)
    return _exact_int(bits, str(text), "size")


def parse_size_bytes(text: object) -> int:
    """A data size in whole bytes."""
    bits = parse_size_bits(text)
    if bits % 8:
        raise ValueError(f"size {text!r} is not a whole number of bytes")
    return bits // 8


@_per_text
def parse_rate_bits_per_s(text: object) -> int:
    """A data rate ("1 GB/s", "12.8 GB/s", "800 Mb/s") in bits per second."""
    example = "1 GB/s"
    num, unit = _split(text, example, "a data rate")
    if not unit.endswith("/s"):
        raise ValueError(f'expected a data rate like "{example}", got {text!r}: missing "/s"')
    bits = num * _lookup(unit[:-2], _DATA_UNITS, str(text), "a data rate", example)
    return _exact_int(bits, str(text), "data rate")


@_per_text
def parse_frequency_hz(text: object) -> int:
    """A clock frequency ("800 MHz", "1.25 GHz") in hertz."""
    num, unit = _split(text, "800 MHz", "a frequency")
    return _exact_int(num * _lookup(unit, _FREQ_UNITS, str(text), "a frequency", "800 MHz"),
                      str(text), "frequency")


@_per_text
def parse_ops_per_s(text: object) -> int:
    """A compute throughput ("1 TOPS", "500 GOPS") in operations per second."""
    num, unit = _split(text, "1 TOPS", "a throughput")
    return _exact_int(num * _lookup(unit, _OPS_UNITS, str(text), "a throughput", "1 TOPS"),
                      str(text), "throughput")


@_per_text
def parse_time_ps(text: object) -> int:
    """A duration ("1.25 ns", "7.8 us") in picoseconds."""
    num, unit = _split(text, "1.25 ns", "a duration")
    return _exact_int(num * _lookup(unit, _TIME_UNITS, str(text), "a duration", "1.25 ns"),
                      str(text), "duration (in ps)")


@_per_text
def parse_energy_fj(text: object) -> int:
    """An energy ("0.2 pJ", "1.3 nJ") in femtojoules."""
    num, unit = _split(text, "0.2 pJ", "an energy")
    return _exact_int(num * _lookup(unit, _ENERGY_UNITS, str(text), "an energy", "0.2 pJ"),
                      str(text), "energy (in fJ)")


@_per_text
def parse_power_nw(text: object) -> int:
    """A power ("50 mW", "1.2 W") in nanowatts."""
    num, unit = _split(text, "50 mW", "a power")
    return _exact_int(num * _lookup(unit, _POWER_UNITS, str(text), "a power", "50 mW"),
                      str(text), "power (in nW)")


def format_bits(bits: int) -> str:
    """Human-readable decimal size of a bit count, for messages and reports."""
    value = Fraction(bits, 8)
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if value >= factor:
            return f"{float(value / factor):.4g} {unit}"
    return f"{float(value):.4g} B"


def _decimal(q: Fraction) -> str | None:
    """``q`` as an exact decimal of at most 6 places, or None."""
    for places in range(7):
        scaled = q * 10**places
        if scaled.denominator == 1:
            text = f"{int(scaled):0{places + 1}d}"
            return f"{text[:-places]}.{text[-places:]}" if places else text
    return None


def _exact(value: int, units: dict[str, int]) -> str:
    """``value`` (in the base unit) as the shortest exact text in one of ``units``, a
    number of at least 1 and SI prefixes preferred ("1 MB", "1 MiB", "12.5 pJ", "0 fJ")."""
    if value == 0:
        return f"0 {min(units, key=lambda unit: units[unit])}"
    candidates = []
    for unit, factor in units.items():
        q = Fraction(value, factor)
        text = _decimal(q)
        if text is not None:
            candidates.append(((q < 1, len(text), "i" in unit, -factor), f"{text} {unit}"))
    return min(candidates)[1]


_BYTE_UNITS = {f"{p}B": f for p, f in {**_SI, **_IEC}.items() if p != "k"}


def exact_size(bits: int) -> str:
    """A size in bits as text that :func:`parse_size_bits` reads back to the same
    integer: bytes with the best SI or IEC prefix, bits when not whole bytes."""
    return _exact(bits // 8, _BYTE_UNITS) if bits % 8 == 0 else f"{bits} b"


def exact_rate(bits_per_s: int) -> str:
    """A data rate in bits/s as text :func:`parse_rate_bits_per_s` reads back exactly."""
    return f"{exact_size(bits_per_s)}/s"


def exact_ops(ops_per_s: int) -> str:
    """A throughput in ops/s as text :func:`parse_ops_per_s` reads back exactly."""
    return _exact(ops_per_s, _OPS_UNITS)


def exact_frequency(hz: int) -> str:
    """A clock in Hz as text :func:`parse_frequency_hz` reads back exactly."""
    return _exact(hz, {k: v for k, v in _FREQ_UNITS.items() if k != "KHz"})


def exact_energy(fj: int) -> str:
    """An energy in fJ as text :func:`parse_energy_fj` reads back exactly."""
    return _exact(fj, _ENERGY_UNITS)


def exact_power(nw: int) -> str:
    """A power in nW as text :func:`parse_power_nw` reads back exactly."""
    return _exact(nw, _POWER_UNITS)


def _scaled(value: float, units: tuple[tuple[str, float], ...], digits: int) -> str:
    """``value`` in the largest of ``units`` (largest first) it reaches, ``digits``
    significant digits, no exponent; the last unit below that."""
    for unit, factor in units:
        if abs(value) >= factor:
            return f"{_significant(value / factor, digits)} {unit}"
    unit, factor = units[-1]
    return f"{_significant(value / factor, digits)} {unit}"


def _significant(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits, in positional notation."""
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:.{max(digits - 1 - int(f'{x:e}'.split('e')[1]), 0)}f}"
    return text


def format_time_ps(time_ps: int | float, digits: int = 4) -> str:
    """A duration for people: "1.412 ms", "2.568 us", "72 ns", "0 s"."""
    if time_ps == 0:
        return "0 s"
    return _scaled(time_ps, (("s", 1e12), ("ms", 1e9), ("us", 1e6), ("ns", 1e3), ("ps", 1)),
                   digits)


def format_bytes(n: int | float, digits: int = 4) -> str:
    """A size for people, decimal prefixes: "1.169 MB", "117.3 KB", "512 B"."""
    if abs(n) < 1000:
        return f"{n:,.0f} B" if float(n).is_integer() else f"{n:.{digits}g} B"
    return _scaled(n, (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)), digits)


def format_energy_pj(energy_pj: float, digits: int = 4) -> str:
    """An energy for people: "268.7 uJ", "1.23 nJ", "0 J"."""
    if energy_pj == 0:
        return "0 J"
    return _scaled(energy_pj, (("J", 1e12), ("mJ", 1e9), ("uJ", 1e6), ("nJ", 1e3), ("pJ", 1)),
                   digits)
