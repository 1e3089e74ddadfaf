"""Hardware config files written by tests, and the one-line error a bad one gets.

Importable from any test module (pytest puts this folder on ``sys.path`` for
``tests/conftest.py``): ``from hw_files import GOOD, error_for, write``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from accelsim.errors import ConfigError
from accelsim.hw.config import load_hw


GOOD = """\
name: t
sram: {size: 1 MB}
dram: {model: ideal, bandwidth: 1 GB/s}
compute: {model: ideal, throughput: 1 TOPS}
policy: {name: paper}
"""
"""The smallest valid config: the paper's machine in five lines."""


def write(tmp_path: Path, text: str) -> Path:
    """``text`` as ``tmp_path/hw.yaml``."""
    path = tmp_path / "hw.yaml"
    path.write_text(text)
    return path


def error_for(tmp_path: Path, text: str) -> str:
    """The ConfigError loading ``text`` raises: one line, starting with the file's path."""
    with pytest.raises(ConfigError) as info:
        load_hw(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "hw.yaml"))
    return message
