"""Checks made after before-save flows, before the write (Salesforce save order steps 4-6):
required fields, restricted picklists, references, record types, custom validation rules,
unique and external-id constraints."""

from __future__ import annotations

from orgsim.dml.results import RecordFailed, SaveError
from orgsim.formula import FormulaRuntimeError
from orgsim.schema.model import SObjectDef
from orgsim.storage.predicate import Compare


def check_required(sobject: SObjectDef, record: dict) -> None:
    missing = [
        f.name
        for f in sobject.fields.values()
        if f.required and not f.autonumber and f.type != "boolean" and record.get(f.name) in (None, "")
    ]
    if missing:
        raise RecordFailed(
            SaveError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
        )


def check_picklists(sobject: SObjectDef, record: dict, changed: set[str] | None) -> None:
    for f in sobject.fields.values():
        if f.type != "picklist" or not f.restricted:
            continue
        if changed is not None and f.name not in changed:
            continue
        value = record.get(f.name)
        if value is not None and value not in f.values:
            raise RecordFailed(
                SaveError(
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{f.label or f.name}: bad value for restricted picklist field: {value}",
                    [f.name],
                )
            )


def check_references(
    org, sobject: SObjectDef, records: list[dict], changed_sets: list[set | None]
) -> dict[int, SaveError]:
    """Lookup values must point at an existing record of the right object (batched per field)."""
    errors: dict[int, SaveError] = {}
    for f in sobject.fields.values():
        if f.type != "reference" or f.system or not f.reference_to:
            continue
        target = org.schema.get(f.reference_to)
        wanted: dict[str, list[int]] = {}  # id value -> indexes of the records naming it
        for i, record in enumerate(records):
            changed = changed_sets[i]
            value = record.get(f.name)
            if value is None or (changed is not None and f.name not in changed):
                continue
            if value[:3] != target.key_prefix:
                errors.setdefault(
                    i,
                    SaveError(
                        "FIELD_INTEGRITY_EXCEPTION",
                        f"{f.label or f.name}: id value of incorrect type: {value}",
                        [f.name],
                    ),
                )
                continue
            wanted.setdefault(value, []).append(i)
        if not wanted:
            continue
        found = {row["Id"] for row in org.store.select(org.schema, target, ["Id"], Compare("Id", "IN", list(wanted)))}
        rows = {}
        if f.name == "RecordTypeId":
            rows = {
                r["Id"]: r
                for r in org.store.select(
                    org.schema, target, ["Id", "SobjectType", "IsActive"], Compare("Id", "IN", list(wanted))
                )
            }
        for value, indexes in wanted.items():
            bad = value not in found
            if f.name == "RecordTypeId" and not bad:
                rt = rows[value]
                bad = rt["SobjectType"] != sobject.name or not rt["IsActive"]
            if bad:
                for i in indexes:
                    code = "INVALID_CROSS_REFERENCE_KEY"
                    message = (
                        f"Record Type ID: this ID value isn't valid for the user: {value}"
                        if f.name == "RecordTypeId"
                        else "invalid cross reference id"
                    )
                    errors.setdefault(i, SaveError(code, message, [f.name]))
    return errors


def check_validation_rules(org, sobject: SObjectDef, record: dict, prior: dict | None) -> None:
    from orgsim.flows.context import RecordFormulaContext

    for rule in org.validation_rules.get(sobject.name, []):
        ctx = RecordFormulaContext(org, sobject, record, prior)
        try:
            failed = rule.formula.evaluate(ctx)
        except FormulaRuntimeError:
            failed = False
        if failed is True:
            fields = [rule.display_field] if rule.display_field else []
            raise RecordFailed(SaveError("FIELD_CUSTOM_VALIDATION_EXCEPTION", rule.message, fields))


def check_unique(org, sobject: SObjectDef, records: list[dict], alive: list[int]) -> dict[int, SaveError]:
    """Unique and external-id fields (case-insensitive unless caseSensitive), within the batch and
    against stored records."""
    errors: dict[int, SaveError] = {}
    for f in sobject.fields.values():
        if not f.unique:
            continue
        seen: dict[str, int] = {}
        for i in alive:
            value = records[i].get(f.name)
            if value is None:
                continue
            key = value if f.case_sensitive else str(value).lower()
            if key in seen:
                errors.setdefault(
                    i,
                    SaveError(
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {f.name} duplicates value on record with id: "
                        f"{records[seen[key]].get('Id') or 'in this batch'}",
                        [f.name],
                    ),
                )
            else:
                seen[key] = i
        values = [records[i][f.name] for i in alive if records[i].get(f.name) is not None]
        if not values:
            continue
        clash = org.store.select(org.schema, sobject, ["Id", f.name], Compare(f.name, "IN", values))
        owners = {}
        for row in clash:
            key = row[f.name] if f.case_sensitive else str(row[f.name]).lower()
            owners[key] = row["Id"]
        for i in alive:
            value = records[i].get(f.name)
            if value is None:
                continue
            key = value if f.case_sensitive else str(value).lower()
            other = owners.get(key)
            if other and other != records[i].get("Id"):
                errors.setdefault(
                    i,
                    SaveError(
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {f.name} duplicates value on record with id: {other}",
                        [f.name],
                    ),
                )
    return errors
