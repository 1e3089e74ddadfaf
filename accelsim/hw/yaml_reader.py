"""YAML files (hardware configs, sweep files) read within bounds.

PyYAML's safe loader, with what a file written by an adversary (or by a
script gone wrong) needs on top: a size bound read before parsing, a nesting
depth bound (its composer recurses once per level), a bound on values once
aliases are expanded (an alias bomb is a few lines that expand to billions),
no alias to a collection that contains it, no key given twice in a mapping
(YAML says keys are unique; PyYAML keeps the last silently), and no integer
too long to be a number of anything. Every refusal is one
:class:`~accelsim.errors.ConfigError` line naming the file and where in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from accelsim.errors import ConfigError, quoted
from accelsim.limits import (
    MIB,
    MAX_NUMBER_DIGITS,
    MAX_YAML_DEPTH,
    MAX_YAML_FILE_BYTES,
    MAX_YAML_VALUES,
)

_MERGE = "tag:yaml.org,2002:merge"


class _Refused(ComposerError):
    """Well-formed YAML beyond a bound of this module (not a syntax error)."""


class _Duplicate(ConstructorError):
    """A key given twice in one mapping."""


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with the bounds of this module."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0  # collections open around the node being composed
        self._values = 0  # values composed so far, aliases expanded
        self._extent: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth)

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Any = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is not None:
                if isinstance(target, (SequenceNode, MappingNode)) and target.end_mark is None:
                    mark: Any = event.start_mark
                    raise _Refused(None, None, f"alias *{event.anchor} refers to a "
                                   "collection that contains it", mark)
                values, depth = self._extent_of(target)
                self._check_depth(self._depth + depth, event.start_mark)
                self._count(values, event.start_mark)
            return super().compose_node(parent, index)
        self._count(1, event.start_mark)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self._check_depth(self._depth + 1, event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _check_depth(self, depth: int, mark: Any) -> None:
        if depth > MAX_YAML_DEPTH:
            raise _Refused(None, None, f"nested more than {MAX_YAML_DEPTH} levels deep "
                                "(aliases expanded)", mark)

    def _count(self, values: int, mark: Any) -> None:
        self._values += values
        if self._values > MAX_YAML_VALUES:
            raise _Refused(None, None, f"more than {MAX_YAML_VALUES:,} values once "
                                "aliases are expanded (see Limits in the README)", mark)

    def _extent_of(self, node: Node) -> tuple[int, int]:
        """(values, nesting depth) that ``node`` stands for, aliases expanded; each node
        is measured once, and the depth bound keeps this recursion shallow."""
        known = self._extent.get(id(node))
        if known is not None:
            return known
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        values, depth = 1, 0  # depth counts collections: a scalar has none
        for child in children:
            child_values, child_depth = self._extent_of(child)
            values += child_values
            depth = max(depth, child_depth)
        extent = (values, 0 if isinstance(node, ScalarNode) else depth + 1)
        self._extent[id(node)] = extent
        return extent

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:
                    continue  # merged keys may be overridden: that is what "<<" is for
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    continue  # an unhashable key: the safe constructor refuses it
                if duplicate:
                    raise _Duplicate(None, None, f"key {quoted(key)} is given twice in one "
                                           "mapping", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        digits = len(str(node.value).lstrip("+-0").replace("_", ""))
        if digits > MAX_NUMBER_DIGITS:
            raise _Refused(None, None, f"an integer of {digits:,} digits is out of "
                                   "range", node.start_mark)
        return super().construct_yaml_int(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)


def read_yaml(path: str | Path, what: str) -> object:
    """Parse a YAML file (``what`` names it in errors, "sweep file" say); a missing,
    unreadable, malformed or unbounded file is one :class:`ConfigError` line."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_YAML_FILE_BYTES + 1)  # a device or a pipe has no size
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; expected a {what}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None
    if len(data) > MAX_YAML_FILE_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_YAML_FILE_BYTES // MIB} MiB; a {what} "
                          "is a few KB (see Limits in the README)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read {what} (not UTF-8 text: byte "
                          f"{exc.start})") from None
    try:
        return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        kind = "YAML" if isinstance(exc, (_Refused, _Duplicate)) else "malformed YAML"
        raise ConfigError(f"{path}: {kind}{where}: {problem}") from None
    except RecursionError:  # a construct nested beyond the depth bound some other way
        raise ConfigError(f"{path}: malformed YAML: nested too deeply") from None
