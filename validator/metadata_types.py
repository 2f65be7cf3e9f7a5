"""Which metadata type a file in an SFDX source tree holds, from its name and folder.

Source format names each metadata file `<fullName>.<suffix>-meta.xml`; the suffix decides
the type (the same table Salesforce CLI keeps in its metadata registry). Types whose
children are split into their own files under `objects/<Object>/` (fields, record types,
business processes, ...) are validated as the child type (CustomField, RecordType, ...).
Some types carry a content file next to the metadata file (`X.email` + `X.email-meta.xml`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import NamedTuple


class MetadataKind(NamedTuple):
    type_name: str  # Metadata API type, also the XML root element and the WSDL complex type
    suffix: str  # `<name>.<suffix>-meta.xml`
    parent_folder: str | None = None  # decomposed child: folder inside objects/<Object>/
    content_suffix: str | None = None  # separate content file: `<name>.<content_suffix>`


_KINDS = [
    MetadataKind("Flow", "flow"),
    MetadataKind("FlowDefinition", "flowDefinition"),
    MetadataKind("CustomObject", "object"),
    MetadataKind("CustomField", "field", parent_folder="fields"),
    MetadataKind("RecordType", "recordType", parent_folder="recordTypes"),
    MetadataKind("BusinessProcess", "businessProcess", parent_folder="businessProcesses"),
    MetadataKind("ListView", "listView", parent_folder="listViews"),
    MetadataKind("ValidationRule", "validationRule", parent_folder="validationRules"),
    MetadataKind("WebLink", "webLink", parent_folder="webLinks"),
    MetadataKind("CompactLayout", "compactLayout", parent_folder="compactLayouts"),
    MetadataKind("FieldSet", "fieldSet", parent_folder="fieldSets"),
    MetadataKind("Index", "index", parent_folder="indexes"),
    MetadataKind("SharingReason", "sharingReason", parent_folder="sharingReasons"),
    MetadataKind("Workflow", "workflow"),
    MetadataKind("EmailTemplate", "email", content_suffix="email"),
    MetadataKind("EmailFolder", "emailFolder"),
    MetadataKind("PermissionSet", "permissionset"),
    MetadataKind("PermissionSetGroup", "permissionsetgroup"),
    MetadataKind("Profile", "profile"),
    MetadataKind("Layout", "layout"),
    MetadataKind("FlexiPage", "flexipage"),
    MetadataKind("CustomTab", "tab"),
    MetadataKind("CustomApplication", "app"),
    MetadataKind("CustomLabels", "labels"),
    MetadataKind("CustomMetadata", "md"),
    MetadataKind("CustomPermission", "customPermission"),
    MetadataKind("CustomNotificationType", "notiftype"),
    MetadataKind("GlobalValueSet", "globalValueSet"),
    MetadataKind("StandardValueSet", "standardValueSet"),
    MetadataKind("NamedCredential", "namedCredential"),
    MetadataKind("ExternalCredential", "externalCredential"),
    MetadataKind("RemoteSiteSetting", "remoteSite"),
    MetadataKind("QuickAction", "quickAction"),
    MetadataKind("Queue", "queue"),
    MetadataKind("Group", "group"),
    MetadataKind("Role", "role"),
    MetadataKind("ReportType", "reportType"),
    MetadataKind("ApexClass", "cls", content_suffix="cls"),
    MetadataKind("ApexTrigger", "trigger", content_suffix="trigger"),
    MetadataKind("ApexPage", "page", content_suffix="page"),
    MetadataKind("ApexComponent", "component", content_suffix="component"),
    MetadataKind("StaticResource", "resource"),  # content: any file or folder named like it
    MetadataKind("Settings", "settings"),  # `Account.settings-meta.xml` holds AccountSettings
    MetadataKind("LightningComponentBundle", "js"),
    MetadataKind("AuraDefinitionBundle", "cmp"),
]

BY_SUFFIX = {kind.suffix: kind for kind in _KINDS}
CONTENT_SUFFIXES = {kind.content_suffix: kind for kind in _KINDS if kind.content_suffix}
# Bundles: every file in lwc/<name>/ and aura/<name>/ belongs to one component.
BUNDLE_FOLDERS = {"lwc", "aura"}
# Folders whose non-metadata files are content of any name (a static resource can be a .zip,
# a .js, an image, or a folder of files).
FREE_CONTENT_FOLDERS = {"staticresources", "contentassets", "documents"}
META_SUFFIX = "-meta.xml"


class ResolvedFile(NamedTuple):
    kind: MetadataKind | None  # None: a content file or bundle member (no XML of its own to check)
    is_metadata_xml: bool
    problem: str | None = None  # why the file cannot be resolved, if it cannot


def resolve(relative: PurePosixPath) -> ResolvedFile:
    """The metadata kind of a file, given its path relative to the package directory."""
    parts = relative.parts
    name = relative.name
    for index, part in enumerate(parts[:-1]):
        if part in BUNDLE_FOLDERS and len(parts) > index + 2:
            bundle_meta = name.endswith(".js-meta.xml") or name.endswith(".cmp-meta.xml")
            if bundle_meta:
                return ResolvedFile(BY_SUFFIX["js" if name.endswith(".js-meta.xml") else "cmp"], True)
            return ResolvedFile(None, False)
    if not name.endswith(META_SUFFIX) and FREE_CONTENT_FOLDERS.intersection(parts[:-1]):
        return ResolvedFile(None, False)
    if name.endswith(META_SUFFIX):
        stem = name[: -len(META_SUFFIX)]
        if "." not in stem:
            return ResolvedFile(None, False, f"metadata file name `{name}` has no type suffix")
        suffix = stem.rsplit(".", 1)[1]
        kind = BY_SUFFIX.get(suffix)
        if kind is None:
            return ResolvedFile(None, False, f"unknown metadata file suffix `.{suffix}-meta.xml`")
        if kind.parent_folder and (len(parts) < 4 or parts[-2] != kind.parent_folder or parts[-4] != "objects"):
            return ResolvedFile(
                None, False,
                f"`.{suffix}-meta.xml` files belong in objects/<Object>/{kind.parent_folder}/",
            )
        if kind.type_name == "Settings":
            # One type per settings file: Account.settings-meta.xml -> AccountSettings.
            kind = kind._replace(type_name=stem.rsplit(".", 1)[0] + "Settings")
        return ResolvedFile(kind, True)
    suffix = name.rsplit(".", 1)[1] if "." in name else ""
    if suffix in CONTENT_SUFFIXES:
        return ResolvedFile(CONTENT_SUFFIXES[suffix], False)
    return ResolvedFile(None, False, "not a metadata file Salesforce source format knows")


def component_name(relative: PurePosixPath) -> str:
    """`Stripe_Invoice_ID__c` for `.../fields/Stripe_Invoice_ID__c.field-meta.xml`."""
    name = relative.name
    if name.endswith(META_SUFFIX):
        name = name[: -len(META_SUFFIX)]
    return name.rsplit(".", 1)[0]
