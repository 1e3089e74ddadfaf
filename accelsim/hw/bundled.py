"""The hardware configs and sweep files that ship with accelsim, found by name from anywhere.

They are package data (``accelsim/data/hwconfigs``, the checkout's
``hwconfigs/``), so ``--hw 1mb_ddr3`` works in any folder and from an
installed wheel. A path that exists always wins over a bundled name.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from accelsim.errors import ConfigError

SUFFIXES = (".yaml", ".yml")


def data_path(*parts: str) -> Path:
    """A file or folder of accelsim's package data (``accelsim/data/...``)."""
    return Path(str(resources.files("accelsim.data").joinpath(*parts)))


def configs_folder() -> Path:
    return data_path("hwconfigs")


@dataclass(frozen=True)
class Bundled:
    """A bundled file: the ``name`` that finds it and its ``path``."""

    name: str
    path: Path


def bundled_configs() -> tuple[Bundled, ...]:
    """The bundled hardware configs, by name."""
    return _listing(configs_folder())


def bundled_sweeps() -> tuple[Bundled, ...]:
    """The bundled sweep files (``hwconfigs/sweeps``), by name."""
    return _listing(configs_folder() / "sweeps")


def _listing(folder: Path) -> tuple[Bundled, ...]:
    if not folder.is_dir():
        return ()
    return tuple(Bundled(p.stem, p) for p in sorted(folder.iterdir())
                 if p.suffix in SUFFIXES and p.is_file())


def _is_name(spec: str) -> bool:
    """A bare name ("1mb_ddr3", "1mb_ddr3.yaml"), not a path into a folder."""
    return "/" not in spec and "\\" not in spec and Path(spec).suffix in ("", *SUFFIXES)


def resolve(spec: str | Path, what: str = "hardware config") -> Path:
    """The file ``spec`` names: itself when it exists, else the bundled file of that
    name (with or without its suffix). A name that is neither is one error line
    listing the bundled names."""
    path = Path(spec)
    if path.exists() or not _is_name(str(spec)):
        return path
    listing = bundled_sweeps() if what == "sweep file" else bundled_configs()
    stem = path.stem if path.suffix in SUFFIXES else path.name
    for item in listing:
        if item.name == stem:
            return item.path
    raise ConfigError(f"{spec}: no such file, and no bundled {what} of that name; bundled: "
                      f"{', '.join(item.name for item in listing) or 'none'} "
                      f"(accelsim configs lists them)")
