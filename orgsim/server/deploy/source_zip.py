"""SFDX source tree -> Metadata API zip, in Python (no Salesforce CLI needed).

What `sf project convert source` does for the types sfpay generates: `-meta.xml` suffixes
dropped, `objects/<O>/...` children folded back into `objects/<O>.object`, email folders
renamed, and a package.xml listing every component. Used by `sfpay local up --deploy` and the
tests to deploy through the same REST deploy endpoint CumulusCI uses.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path

from lxml import etree

MD_NS = "http://soap.sforce.com/2006/04/metadata"
META = "-meta.xml"
# objects/<O>/<folder>/<name>.<suffix>-meta.xml -> <folder> element of CustomObject
OBJECT_CHILD_FOLDERS = {"fields": "CustomField", "recordTypes": "RecordType", "businessProcesses": "BusinessProcess",
                        "validationRules": "ValidationRule", "listViews": "ListView", "compactLayouts": "CompactLayout",
                        "webLinks": "WebLink", "fieldSets": "FieldSet"}
FOLDER_TYPES = {"flows": "Flow", "workflows": "Workflow", "permissionsets": "PermissionSet", "layouts": "Layout",
                "flowDefinitions": "FlowDefinition", "tabs": "CustomTab", "applications": "CustomApplication",
                "flexipages": "FlexiPage", "quickActions": "QuickAction", "profiles": "Profile"}


class SourceError(Exception):
    """A source tree that cannot be converted (file named)."""


def _package_dirs(root: Path) -> list[Path]:
    project = root / "sfdx-project.json"
    if project.is_file():
        try:
            return [root / entry["path"] for entry in json.loads(project.read_text(encoding="utf-8"))["packageDirectories"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"{project}: cannot read packageDirectories ({exc})") from None
    return [root]


def _parse(path: Path):
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)).getroot()
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{path}:{exc.position[0]}: {exc.msg}") from None


def convert(root: Path, api_version: str = "66.0") -> dict[str, bytes]:
    """{zip path: content} of the Metadata API form of the source tree at `root`."""
    files: dict[str, bytes] = {}
    members: dict[str, set[str]] = defaultdict(set)
    objects: dict[str, dict] = defaultdict(lambda: {"self": None, "children": []})
    for directory in _package_dirs(root):
        if not directory.is_dir():
            raise SourceError(f"{directory}: package directory does not exist")
        for path in sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")):
            parts = path.relative_to(directory).parts
            if "objects" in parts:
                parts = parts[parts.index("objects"):]
                obj = parts[1]
                if len(parts) == 3 and parts[2] == f"{obj}.object{META}":
                    objects[obj]["self"] = path
                elif len(parts) == 4 and parts[2] in OBJECT_CHILD_FOLDERS:
                    objects[obj]["children"].append((parts[2], path))
                    members[OBJECT_CHILD_FOLDERS[parts[2]]].add(f"{obj}.{parts[3].split('.')[0]}")
                else:
                    raise SourceError(f"{path}: not a file orgsim can convert (objects/<Object>/<folder>/<name>...)")
                continue
            folder = next((p for p in parts if p in FOLDER_TYPES or p == "email"), None)
            if folder is None:
                raise SourceError(f"{path}: metadata folder not supported by the converter")
            rel = parts[parts.index(folder):]
            name = "/".join(rel)
            if folder == "email":
                if len(rel) == 2 and rel[1].endswith(f".emailFolder{META}"):
                    folder_name = rel[1][: -len(f".emailFolder{META}")]
                    files[f"email/{folder_name}{META}"] = path.read_bytes()
                    members["EmailFolder"].add(folder_name)
                else:
                    files[name] = path.read_bytes()
                    if name.endswith(".email"):
                        members["EmailTemplate"].add("/".join(rel[1:])[: -len(".email")])
                continue
            if not name.endswith(META):
                raise SourceError(f"{path}: expected a -meta.xml file")
            files[name[: -len(META)]] = path.read_bytes()
            members[FOLDER_TYPES[folder]].add(rel[-1].split(".")[0])
    for obj, parts in sorted(objects.items()):
        files[f"objects/{obj}.object"] = _fold_object(parts["self"], parts["children"])
        members["CustomObject"].add(obj)
    files["package.xml"] = _package_xml(members, api_version)
    return files


def _fold_object(own: Path | None, children: list[tuple[str, Path]]) -> bytes:
    root = _parse(own) if own else etree.Element(f"{{{MD_NS}}}CustomObject", nsmap={None: MD_NS})
    for folder, path in sorted(children, key=lambda c: (c[0], c[1].name)):
        child = _parse(path)
        child.tag = f"{{{MD_NS}}}{folder}"
        root.append(child)
    etree.indent(root, space="    ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _package_xml(members: dict[str, set[str]], api_version: str) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<Package xmlns="{MD_NS}">']
    for type_name in sorted(members):
        lines.append("    <types>")
        lines += [f"        <members>{m}</members>" for m in sorted(members[type_name])]
        lines += [f"        <name>{type_name}</name>", "    </types>"]
    lines += [f"    <version>{api_version}</version>", "</Package>", ""]
    return "\n".join(lines).encode()


def to_zip(files: dict[str, bytes], root_folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(root_folder + name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, files[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
