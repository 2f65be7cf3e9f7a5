"""Built-in object definitions, loaded from `orgsim/data/standard_objects.yml`."""

from __future__ import annotations

from functools import lru_cache

from ruamel.yaml import YAML

from orgsim.schema.model import SYSTEM_FIELDS, FieldDef, Schema, SObjectDef
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


def build_standard_schema() -> Schema:
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
    return schema
