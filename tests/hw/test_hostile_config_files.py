"""Config files written to hurt: each is refused in one line, quickly, without a traceback.

An alias bomb, 10,000 nested brackets, a key given twice, a recursive alias,
an integer of thousands of digits, a device instead of a file, a file of
hundreds of thousands of unknown keys, sizes and rates beyond any hardware
("1e100000000 B", "1e308 MB", "2 PB/s"): the promise is one ConfigError line
naming the file and where, in bounded time and memory.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hw_files import GOOD, error_for, write

from accelsim.errors import ConfigError
from accelsim.hw.config import load_hw
from accelsim.hw.yaml_reader import read_yaml
from accelsim.limits import MAX_YAML_DEPTH, MAX_YAML_FILE_BYTES


# Nine levels of nine aliases each: 9**9 (387 million) strings once expanded.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi"))


def refused(tmp_path: Path, text: str, *fragments: str, seconds: float = 5.0) -> str:
    start = time.monotonic()
    message = error_for(tmp_path, text)
    assert time.monotonic() - start < seconds, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert len(message) < 400, message
    return message


def test_an_alias_bomb_as_a_field_value_is_refused_before_it_expands(tmp_path: Path) -> None:
    refused(tmp_path, GOOD.replace("name: t", ALIAS_BOMB + "name: *i"),
            "more than 1,000,000 values once aliases are expanded")


def test_ten_thousand_nested_brackets(tmp_path: Path) -> None:
    refused(tmp_path, GOOD.replace("1 MB", "[" * 10_000), f"nested more than {MAX_YAML_DEPTH}")
    refused(tmp_path, "[" * 10_000 + "]" * 10_000, "nested more than")


def test_aliases_cannot_nest_beyond_the_depth_bound(tmp_path: Path) -> None:
    deep = "[" * 40 + "]" * 40
    text = f"a: &a {deep}\nb: " + "[" * 40 + "*a" + "]" * 40 + "\n"
    with pytest.raises(ConfigError, match="nested more than"):
        read_yaml(write(tmp_path, text), "config")


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    for text in ("a: &a [1, *a]\n", "a: &a {b: *a}\n"):
        with pytest.raises(ConfigError, match="refers to a collection that contains it"):
            read_yaml(write(tmp_path, text), "config")


def test_a_key_given_twice_is_an_error_naming_it_and_its_line(tmp_path: Path) -> None:
    refused(tmp_path, GOOD + "sram: {size: 2 MB}\n", "key 'sram' is given twice", "line 6")
    refused(tmp_path, GOOD.replace("{size: 1 MB}", "{size: 1 MB, size: 2 MB}"),
            "key 'size' is given twice", "line 2")


def test_merge_keys_may_still_be_overridden(tmp_path: Path) -> None:
    text = GOOD.replace("dram: {model: ideal, bandwidth: 1 GB/s}",
                        "pipe: &pipe {model: ideal, bandwidth: 1 GB/s}\n"
                        "dram: {<<: *pipe, bandwidth: 2 GB/s}")
    data = read_yaml(write(tmp_path, text), "config")
    assert isinstance(data, dict) and data["dram"] == {"model": "ideal", "bandwidth": "2 GB/s"}


def test_an_integer_of_thousands_of_digits(tmp_path: Path) -> None:
    refused(tmp_path, GOOD.replace("policy: {name: paper}",
                                   "policy: {name: paper, weight_bits_per_param: "
                                   f"{'9' * 5000}}}"), "5,000 digits is out of range")


def test_files_beyond_the_size_bound_and_devices(tmp_path: Path) -> None:
    big = GOOD + "".join(f"k{i}: 1\n" for i in range(MAX_YAML_FILE_BYTES // 8))
    refused(tmp_path, big, "larger than 1 MiB")
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        load_hw("/dev/zero")
    with pytest.raises(ConfigError, match="is a folder"):
        load_hw(tmp_path)
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_hw(tmp_path / "bin.yaml")


def test_many_unknown_keys_make_a_short_line(tmp_path: Path) -> None:
    text = GOOD + "".join(f"key{i}: 1\n" for i in range(20_000))
    message = refused(tmp_path, text, "key0: unknown key", "and 19,992 more", seconds=30)
    assert message.count("unknown key") == 8


@pytest.mark.parametrize("value, fragment", [
    ("1e100000000 B", "out of range"),
    ("1e-100000000 B", "out of range"),
    ("1e308 MB", "out of range"),
    ("2 TiB", "beyond the limit of 1 TiB"),
    ("1" * 45 + " B", "out of range"),
    ("1" * 200 + " B", "got 202 characters"),
])
def test_sizes_beyond_any_hardware_are_refused_at_validation(tmp_path: Path, value: str,
                                                             fragment: str) -> None:
    refused(tmp_path, GOOD.replace("1 MB", f"'{value}'"), "sram.size", fragment, seconds=1)


def test_every_kind_of_quantity_has_a_bound(tmp_path: Path) -> None:
    refused(tmp_path, GOOD.replace("1 GB/s", "2 PB/s"), "bandwidth", "1 PB/s")
    refused(tmp_path, GOOD.replace("1 TOPS", "2000000 TOPS"), "throughput", "beyond the limit")
    refused(tmp_path, GOOD + "energy: {mac: 2 mJ, static_power: 2 MW}\n",
            "energy.mac: energy '2 mJ' is beyond the limit of 1 mJ",
            "energy.static_power: power '2 MW' is beyond the limit of 1 MW")
    refused(tmp_path, GOOD.replace("throughput: 1 TOPS", "throughput: 1 TOPS, "
                                   "ops_per_mac: 100000"), "ops_per_mac")
    assert load_hw(write(tmp_path, GOOD.replace("1 MB", "1 TiB"))).sram.size == 2**43


def test_a_huge_value_is_quoted_short(tmp_path: Path) -> None:
    message = refused(tmp_path, GOOD.replace("1 MB", "[" + ", ".join(["1"] * 5000) + "]"),
                      "sram.size", "5,000 items")
    assert "1, 1, 1" not in message
    message = refused(tmp_path, GOOD.replace("name: t", "name: [" + "x" * 100_000 + "]"),
                      "name", "characters")

