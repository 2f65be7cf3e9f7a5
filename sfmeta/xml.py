"""Metadata API XML: the namespace, one safe parser, and small namespace-agnostic readers.

Every metadata file (source or mdapi form) is a document in the Metadata API namespace
(Metadata API Developer Guide, "Metadata Types": each file's root element is the type name in
http://soap.sforce.com/2006/04/metadata; vendor/salesforce-metadata-api-v66.wsdl declares it as
the schema's targetNamespace).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

MD_NS = "http://soap.sforce.com/2006/04/metadata"
# The XML Schema namespace the WSDL's types are declared in.
XSD_NS = "http://www.w3.org/2001/XMLSchema"

Node = Any  # an lxml element (lxml ships no type stubs)


class XmlSyntaxError(Exception):
    """A document that is not well-formed XML; `line` is 0 when unknown."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse(data: bytes, *, remove_comments: bool = False, remove_blank_text: bool = False) -> Node:
    """The root element of a metadata document. No entity expansion, no DTD, no network:
    metadata files never need them, and a deploy zip comes from outside."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=remove_comments,
        remove_blank_text=remove_blank_text,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else (exc.lineno or 0)
        # libxml2 appends ", line N, column M" to some messages; the line is reported separately.
        message = (exc.msg or str(exc)).split(", line ")[0]
        raise XmlSyntaxError(line, message) from exc
    if root is None:
        raise XmlSyntaxError(1, "the document is empty")
    return root


def is_metadata(root: Node) -> bool:
    return bool(etree.QName(root).namespace == MD_NS)


def qualified(name: str) -> str:
    """`{namespace}name`, for building and finding elements in the metadata namespace."""
    return f"{{{MD_NS}}}{name}"


_LOCAL_NAMES: dict[object, str] = {}


def local(node_or_tag: Any) -> str:
    """Element name without namespace, from an element or its tag (comments and processing
    instructions give '')."""
    tag = node_or_tag if isinstance(node_or_tag, str) else getattr(node_or_tag, "tag", None)
    # Called for every node of every flow: memoised, as documents share a few hundred tags.
    try:
        return _LOCAL_NAMES[tag]
    except (KeyError, TypeError):
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if isinstance(tag, str):
            _LOCAL_NAMES[tag] = name
        return name


def children(node: Node, name: str | None = None) -> list[Node]:
    """Child elements in document order, optionally only those called `name` (any namespace)."""
    if name is None:
        return [item for item in node if isinstance(item.tag, str)]
    return list(node.iterchildren("{*}" + name))


def child(node: Node, name: str) -> Node | None:
    return next(node.iterchildren("{*}" + name), None)


def text(node: Node | None, name: str, default: str | None = None) -> str | None:
    """Text of the first child called `name` exactly as written, or `default`."""
    found = child(node, name) if node is not None else None
    if found is None or found.text is None:
        return default
    return str(found.text)


def stripped(node: Node | None, name: str, default: str | None = None) -> str | None:
    """Stripped text of the first child called `name`, or `default`."""
    found = text(node, name)
    return default if found is None else found.strip()


def flag(node: Node, name: str, default: bool = False) -> bool:
    """A boolean element: `true` (any case, spaces allowed) or not."""
    value = text(node, name)
    return default if value is None else value.strip().lower() == "true"


def line_of(node: Node | None, fallback: int = 0) -> int:
    line = getattr(node, "sourceline", None)
    return line if line else fallback
