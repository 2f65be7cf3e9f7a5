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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


@dataclass
class _Frame:
    anchor: str | None
    line: int
    nodes: int = 1
    depth: int = 0  # levels of collections below this one
    children: list[int] = field(default_factory=list)


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
    return load(decode(data))


def _nonblocking(path: str, flags: int) -> int:
    # Opening a FIFO for reading blocks until a writer appears; O_NONBLOCK returns at once,
    # and the regular-file check then refuses it.
    import os

    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
