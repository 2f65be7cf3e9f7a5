"""The Metadata API WSDL (vendor/salesforce-metadata-api-v66.wsdl), read in one place.

Its single `xsd:schema` declares ~2000 named complex and simple types and no global elements.
From it come: the element order of every complex type (a metadata file's children must follow
the type's `xsd:sequence`, base type's elements first: Metadata API Developer Guide, "Metadata
Types"; the order Salesforce writes on retrieve), and standalone XML Schemas for a set of
metadata types (one global element per type, `<Flow>` of type `tns:Flow`) to validate files.

The caller passes the WSDL's path (sfpay finds it with `sfpay.paths.WSDL_PATH`); `load` parses
it once per process.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

from sfmeta.xml import XSD_NS, Node

_TYPE_ATTRIBUTES = ("type", "base", "itemType")
_COMPLEX = f"{{{XSD_NS}}}complexType"
_SIMPLE = f"{{{XSD_NS}}}simpleType"


class WsdlError(Exception):
    """The WSDL is missing or not the shape we expect (an installation problem)."""


class Wsdl:
    """Index of the WSDL's named complex and simple types."""

    def __init__(self, wsdl_bytes: bytes) -> None:
        try:
            parser = etree.XMLParser(remove_comments=True, huge_tree=True, resolve_entities=False, no_network=True)
            root = etree.fromstring(wsdl_bytes, parser=parser)
        except etree.XMLSyntaxError as exc:
            raise WsdlError(f"the Metadata API WSDL is not well-formed XML: {exc}") from exc
        schema = root.find(f".//{{{XSD_NS}}}schema")
        if schema is None:
            raise WsdlError("the Metadata API WSDL has no xsd:schema")
        self.schema_attributes: dict[str, str] = dict(schema.attrib)
        self.namespaces: dict[str, str] = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
        self.types: dict[str, Node] = {}
        for child in schema:
            name = child.get("name")
            if name and child.tag in (_COMPLEX, _SIMPLE):
                self.types[name] = child

    def _base(self, node: Node) -> str | None:
        extension = node.find(f"{{{XSD_NS}}}complexContent/{{{XSD_NS}}}extension")
        return _local(extension.get("base", "")) if extension is not None else None

    def metadata_types(self) -> set[str]:
        """Names of every complex type that (transitively) extends `Metadata`."""
        bases = {name: base for name, node in self.types.items() if (base := self._base(node))}
        result = set()
        for name in bases:
            seen, current = set(), name
            while current in bases and current not in seen:
                seen.add(current)
                current = bases[current]
            if current == "Metadata":
                result.add(name)
        return result

    def reachable(self, roots: Iterable[str]) -> list[str]:
        """Type names (complex and simple) reachable from `roots` through type/base/itemType, sorted."""
        seen: set[str] = set()
        pending = [r for r in roots if r in self.types]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in self.types[name].iter():
                for attribute in _TYPE_ATTRIBUTES:
                    value = node.get(attribute)
                    if value and value.startswith("tns:"):
                        target = value[4:]
                        if target in self.types and target not in seen:
                            pending.append(target)
        return sorted(seen)

    def slice_text(self, root_types: Iterable[str]) -> bytes:
        """A standalone XSD with the types reachable from `root_types` and one global element each.

        Names the WSDL does not define get no global element: a document of such a type then
        fails validation with "no matching global declaration".
        """
        roots = sorted(r for r in set(root_types) if r in self.types)
        schema = etree.Element(f"{{{XSD_NS}}}schema", nsmap=self.namespaces, attrib=self.schema_attributes)
        for name in self.reachable(roots):
            schema.append(copy.deepcopy(self.types[name]))
        for name in roots:
            etree.SubElement(schema, f"{{{XSD_NS}}}element", name=name, type=f"tns:{name}")
        return bytes(etree.tostring(schema, xml_declaration=True, encoding="UTF-8"))

    def sequences(self, roots: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The element order of the complex types reachable from `roots` (sorted by name):
        {type: {"base": base type or None, "elements": [[name, type, repeated], ...]}}, where a
        type is a local name, or "xsd:..." for built-in simple types."""
        raw: dict[str, dict[str, Any]] = {}
        pending = list(roots)
        while pending:
            name = pending.pop()
            node = self.types.get(name)
            if name in raw or node is None or node.tag != _COMPLEX:
                continue
            entry = self._sequence(node)
            raw[name] = entry
            if entry["base"]:
                pending.append(entry["base"])
            pending.extend(t for _, t, _ in entry["elements"])
        return {name: raw[name] for name in sorted(raw)}

    def _sequence(self, node: Node) -> dict[str, Any]:
        extension = node.find(f"{{{XSD_NS}}}complexContent/{{{XSD_NS}}}extension")
        container = extension if extension is not None else node
        sequence = container.find(f"{{{XSD_NS}}}sequence")
        elements = []
        for element in sequence.iterfind(f"{{{XSD_NS}}}element") if sequence is not None else ():
            element_type = element.get("type")
            elements.append(
                [
                    element.get("name"),
                    element_type if element_type.startswith("xsd:") else _local(element_type),
                    element.get("maxOccurs") == "unbounded",
                ]
            )
        return {"base": self._base(node), "elements": elements}

    def type_table(self) -> TypeTable:
        """Element order of every complex type of the WSDL."""
        return TypeTable(self.sequences(name for name, node in self.types.items() if node.tag == _COMPLEX))


def _local(qname: str) -> str:
    return qname.split(":", 1)[1] if ":" in qname else qname


@lru_cache(maxsize=2)
def load(wsdl_path: Path) -> Wsdl:
    """The WSDL at `wsdl_path`, parsed once per process."""
    try:
        data = wsdl_path.read_bytes()
    except OSError as exc:
        raise WsdlError(f"cannot read the Metadata API WSDL {wsdl_path}: {exc.strerror}") from exc
    return Wsdl(data)


def compile_schema(xsd: bytes) -> Any:
    """An `lxml.etree.XMLSchema` from the text of a schema slice.

    Given as a file, not as a parsed tree: from a tree, lxml compiles a copy of the whole
    document (~3% of a `sfpay validate` run for the prebuilt slice); from a file it compiles
    the document it parsed itself (with the same default parser as `etree.fromstring`)."""
    from io import BytesIO

    return etree.XMLSchema(file=BytesIO(xsd))


class ChildElement(NamedTuple):
    name: str
    type: str  # local type name; "xsd:..." for built-in simple types
    repeated: bool


class TypeTable:
    """Complex types with their flattened sequence (base type's elements first), from
    `Wsdl.sequences` (or a stored copy of it)."""

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self._raw = raw
        self._flat: dict[str, tuple[ChildElement, ...]] = {}

    def is_complex(self, type_name: str) -> bool:
        return type_name in self._raw

    def sequence(self, type_name: str) -> tuple[ChildElement, ...]:
        """All child elements of `type_name` in schema order, inherited ones first."""
        if type_name not in self._flat:
            entry = self._raw[type_name]
            inherited = self.sequence(entry["base"]) if entry.get("base") else ()
            own = tuple(ChildElement(n, t, bool(r)) for n, t, r in entry["elements"])
            self._flat[type_name] = inherited + own
        return self._flat[type_name]

    def child(self, type_name: str, element_name: str) -> tuple[int, ChildElement] | None:
        for index, child in enumerate(self.sequence(type_name)):
            if child.name == element_name:
                return index, child
        return None

    def is_subtype(self, type_name: str, ancestor: str) -> bool:
        current: str | None = type_name
        while current:
            if current == ancestor:
                return True
            current = self._raw.get(current, {}).get("base")
        return False
