import pytest

from accelsim.quantity import (
    parse_frequency_hz,
    parse_ops_per_s,
    parse_rate_bits_per_s,
    parse_size_bits,
    parse_size_bytes,
    parse_time_ps,
)


@pytest.mark.parametrize("text, bits", [
    ("1 MB", 8_000_000),            # decimal, as the paper's capacity
    ("1 MiB", 8 * 2**20),           # binary
    ("1MB", 8_000_000),
    ("1.5 MB", 12_000_000),
    ("512 KiB", 512 * 1024 * 8),
    ("64 KB", 512_000),
    ("8 Mb", 8_000_000),            # lower-case b is a bit
    ("18816 bits", 18816),
    ("3 B", 24),
])
def test_sizes_decimal_and_binary(text, bits):
    assert parse_size_bits(text) == bits


def test_size_in_bytes_must_be_whole():
    assert parse_size_bytes("1 KiB") == 1024
    with pytest.raises(ValueError, match="whole number of bytes"):
        parse_size_bytes("4 b")


def test_rates_frequencies_throughputs_durations():
    assert parse_rate_bits_per_s("1 GB/s") == 8 * 10**9
    assert parse_rate_bits_per_s("12.8 GB/s") == 102_400_000_000
    assert parse_rate_bits_per_s("1 GiB/s") == 8 * 2**30
    assert parse_frequency_hz("800 MHz") == 800_000_000
    assert parse_frequency_hz("1.25 GHz") == 1_250_000_000
    assert parse_ops_per_s("1 TOPS") == 10**12
    assert parse_ops_per_s("250 GOPS") == 250 * 10**9
    assert parse_time_ps("1.25 ns") == 1250
    assert parse_time_ps("7.8 us") == 7_800_000


@pytest.mark.parametrize("bad, message", [
    ("1 MegaByte", "unknown unit 'MegaByte'"),
    ("lots", "expected a size like"),
    (1000000, "a unit is required"),
    ("-1 MB", "must not be negative"),
    ("0.1 b", "not a whole number"),
    (True, "a unit is required"),
])
def test_bad_sizes_say_what_was_expected(bad, message):
    with pytest.raises(ValueError, match=message):
        parse_size_bits(bad)


def test_rate_without_per_second_is_refused():
    with pytest.raises(ValueError, match='missing "/s"'):
        parse_rate_bits_per_s("1 GB")
