"""Built-in object definitions: the standard objects of `orgsim/data/standard_objects.yml`
and the Stripe connector package's objects and fields (sfmeta/connector_package.py), named in
the namespace the org's connector is installed under."""

from __future__ import annotations

from functools import lru_cache

from ruamel.yaml import YAML

from orgsim.errors import MetadataError
from orgsim.schema.model import SYSTEM_FIELDS, FieldDef, Schema, SObjectDef
from sfmeta.connector_package import ConnectorPackage, PackageField, PackageObject
from sfpay.paths import resource  # noqa: E402

DATA_PATH = resource("orgsim", "data", "standard_objects.yml")


@lru_cache(maxsize=1)
def _load_data() -> dict:
    return YAML(typ="safe").load(DATA_PATH.read_text(encoding="utf-8"))


def system_fields(owner: bool) -> list[FieldDef]:
    fields = [
        FieldDef("Id", "id", label="Record ID", length=18, system=True),
        FieldDef("IsDeleted", "boolean", label="Deleted", system=True),
        FieldDef("CreatedDate", "datetime", label="Created Date", system=True),
        FieldDef(
            "CreatedById",
            "reference",
            label="Created By ID",
            reference_to="User",
            relationship="CreatedBy",
            system=True,
        ),
        FieldDef("LastModifiedDate", "datetime", label="Last Modified Date", system=True),
        FieldDef(
            "LastModifiedById",
            "reference",
            label="Last Modified By ID",
            reference_to="User",
            relationship="LastModifiedBy",
            system=True,
        ),
        FieldDef("SystemModstamp", "datetime", label="System Modstamp", system=True),
    ]
    assert tuple(f.name for f in fields) == SYSTEM_FIELDS
    if owner:
        fields.append(FieldDef("OwnerId", "reference", label="Owner ID", reference_to="User", relationship="Owner"))
    return fields


def _label(api_name: str) -> str:
    """`Stripe Event` for `stripeGC__Stripe_Event__c`: without the package namespace and suffix."""
    bare = api_name.split("__", 1)[1] if api_name.count("__") == 2 else api_name
    return bare.replace("__c", "").replace("_", " ")


def build_standard_schema(package: ConnectorPackage) -> Schema:
    """The org's built-in objects, the connector `package`'s in its namespace."""
    data = _load_data()
    schema = Schema()
    for name, spec in data["objects"].items():
        sobject = SObjectDef(
            name=name,
            key_prefix=spec["key_prefix"],
            custom=bool(spec.get("custom")),
            source=spec.get("source", ""),
            label=_label(name),
        )
        for fdef in system_fields(bool(spec.get("owner"))):
            sobject.add_field(fdef)
        for fname, fspec in spec["fields"].items():
            sobject.add_field(
                FieldDef(
                    name=fname,
                    type=fspec["type"],
                    label=fspec.get("label", fname),
                    length=fspec.get("length"),
                    precision=fspec.get("precision"),
                    scale=fspec.get("scale"),
                    required=bool(fspec.get("required")),
                    unique=bool(fspec.get("unique")),
                    restricted=bool(fspec.get("restricted")),
                    values=list(fspec.get("values", [])),
                    default=fspec.get("default"),
                    reference_to=fspec.get("reference_to"),
                    relationship=fspec.get("relationship"),
                    calculated=bool(fspec.get("calculated")),
                    custom=fname.endswith("__c"),
                    autonumber=fspec.get("autonumber"),
                    source=fspec.get("source", spec.get("source", "")),
                )
            )
        schema.add(sobject)
    for added in package.standard_object_fields:
        schema.get(added.object).add_field(_field(added.field, added.source))
    for package_object in package.objects:
        schema.add(_package_object(package_object, package, data["connector_key_prefixes"]))
    return schema


def _package_object(package_object: PackageObject, package: ConnectorPackage, prefixes: dict) -> SObjectDef:
    bare = package_object.name[len(package.namespace) + 2 :]
    if bare not in prefixes:
        raise MetadataError(f"{DATA_PATH}: connector_key_prefixes has no key prefix for the package object {bare}")
    sobject = SObjectDef(
        name=package_object.name,
        key_prefix=prefixes[bare],
        custom=True,
        source=package_object.source,
        label=_label(package_object.name),
    )
    for fdef in system_fields(owner=True):  # custom objects have an owner (Object Reference, "System Fields")
        sobject.add_field(fdef)
    for package_field in package_object.fields:
        sobject.add_field(_field(package_field, package_object.source))
    return sobject


def _field(package_field: PackageField, source: str) -> FieldDef:
    return FieldDef(
        name=package_field.name,
        type=package_field.type,
        label=package_field.name,
        length=package_field.length,
        required=package_field.required,
        custom=package_field.name.endswith("__c"),
        autonumber=package_field.autonumber,
        source=source,
    )
