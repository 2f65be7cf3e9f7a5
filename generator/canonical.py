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
    return serialize(canonical_tree(root, source), source)


def canonical_tree(root: etree._Element, source: str = "<rendered>") -> etree._Element:
    table = load_table()
    name = _local_name(root, source)
    if not table.is_complex(name):
        raise CanonicalError(f"{source}: <{name}> is not a Metadata API type")
    _order(root, name, table, source, name)
    return root


def _order(element: etree._Element, type_name: str, table: TypeTable, source: str, path: str) -> None:
    keyed = []
    for position, child in enumerate(element):
        child_name = _local_name(child, source)
        found = table.child(type_name, child_name)
        if found is None:
            raise CanonicalError(f"{source}: {path}/{child_name}: not an element of Metadata API type {type_name}")
        index, spec = found
        if table.is_complex(spec.type):
            _order(child, spec.type, table, source, f"{path}/{child_name}")
        elif len(child):
            raise CanonicalError(f"{source}: {path}/{child_name}: simple value has child elements")
        sort_child = SORT_KEYS.get((type_name, child_name))
        secondary = _text_of(child, sort_child) if sort_child else ""
        keyed.append(((index, secondary, position), child))
    keyed.sort(key=lambda pair: pair[0])
    for _, child in keyed:
        element.append(child)  # re-appending moves the element to the end, in order


def _text_of(element: etree._Element, child_name: str) -> str:
    for child in element:
        if etree.QName(child).localname == child_name:
            return child.text or ""
    return ""


def _local_name(element: etree._Element, source: str) -> str:
    qname = etree.QName(element)
    if qname.namespace != MD_NS:
        raise CanonicalError(
            f"{source}: <{qname.localname}> must be in namespace {MD_NS}, found {qname.namespace or 'no namespace'}"
        )
    return str(qname.localname)


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def serialize(root: etree._Element, source: str = "<rendered>") -> bytes:
    """Write the tree as Salesforce writes metadata: declaration, 4 spaces, escaped text."""
    lines = [DECLARATION.rstrip("\n")]
    name = etree.QName(root).localname
    lines.append(f'<{name} xmlns="{MD_NS}">')
    for child in root:
        _write(child, 1, lines)
    lines.append(f"</{name}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write(element: etree._Element, depth: int, lines: list[str]) -> None:
    name = etree.QName(element).localname
    pad = INDENT * depth
    if len(element):
        lines.append(f"{pad}<{name}>")
        for child in element:
            _write(child, depth + 1, lines)
        lines.append(f"{pad}</{name}>")
    else:
        lines.append(f"{pad}<{name}>{_escape(element.text or '')}</{name}>")
