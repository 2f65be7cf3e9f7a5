"""Deployable components, whichever format they came in (SFDX source or Metadata API zip)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sfmeta.xml import Node, XmlSyntaxError, parse


@dataclass
class Component:
    type: str  # CustomObject, CustomField, RecordType, BusinessProcess, ValidationRule, Flow, WorkflowAlert, EmailTemplate, ...
    object: str | None  # owning object for object children / alerts
    name: str  # API name (fullName without the object prefix)
    element: Node  # lxml element of the component
    where: str  # file (and line) for error messages
    body: str | None = None  # email template body


@dataclass
class Bundle:
    components: list[Component] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files of types with no runtime effect

    def of(self, type_name: str) -> list[Component]:
        return [c for c in self.components if c.type == type_name]


def parse_xml(data: bytes, where: str) -> Node:
    """A component's XML root; a MetadataError naming the file if it is not well-formed."""
    from orgsim.errors import MetadataError

    try:
        return parse(data, remove_comments=True)
    except XmlSyntaxError as exc:
        raise MetadataError(f"not well-formed XML: {exc.message} (line {exc.line})", where=where) from None
