"""Metadata API files -> components, normalised so that only differences with an effect remain.

Both sides are in Metadata API (mdapi) form: what the spec renders (converted by the
pipeline's converter, the same files `sfpay deploy` sends) and what `retrieve()` returns.
Salesforce stores components, not files, and writes them back in its own way, so these
differences are noise and are removed before comparing:

| noise | why |
|---|---|
| XML declaration, indentation, blank text between elements, comments | the org keeps the component, not the file; retrieve writes it anew (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_retrieve.htm) |
| order of an object's children, of a workflow's alerts, of a permission set's entries, of a flow's elements | retrieve writes children in the WSDL's element order and each list by name; the order has no effect (each is keyed by its fullName / field / object / name) |
| a flow's `locationX` / `locationY` | canvas positions ("the horizontal/vertical position of the element on the canvas", Flow metadata: https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_visual_workflow.htm); Flow Builder rewrites them on every save |
| a flow's `processMetadataValues` named BuilderType, CanvasMode, OriginBuilderType | Flow Builder's own bookkeeping of which editor and canvas mode saved the version (same page, FlowMetadataValue); no run-time effect |
| a flow's top-level `status` | compared separately, as the flow's activation (Active / Draft / Obsolete), with the version numbers from the Tooling API's FlowDefinition |

Everything else counts: a changed label, formula, filter, connector, field type or
permission is drift.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from sfmeta import metadata_types
from sfmeta.xml import MD_NS, Node, local, parse

CHILD_TYPE_BY_TAG = {tag: kind.type_name for tag, kind in metadata_types.OBJECT_CHILDREN.items()}
FLOW_NOISE_TAGS = frozenset({"locationX", "locationY"})
FLOW_BUILDER_METADATA = frozenset({"BuilderType", "CanvasMode", "OriginBuilderType"})
# Keys that identify an entry of a list inside a component (its order is noise).
ENTRY_KEYS = ("fullName", "name", "field", "object", "recordType", "apexClass", "flow", "tab", "application")


@dataclass
class Component:
    type: str
    name: str  # fullName: `Opportunity.Stripe_Invoice_ID__c`, `Folder/Template`, `Flow_Name`
    element: Node  # normalised
    body: bytes | None = None  # an email template's content

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.name)


def _q(tag: str) -> str:
    return f"{{{MD_NS}}}{tag}"


def _key_of(element: Node) -> str:
    for name in ENTRY_KEYS:
        found = element.find(_q(name))
        if found is not None and found.text:
            return found.text
    return ""


def canonical(element: Node) -> bytes:
    return etree.tostring(element, method="c14n")


def _sort_entries(element: Node) -> None:
    """A component's own children sorted by (tag, key, content): their order is noise. Nested
    lists keep their order (a picklist's values are shown in that order)."""
    children = [c for c in element if isinstance(c.tag, str)]
    children.sort(key=lambda c: (local(c), _key_of(c), canonical(c)))
    for child in children:
        element.append(child)


def _strip_text(element: Node) -> None:
    for node in element.iter():
        if isinstance(node.tag, str) and len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None


def normalise_flow(root: Node) -> Node:
    root = copy.deepcopy(root)
    for node in list(root.iter()):
        if not isinstance(node.tag, str) or node.getparent() is None:
            continue
        if local(node) in FLOW_NOISE_TAGS:
            node.getparent().remove(node)
        elif local(node) == "processMetadataValues" and node.findtext(_q("name")) in FLOW_BUILDER_METADATA:
            node.getparent().remove(node)
    status = root.find(_q("status"))
    if status is not None:
        root.remove(status)
    _strip_text(root)
    _sort_entries(root)
    return root


def normalise(root: Node) -> Node:
    root = copy.deepcopy(root)
    _strip_text(root)
    _sort_entries(root)
    return root


def _parse(data: bytes) -> Node:
    return parse(data, remove_comments=True, remove_blank_text=True)


def flow_status(data: bytes) -> str | None:
    return _parse(data).findtext(_q("status"))


def components(files: dict[str, bytes]) -> dict[tuple[str, str], Component]:
    """The components of an mdapi file set (`flows/X.flow`, `objects/O.object`, ...), keyed by
    (type, fullName), each normalised. package.xml is not a component."""
    out: dict[tuple[str, str], Component] = {}

    def add(component: Component) -> None:
        out[component.key] = component

    for rel in sorted(files):
        parts = rel.split("/")
        if len(parts) < 2 or rel.endswith(".email"):
            continue
        folder, file_name = parts[0], parts[-1]
        if folder == "email":
            if len(parts) == 2 and file_name.endswith("-meta.xml"):
                add(Component("EmailFolder", file_name[: -len("-meta.xml")], normalise(_parse(files[rel]))))
            elif file_name.endswith(".email-meta.xml"):
                name = f"{parts[1]}/{file_name[: -len('.email-meta.xml')]}"
                body = files.get(rel[: -len("-meta.xml")])
                add(Component("EmailTemplate", name, normalise(_parse(files[rel])), body))
            continue
        kind = metadata_types.BY_DIRECTORY.get(folder)
        if kind is None:
            continue
        stem = file_name.rsplit(".", 1)[0]
        root = _parse(files[rel])
        if kind.type_name == "Flow":
            add(Component("Flow", stem, normalise_flow(root)))
        elif kind.type_name == "CustomObject":
            own = etree.Element(_q("CustomObject"), nsmap={None: MD_NS})
            for child in root:
                if not isinstance(child.tag, str):
                    continue
                if local(child) in CHILD_TYPE_BY_TAG:
                    name = child.findtext(_q("fullName")) or ""
                    add(Component(CHILD_TYPE_BY_TAG[local(child)], f"{stem}.{name}", normalise(child)))
                else:
                    own.append(copy.deepcopy(child))
            if len(own):
                add(Component("CustomObject", stem, normalise(own)))
        elif kind.type_name == "Workflow":
            for child in root:
                if isinstance(child.tag, str) and local(child) == "alerts":
                    name = (child.findtext(_q("fullName")) or "").split(".")[-1]
                    add(Component("WorkflowAlert", f"{stem}.{name}", normalise(child)))
        else:
            add(Component(kind.type_name, stem, normalise(root)))
    return out


def pretty(element: Node) -> list[str]:
    """An element as indented lines without the namespace, for a readable diff."""
    shown = copy.deepcopy(element)
    for node in shown.iter():
        if isinstance(node.tag, str):
            node.tag = local(node)
    etree.cleanup_namespaces(shown)
    etree.indent(shown, space="  ")
    text = etree.tostring(shown, encoding="unicode")
    return text.replace(f' xmlns="{MD_NS}"', "").splitlines()
