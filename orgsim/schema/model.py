"""The object model: sObjects and their fields, as the describe calls expose them."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field

from orgsim.errors import UnknownField, UnknownObject

TEXT_TYPES = {"id", "string", "textarea", "url", "email", "phone", "picklist", "multipicklist", "reference", "combobox"}
NUMBER_TYPES = {"currency", "double", "percent", "int"}
SYSTEM_FIELDS = (
    "Id",
    "IsDeleted",
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
)
# The audit dates Salesforce keeps an index on for most objects ("Indexes", Large Data Volumes
# best practices: RecordTypeId, CreatedDate, Systemmodstamp (LastModifiedDate), Name, lookups,
# the record Id -- https://developer.salesforce.com/docs/platform/salesforce-large-data-volumes-bp/guide/ldv-deployments-infrastructure-indexes.html;
# a selective filter on an indexed field is what "Working with Very Large SOQL Queries" asks
# for: https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_SOQL_VLSQ.htm).
# The others on that list are indexed by the store already: Id (primary key), lookups and
# RecordTypeId (references), Name and Email (text looked up by value), external ids.
INDEXED_AUDIT_DATES = frozenset({"CreatedDate", "SystemModstamp", "LastModifiedDate"})


@dataclass
class FieldDef:
    name: str
    type: str
    label: str = ""
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    required: bool = False
    unique: bool = False
    external_id: bool = False
    case_sensitive: bool = False
    restricted: bool = False
    values: list[str] = dc_field(default_factory=list)
    default: object = None
    default_picklist_value: str | None = None
    reference_to: str | None = None
    relationship: str | None = None
    calculated: bool = False
    system: bool = False
    custom: bool = False
    autonumber: str | None = None
    source: str = ""

    @property
    def updateable(self) -> bool:
        return not (self.calculated or self.system or self.autonumber or self.name == "Id")

    def describe(self) -> dict:
        sf_type = self.type
        return {
            "name": self.name,
            "label": self.label or self.name,
            "type": sf_type,
            "length": self.length or 0,
            "precision": self.precision or 0,
            "scale": self.scale or 0,
            "nillable": not self.required and sf_type != "boolean",
            "createable": self.updateable,
            "updateable": self.updateable,
            "unique": self.unique,
            "externalId": self.external_id,
            "custom": self.custom,
            "calculated": self.calculated,
            "autoNumber": bool(self.autonumber),
            "restrictedPicklist": self.restricted,
            "defaultedOnCreate": self.default is not None or self.system,
            "picklistValues": [
                {"value": v, "label": v, "active": True, "defaultValue": v == self.default_picklist_value}
                for v in self.values
            ],
            "referenceTo": [self.reference_to] if self.reference_to else [],
            "relationshipName": self.relationship,
            "filterable": True,
            "sortable": sf_type != "textarea" or (self.length or 0) <= 255,
        }


@dataclass
class SObjectDef:
    name: str
    key_prefix: str
    label: str = ""
    custom: bool = False
    source: str = ""
    fields: dict[str, FieldDef] = dc_field(default_factory=dict)
    _lower: dict[str, str] = dc_field(default_factory=dict, repr=False)
    # relationship name (lower case) -> reference field
    _relationships: dict[str, FieldDef] = dc_field(default_factory=dict, repr=False)

    def add_field(self, fdef: FieldDef) -> None:
        self.fields[fdef.name] = fdef
        self._lower[fdef.name.lower()] = fdef.name
        if fdef.relationship:
            self._relationships[fdef.relationship.lower()] = fdef

    def field(self, name: str) -> FieldDef:
        canonical = self._lower.get(name.lower())
        if canonical is None:
            raise UnknownField(self.name, name)
        return self.fields[canonical]

    def has_field(self, name: str) -> bool:
        return name.lower() in self._lower

    def relationship(self, name: str) -> FieldDef:
        fdef = self._relationships.get(name.lower())
        if fdef is None:
            raise UnknownField(self.name, name)
        return fdef

    def has_relationship(self, name: str) -> bool:
        return name.lower() in self._relationships

    def describe(self) -> dict:
        return {
            "name": self.name,
            "label": self.label or self.name,
            "labelPlural": (self.label or self.name) + "s",
            "keyPrefix": self.key_prefix,
            "custom": self.custom,
            "createable": True,
            "updateable": True,
            "deletable": True,
            "queryable": True,
            "fields": [f.describe() for f in self.fields.values()],
            "urls": {"sobject": f"/services/data/v66.0/sobjects/{self.name}"},
        }


class Schema:
    """All objects of the org, looked up case-insensitively as Salesforce does."""

    def __init__(self) -> None:
        self.objects: dict[str, SObjectDef] = {}
        self._lower: dict[str, str] = {}
        self._by_prefix: dict[str, str] = {}

    def add(self, sobject: SObjectDef) -> None:
        self.objects[sobject.name] = sobject
        self._lower[sobject.name.lower()] = sobject.name
        self._by_prefix[sobject.key_prefix] = sobject.name

    def get(self, name: str) -> SObjectDef:
        canonical = self._lower.get(name.lower())
        if canonical is None:
            raise UnknownObject(name)
        return self.objects[canonical]

    def has(self, name: str) -> bool:
        return name.lower() in self._lower

    def object_for_id(self, record_id: str) -> SObjectDef | None:
        name = self._by_prefix.get(record_id[:3])
        return self.objects[name] if name else None

    def next_custom_prefix(self) -> str:
        """Custom objects get prefixes a00, a01, ... in deployment order (deterministic)."""
        alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        for first in alphabet:
            for second in alphabet:
                prefix = f"a{first}{second}"
                if prefix not in self._by_prefix:
                    return prefix
        raise RuntimeError("out of custom object key prefixes")
