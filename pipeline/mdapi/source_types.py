"""The SFDX source file kinds the converter understands, as data.

Two shapes exist in an SFDX tree:

* *whole files*: one source file is one Metadata API file, only the name changes
  (`flows/X.flow-meta.xml` -> `flows/X.flow`);
* *object children*: `objects/<Object>/<folder>/<Name>.<suffix>-meta.xml` files that the
  Metadata API wants merged into one `objects/<Object>.object` under a tag
  (`fields`, `recordTypes`, ...).

Anything not listed here is refused with the file's path: a converter that skipped an
unknown file would deploy less than the user asked for, silently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WholeFileType:
    folder: str          # top-level folder under the package directory
    source_suffix: str   # e.g. ".flow-meta.xml"
    mdapi_suffix: str    # e.g. ".flow"
    type_name: str       # package.xml <name>


@dataclass(frozen=True)
class ObjectChildType:
    folder: str          # sub-folder of objects/<Object>/
    source_suffix: str
    tag: str             # element under <CustomObject> in the merged .object file
    type_name: str       # package.xml <name>; members are "<Object>.<Name>"


WHOLE_FILE_TYPES: tuple[WholeFileType, ...] = (
    WholeFileType("flows", ".flow-meta.xml", ".flow", "Flow"),
    WholeFileType("permissionsets", ".permissionset-meta.xml", ".permissionset", "PermissionSet"),
    WholeFileType("workflows", ".workflow-meta.xml", ".workflow", "Workflow"),
    WholeFileType("layouts", ".layout-meta.xml", ".layout", "Layout"),
    WholeFileType("standardValueSets", ".standardValueSet-meta.xml", ".standardValueSet", "StandardValueSet"),
    WholeFileType("globalValueSets", ".globalValueSet-meta.xml", ".globalValueSet", "GlobalValueSet"),
    WholeFileType("remoteSiteSettings", ".remoteSite-meta.xml", ".remoteSite", "RemoteSiteSetting"),
    WholeFileType("namedCredentials", ".namedCredential-meta.xml", ".namedCredential", "NamedCredential"),
    WholeFileType("customMetadata", ".md-meta.xml", ".md", "CustomMetadata"),
)

OBJECT_CHILD_TYPES: tuple[ObjectChildType, ...] = (
    ObjectChildType("fields", ".field-meta.xml", "fields", "CustomField"),
    ObjectChildType("recordTypes", ".recordType-meta.xml", "recordTypes", "RecordType"),
    ObjectChildType("businessProcesses", ".businessProcess-meta.xml", "businessProcesses", "BusinessProcess"),
    ObjectChildType("validationRules", ".validationRule-meta.xml", "validationRules", "ValidationRule"),
    ObjectChildType("listViews", ".listView-meta.xml", "listViews", "ListView"),
    ObjectChildType("compactLayouts", ".compactLayout-meta.xml", "compactLayouts", "CompactLayout"),
    ObjectChildType("webLinks", ".webLink-meta.xml", "webLinks", "WebLink"),
    ObjectChildType("fieldSets", ".fieldSet-meta.xml", "fieldSets", "FieldSet"),
)

OBJECT_FILE_SUFFIX = ".object-meta.xml"

# Email templates live in folders: `email/<Folder>.emailFolder-meta.xml` describes the folder,
# `email/<Folder>/<Name>.email` + `<Name>.email-meta.xml` a template. In package.xml both the
# folder and its templates are members of EmailTemplate ("Folder", "Folder/Name").
EMAIL_FOLDER = "email"
EMAIL_FOLDER_SUFFIX = ".emailFolder-meta.xml"
EMAIL_BODY_SUFFIX = ".email"
EMAIL_META_SUFFIX = ".email-meta.xml"
EMAIL_TYPE = "EmailTemplate"

# Files every SFDX tree may carry that are not metadata.
IGNORED_NAMES = frozenset({".DS_Store", ".gitkeep", ".forceignore"})
