"""Which metadata type a file in an SFDX source tree holds, from its name and folder.

Source format names each metadata file `<fullName>.<suffix>-meta.xml`; the suffix decides
the type (the same table Salesforce CLI keeps in its metadata registry). Types whose
children are split into their own files under `objects/<Object>/` (fields, record types,
business processes, ...) are validated as the child type (CustomField, RecordType, ...).
Some types carry a content file next to the metadata file (`X.email` + `X.email-meta.xml`).
In Metadata API (mdapi) form a component is `<directory>/<fullName>.<suffix>`; decomposed
children live inside their object's `objects/<Object>.object`. Suffixes and directories:
Metadata API Developer Guide, each type's "File Suffix and Directory Location"
(https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_types_list.htm).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import NamedTuple

# The metadata types of the tree `sfpay generate` renders (force-app/), by root element. The
# generator's element-order slice and the validator's prebuilt schema slice cover exactly these;
# every extra type makes each schema compile dearer (CustomObject alone would add 14%).
GENERATED_ROOT_TYPES = (
    "BusinessProcess",
    "CustomField",
    "EmailFolder",
    "EmailTemplate",
    "Flow",
    "PermissionSet",
    "RecordType",
    "Workflow",
)


class MetadataKind(NamedTuple):
    type_name: str  # Metadata API type, also the XML root element and the WSDL complex type
    suffix: str  # `<name>.<suffix>-meta.xml`
    parent_folder: str | None = None  # decomposed child: folder inside objects/<Object>/
    content_suffix: str | None = None  # separate content file: `<name>.<content_suffix>`
    directory: str | None = None  # top folder in both formats (`flows/X.flow` in a deploy zip)
    foldered: bool = False  # members live in folders and are named `<Folder>/<Name>`


_KINDS = [
    MetadataKind("Flow", "flow", directory="flows"),
    MetadataKind("FlowDefinition", "flowDefinition", directory="flowDefinitions"),
    MetadataKind("CustomObject", "object", directory="objects"),
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
    MetadataKind("Workflow", "workflow", directory="workflows"),
    MetadataKind("EmailTemplate", "email", content_suffix="email", directory="email", foldered=True),
    MetadataKind("EmailFolder", "emailFolder", directory="email"),
    MetadataKind("PermissionSet", "permissionset", directory="permissionsets"),
    MetadataKind("PermissionSetGroup", "permissionsetgroup", directory="permissionsetgroups"),
    MetadataKind("Profile", "profile", directory="profiles"),
    MetadataKind("Layout", "layout", directory="layouts"),
    MetadataKind("FlexiPage", "flexipage", directory="flexipages"),
    MetadataKind("CustomTab", "tab", directory="tabs"),
    MetadataKind("CustomApplication", "app", directory="applications"),
    MetadataKind("CustomLabels", "labels", directory="labels"),
    MetadataKind("CustomMetadata", "md", directory="customMetadata"),
    MetadataKind("CustomPermission", "customPermission", directory="customPermissions"),
    MetadataKind("CustomNotificationType", "notiftype", directory="notificationtypes"),
    MetadataKind("GlobalValueSet", "globalValueSet", directory="globalValueSets"),
    MetadataKind("StandardValueSet", "standardValueSet", directory="standardValueSets"),
    MetadataKind("NamedCredential", "namedCredential", directory="namedCredentials"),
    MetadataKind("ExternalCredential", "externalCredential", directory="externalCredentials"),
    MetadataKind("RemoteSiteSetting", "remoteSite", directory="remoteSiteSettings"),
    MetadataKind("QuickAction", "quickAction", directory="quickActions"),
    MetadataKind("Queue", "queue", directory="queues"),
    MetadataKind("Group", "group", directory="groups"),
    MetadataKind("Role", "role", directory="roles"),
    MetadataKind("ReportType", "reportType", directory="reportTypes"),
    MetadataKind("ApexClass", "cls", content_suffix="cls", directory="classes"),
    MetadataKind("ApexTrigger", "trigger", content_suffix="trigger", directory="triggers"),
    MetadataKind("ApexPage", "page", content_suffix="page", directory="pages"),
    MetadataKind("ApexComponent", "component", content_suffix="component", directory="components"),
    MetadataKind(
        "StaticResource", "resource", directory="staticresources"
    ),  # content: any file or folder named like it
    MetadataKind("Settings", "settings", directory="settings"),  # `Account.settings-meta.xml` holds AccountSettings
    MetadataKind("LightningComponentBundle", "js", directory="lwc"),
    MetadataKind("AuraDefinitionBundle", "cmp", directory="aura"),
]

BY_SUFFIX = {kind.suffix: kind for kind in _KINDS}
# Top-level folder of a deploy zip -> type (`email` holds templates; its folders' files are
# `email/<Folder>-meta.xml`).
BY_DIRECTORY = {kind.directory: kind for kind in reversed(_KINDS) if kind.directory and not kind.parent_folder}
# Decomposed children: tag inside <CustomObject> -> type (`fields` -> CustomField).
OBJECT_CHILDREN = {kind.parent_folder: kind for kind in _KINDS if kind.parent_folder}
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
                None,
                False,
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


def kind_of_file(name: str) -> MetadataKind | None:
    """The kind a source-format file name (`X.field-meta.xml`) declares by its suffix, if any."""
    if not name.endswith(META_SUFFIX) or "." not in name[: -len(META_SUFFIX)]:
        return None
    return BY_SUFFIX.get(name[: -len(META_SUFFIX)].rsplit(".", 1)[1])


def component_name(relative: PurePosixPath) -> str:
    """`Stripe_Invoice_ID__c` for `.../fields/Stripe_Invoice_ID__c.field-meta.xml`."""
    name = relative.name
    if name.endswith(META_SUFFIX):
        name = name[: -len(META_SUFFIX)]
    return name.rsplit(".", 1)[0]
