"""The results file of a sweep: CSV, one row per design point, appended as points finish.

Each batch of rows is written as whole lines, flushed and fsync'ed, so a kill
(Ctrl-C, SIGKILL, a power cut after the fsync) loses no finished point. When
the file is reopened to resume, a trailing partial line (a write cut short)
is dropped and the ids already present are skipped; a file written by another
sweep (other axes or another base config) is refused rather than mixed.

The header is written with the first successful row, so that the columns
carry whatever figures the runs have (energy when the config has it); rows
of invalid points that come before it wait in memory. A later row with a
figure the header lacks (a point whose config has energy after one without,
or a newer accelsim resuming an older file) widens the header: the file is
rewritten once with the new column, empty in the rows before, and atomically
replaced, so no figure is ever dropped. Parquet is a copy made from the CSV
when the sweep ends (:func:`write_parquet`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from accelsim.errors import AccelsimError, ConfigError
from accelsim.explore.rows import ID_COLUMNS, OK, STATUS_COLUMNS
from accelsim.schema import RUN_COLUMNS, SCHEMA_VERSION, SWEEP_COLUMNS


class ResultsFileError(AccelsimError):
    """A results file cannot be read, resumed or written."""


class ResultsWriter:
    """Append rows of one sweep to ``path`` (CSV), durably and resumably."""

    def __init__(self, path: Path, paths: Sequence[str], fingerprint: str) -> None:
        self.path = Path(path)
        self.paths = tuple(paths)
        self.fingerprint = fingerprint
        self.leading = (*ID_COLUMNS, *self.paths, *STATUS_COLUMNS)
        self.columns: tuple[str, ...] | None = None
        self.done: set[str] = set()
        self._pending: list[dict[str, Any]] = []
        self._recover()
        self._handle = open(self.path, "a", encoding="utf-8", newline="")

    def _recover(self) -> None:
        if not self.path.exists():
            return
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot read ({exc.strerror or exc})") from None
        cut = data.rfind(b"\n") + 1
        if cut < len(data):  # a torn last line: the write of one row was cut short
            with open(self.path, "r+b") as handle:
                handle.truncate(cut)
                handle.flush()
                os.fsync(handle.fileno())
            data = data[:cut]
        if not data:
            return
        try:
            reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
            header = tuple(reader.fieldnames or ())
            rows = list(reader)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ResultsFileError(f"{self.path}: not a sweep results file ({exc})") from None
        if header[:len(self.leading)] != self.leading:
            raise ConfigError(
                f"{self.path}: written by another sweep (columns {', '.join(header[:8])}...); "
                f"this one has {', '.join(self.leading)}; use another --out")
        for row in rows:
            if row.get("sweep") != self.fingerprint:
                raise ConfigError(
                    f"{self.path}: holds points of another base config or model (sweep "
                    f"{row.get('sweep')}, this one {self.fingerprint}); use another --out")
            self.done.add(row["point_id"])
        self.columns = header

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append ``rows`` as whole lines, then flush and fsync."""
        batch = [r for r in rows if r["point_id"] not in self.done]
        if self.columns is None:
            first_ok = next((r for r in batch if r["status"] == OK), None)
            if first_ok is None:
                self._pending.extend(batch)
                return
            batch = self._pending + batch
            self._pending = []
            self.columns = (*self.leading,
                            *(k for k in first_ok if k not in self.leading))
            self._append([dict(zip(self.columns, self.columns))])
        known = set(self.columns)
        extra = [k for k in dict.fromkeys(k for r in batch for k in r) if k not in known]
        if extra:
            self._widen(extra)
        self._append(batch)

    def _widen(self, extra: Sequence[str]) -> None:
        """Add ``extra`` columns: rewrite the file (old rows with them empty) beside
        it, fsync, and replace it in one step, so a kill leaves the old or the new."""
        assert self.columns is not None
        self._handle.close()
        columns = (*self.columns, *extra)
        tmp = self.path.with_name(f".{self.path.name}.widen")
        try:
            with open(self.path, encoding="utf-8", newline="") as old, \
                    open(tmp, "w", encoding="utf-8", newline="") as new:
                reader = csv.DictReader(old)
                writer = csv.DictWriter(new, fieldnames=columns, lineterminator="\n",
                                        restval="")
                writer.writeheader()
                writer.writerows(reader)
                new.flush()
                os.fsync(new.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot rewrite with new columns "
                                   f"({exc.strerror or exc})") from None
        finally:
            tmp.unlink(missing_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8", newline="")
        self.columns = columns

    def close(self) -> None:
        """Write what waits for a header (a sweep of only invalid points) and close."""
        if self._pending and self.columns is None:
            self.columns = (*self.leading, *(k for k in dict.fromkeys(
                k for r in self._pending for k in r) if k not in self.leading))
            self._append([dict(zip(self.columns, self.columns))])
            self._append(self._pending)
            self._pending = []
        self._handle.close()

    def _append(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        assert self.columns is not None
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, lineterminator="\n",
                                restval="")
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
        try:
            self._handle.write(buffer.getvalue())
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise ResultsFileError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        self.done.update(r["point_id"] for r in rows if r.get("point_id") != "point_id")

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
        raise ResultsFileError(f"{csv_path}: cannot copy to Parquet ({exc})") from None
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
        raise ResultsFileError(f"{path}: not a Parquet results file ({exc})") from None
    rows = [{k: ("" if v is None else v) for k, v in row.items()} for row in table.to_pylist()]
    return tuple(table.column_names), rows


def _pyarrow() -> Any:
    try:
        import pyarrow.csv as pa_csv
        import pyarrow.parquet as pq
    except ImportError:
        raise ResultsFileError("Parquet needs pyarrow: pip install 'accelsim[parquet]'") from None
    return pa_csv, pq
