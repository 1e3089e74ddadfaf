"""The one error root of accelsim and its few leaves.

Every problem caused by user input (a config, a model file, a table, a trace)
raises an :class:`AccelsimError` whose message is a single line naming the
file, the field or node, and what was expected. The CLI prints that line and
exits with status 2; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

MAX_QUOTED_CHARS = 80
"""Characters of a bad value quoted in an error line (README "Limits")."""


def quoted(value: object) -> str:
    """``repr(value)`` for an error line: a long one is cut, a big collection summarised,
    so that a message stays one short line whatever the input."""
    if isinstance(value, (dict, list, tuple, set)) and len(value) > 16:
        return f"<a {type(value).__name__} of {len(value):,} items>"
    text = repr(value)
    if len(text) > MAX_QUOTED_CHARS:
        text = f"{text[:MAX_QUOTED_CHARS - 3]}... ({len(text):,} characters)"
    return text


def one_line(exc: BaseException, limit: int = 400) -> str:
    """An exception's message on one line, cut at ``limit`` characters (its type when
    it has no message)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else f"{text[:limit - 3]}..."


class AccelsimError(Exception):
    """Root of all user-facing errors. ``str(err)`` is one line."""


class ConfigError(AccelsimError):
    """A hardware or sweep configuration is malformed or impossible."""


class ModelError(AccelsimError):
    """A model file (ONNX or layer table) cannot be read or is unsupported."""


class UnsupportedOpError(ModelError):
    """An ONNX node has an op type accelsim does not lower."""


class TraceError(AccelsimError):
    """A DRAM request trace is malformed."""


class ResultTableError(AccelsimError):
    """A result table given to ``accelsim diff`` cannot be compared."""


class OutputError(AccelsimError):
    """An output file cannot be written (a missing folder, a full disk, a read-only
    folder) or would overwrite one of the command's inputs."""
