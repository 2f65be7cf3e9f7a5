"""Reading fields of records by path, including parent fields through relationships
(`RecordType.DeveloperName`, `Account.Owner.Email`)."""

from __future__ import annotations

from collections.abc import Sequence

from orgsim.schema.model import SObjectDef


class SObjectValue(dict):
    """A record held by a flow: field dict + its object type."""

    def __init__(self, sobject: str, fields: dict):
        super().__init__(fields)
        self.sobject = sobject


def field_path(org, sobject: SObjectDef, record: dict | None, parts: Sequence[str]):
    """Value at `parts` (field names / relationship names) starting at `record`."""
    current_obj, current = sobject, record
    for rel in parts[:-1]:
        if current is None:
            return None
        ref = current_obj.relationship(rel)
        parent_id = current.get(ref.name)
        target = org.schema.get(ref.reference_to)
        current = org.store.get_row(target, parent_id) if parent_id else None
        current_obj = target
    if current is None:
        return None
    fdef = current_obj.field(parts[-1])
    return current.get(fdef.name)


def check_field_path(org, sobject: SObjectDef, parts: list[str]) -> None:
    """Raise UnknownField if the path does not exist (load-time check)."""
    current = sobject
    for rel in parts[:-1]:
        ref = current.relationship(rel)
        current = org.schema.get(ref.reference_to)
    current.field(parts[-1])
