"""Which component a file of a Metadata API zip is (type + fullName), the way deploy results name them."""

from __future__ import annotations

# Folder -> (Metadata API type, file suffix). Same names the Metadata API reports in
# componentSuccesses/componentFailures.
FOLDER_TYPES = {
    "flows": ("Flow", ".flow"),
    "objects": ("CustomObject", ".object"),
    "workflows": ("Workflow", ".workflow"),
    "email": ("EmailTemplate", ".email"),
    "permissionsets": ("PermissionSet", ".permissionset"),
    "flowDefinitions": ("FlowDefinition", ".flowDefinition"),
    "layouts": ("Layout", ".layout"),
    "profiles": ("Profile", ".profile"),
    "tabs": ("CustomTab", ".tab"),
    "applications": ("CustomApplication", ".app"),
    "flexipages": ("FlexiPage", ".flexipage"),
    "quickActions": ("QuickAction", ".quickAction"),
    "permissionsetgroups": ("PermissionSetGroup", ".permissionsetgroup"),
}


def split_root(names: list[str]) -> tuple[str, list[str]]:
    """A zip may hold everything under one folder (CumulusCI uses `metadata/`); return that
    prefix (with slash, or "") and the names relative to it."""
    if "package.xml" in names:
        return "", names
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1:
        prefix = next(iter(tops)) + "/"
        if prefix + "package.xml" in names:
            return prefix, [n[len(prefix) :] for n in names if n.startswith(prefix)]
    return "", names


def component_of(relative: str) -> tuple[str, str] | None:
    """(componentType, fullName) for a file, None for files that are not components themselves
    (package.xml, an email template's -meta.xml companion)."""
    if relative == "package.xml" or relative.endswith(".xml") and relative.startswith("destructiveChanges"):
        return None
    parts = relative.split("/")
    folder = parts[0]
    if folder == "email":
        if relative.endswith("-meta.xml"):
            if len(parts) == 2:
                return ("EmailFolder", parts[1][: -len("-meta.xml")])
            return None
        return (
            "EmailTemplate",
            "/".join(parts[1:])[: -len(".email")] if relative.endswith(".email") else "/".join(parts[1:]),
        )
    kind = FOLDER_TYPES.get(folder)
    name = parts[-1]
    if kind is None:
        return ("Unknown", name.rsplit(".", 1)[0])
    type_name, suffix = kind
    return (type_name, name[: -len(suffix)] if name.endswith(suffix) else name)
