"""Parsing metadata XML safely and reading it with line numbers."""

from __future__ import annotations

from pathlib import Path

MD_NS = "http://soap.sforce.com/2006/04/metadata"


class MalformedXml(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def parse_file(path: Path):
    """The root element of an XML file; MalformedXml (with line) if it is not well-formed."""
    from lxml import etree

    # No entity expansion and no network: metadata files never need either.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MalformedXml(0, f"cannot read file: {exc.strerror}") from exc
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
