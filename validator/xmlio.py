"""Reading a metadata file for the rules: its root element, or MalformedXml with the line."""

from __future__ import annotations

from pathlib import Path

from sfmeta import files
from sfmeta.xml import Node, XmlSyntaxError, parse


class MalformedXml(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Our own cap, not Salesforce's: the largest generated flow is ~100 kB, so a file beyond this
# is a mistake (or /dev/zero behind a symlink) and is refused instead of read into memory.
MAX_FILE_BYTES = 8 * 1024 * 1024


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A metadata file's bytes: a regular file of at most `limit` bytes (sfmeta.files)."""
    return files.read_regular_file(path, limit)


def parse_file(path: Path) -> Node:
    """The root element of an XML file; MalformedXml (with line) if it is not well-formed."""
    try:
        data = read_regular_file(path)
    except OSError as exc:
        raise MalformedXml(0, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        root = parse(data)
    except XmlSyntaxError as exc:
        raise MalformedXml(exc.line, f"malformed XML: {exc.message}") from exc
    if root.getroottree().docinfo.doctype:
        # Metadata API files are plain XML documents of the metadata namespace; a DOCTYPE only
        # brings entities (unexpanded here, they would reach the rules as foreign nodes).
        line = data.count(b"\n", 0, max(data.find(b"<!DOCTYPE"), 0)) + 1
        raise MalformedXml(
            line, "malformed XML: a DOCTYPE declaration is not allowed in metadata (expected no DTD and no entities)"
        )
    return root
