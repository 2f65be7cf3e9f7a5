"""Canonical metadata XML: schema element order, stable repeats, 4-space indentation.

Templates only have to produce the right elements; this module decides the bytes:

* children follow the `xsd:sequence` of their complex type (inherited elements first), which
  is the order Salesforce itself returns on retrieve, so a deploy/retrieve round trip shows
  no diff;
* repeated elements that Salesforce sorts on retrieve (flow elements by `name`, permission set
  entries by `field`/`object`, workflow alerts by `fullName`) are sorted by that key; other
  repeated elements (picklist values, decision rules, input parameters) keep template order,
  because their order means something;
* an element that the schema does not know is an error naming its path, never dropped.
"""

from __future__ import annotations

import re

from lxml import etree

from generator.schema import TypeTable, load_table
from sfmeta.xml import MD_NS, XmlSyntaxError, parse

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
INDENT = "    "

# (parent type, repeated child element) -> child element whose text is the sort key.
SORT_KEYS: dict[tuple[str, str], str] = {
    **{
        ("Flow", element): "name"
        for element in (
            "actionCalls",
            "assignments",
            "constants",
            "decisions",
            "formulas",
            "recordCreates",
            "recordLookups",
            "recordUpdates",
            "textTemplates",
            "variables",
            "processMetadataValues",
        )
    },
    ("PermissionSet", "fieldPermissions"): "field",
    ("PermissionSet", "objectPermissions"): "object",
    ("PermissionSet", "recordTypeVisibilities"): "recordType",
    ("Workflow", "alerts"): "fullName",
}


class CanonicalError(ValueError):
    """The rendered XML does not fit the Metadata API schema (a template bug)."""


def canonical_bytes(xml: str | bytes, source: str = "<rendered>") -> bytes:
    """Parse rendered XML and return its canonical serialization."""
    try:
        root = parse(xml.encode("utf-8") if isinstance(xml, str) else xml, remove_comments=True, remove_blank_text=True)
    except XmlSyntaxError as exc:
        raise CanonicalError(f"{source}: rendered XML does not parse: {exc}") from exc
    return canonical_xml(root, source)


def canonical_xml(root: etree._Element, source: str = "<rendered>") -> bytes:
    """The canonical bytes of a parsed metadata document, in one pass over the tree: each
    element's children are checked against the schema in document order (so the first problem
    reported is the first in the document), written, and their lines put in schema order."""
    table = load_table()
    name = _local_name(root, source)
    if not table.is_complex(name):
        raise CanonicalError(f"{source}: <{name}> is not a Metadata API type")
    lines = [DECLARATION.rstrip("\n"), f'<{name} xmlns="{MD_NS}">']
    _ordered_lines(root, name, table, source, name, 1, lines)
    lines.append(f"</{name}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _ordered_lines(
    element: etree._Element, type_name: str, table: TypeTable, source: str, path: str, depth: int, out: list[str]
) -> None:
    """Append the lines of `element`'s children, in schema order, to `out`.

    The hot loop of rendering (a few thousand elements per tree): a dict per type for the
    child lookup and tag slicing for names; an element outside the metadata namespace goes the
    slow way, which names the problem."""
    children = _child_index(table, type_name)
    pad = INDENT * depth
    keyed: list[tuple[tuple[int, str, int], list[str]]] = []
    for position, child in enumerate(element):
        tag = child.tag
        child_name = (
            tag[_NS_LEN:] if isinstance(tag, str) and tag.startswith(_NS_PREFIX) else _local_name(child, source)
        )
        found = children.get(child_name)
        if found is None:
            raise CanonicalError(f"{source}: {path}/{child_name}: not an element of Metadata API type {type_name}")
        index, child_type, sort_child = found
        if len(child):
            if not table.is_complex(child_type):
                raise CanonicalError(f"{source}: {path}/{child_name}: simple value has child elements")
            lines = [f"{pad}<{child_name}>"]
            _ordered_lines(child, child_type, table, source, f"{path}/{child_name}", depth + 1, lines)
            lines.append(f"{pad}</{child_name}>")
        else:
            lines = [f"{pad}<{child_name}>{_escape(child.text or '')}</{child_name}>"]
        secondary = _text_of(child, sort_child) if sort_child else ""
        keyed.append(((index, secondary, position), lines))
    keyed.sort(key=lambda pair: pair[0])
    for _, lines in keyed:
        out.extend(lines)


# type name -> {child element name: (position in the flattened sequence, child type, the
# child's child whose text sorts repeats (SORT_KEYS) or None)}; the first element of a name
# wins, as in TypeTable.child.
_ChildIndex = dict[str, tuple[int, str, str | None]]
_CHILD_INDEXES: dict[tuple[int, str], _ChildIndex] = {}


def _child_index(table: TypeTable, type_name: str) -> _ChildIndex:
    key = (id(table), type_name)
    index = _CHILD_INDEXES.get(key)
    if index is None:
        index = {}
        for position, child in enumerate(table.sequence(type_name)):
            index.setdefault(child.name, (position, child.type, SORT_KEYS.get((type_name, child.name))))
        _CHILD_INDEXES[key] = index
    return index


def _text_of(element: etree._Element, child_name: str) -> str:
    for child in element:
        if etree.QName(child).localname == child_name:
            return child.text or ""
    return ""


_NS_PREFIX = f"{{{MD_NS}}}"
_NS_LEN = len(_NS_PREFIX)


def _local_name(element: etree._Element, source: str) -> str:
    qname = etree.QName(element)
    if qname.namespace != MD_NS:
        raise CanonicalError(
            f"{source}: <{qname.localname}> must be in namespace {MD_NS}, found {qname.namespace or 'no namespace'}"
        )
    return str(qname.localname)


def _escape(text: str) -> str:
    if not _ESCAPED.search(text):
        return text
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


_ESCAPED = re.compile("[&<>\"']")
