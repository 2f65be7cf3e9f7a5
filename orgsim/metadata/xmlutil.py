"""Small helpers over lxml for Metadata API XML (namespace http://soap.sforce.com/2006/04/metadata)."""

from __future__ import annotations

from lxml import etree

NS = "http://soap.sforce.com/2006/04/metadata"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def parse_xml(data: bytes, where: str):
    from orgsim.errors import MetadataError
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MetadataError(f"not well-formed XML: {exc}", where=where) from None
    return root


def local(el) -> str:
    tag = el.tag
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else tag


def children(el, name: str) -> list:
    return [c for c in el if isinstance(c.tag, str) and local(c) == name]


def child(el, name: str):
    for c in el:
        if isinstance(c.tag, str) and local(c) == name:
            return c
    return None


def text(el, name: str, default: str | None = None) -> str | None:
    c = child(el, name)
    if c is None or c.text is None:
        return default
    return c.text


def flag(el, name: str, default: bool = False) -> bool:
    value = text(el, name)
    return default if value is None else value.strip().lower() == "true"


def line(el) -> int | None:
    return getattr(el, "sourceline", None)
