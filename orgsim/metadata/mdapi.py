"""Load a Metadata API zip (package.xml + objects/X.object, flows/X.flow, ...) into a Bundle.

This is the format of the deploy endpoint (`deployRequest`). Object files bundle their
fields, record types, business processes and validation rules; they are split into the same
components the SFDX loader produces.
"""

from __future__ import annotations

import zipfile

from orgsim.errors import MetadataError
from orgsim.metadata.bundle import Bundle, Component, parse_xml
from orgsim.metadata.source import NO_RUNTIME_EFFECT, OBJECT_CHILD_TYPES, add_workflow
from orgsim.metadata.zipread import ZipRefused, read_entries
from sfmeta import metadata_types
from sfmeta.xml import children, text

# The object children the emulator applies (the others in an .object file change nothing at run time).
OBJECT_CHILDREN = {
    tag: kind.type_name for tag, kind in metadata_types.OBJECT_CHILDREN.items() if kind.type_name in OBJECT_CHILD_TYPES
}


def read_zip(data: bytes) -> dict[str, bytes]:
    # Names and sizes checked before anything is inflated (orgsim/metadata/zipread.py).
    try:
        files = read_entries(data)
    except zipfile.BadZipFile as exc:
        raise MetadataError(f"not a zip file: {exc}", where="deploy zip") from None
    except ZipRefused as exc:
        raise MetadataError(exc.problem, where=exc.entry or "deploy zip") from None
    # Salesforce accepts a single top-level folder holding package.xml.
    if "package.xml" not in files:
        tops = {name.split("/", 1)[0] for name in files}
        if len(tops) == 1 and f"{next(iter(tops))}/package.xml" in files:
            prefix = next(iter(tops)) + "/"
            files = {name[len(prefix) :]: content for name, content in files.items()}
    if "package.xml" not in files:
        raise MetadataError("the zip has no package.xml", where="deploy zip")
    return files


def bundle_from_mdapi_files(files: dict[str, bytes]) -> Bundle:
    bundle = Bundle()
    for rel in sorted(files):
        data = files[rel]
        parts = rel.split("/")
        if rel in ("package.xml", "destructiveChanges.xml", "destructiveChangesPost.xml", "destructiveChangesPre.xml"):
            if rel.startswith("destructive"):
                raise MetadataError("destructive changes are not supported by the org emulator", where=rel)
            continue
        folder = parts[0]
        kind = metadata_types.BY_DIRECTORY.get(folder)
        if (
            kind
            and kind.type_name in NO_RUNTIME_EFFECT
            or rel.endswith("-meta.xml")
            and folder == "email"
            and len(parts) == 2
        ):
            bundle.ignored.append(rel)
            continue
        if folder == "flows" and rel.endswith(".flow"):
            bundle.components.append(Component("Flow", None, parts[-1][:-5], parse_xml(data, rel), rel))
        elif folder == "objects" and rel.endswith(".object"):
            obj = parts[-1][:-7]
            root = parse_xml(data, rel)
            bundle.components.append(Component("CustomObject", obj, obj, root, rel))
            for tag, type_name in OBJECT_CHILDREN.items():
                for el in children(root, tag):
                    name = text(el, "fullName")
                    if not name:
                        raise MetadataError(f"<{tag}> without fullName", where=f"{rel}:{el.sourceline}")
                    bundle.components.append(Component(type_name, obj, name, el, f"{rel}:{el.sourceline}"))
        elif folder == "workflows" and rel.endswith(".workflow"):
            add_workflow(bundle, parts[-1][:-9], parse_xml(data, rel), rel)
        elif folder == "email" and rel.endswith(".email-meta.xml"):
            body_path = rel[: -len("-meta.xml")]
            if body_path not in files:
                raise MetadataError("email template has no .email body file", where=rel)
            bundle.components.append(
                Component(
                    "EmailTemplate",
                    None,
                    f"{parts[1]}/{parts[-1][: -len('.email-meta.xml')]}",
                    parse_xml(data, rel),
                    rel,
                    files[body_path].decode("utf-8"),
                )
            )
        elif folder == "email" and rel.endswith(".email"):
            continue
        else:
            raise MetadataError("metadata type not supported by the org emulator", where=rel)
    return bundle
