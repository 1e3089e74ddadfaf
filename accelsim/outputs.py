"""The files one command writes, written all together or not at all.

Every command that writes files does it through one :class:`Outputs`:

    with Outputs(hw_path, model_path) as out:        # the command's inputs
        out.add("--csv", csv_path)                   # checked before any work
        ...                                          # the work
        out.write(csv_path, to_csv(result))          # staged beside its target

Each file is first written whole to a temporary file in its target's folder
(created with the permissions the umask gives, as ``open`` would, and
synced); only when the ``with`` block ends without an error are they all
renamed into place. An error or an interruption anywhere in the block (a full
disk, a read-only folder, a bad model found after the CSV was rendered,
Ctrl-C) removes the temporary files and leaves every target as it was.

An output that names one of the inputs (``--csv`` naming the ``--hw`` file)
or another output, a folder, or a file in a missing folder is refused before
any work, in one line. A target that exists and is not a regular file
(``/dev/stdout``, a FIFO) is written in place: renaming over it would replace
the device.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from accelsim.errors import OutputError

Content = str | bytes


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


class Outputs:
    """The output files of one command; ``inputs`` are the files it reads (None ignored)."""

    def __init__(self, *inputs: str | Path | None) -> None:
        self._inputs = [Path(p) for p in inputs if p is not None]
        self._options: dict[Path, str] = {}
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, target)

    def input(self, path: Path) -> Path:
        """Register one more input (a bundled config once its name is resolved); returns
        ``path``. Outputs added after it are checked against it."""
        self._inputs.append(Path(path))
        return path

    def add(self, option: str, path: str | Path | None) -> None:
        """Check an output path before the work: refuse it (OutputError) when its folder
        is missing, it is a folder, or it names an input or another output."""
        if path is None:
            return
        path = Path(path)
        where = f"{option} {path}"
        if path.is_dir():
            raise OutputError(f"{where}: is a folder, expected a file path")
        if not path.resolve().parent.is_dir():
            raise OutputError(f"{where}: folder {path.parent} does not exist")
        target = path.resolve()
        for source in self._inputs:
            if source.resolve() == target or _same(source, path):
                raise OutputError(f"{where}: is an input of this command ({source}); "
                                  f"writing it would overwrite it")
        for other, other_option in self._options.items():
            if other == target or _same(other, path):
                raise OutputError(f"{where}: is also the {other_option} output")
        self._options[target] = option

    def write(self, path: str | Path, content: Content | Callable[[], Content]) -> None:
        """Stage ``content`` (or what ``content()`` returns) for ``path``."""
        path = Path(path)
        if path.resolve() not in self._options:
            self.add("output", path)
        option = self._options[path.resolve()]
        data = content() if callable(content) else content
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            if _special(path):
                _write_fd(os.open(path, os.O_WRONLY | os.O_TRUNC), raw, sync=False)
                return
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies
        except OSError as exc:
            raise OutputError(f"{option} {path}: cannot write ({_why(exc)})") from None
        self._staged.append((tmp, path))
        try:
            _write_fd(fd, raw, sync=True)
        except OSError as exc:
            raise OutputError(f"{option} {path}: cannot write ({_why(exc)})") from None

    def commit(self) -> None:
        """Rename every staged file into place."""
        staged, self._staged = self._staged, []
        for k, (tmp, target) in enumerate(staged):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                for rest, _ in staged[k:]:
                    rest.unlink(missing_ok=True)
                raise OutputError(f"{self._options.get(target.resolve(), 'output')} {target}: "
                                  f"cannot write ({_why(exc)})") from None

    def discard(self) -> None:
        """Remove every staged file; the targets stay as they were."""
        staged, self._staged = self._staged, []
        for tmp, _ in staged:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _special(path: Path) -> bool:
    """An existing target that is not a regular file (a device, a FIFO)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _write_fd(fd: int, data: bytes, sync: bool) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        if sync:
            os.fsync(handle.fileno())
