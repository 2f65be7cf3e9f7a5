"""Reading YAML the user wrote (spec, `.sfpay-validate.yml`) without trusting it.

ruamel.yaml alone is not safe for hostile text: a 600-byte file of nested aliases expands to
billions of nodes once converted to plain values (the "billion laughs" alias bomb), a few
thousand nested `[` exhaust Python's recursion limit in its composer, and characters YAML
forbids are reported with a character offset instead of a line. So, before ruamel builds
anything, this module

- refuses files larger than `MAX_BYTES` and characters outside YAML's printable set
  (YAML 1.2.2, 5.1 "Character Set": https://yaml.org/spec/1.2.2/#51-character-set),
  naming line and column;
- walks ruamel's event stream (its parser is a state machine, not recursive) and refuses
  nesting deeper than `MAX_DEPTH`, aliases to anchors that are not complete yet (a
  self-referencing node), and documents whose aliases expand to more than `MAX_NODES` nodes.

Anchors and aliases within those limits stay allowed (`<<: *defaults` is ordinary YAML).
Every refusal is a `YamlInputError` with a 1-based line; callers add the file name.

ruamel's round-trip loader is pure Python and keeps a line for every key: about 100 ms for the
default spec (issue 17). Only a refusal needs those lines, so `load_plain` first reads the
common document (plain mappings, sequences and scalars) with libyaml, through PyYAML's C
parser, and resolves its scalars as ruamel resolves them (YAML 1.2 core schema,
https://yaml.org/spec/1.2.2/#1032-tag-resolution); anything else (anchors, tags, merge keys,
directives, scalars whose YAML 1.2 reading is not plainly text, a number or a date, syntax
errors) it leaves to ruamel. Callers that find a problem in the plain values read the text
again with `load` for the lines. tests/sfpay/test_yaml_fast_path.py holds the two readers to
the same values.
"""

from __future__ import annotations

import re
from typing import Any

# Hand-written configuration is a few kilobytes; the default spec expands to ~400 nodes at
# depth 7. The limits leave two orders of magnitude of room and stop hostile input early.
MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 50_000

# Complement of YAML's c-printable (tab, LF, CR, x20-x7E, x85, xA0-xD7FF, xE000-xFFFD,
# x10000-x10FFFF): C0 controls, DEL, C1 controls, surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class YamlInputError(Exception):
    """The text is not YAML this tool accepts; `line` is 1-based (0: the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def decode(data: bytes) -> str:
    """UTF-8 text of `data`, or YamlInputError naming the line of the first bad byte."""
    if len(data) > MAX_BYTES:
        raise YamlInputError(0, f"file is {len(data)} bytes (expected at most {MAX_BYTES})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlInputError(line, f"byte 0x{data[exc.start]:02x} is not UTF-8 (expected UTF-8 text)") from None


def check_characters(text: str) -> None:
    match = _FORBIDDEN.search(text)
    if match is None:
        return
    position = match.start()
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    raise YamlInputError(
        line,
        f"character U+{ord(match.group()):04X} at column {column} is not allowed in YAML "
        '(expected printable text; write control characters as escapes in a double-quoted string, e.g. "\\t")',
    )


class _Frame:
    """An open collection while walking the events (a plain class: this module is on every
    `sfpay validate` run's path, where a @dataclass's generated code costs start-up time)."""

    __slots__ = ("anchor", "line", "nodes", "depth")

    def __init__(self, anchor: str | None, line: int) -> None:
        self.anchor, self.line = anchor, line
        self.nodes = 1
        self.depth = 0  # levels of collections below this one


def check_structure(text: str) -> None:
    """Refuse deep nesting, incomplete-anchor aliases and alias expansion past the limits."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        DocumentStartEvent,
        ScalarEvent,
    )

    anchors: dict[str, tuple[int, int]] = {}  # name -> (expanded nodes, depth)
    stack: list[_Frame] = []
    total = 0
    for event in YAML(typ="rt").parse(text):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, DocumentStartEvent):
            anchors.clear()
            continue
        if isinstance(event, CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise YamlInputError(line, f"nested more than {MAX_DEPTH} levels deep (expected a shallower document)")
            stack.append(_Frame(event.anchor, line))
            total += 1
        elif isinstance(event, ScalarEvent):
            total += 1
            if stack:
                stack[-1].nodes += 1
            if event.anchor:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                raise YamlInputError(
                    line,
                    f"alias *{event.anchor} refers to an anchor that is not complete here "
                    "(expected an alias to a node defined earlier, outside itself)",
                )
            nodes, depth = anchors[event.anchor]
            if len(stack) + depth > MAX_DEPTH:
                raise YamlInputError(line, f"alias *{event.anchor} nests more than {MAX_DEPTH} levels deep")
            total += nodes
            if stack:
                stack[-1].nodes += nodes
                stack[-1].depth = max(stack[-1].depth, depth)
        elif isinstance(event, CollectionEndEvent) and stack:
            done = stack.pop()
            if done.anchor:
                anchors[done.anchor] = (done.nodes, done.depth + 1)
            if stack:
                stack[-1].nodes += done.nodes
                stack[-1].depth = max(stack[-1].depth, done.depth + 1)
        if total > MAX_NODES:
            raise YamlInputError(
                line,
                f"aliases expand the document past {MAX_NODES} nodes "
                "(expected a plain configuration; anchors and aliases are for small repeated parts)",
            )


def load(text: str) -> Any:
    """Round-trip load (keys keep their lines) of text that passed every check above."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        check_characters(text)
        check_structure(text)
        yaml = YAML(typ="rt")
        yaml.Constructor = _text_dates_constructor()
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlInputError(mark.line + 1 if mark else 0, f"YAML syntax error: {exc.problem}") from None
    except YAMLError as exc:
        raise YamlInputError(0, f"YAML error: {exc}") from None


def _text_dates_constructor() -> type:
    """ruamel's round-trip constructor, with timestamps kept as the text written.

    ruamel turns an unquoted `2025-02-30` into datetime.date and raises ValueError on the
    impossible day; every date in sfpay's YAML is meant as text anyway (the spec checks
    dates itself, with the key's line).
    """
    from ruamel.yaml.constructor import RoundTripConstructor

    class TextDates(RoundTripConstructor):
        pass

    TextDates.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    return TextDates


def read(path: Any) -> Any:
    """Load a YAML file the user wrote: a regular file, capped in size, checked as above."""
    return load(read_text(path))


def read_text(path: Any) -> str:
    """The text of a YAML file the user wrote: a regular file, capped in size, UTF-8."""
    import os
    import stat

    try:
        with open(path, "rb", opener=_nonblocking) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise YamlInputError(0, "not a regular file (expected a YAML file)")
            data = handle.read(MAX_BYTES + 1)
    except YamlInputError:
        raise
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise YamlInputError(0, f"cannot read: {exc.strerror or exc}") from None
    return decode(data)


def _nonblocking(path: str, flags: int) -> int:
    # Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK returns at once,
    # and the regular-file check then refuses it.
    import os

    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


class _Unsupported:
    """`load_plain`'s answer for a document it leaves to `load`."""

    def __repr__(self) -> str:
        return "UNSUPPORTED"


UNSUPPORTED: Any = _Unsupported()

# What a plain (unquoted, untagged) scalar means under YAML 1.2's core schema as ruamel reads
# it: ruamel picks its candidate patterns by the scalar's first character, so a scalar that
# starts with any other character is text. Of the candidates, the forms below are read here;
# any other scalar starting with one of these characters goes to ruamel (`1_000`, `0x1F`,
# `1e3`, `.inf`, `2025-04-30T10:00:00`, `<<`, `=`).
_MAYBE_NOT_TEXT = frozenset("-+0123456789.~<=tTfFnN")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # a timestamp: sfpay keeps dates as the text written
# Line breaks of YAML 1.1 (libyaml) that YAML 1.2 (ruamel) reads as ordinary characters, the
# byte-order mark, and tabs (the two scanners differ on where a tab may stand): documents
# holding them go to ruamel.
_READ_DIFFERENTLY = re.compile("[\t\x85\u2028\u2029\ufeff]")
# A comment glued to a block scalar's header (`|#c`): libyaml reads it, while YAML 1.2 wants
# white space before the `#` (https://yaml.org/spec/1.2.2/#81-block-scalar-headers) and
# ruamel refuses it. Such documents, and any text that merely looks like one, go to ruamel.
_GLUED_HEADER_COMMENT = re.compile(r"[|>][-+0-9]{0,2}#")


def _plain_scalar(value: str) -> Any:
    if not value or value[0] in _MAYBE_NOT_TEXT:
        if value in _NULLS:
            return None
        if value in _BOOLS:
            return _BOOLS[value]
        if _INT.fullmatch(value):
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if _DATE.fullmatch(value):
            return value
        if value[0] in "-+0123456789.<=" or value == "~":
            return UNSUPPORTED
    return value


def load_plain(text: str) -> Any:
    """The document's plain Python values (dict, list, str, int, float, bool, None), read by
    libyaml; UNSUPPORTED for a document only `load` reads as sfpay reads YAML (see above).

    Raises YamlInputError for forbidden characters, as `load` does."""
    check_characters(text)
    if _READ_DIFFERENTLY.search(text) or _GLUED_HEADER_COMMENT.search(text):
        return UNSUPPORTED
    try:
        import yaml
    except ImportError:
        return UNSUPPORTED
    if not getattr(yaml, "__with_libyaml__", False):
        return UNSUPPORTED
    try:
        return _build(yaml.parse(text, Loader=yaml.CSafeLoader), yaml)
    except (yaml.YAMLError, ValueError, RecursionError):
        return UNSUPPORTED  # ruamel reports it, with its line


class _Mapping:
    """An open mapping while its events arrive: the values so far and the key waiting for one."""

    __slots__ = ("values", "key", "has_key")

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.key: Any = None
        self.has_key = False


def _build(events: Any, yaml: Any) -> Any:
    # Iterative over libyaml's events (its parser is a state machine too): the nesting limit
    # is checked here, never by recursion.
    stack: list[Any] = []  # open containers: a list, or a _Mapping
    root: Any = None
    documents = 0
    nodes = 0
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                return UNSUPPORTED
            value = _plain_scalar(event.value) if event.implicit[0] else event.value
            if value is UNSUPPORTED:
                return UNSUPPORTED
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                return UNSUPPORTED
            stack.append(_Mapping() if kind is yaml.MappingStartEvent else [])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            done = stack.pop()
            value = done.values if isinstance(done, _Mapping) else done
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1 or event.version is not None or event.tags:
                return UNSUPPORTED
            continue
        elif kind is yaml.AliasEvent:
            return UNSUPPORTED
        else:  # stream start and end, document end
            continue
        nodes += 1
        if nodes > MAX_NODES:
            return UNSUPPORTED
        if not stack:
            root = value
            continue
        top = stack[-1]
        if type(top) is list:
            top.append(value)
        elif not top.has_key:
            # A key: text, a number, true/false or null, never a collection; written once.
            if isinstance(value, (dict, list)) or value in top.values:
                return UNSUPPORTED
            top.key, top.has_key = value, True
        else:
            top.values[top.key] = value
            top.has_key = False
    return root
