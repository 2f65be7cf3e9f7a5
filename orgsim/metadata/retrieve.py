"""What a Metadata API `retrieve()` returns: the org's deployed components, as the deploy
history the org keeps (`_deployed`, every accepted deploy's files) left them (replayed once
when the org opens, then kept up to date by each deploy: Org.deployed), written back in
Metadata API (mdapi) format.

Facts modelled, with their sources:

* retrieve() answers with a zip of mdapi files plus the `package.xml` that was asked for;
  an unpackaged retrieve puts them under `unpackaged/`
  (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_retrieve.htm).
* The org holds components, not files: a component is written back from what is stored, so
  comments and the layout of the source file are not kept; object children come back inside
  their object's `.object` file in the WSDL's element order (the order the Metadata API types
  declare, vendor/salesforce-metadata-api-v66.wsdl).
* A flow without a version number in its name is the latest version
  (https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/tooling_api_objects_flow.htm,
  FullName), and "after you change and deploy" an active flow "the detail page displays a new
  flow version" (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_visual_workflow.htm):
  every deploy of a changed flow is counted as a new version here; its `<status>` is the
  version's current state (activation through FlowDefinition changes it after the deploy).
* A permission set comes back whole in API 40.0 and later
  (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_permissionset.htm).
* A member that does not exist is not an error of the call: RetrieveResult.messages lists it
  (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_retrieveresult.htm).
* Wildcards (`*`) are refused for foldered types (EmailTemplate), which need `Folder/Name`
  (https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/manifest_samples.htm).
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lxml import etree

from orgsim.errors import MetadataError
from sfmeta import metadata_types
from sfmeta.xml import MD_NS, Node, local, parse

# Object children that live inside `<CustomObject>` in mdapi format: tag -> type.
CHILD_TYPE_BY_TAG = {tag: kind.type_name for tag, kind in metadata_types.OBJECT_CHILDREN.items()}
TAG_BY_CHILD_TYPE = {type_name: tag for tag, type_name in CHILD_TYPE_BY_TAG.items()}
WORKFLOW_CHILDREN = {"alerts": "WorkflowAlert"}


@dataclass
class StoredComponent:
    type: str
    full_name: str  # `Opportunity.Stripe_Invoice_ID__c`, `Folder/Template`, `Flow_Name`
    element: Node  # mdapi form: an object child is its `<fields>`/`<recordTypes>`... element
    body: bytes | None = None  # an email template's content file
    version: int = 1  # flows: changed copies deployed so far


@dataclass
class DeployedMetadata:
    """The org's current components as its deployments left them. The org keeps one, updated
    as each deployment commits (Org.deployed), so a retrieve or a Tooling flow query costs the
    components asked for, not the org's whole deploy history."""

    components: dict[tuple[str, str], StoredComponent] = field(default_factory=dict)

    def snapshot(self) -> DeployedMetadata:
        """A copy later deployments do not change: `put` replaces components, never edits one."""
        return DeployedMetadata(dict(self.components))

    def of_type(self, type_name: str) -> list[StoredComponent]:
        return [c for (t, _), c in sorted(self.components.items()) if t == type_name]

    def get(self, type_name: str, full_name: str) -> StoredComponent | None:
        return self.components.get((type_name, full_name))

    def flow_versions(self) -> dict[str, int]:
        return {c.full_name: c.version for c in self.of_type("Flow")}

    def put(self, component: StoredComponent) -> None:
        key = (component.type, component.full_name)
        previous = self.components.get(key)
        if previous is not None:
            changed = _canonical(previous.element) != _canonical(component.element) or previous.body != component.body
            component.version = previous.version + 1 if changed else previous.version
        self.components[key] = component


def _canonical(element: Node) -> bytes:
    return etree.tostring(element, method="c14n")


def stored_components(kind: str, files: dict[str, bytes]) -> list[StoredComponent]:
    """The components one deployment's files hold ("source" or "mdapi" form), for `put`."""
    return _split_source(files) if kind == "source" else _split_mdapi(files)


def _root(data: bytes, where: str) -> Node:
    root = parse(data, remove_comments=True, remove_blank_text=True)
    if root is None:
        raise MetadataError("empty metadata file", where=where)
    return root


def _object_parts(obj: str, root: Node) -> list[StoredComponent]:
    out = []
    own = etree.Element(f"{{{MD_NS}}}CustomObject", nsmap={None: MD_NS})
    for child in root:
        if not isinstance(child.tag, str):
            continue
        tag = local(child)
        if tag in CHILD_TYPE_BY_TAG:
            name = child.findtext(f"{{{MD_NS}}}fullName") or ""
            out.append(StoredComponent(CHILD_TYPE_BY_TAG[tag], f"{obj}.{name}", copy.deepcopy(child)))
        else:
            own.append(copy.deepcopy(child))
    if len(own):
        out.append(StoredComponent("CustomObject", obj, own))
    return out


def _workflow_parts(obj: str, root: Node) -> list[StoredComponent]:
    out = []
    for child in root:
        if isinstance(child.tag, str) and local(child) in WORKFLOW_CHILDREN:
            name = (child.findtext(f"{{{MD_NS}}}fullName") or "").split(".")[-1]
            out.append(StoredComponent(WORKFLOW_CHILDREN[local(child)], f"{obj}.{name}", copy.deepcopy(child)))
    return out


def _split_mdapi(files: dict[str, bytes]) -> list[StoredComponent]:
    out: list[StoredComponent] = []
    for rel in sorted(files):
        parts = rel.split("/")
        if len(parts) < 2 or rel.endswith(".email"):
            continue  # package.xml; template bodies are read with their -meta.xml
        folder, file_name = parts[0], parts[-1]
        kind = metadata_types.BY_DIRECTORY.get(folder)
        if kind is None:
            continue
        if folder == "email":
            if len(parts) == 2 and file_name.endswith("-meta.xml"):
                out.append(StoredComponent("EmailFolder", file_name[: -len("-meta.xml")], _root(files[rel], rel)))
            elif file_name.endswith(".email-meta.xml"):
                name = f"{parts[1]}/{file_name[: -len('.email-meta.xml')]}"
                body = files.get(rel[: -len("-meta.xml")])
                out.append(StoredComponent("EmailTemplate", name, _root(files[rel], rel), body))
            continue
        stem = file_name.rsplit(".", 1)[0]
        root = _root(files[rel], rel)
        if kind.type_name == "CustomObject":
            out.extend(_object_parts(stem, root))
        elif kind.type_name == "Workflow":
            out.extend(_workflow_parts(stem, root))
        else:
            out.append(StoredComponent(kind.type_name, stem, root))
    return out


def _split_source(files: dict[str, bytes]) -> list[StoredComponent]:
    out: list[StoredComponent] = []
    for rel in sorted(files):
        path = PurePosixPath(rel)
        kind = metadata_types.kind_of_file(path.name)
        if kind is None:
            continue
        name = metadata_types.component_name(path)
        root = _root(files[rel], rel)
        parts = path.parts
        if kind.parent_folder:
            obj = parts[parts.index("objects") + 1]
            element = etree.Element(f"{{{MD_NS}}}{kind.parent_folder}", nsmap={None: MD_NS})
            if root.find(f"{{{MD_NS}}}fullName") is None:
                etree.SubElement(element, f"{{{MD_NS}}}fullName").text = name
            for child in root:
                if isinstance(child.tag, str):
                    element.append(copy.deepcopy(child))
            out.append(StoredComponent(kind.type_name, f"{obj}.{name}", element))
        elif kind.type_name == "CustomObject":
            out.extend(_object_parts(name, root))
        elif kind.type_name == "Workflow":
            out.extend(_workflow_parts(name, root))
        elif kind.type_name == "EmailTemplate":
            body = files.get(rel[: -len("-meta.xml")])
            out.append(StoredComponent("EmailTemplate", f"{parts[-2]}/{name}", root, body))
        else:
            out.append(StoredComponent(kind.type_name, name, root))
    return out


# -- the zip ------------------------------------------------------------------------------------


@dataclass
class RetrieveOutput:
    zip_bytes: bytes
    files: list[tuple[str, str, str]]  # (fileName, type, fullName) of each component file
    messages: list[tuple[str, str]]  # (fileName, problem)


@functools.lru_cache(maxsize=1)
def _custom_object_order() -> dict[str, int]:
    from sfmeta import wsdl
    from sfpay.paths import WSDL_PATH

    names = [child.name for child in wsdl.load(WSDL_PATH).type_table().sequence("CustomObject")]
    return {name: index for index, name in enumerate(names)}


def _serialize(root: Node) -> bytes:
    etree.indent(root, space="    ")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.replace(b"<?xml version='1.0' encoding='UTF-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>', 1)


def _rooted(type_name: str, element: Node) -> Node:
    root = copy.deepcopy(element)
    root.tag = f"{{{MD_NS}}}{type_name}"
    return root


FOLDERED = {kind.type_name for kind in metadata_types.BY_SUFFIX.values() if kind.foldered}


def build_retrieve(
    deployed: DeployedMetadata,
    requested: list[tuple[str, list[str]]],
    flow_status: dict[str, str],
    api_version: str,
) -> RetrieveOutput:
    """The zip for `requested` ([(type, members)]) as an unpackaged retrieve returns it.

    `flow_status`: each deployed flow's current status (Active, Draft, Obsolete)."""
    files: dict[str, bytes] = {}
    listed: list[tuple[str, str, str]] = []
    messages: list[tuple[str, str]] = []
    objects: dict[str, dict[tuple[str, str], Node]] = {}  # object -> {(tag, name): element}
    workflows: dict[str, dict[str, Node]] = {}

    def missing(type_name: str, member: str) -> None:
        messages.append(("unpackaged/package.xml", f"Entity of type '{type_name}' named '{member}' cannot be found"))

    for type_name, members in requested:
        if "*" in members and type_name in FOLDERED:
            messages.append(
                ("unpackaged/package.xml", f"{type_name} is a foldered type: name each member as Folder/Name, not *")
            )
            members = [m for m in members if m != "*"]
        if "*" in members:
            chosen = deployed.of_type(type_name)
            if type_name == "CustomObject":  # the objects that have children stored, too
                names = {c.full_name.split(".")[0] for t in CHILD_TYPE_BY_TAG.values() for c in deployed.of_type(t)}
                chosen_names = sorted(names | {c.full_name for c in chosen})
            elif type_name == "Workflow":
                chosen_names = sorted({c.full_name.split(".")[0] for c in deployed.of_type("WorkflowAlert")})
            else:
                chosen_names = [c.full_name for c in chosen]
            members = sorted(set(chosen_names) | {m for m in members if m != "*"})
        for member in members:
            if type_name in FOLDERED and "/" not in member:
                type_name_of_member = "EmailFolder"  # a folder is listed as a member of its type
                component = deployed.get(type_name_of_member, member)
                if component is None:
                    missing(type_name, member)
                    continue
                name = f"email/{member}-meta.xml"
                files[name] = _serialize(copy.deepcopy(component.element))
                listed.append((name, type_name, member))
                continue
            if type_name == "CustomObject" or type_name == "Workflow":
                found = _whole(deployed, type_name, member, objects, workflows)
                if not found:
                    missing(type_name, member)
                continue
            component = deployed.get(type_name, member)
            if component is None:
                missing(type_name, member)
                continue
            if type_name in TAG_BY_CHILD_TYPE:
                obj, _, name = member.partition(".")
                objects.setdefault(obj, {})[(TAG_BY_CHILD_TYPE[type_name], name)] = component.element
            elif type_name == "WorkflowAlert":
                obj, _, name = member.partition(".")
                workflows.setdefault(obj, {})[name] = component.element
            elif type_name == "Flow":
                root = copy.deepcopy(component.element)
                status = root.find(f"{{{MD_NS}}}status")
                if status is not None and member in flow_status:
                    status.text = flow_status[member]
                name = f"flows/{member}.flow"
                files[name] = _serialize(root)
                listed.append((name, type_name, member))
            elif type_name == "EmailTemplate":
                base = f"email/{member}.email"
                files[base + "-meta.xml"] = _serialize(copy.deepcopy(component.element))
                files[base] = component.body or b""
                listed.append((base, type_name, member))
            else:
                kind = metadata_types.BY_DIRECTORY.get(_directory_of(type_name) or "")
                if kind is None:
                    missing(type_name, member)
                    continue
                name = (
                    f"email/{member}-meta.xml"
                    if type_name == "EmailFolder"
                    else f"{kind.directory}/{member}.{kind.suffix}"
                )
                files[name] = _serialize(copy.deepcopy(component.element))
                listed.append((name, type_name, member))

    order = _custom_object_order()
    for obj, parts in sorted(objects.items()):
        root = etree.Element(f"{{{MD_NS}}}CustomObject", nsmap={None: MD_NS})
        entries = sorted(parts.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0][1]))
        for (_, _), element in entries:
            if element.tag == f"{{{MD_NS}}}CustomObject":
                for child in element:
                    root.append(copy.deepcopy(child))
            else:
                root.append(copy.deepcopy(element))
        _sort_children(root, order)
        name = f"objects/{obj}.object"
        files[name] = _serialize(root)
        listed.append((name, "CustomObject", obj))
    for obj, alerts in sorted(workflows.items()):
        root = etree.Element(f"{{{MD_NS}}}Workflow", nsmap={None: MD_NS})
        for _, element in sorted(alerts.items()):
            root.append(copy.deepcopy(element))
        name = f"workflows/{obj}.workflow"
        files[name] = _serialize(root)
        listed.append((name, "Workflow", obj))

    files["package.xml"] = _package_xml(requested, api_version)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(zipfile.ZipInfo("unpackaged/" + name, date_time=(1980, 1, 1, 0, 0, 0)), files[name])
    listed = [("unpackaged/" + f, t, n) for f, t, n in listed]
    return RetrieveOutput(buffer.getvalue(), listed, messages)


def _directory_of(type_name: str) -> str | None:
    for kind in metadata_types.BY_SUFFIX.values():
        if kind.type_name == type_name and kind.directory and not kind.parent_folder:
            return kind.directory
    return None


def _whole(deployed: DeployedMetadata, type_name: str, member: str, objects: dict, workflows: dict) -> bool:
    """A whole object (its own part and every stored child) or a whole workflow (every alert)."""
    found = False
    if type_name == "CustomObject":
        own = deployed.get("CustomObject", member)
        if own is not None:
            objects.setdefault(member, {})[("", "")] = own.element
            found = True
        for tag, child_type in CHILD_TYPE_BY_TAG.items():
            for component in deployed.of_type(child_type):
                obj, _, name = component.full_name.partition(".")
                if obj == member:
                    objects.setdefault(member, {})[(tag, name)] = component.element
                    found = True
    else:
        for component in deployed.of_type("WorkflowAlert"):
            obj, _, name = component.full_name.partition(".")
            if obj == member:
                workflows.setdefault(member, {})[name] = component.element
                found = True
    return found


def _sort_children(root: Node, order: dict[str, int]) -> None:
    children = [c for c in root if isinstance(c.tag, str)]
    children.sort(key=lambda c: (order.get(local(c), len(order)), c.findtext(f"{{{MD_NS}}}fullName") or ""))
    for child in children:
        root.append(child)


def _package_xml(requested: list[tuple[str, list[str]]], api_version: str) -> bytes:
    root = etree.Element(f"{{{MD_NS}}}Package", nsmap={None: MD_NS})
    for type_name, members in requested:
        types = etree.SubElement(root, f"{{{MD_NS}}}types")
        for member in members:
            etree.SubElement(types, f"{{{MD_NS}}}members").text = member
        etree.SubElement(types, f"{{{MD_NS}}}name").text = type_name
    etree.SubElement(root, f"{{{MD_NS}}}version").text = api_version
    return _serialize(root)
