"""Parsing metadata XML safely and reading it with line numbers."""

from __future__ import annotations

from pathlib import Path

MD_NS = "http://soap.sforce.com/2006/04/metadata"


class MalformedXml(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Our own cap, not Salesforce's: the largest generated flow is ~100 kB, so a file beyond this
# is a mistake (or /dev/zero behind a symlink) and is refused instead of read into memory.
MAX_FILE_BYTES = 8 * 1024 * 1024


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; OSError otherwise, never a hang.

    O_NONBLOCK makes opening a FIFO return at once (the regular-file check then refuses it);
    devices such as /dev/zero are refused the same way before any read.
    """
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file (expected a metadata file, not a FIFO, device or folder)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"larger than {limit} bytes (expected a metadata file of a few hundred kB at most)")
    return data


def parse_file(path: Path):
    """The root element of an XML file; MalformedXml (with line) if it is not well-formed."""
    from lxml import etree

    # No entity expansion and no network: metadata files never need either.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        data = read_regular_file(path)
    except OSError as exc:
        raise MalformedXml(0, f"cannot read file: {exc.strerror or exc}") from exc
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else (exc.lineno or 0)
        message = exc.msg or str(exc)
        # libxml2 appends ", line N, column M" to some messages; the location is reported separately.
        message = message.split(", line ")[0]
        raise MalformedXml(line, f"malformed XML: {message}") from exc
    if root is None:
        raise MalformedXml(1, "malformed XML: the document is empty")
    if root.getroottree().docinfo.doctype:
        # Metadata API files are plain XML documents of the metadata namespace; a DOCTYPE only
        # brings entities (unexpanded here, they would reach the rules as foreign nodes).
        line = data.count(b"\n", 0, max(data.find(b"<!DOCTYPE"), 0)) + 1
        raise MalformedXml(line, "malformed XML: a DOCTYPE declaration is not allowed in metadata "
                                 "(expected no DTD and no entities)")
    return root


_LOCAL_NAMES: dict = {}


def local(tag) -> str:
    """Element name without namespace (comments and processing instructions give '')."""
    # Called for every node of every flow: memoised, as documents share a few hundred tags.
    try:
        return _LOCAL_NAMES[tag]
    except KeyError:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        _LOCAL_NAMES[tag] = name
        return name


def children(node, name: str | None = None) -> list:
    """Child elements in document order, optionally only those called `name` (any namespace)."""
    if name is None:
        return [item for item in node if isinstance(item.tag, str)]
    return list(node.iterchildren("{*}" + name))


def child(node, name: str):
    return next(node.iterchildren("{*}" + name), None)


def text(node, name: str, default: str | None = None) -> str | None:
    """Stripped text of the first child called `name`, or `default`."""
    found = child(node, name) if node is not None else None
    if found is None or found.text is None:
        return default
    return found.text.strip()


def line_of(node, fallback: int = 0) -> int:
    line = getattr(node, "sourceline", None)
    return line if line else fallback
