"""Validate a metadata file against the Metadata API XML Schema embedded in the WSDL.

The WSDL's schema declares complex types only; a document can be validated once the schema
is lifted out of the WSDL, given the WSDL root's namespace declarations (its QName values
use the `tns:` prefix) and one global element per root type (`<Flow>` of type `tns:Flow`).
lxml compiles the result in well under a second.
"""

from __future__ import annotations

from copy import deepcopy
from functools import lru_cache
from pathlib import Path

from generator.schema.sequences import METADATA_NS, ROOT_TYPES, XSD_NS


@lru_cache(maxsize=2)
def metadata_schema(wsdl_path: Path, roots: tuple[str, ...] = ROOT_TYPES):
    from lxml import etree

    wsdl = etree.parse(str(wsdl_path))
    schema_el = wsdl.find(f".//{{{XSD_NS}}}schema")
    nsmap = {"xsd": XSD_NS, "tns": METADATA_NS}
    wrapper = etree.Element(
        f"{{{XSD_NS}}}schema",
        nsmap=nsmap,
        attrib={"targetNamespace": METADATA_NS, "elementFormDefault": "qualified"},
    )
    for child in schema_el:
        wrapper.append(deepcopy(child))  # a copy: append would move it out of the WSDL tree
    for root in roots:
        etree.SubElement(wrapper, f"{{{XSD_NS}}}element", name=root, type=f"tns:{root}")
    return etree.XMLSchema(wrapper)


def schema_errors(path_or_bytes: Path | bytes, wsdl_path: Path) -> list[str]:
    """Schema violations of one metadata document, as `line N: message` strings."""
    from lxml import etree

    schema = metadata_schema(wsdl_path)
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    doc = etree.fromstring(data)
    if schema.validate(doc.getroottree()):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
