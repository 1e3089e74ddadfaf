"""The results file of a sweep: CSV, one row per design point, appended as points finish.

One sweep at a time writes a results file: the writer holds an exclusive lock
(``explore.lock``) from opening to closing, and a second sweep on the file
is refused naming the first. Each batch of rows is written as whole lines
straight to the file (no buffer that a later close could fail to flush) and
fsync'ed, so a kill (Ctrl-C, SIGKILL, a power cut after the fsync) loses no
finished point, and a full disk is one error line. When the file is reopened
to resume, a trailing partial line (a write cut short) is dropped, the ids
already present are skipped, and rows of ``failed`` points (a limit or a
crash, not the design) are dropped so that they run again; a file written by
another sweep (other axes, another base config or model) is refused rather
than mixed. The file is read as a stream: its size does not matter.

The header is written with the first successful row, so that the columns
carry whatever figures the runs have (energy when the config has it); rows
of invalid points that come before it wait in memory, at most
:data:`MAX_PENDING` of them (then the header is written with what they have).
A later row with a figure the header lacks (a point whose config has energy
after one without, or a newer accelsim resuming an older file) widens the
header: the file is rewritten once with the new column, empty in the rows
before, and atomically replaced, so no figure is ever dropped. Parquet is a
copy made from the CSV when the sweep ends (:func:`write_parquet`).
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError, ConfigError, one_line
from accelsim.explore.lock import ExclusiveLock, close_in_children
from accelsim.explore.rows import FAILED, ID_COLUMNS, OK, STATUS_COLUMNS
from accelsim.schema import RUN_COLUMNS, SCHEMA_VERSION, SWEEP_COLUMNS

MAX_PENDING = 256
"""Invalid rows kept waiting for the first successful one before the header is written."""


class ResultsFileError(AccelsimError):
    """A results file cannot be read, resumed or written."""


def check_results_path(path: Path | None, option: str = "--out", regular: bool = True) -> None:
    """Refuse, before any work, a results path that is a folder, whose folder is
    missing or not writable, or (``regular``: a file read back to resume) that is
    not a regular file (``/dev/zero`` reads forever)."""
    if path is None:
        return
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ResultsFileError(f"{option} {path}: cannot use ({exc.strerror or exc})") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise ResultsFileError(f"{option} {path}: is a folder, expected a file path")
    if regular and mode is not None and not stat.S_ISREG(mode):
        raise ResultsFileError(f"{option} {path}: not a regular file")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise ResultsFileError(f"{option} {path}: folder {path.parent} does not exist")
    if not os.access(folder, os.W_OK):
        raise ResultsFileError(f"{option} {path}: cannot write in {path.parent} "
                               "(read-only or no permission)")


class ResultsWriter:
    """Append rows of one sweep to ``path`` (CSV), durably, resumably and alone."""

    def __init__(self, path: Path, paths: Sequence[str], fingerprint: str) -> None:
        self.path = Path(path)
        self.paths = tuple(paths)
        self.fingerprint = fingerprint
        self.leading = (*ID_COLUMNS, *self.paths, *STATUS_COLUMNS)
        self.columns: tuple[str, ...] | None = None
        self.done: set[int] = set()
        self._pending: list[dict[str, Any]] = []
        self._fd: int | None = None
        check_results_path(self.path)
        # The file itself, whatever the name it is given by: two sweeps on one file, one
        # through a symlink, take one lock, and a rewrite replaces the file, not the link.
        self._real = Path(os.path.realpath(self.path))
        self._lock = ExclusiveLock(self._real).acquire()
        try:
            self._recover()
            self._fd = self._open_append()
        except BaseException:
            self._lock.release()
            raise

    def has(self, point_id: str) -> bool:
        """Whether ``point_id`` has its row in the file (ids held as numbers: a million
        of them fit in tens of MB)."""
        return _key(point_id) in self.done

    def _open_append(self) -> int:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            close_in_children(fd)
            return fd
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot write ({exc.strerror or exc})") \
                from None

    def _recover(self) -> None:
        try:
            with open(self.path, "r+b") as handle:
                _drop_torn_line(handle)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        failed = 0
        try:
            with open(self.path, encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                header = tuple(reader.fieldnames or ())
                if not header:
                    return
                if header[:len(self.leading)] != self.leading:
                    raise ConfigError(
                        f"{self.path}: written by another sweep (columns "
                        f"{', '.join(header[:8])}...); this one has "
                        f"{', '.join(self.leading)}; use another --out")
                for row in reader:
                    if row.get("sweep") != self.fingerprint:
                        raise ConfigError(
                            f"{self.path}: holds points of another base config or model "
                            f"(sweep {row.get('sweep')}, this one {self.fingerprint}); use "
                            "another --out")
                    if row.get("status") == FAILED:
                        failed += 1
                    else:
                        self.done.add(_key(row["point_id"]))
        except (UnicodeDecodeError, csv.Error, KeyError, ValueError) as exc:
            raise ResultsFileError(f"{self.path}: not a sweep results file "
                                   f"({type(exc).__name__}: {exc})") from None
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        self.columns = header
        if failed:
            self._rewrite(header, lambda row: row.get("status") != FAILED)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append ``rows`` as whole lines, then fsync."""
        batch = [r for r in rows if not self.has(r["point_id"])]
        if self.columns is None:
            first_ok = next((r for r in batch if r["status"] == OK), None)
            if first_ok is None and len(self._pending) + len(batch) <= MAX_PENDING:
                self._pending.extend(batch)
                return
            batch = self._pending + batch
            self._pending = []
            model = first_ok or batch[0]
            self.columns = (*self.leading, *(k for k in model if k not in self.leading))
            self._append([dict(zip(self.columns, self.columns))])
        known = set(self.columns)
        extra = [k for k in dict.fromkeys(k for r in batch for k in r) if k not in known]
        if extra:
            self._widen(extra)
        self._append(batch)

    def _widen(self, extra: Sequence[str]) -> None:
        """Add ``extra`` columns: rewrite the file (old rows with them empty)."""
        assert self.columns is not None
        self.columns = (*self.columns, *extra)
        self._rewrite(self.columns, lambda row: True)

    def _rewrite(self, columns: Sequence[str], keep: Any) -> None:
        """Rewrite the file with ``columns`` and the rows ``keep`` accepts, beside it,
        fsync, and replace it in one step, so a kill leaves the old or the new."""
        tmp = self._real.with_name(f".{self._real.name}.rewrite")
        if self._fd is not None:
            close_in_children(self._fd, keep=False)
            os.close(self._fd)
            self._fd = None
        try:
            with open(self.path, encoding="utf-8", newline="") as old, \
                    open(tmp, "w", encoding="utf-8", newline="") as new:
                writer = csv.DictWriter(new, fieldnames=list(columns), lineterminator="\n",
                                        restval="")
                writer.writeheader()
                writer.writerows(row for row in csv.DictReader(old) if keep(row))
                new.flush()
                os.fsync(new.fileno())
            os.replace(tmp, self._real)
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot rewrite ({exc.strerror or exc})") \
                from None
        finally:
            tmp.unlink(missing_ok=True)
        self._fd = self._open_append()

    def close(self) -> None:
        """Write what waits for a header (a sweep of only invalid points), close, and
        release the lock."""
        try:
            if self._pending and self.columns is None:
                self.columns = (*self.leading, *(k for k in dict.fromkeys(
                    k for r in self._pending for k in r) if k not in self.leading))
                self._append([dict(zip(self.columns, self.columns))])
                self._append(self._pending)
                self._pending = []
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Close without writing anything more (after a failure: nothing can raise)."""
        if self._fd is not None:
            close_in_children(self._fd, keep=False)
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        self._lock.release()

    def _append(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        assert self.columns is not None and self._fd is not None
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, lineterminator="\n",
                                restval="")
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
        data = memoryview(buffer.getvalue().encode("utf-8"))
        try:
            while data:
                data = data[os.write(self._fd, data):]
            os.fsync(self._fd)
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot write ({exc.strerror or exc})") \
                from None
        self.done.update(_key(r["point_id"]) for r in rows
                         if r.get("point_id") != "point_id" and r.get("status") != FAILED)

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.close()
        else:  # keep the error that is on its way: writing more could only mask it
            self.abandon()


def _key(point_id: str) -> int:
    return int(point_id, 16)


def _drop_torn_line(handle: Any) -> None:
    """Cut a last line without its newline (a write cut short), reading only the tail."""
    end = handle.seek(0, os.SEEK_END)
    position = end
    while position > 0:
        step = min(position, 1 << 16)
        handle.seek(position - step)
        block = handle.read(step)
        newline = block.rfind(b"\n")
        if newline >= 0:
            cut = position - step + newline + 1
            break
        position -= step
    else:
        cut = 0
    if cut < end:
        handle.truncate(cut)
        handle.flush()
        os.fsync(handle.fileno())


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):  # a list of layers: space-separated numbers
        return " ".join(str(v) for v in value)
    if isinstance(value, str):
        return " ".join(value.split()) if ("\n" in value or "\r" in value) else value
    return value


def read_results(path: Path) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """Columns and rows of a results file (CSV, or Parquet by its suffix), values as
    numbers where they are numbers. A trailing partial line is ignored."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path)
    if path.exists() and not path.is_file():
        raise ResultsFileError(f"{path}: not a regular file; expected a results CSV")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: no such results file") from None
    except OSError as exc:
        raise ResultsFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    data = data[:data.rfind(b"\n") + 1]
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
        columns = tuple(reader.fieldnames or ())
        rows = [{k: _number(v) for k, v in row.items()} for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ResultsFileError(f"{path}: not a CSV results file ({exc})") from None
    if "point_id" not in columns:
        raise ResultsFileError(f"{path}: not a sweep results file (no point_id column)")
    return columns, rows


def _number(text: str | None) -> Any:
    if text is None or text == "":
        return text
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parquet_bytes(csv_path: Path) -> bytes:
    """A results CSV as Parquet (needs pyarrow: ``pip install accelsim[parquet]``): the
    same columns, numbers typed, text columns of the schema kept as text, and the
    schema version in the file's metadata (``accelsim_schema_version``)."""
    pa_csv, pq = _pyarrow()
    import pyarrow as pa

    text = {c.name: pa.string() for c in (*RUN_COLUMNS, *SWEEP_COLUMNS)
            if c.unit in ("text", "layers")}
    try:
        table = pa_csv.read_csv(str(csv_path),
                                convert_options=pa_csv.ConvertOptions(column_types=text))
    except (OSError, pa.ArrowInvalid) as exc:
        raise ResultsFileError(f"{csv_path}: cannot copy to Parquet ({one_line(exc, 200)})") \
            from None
    table = table.replace_schema_metadata({"accelsim_schema_version": str(SCHEMA_VERSION)})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


def write_parquet(csv_path: Path, parquet_path: Path) -> None:
    """Copy a results CSV to a Parquet file (written whole, or not at all)."""
    from accelsim.outputs import Outputs

    with Outputs(csv_path) as out:
        out.add("--parquet", parquet_path)
        out.write(parquet_path, parquet_bytes(csv_path))


def _read_parquet(path: Path) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    _, pq = _pyarrow()
    if not path.exists():
        raise ResultsFileError(f"{path}: no such results file")
    try:
        table = pq.read_table(str(path))
    except Exception as exc:  # pyarrow raises its own error kinds for a bad file
        raise ResultsFileError(f"{path}: not a Parquet results file ({one_line(exc, 200)})") \
            from None
    rows = [{k: ("" if v is None else v) for k, v in row.items()} for row in table.to_pylist()]
    return tuple(table.column_names), rows


def _pyarrow() -> Any:
    try:
        import pyarrow.csv as pa_csv
        import pyarrow.parquet as pq
    except ImportError:
        raise ResultsFileError("Parquet needs pyarrow: pip install 'accelsim[parquet]'") from None
    return pa_csv, pq
