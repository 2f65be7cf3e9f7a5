"""Resolve the names in a query against describe: canonical casing, field types, parent hops."""

from __future__ import annotations

from dataclasses import dataclass

from orgsim.soql import ast
from orgsim.soql.errors import SoqlError, invalid_field, invalid_type, located
from orgsim.soql.source import QuerySource


@dataclass(frozen=True)
class ResolvedField:
    """A field path made canonical: `relationship` is set for a parent hop (e.g. RecordType)."""

    name: str  # the field on the final object
    type: str
    relationship: str | None = None  # relationshipName on the queried object
    lookup_field: str | None = None  # the reference field holding the parent Id (RecordTypeId)
    parent_sobject: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return (self.relationship, self.name) if self.relationship else (self.name,)

    @property
    def path(self) -> str:
        """The core's select path: `Name` or `RecordType.DeveloperName`."""
        return ".".join(self.key)


class Schema:
    """Describe-backed name resolution for one query, with Salesforce's error messages."""

    def __init__(self, source: QuerySource, soql: str):
        self._source = source
        self._soql = soql
        self._describes: dict[str, dict] = {}

    def describe(self, sobject: str, column: int = 1) -> dict:
        key = sobject.lower()
        if key not in self._describes:
            from orgsim.errors import UnknownObject

            try:
                describe = self._source.describe(sobject)
            except UnknownObject:
                describe = None
            if describe is None:
                raise invalid_type(self._soql, column, sobject)
            self._describes[key] = describe
        return self._describes[key]

    @staticmethod
    def _field_map(describe: dict) -> dict[str, dict]:
        return {f["name"].lower(): f for f in describe["fields"]}

    def resolve(self, sobject: str, ref: ast.FieldRef) -> ResolvedField:
        describe = self.describe(sobject)
        if len(ref.path) == 1:
            field = self._field_map(describe).get(ref.path[0].lower())
            if field is None:
                raise self._no_such_column(ref, describe["name"])
            return ResolvedField(name=field["name"], type=field["type"])
        relationship, leaf = ref.path
        lookup = next(
            (
                f
                for f in describe["fields"]
                if (f.get("relationshipName") or "").lower() == relationship.lower() and f.get("referenceTo")
            ),
            None,
        )
        if lookup is None:
            raise invalid_field(
                self._soql,
                ref.column,
                f"Didn't understand relationship '{relationship}' in field path. If you are attempting to use a "
                "custom relationship, be sure to append the '__r' after the custom relationship name. Please "
                "reference your WSDL or the describe call for the appropriate names.",
            )
        targets = lookup["referenceTo"]
        if len(targets) != 1:
            raise SoqlError(
                "MALFORMED_QUERY",
                f"orgsim does not support polymorphic relationship '{relationship}' ({', '.join(targets)}) in a field path",
            )
        parent = self.describe(targets[0], ref.column)
        field = self._field_map(parent).get(leaf.lower())
        if field is None:
            raise self._no_such_column(ref, parent["name"], shown=leaf)
        return ResolvedField(
            name=field["name"],
            type=field["type"],
            relationship=lookup["relationshipName"],
            lookup_field=lookup["name"],
            parent_sobject=parent["name"],
        )

    def child_relationship(self, parent: str, name: str, column: int) -> tuple[str, str, str]:
        """(relationshipName, child sObject, lookup field) of a child relationship of `parent`."""
        for child in self.describe(parent).get("childRelationships") or []:
            if (child.get("relationshipName") or "").lower() == name.lower():
                self.describe(child["childSObject"], column)
                return child["relationshipName"], child["childSObject"], child["field"]
        raise SoqlError(
            "INVALID_TYPE",
            located(
                self._soql,
                column,
                f"Didn't understand relationship '{name}' in FROM part of query call. If you are attempting to use "
                "a custom relationship, be sure to append the '__r' after the custom relationship name. Please "
                "reference your WSDL or the describe call for the appropriate names.",
            ),
        )

    def _no_such_column(self, ref: ast.FieldRef, entity: str, shown: str | None = None) -> SoqlError:
        return invalid_field(
            self._soql,
            ref.column,
            f"No such column '{shown or ref.path[0]}' on entity '{entity}'. If you are attempting to use a custom "
            "field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the "
            "describe call for the appropriate names.",
        )
