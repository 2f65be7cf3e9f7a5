"""Load an SFDX source tree (force-app/main/default/...) into a Bundle.

Each file is classified by its suffix. Types that change nothing at run time in the emulator
(the emulator runs as a system administrator) are accepted and listed as ignored; any other
metadata file is refused, so nothing is skipped silently.
"""

from __future__ import annotations

import json
from pathlib import Path

from orgsim.errors import MetadataError
from orgsim.metadata.bundle import Bundle, Component
from orgsim.metadata.bundle import parse_xml
from sfmeta.xml import child, children, text

# suffix -> component type, for files inside objects/<Object>/...
OBJECT_CHILD_SUFFIXES = {
    ".field-meta.xml": "CustomField",
    ".recordType-meta.xml": "RecordType",
    ".businessProcess-meta.xml": "BusinessProcess",
    ".validationRule-meta.xml": "ValidationRule",
}
NO_RUNTIME_EFFECT = (
    ".permissionset-meta.xml", ".layout-meta.xml", ".profile-meta.xml", ".flexipage-meta.xml",
    ".tab-meta.xml", ".app-meta.xml", ".listView-meta.xml", ".compactLayout-meta.xml",
    ".emailFolder-meta.xml", ".flowDefinition-meta.xml", ".webLink-meta.xml", ".fieldSet-meta.xml",
    ".permissionsetgroup-meta.xml", ".quickAction-meta.xml",
)


def package_directories(root: Path) -> list[Path]:
    project = root / "sfdx-project.json"
    if not project.is_file():
        return [root]
    try:
        data = json.loads(project.read_text(encoding="utf-8"))
        dirs = [root / entry["path"] for entry in data["packageDirectories"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise MetadataError(f"invalid sfdx-project.json: {exc}", where=str(project)) from None
    return dirs


def read_source_files(root: Path) -> dict[str, bytes]:
    """All metadata files below the package directories, keyed by path relative to root."""
    root = Path(root)
    if not root.exists():
        raise MetadataError("source folder does not exist", where=str(root))
    files: dict[str, bytes] = {}
    for pkg in package_directories(root):
        for path in sorted(pkg.rglob("*")):
            if path.is_file() and (path.name.endswith("-meta.xml") or path.suffix == ".email"):
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    if not files:
        raise MetadataError("no metadata files found (expected force-app/main/default/...)", where=str(root))
    return files


def bundle_from_source_files(files: dict[str, bytes]) -> Bundle:
    bundle = Bundle()
    for rel in sorted(files):
        data = files[rel]
        parts = rel.split("/")
        name = parts[-1]
        if name.endswith(".email"):
            continue  # read together with its -meta.xml
        if name.endswith(NO_RUNTIME_EFFECT):
            bundle.ignored.append(rel)
            continue
        if name.endswith(".email-meta.xml"):
            body_path = rel[: -len("-meta.xml")]
            if body_path not in files:
                raise MetadataError("email template has no .email body file next to it", where=rel)
            folder = parts[-2]
            api_name = name[: -len(".email-meta.xml")]
            bundle.components.append(Component("EmailTemplate", None, f"{folder}/{api_name}",
                                               parse_xml(data, rel), rel, files[body_path].decode("utf-8")))
            continue
        if name.endswith(".flow-meta.xml"):
            bundle.components.append(Component("Flow", None, name[: -len(".flow-meta.xml")], parse_xml(data, rel), rel))
            continue
        if name.endswith(".workflow-meta.xml"):
            obj = name[: -len(".workflow-meta.xml")]
            root = parse_xml(data, rel)
            add_workflow(bundle, obj, root, rel)
            continue
        if name.endswith(".object-meta.xml"):
            obj = name[: -len(".object-meta.xml")]
            bundle.components.append(Component("CustomObject", obj, obj, parse_xml(data, rel), rel))
            continue
        for suffix, type_name in OBJECT_CHILD_SUFFIXES.items():
            if name.endswith(suffix):
                if "objects" not in parts:
                    raise MetadataError(f"{type_name} outside an objects/<Object>/ folder", where=rel)
                obj = parts[parts.index("objects") + 1]
                bundle.components.append(Component(type_name, obj, name[: -len(suffix)], parse_xml(data, rel), rel))
                break
        else:
            raise MetadataError("metadata type not supported by the org emulator", where=rel)
    return bundle


def add_workflow(bundle: Bundle, obj: str, root, where: str) -> None:
    for alert in children(root, "alerts"):
        full = text(alert, "fullName")
        if not full:
            raise MetadataError("email alert without fullName", where=f"{where}:{alert.sourceline}")
        bundle.components.append(Component("WorkflowAlert", obj, full.split(".")[-1], alert, f"{where}:{alert.sourceline}"))
    for tag in ("rules", "fieldUpdates", "outboundMessages", "tasks", "knowledgePublishes"):
        if child(root, tag) is not None:
            raise MetadataError(f"workflow <{tag}> is not supported by the org emulator (use flows)", where=where)
