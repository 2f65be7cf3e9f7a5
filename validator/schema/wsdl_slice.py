"""Turn the Metadata API WSDL into a small XML Schema for the metadata types at hand.

The WSDL's single `xsd:schema` declares ~2000 complex types but no global elements, and
compiling all of it with lxml costs most of a second. A source tree only ever needs the
types reachable from the metadata types it contains (a Flow needs ~150 of them), so we copy
exactly those into a standalone schema, add one global element per metadata type (`<Flow>`
of type `tns:Flow`, ...), and cache the result keyed by the WSDL's hash and the type set.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

XSD_NS = "http://www.w3.org/2001/XMLSchema"
MD_NS = "http://soap.sforce.com/2006/04/metadata"
_TYPE_ATTRIBUTES = ("type", "base", "itemType")
# Bump when the slice format changes, so stale cache entries are ignored.
_SLICE_FORMAT = "1"


class WsdlError(Exception):
    """The vendored WSDL is missing or not the shape we expect (an installation problem)."""


class WsdlTypes:
    """Index of the WSDL's named complex and simple types."""

    def __init__(self, wsdl_bytes: bytes):
        from lxml import etree

        try:
            root = etree.fromstring(wsdl_bytes, parser=etree.XMLParser(remove_comments=True, huge_tree=True))
        except etree.XMLSyntaxError as exc:
            raise WsdlError(f"the Metadata API WSDL is not well-formed XML: {exc}") from exc
        schema = root.find(f".//{{{XSD_NS}}}schema")
        if schema is None:
            raise WsdlError("the Metadata API WSDL has no xsd:schema")
        self.schema_attributes = dict(schema.attrib)
        self.namespaces = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
        self.types = {}
        for child in schema:
            name = child.get("name")
            if name and child.tag in (f"{{{XSD_NS}}}complexType", f"{{{XSD_NS}}}simpleType"):
                self.types[name] = child

    def metadata_types(self) -> set[str]:
        """Names of every complex type that (transitively) extends `Metadata`."""
        bases = {}
        for name, node in self.types.items():
            extension = node.find(f"{{{XSD_NS}}}complexContent/{{{XSD_NS}}}extension")
            if extension is not None:
                bases[name] = extension.get("base", "").removeprefix("tns:")
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
        """Type names reachable from `roots` through type/base/itemType references, sorted."""
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
        fails validation with "no matching global declaration", which the schema rule reports.
        """
        from lxml import etree

        roots = sorted(r for r in set(root_types) if r in self.types)
        schema = etree.Element(f"{{{XSD_NS}}}schema", nsmap=self.namespaces, attrib=self.schema_attributes)
        for name in self.reachable(roots):
            schema.append(_copy(self.types[name]))
        for name in roots:
            etree.SubElement(schema, f"{{{XSD_NS}}}element", name=name, type=f"tns:{name}")
        return etree.tostring(schema, xml_declaration=True, encoding="UTF-8")


def _copy(node):
    import copy

    return copy.deepcopy(node)


def load_schema(wsdl_path: Path, root_types: Iterable[str]):
    """Compiled `lxml.etree.XMLSchema` for `root_types`, from the cache when possible.

    The cache key uses the WSDL's path, size and modification time (not its 2 MB content),
    so a warm start never reads the WSDL at all.
    """
    from lxml import etree

    from validator import cache

    try:
        stat = wsdl_path.stat()
    except OSError as exc:
        raise WsdlError(f"cannot read the Metadata API WSDL {wsdl_path}: {exc.strerror}") from exc
    roots = sorted(set(root_types))
    identity = f"{wsdl_path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    name = f"metadata-slice-{cache.key_for(_SLICE_FORMAT, identity, *roots)}.xsd"
    text = cache.read(name)
    if text is not None:
        try:
            return etree.XMLSchema(etree.fromstring(text))
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError):
            pass  # a damaged cache entry: rebuild it below
    try:
        wsdl_bytes = wsdl_path.read_bytes()
    except OSError as exc:
        raise WsdlError(f"cannot read the Metadata API WSDL {wsdl_path}: {exc.strerror}") from exc
    text = WsdlTypes(wsdl_bytes).slice_text(roots)
    cache.write(name, text)
    return etree.XMLSchema(etree.fromstring(text))
