"""Derive, store and load the element order of Metadata API complex types."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sfpay.paths import resource  # noqa: E402

SLICE_PATH = resource("generator.schema", "sequences.json")

XSD_NS = "http://www.w3.org/2001/XMLSchema"
METADATA_NS = "http://soap.sforce.com/2006/04/metadata"

# Root element of every metadata file the generator writes (the element name is the type name).
ROOT_TYPES = (
    "BusinessProcess",
    "CustomField",
    "EmailFolder",
    "EmailTemplate",
    "Flow",
    "PermissionSet",
    "RecordType",
    "Workflow",
)


@dataclass(frozen=True)
class ChildElement:
    name: str
    type: str  # local type name; "xsd:..." for built-in simple types
    repeated: bool


class TypeTable:
    """Complex types with their flattened sequence (base type's elements first)."""

    def __init__(self, raw: dict[str, dict]):
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


def derive_slice(wsdl_path: Path, roots: tuple[str, ...] = ROOT_TYPES) -> dict[str, dict]:
    """Read the WSDL and return the complex types reachable from `roots` (sorted by name)."""
    from lxml import etree

    tree = etree.parse(str(wsdl_path))
    ns = {"xsd": XSD_NS}
    all_types: dict[str, dict] = {}
    for ctype in tree.iterfind(".//xsd:schema/xsd:complexType", ns):
        name = ctype.get("name")
        ext = ctype.find("xsd:complexContent/xsd:extension", ns)
        base = None
        container = ctype
        if ext is not None:
            base = _local(ext.get("base"))
            container = ext
        seq = container.find("xsd:sequence", ns)
        elements = []
        if seq is not None:
            for el in seq.iterfind("xsd:element", ns):
                el_type = el.get("type")
                elements.append(
                    [
                        el.get("name"),
                        el_type if el_type.startswith("xsd:") else _local(el_type),
                        el.get("maxOccurs") == "unbounded",
                    ]
                )
        all_types[name] = {"base": base, "elements": elements}

    reachable: dict[str, dict] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in reachable or name not in all_types:
            continue
        entry = all_types[name]
        reachable[name] = entry
        if entry["base"]:
            pending.append(entry["base"])
        pending.extend(t for _, t, _ in entry["elements"] if t in all_types)
    return {name: reachable[name] for name in sorted(reachable)}


def _local(qname: str) -> str:
    return qname.split(":", 1)[1] if ":" in qname else qname


def write_slice(wsdl_path: Path, out: Path = SLICE_PATH) -> None:
    data = derive_slice(wsdl_path)
    out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_table() -> TypeTable:
    return TypeTable(json.loads(SLICE_PATH.read_text(encoding="utf-8")))
