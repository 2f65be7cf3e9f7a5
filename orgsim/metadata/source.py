"""Load an SFDX source tree (force-app/main/default/...) into a Bundle.

Each file is classified by its suffix. Types that change nothing at run time in the emulator
(the emulator runs as a system administrator) are accepted and listed as ignored; any other
metadata file is refused, so nothing is skipped silently.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from orgsim.errors import MetadataError
from orgsim.metadata.bundle import Bundle, Component, parse_xml
from sfmeta import sfdx_project
from sfmeta.metadata_types import component_name, kind_of_file
from sfmeta.xml import child, children, text

# Which file holds which type: sfmeta.metadata_types. What the emulator does with each type:
# object children it applies, and types that change nothing at run time for a system administrator.
OBJECT_CHILD_TYPES = ("CustomField", "RecordType", "BusinessProcess", "ValidationRule")
NO_RUNTIME_EFFECT = frozenset(
    {
        "PermissionSet",
        "Layout",
        "Profile",
        "FlexiPage",
        "CustomTab",
        "CustomApplication",
        "ListView",
        "CompactLayout",
        "EmailFolder",
        "FlowDefinition",
        "WebLink",
        "FieldSet",
        "PermissionSetGroup",
        "QuickAction",
    }
)


def package_directories(root: Path) -> list[Path]:
    try:
        dirs = sfdx_project.package_directories(root)
    except sfdx_project.SfdxProjectError as exc:
        raise MetadataError(f"invalid sfdx-project.json: {exc.detail}", where=str(exc.path)) from None
    return [root] if dirs is None else dirs


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
        kind = kind_of_file(name)
        type_name = kind.type_name if kind else None
        if type_name in NO_RUNTIME_EFFECT:
            bundle.ignored.append(rel)
            continue
        api_name = component_name(PurePosixPath(name))
        if type_name == "EmailTemplate":
            body_path = rel[: -len("-meta.xml")]
            if body_path not in files:
                raise MetadataError("email template has no .email body file next to it", where=rel)
            folder = parts[-2]
            bundle.components.append(
                Component(
                    "EmailTemplate",
                    None,
                    f"{folder}/{api_name}",
                    parse_xml(data, rel),
                    rel,
                    files[body_path].decode("utf-8"),
                )
            )
            continue
        if type_name == "Flow":
            bundle.components.append(Component("Flow", None, api_name, parse_xml(data, rel), rel))
        elif type_name == "Workflow":
            add_workflow(bundle, api_name, parse_xml(data, rel), rel)
        elif type_name == "CustomObject":
            bundle.components.append(Component("CustomObject", api_name, api_name, parse_xml(data, rel), rel))
        elif type_name in OBJECT_CHILD_TYPES:
            if "objects" not in parts:
                raise MetadataError(f"{type_name} outside an objects/<Object>/ folder", where=rel)
            obj = parts[parts.index("objects") + 1]
            bundle.components.append(Component(type_name, obj, api_name, parse_xml(data, rel), rel))
        else:
            raise MetadataError("metadata type not supported by the org emulator", where=rel)
    return bundle


def add_workflow(bundle: Bundle, obj: str, root, where: str) -> None:
    for alert in children(root, "alerts"):
        full = text(alert, "fullName")
        if not full:
            raise MetadataError("email alert without fullName", where=f"{where}:{alert.sourceline}")
        bundle.components.append(
            Component("WorkflowAlert", obj, full.split(".")[-1], alert, f"{where}:{alert.sourceline}")
        )
    for tag in ("rules", "fieldUpdates", "outboundMessages", "tasks", "knowledgePublishes"):
        if child(root, tag) is not None:
            raise MetadataError(f"workflow <{tag}> is not supported by the org emulator (use flows)", where=where)
