"""Reading a metadata file for the rules: its root element, or MalformedXml with the line."""

from __future__ import annotations

from pathlib import Path

from sfmeta.xml import Node, XmlSyntaxError, parse


class MalformedXml(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def parse_file(path: Path) -> Node:
    """The root element of an XML file; MalformedXml (with line) if it is not well-formed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MalformedXml(0, f"cannot read file: {exc.strerror}") from exc
    try:
        return parse(data)
    except XmlSyntaxError as exc:
        raise MalformedXml(exc.line, f"malformed XML: {exc.message}") from exc
