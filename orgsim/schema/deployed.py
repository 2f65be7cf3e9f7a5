"""Apply deployed object metadata (CustomObject, CustomField, BusinessProcess) to the schema."""

from __future__ import annotations

from orgsim.errors import MetadataError
from orgsim.metadata.bundle import Component
from orgsim.schema.model import FieldDef, Schema, SObjectDef
from orgsim.schema.standard import system_fields
from sfmeta.xml import child, children, flag, text

# Metadata API FieldType -> describe type (Metadata API Developer Guide, CustomField "type").
FIELD_TYPES = {
    "Text": "string",
    "TextArea": "textarea",
    "LongTextArea": "textarea",
    "Html": "textarea",
    "Url": "url",
    "Email": "email",
    "Phone": "phone",
    "Picklist": "picklist",
    "MultiselectPicklist": "multipicklist",
    "Checkbox": "boolean",
    "Currency": "currency",
    "Number": "double",
    "Percent": "percent",
    "Date": "date",
    "DateTime": "datetime",
    "Lookup": "reference",
    "MasterDetail": "reference",
    "AutoNumber": "string",
}


def field_from_metadata(sobject: SObjectDef, comp: Component, schema: Schema) -> FieldDef:
    el = comp.element
    name = comp.name
    md_type = text(el, "type")
    if child(el, "formula") is not None:
        raise MetadataError("formula fields are not supported by the org emulator", where=comp.where)
    if md_type not in FIELD_TYPES:
        raise MetadataError(
            f"field type {md_type!r} is not supported; expected one of {', '.join(sorted(FIELD_TYPES))}",
            where=comp.where,
        )
    fdef = FieldDef(
        name=name,
        type=FIELD_TYPES[md_type],
        label=text(el, "label", name) or name,
        length=_int(text(el, "length"))
        or (131072 if md_type == "LongTextArea" else 255 if md_type in ("Url", "TextArea") else None),
        precision=_int(text(el, "precision")),
        scale=_int(text(el, "scale")),
        required=flag(el, "required") or md_type == "MasterDetail",
        unique=flag(el, "unique"),
        external_id=flag(el, "externalId"),
        case_sensitive=flag(el, "caseSensitive"),
        custom=True,
        source=comp.where,
    )
    if md_type == "Number" and fdef.scale is None:
        fdef.scale = 0
    if md_type == "Checkbox":
        fdef.default = (text(el, "defaultValue", "false") or "false").strip().lower() == "true"
    if md_type == "AutoNumber":
        fdef.autonumber = text(el, "displayFormat", "{0}")
    if md_type in ("Picklist", "MultiselectPicklist"):
        value_set = child(el, "valueSet")
        if value_set is None:
            raise MetadataError("picklist field without <valueSet>", where=comp.where)
        if text(value_set, "valueSetName"):
            raise MetadataError("global value sets are not supported by the org emulator", where=comp.where)
        fdef.restricted = flag(value_set, "restricted")
        definition = child(value_set, "valueSetDefinition")
        for value in children(definition, "value") if definition is not None else []:
            full = text(value, "fullName")
            if not full:
                raise MetadataError("picklist value without <fullName>", where=comp.where)
            fdef.values.append(full)
            if flag(value, "default"):
                fdef.default_picklist_value = full
    if md_type in ("Lookup", "MasterDetail"):
        target = text(el, "referenceTo")
        if not target or not schema.has(target):
            raise MetadataError(f"lookup to unknown object {target!r}", where=comp.where)
        fdef.reference_to = schema.get(target).name
        # <relationshipName> names the child relationship (parent -> children); going from the
        # child to the parent uses the field's own name with __r.
        fdef.relationship = name[:-3] + "__r"
    return fdef


def apply_custom_object(schema: Schema, comp: Component) -> SObjectDef:
    name = comp.name
    if schema.has(name):
        return schema.get(name)
    if not name.endswith("__c"):
        raise MetadataError("only custom objects (__c) can be created; standard objects are built in", where=comp.where)
    el = comp.element
    sobject = SObjectDef(
        name=name,
        key_prefix=schema.next_custom_prefix(),
        label=text(el, "label", name) or name,
        custom=True,
        source=comp.where,
    )
    for fdef in system_fields(owner=True):
        sobject.add_field(fdef)
    name_field = child(el, "nameField")
    name_type = text(name_field, "type", "Text") if name_field is not None else "Text"
    sobject.add_field(
        FieldDef(
            "Name",
            "string",
            label=text(name_field, "label") or "Name",  # lxml gives None, never "", for an empty element
            length=80,
            required=name_type == "Text",
            autonumber=text(name_field, "displayFormat", "{0}") if name_type == "AutoNumber" else None,
        )
    )
    schema.add(sobject)
    return sobject


def apply_business_process(schema: Schema, comp: Component) -> list[str]:
    """Business processes list the Opportunity stages a record type may use; the emulator adds
    them to StageName's values so records can use them."""
    if comp.object is None:
        raise MetadataError(f"business process {comp.name} names no object", where=comp.where)
    sobject = schema.get(comp.object)
    values: list[str] = []
    for value in children(comp.element, "values"):
        full = text(value, "fullName")
        if not full:
            raise MetadataError(f"business process {comp.name}: a value without <fullName>", where=comp.where)
        values.append(full)
    if sobject.name == "Opportunity":
        stage = sobject.field("StageName")
        for v in values:
            if v not in stage.values:
                stage.values.append(v)
    return values


def _int(value: str | None) -> int | None:
    if value is None or value.strip() == "":
        return None
    return int(float(value))
