"""Permission sets as records: what CumulusCI's `assign_permission_sets` task reads and writes.

The core treats permission sets as metadata without runtime effect (no field-level security is
enforced), so it keeps no records of them. The server keeps the two setup objects the task
needs: `PermissionSet` (one per deployed permission set, created by a successful deploy) and
`PermissionSetAssignment` (created through the REST API, e.g. composite collections). Both are
stored in the org database's meta table, so they survive restarts, and are queried through a
scratch store of the core's own kind (with the org's users copied in, for `Assignee.Username`).
"""

from __future__ import annotations

import threading
from typing import Any

from orgsim.server.errors import bad_request

PERMSETS_KEY = "orgsim_server:permission_sets"
ASSIGNMENTS_KEY = "orgsim_server:permission_set_assignments"
VIRTUAL_OBJECTS = ("PermissionSet", "PermissionSetAssignment")


def _schema(user_def):
    from orgsim.schema import FieldDef, Schema, SObjectDef

    schema = Schema()
    permset = SObjectDef(name="PermissionSet", key_prefix="0PS", label="Permission Set")
    for name, type_ in (
        ("Id", "id"),
        ("Name", "string"),
        ("Label", "string"),
        ("IsOwnedByProfile", "boolean"),
        ("NamespacePrefix", "string"),
    ):
        permset.add_field(FieldDef(name=name, type=type_))
    assignment = SObjectDef(name="PermissionSetAssignment", key_prefix="0Pa", label="Permission Set Assignment")
    assignment.add_field(FieldDef(name="Id", type="id"))
    assignment.add_field(
        FieldDef(name="AssigneeId", type="reference", reference_to="User", relationship="Assignee", required=True)
    )
    assignment.add_field(
        FieldDef(
            name="PermissionSetId",
            type="reference",
            reference_to="PermissionSet",
            relationship="PermissionSet",
            required=True,
        )
    )
    for sobject in (permset, assignment, user_def):
        schema.add(sobject)
    return schema


class PermissionSets:
    def __init__(self, org):
        self.org = org
        self._lock = threading.Lock()

    # -- stored rows ---------------------------------------------------------------------------
    def _load(self, key: str) -> list[dict]:
        with self.org.store.lock:
            return list(self.org.store.meta_get(key, []))

    def _save(self, key: str, rows: list[dict]) -> None:
        with self.org.store.lock:
            self.org.store.meta_set(key, rows)

    def register_deployed(self, names_and_labels: list[tuple[str, str]]) -> None:
        """After a successful deploy: one PermissionSet record per deployed permission set."""
        from orgsim.storage.ids import make_id

        rows = self._load(PERMSETS_KEY)
        known = {r["Name"] for r in rows}
        for name, label in names_and_labels:
            if name not in known:
                rows.append(
                    {
                        "Id": make_id("0PS", len(rows) + 1),
                        "Name": name,
                        "Label": label,
                        "IsOwnedByProfile": False,
                        "NamespacePrefix": None,
                    }
                )
                known.add(name)
        self._save(PERMSETS_KEY, rows)

    def assign(self, records: list[dict], all_or_none: bool = False) -> list[dict]:
        """Insert PermissionSetAssignments; SaveResult-shaped dicts, errors like Salesforce's."""
        from orgsim.storage.ids import make_id, normalize_id

        with self._lock:
            assignments = self._load(ASSIGNMENTS_KEY)
            permsets = {r["Id"] for r in self._load(PERMSETS_KEY)}
            existing = {(a["AssigneeId"], a["PermissionSetId"]) for a in assignments}
            results: list[dict[str, Any]] = []  # SaveResult-shaped
            new: list[dict[str, str | None]] = []
            for raw in records:
                unknown = set(raw) - {"AssigneeId", "PermissionSetId"}
                assignee = normalize_id(str(raw.get("AssigneeId") or ""))
                permset = normalize_id(str(raw.get("PermissionSetId") or ""))
                error = None
                if unknown:
                    error = (
                        "INVALID_FIELD",
                        f"No such column '{sorted(unknown)[0]}' on sobject of type PermissionSetAssignment",
                        sorted(unknown),
                    )
                elif not assignee or not permset:
                    missing = [f for f, v in (("AssigneeId", assignee), ("PermissionSetId", permset)) if not v]
                    error = ("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]", missing)
                elif permset not in permsets:
                    error = ("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["PermissionSetId"])
                elif self.org.retrieve("User", assignee, ["Id"]) is None:
                    error = ("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["AssigneeId"])
                elif (assignee, permset) in existing:
                    error = (
                        "DUPLICATE_VALUE",
                        f"Duplicate PermissionSetAssignment. Assignee: {assignee}; Permission Set: {permset}",
                        [],
                    )
                if error:
                    results.append(
                        {
                            "id": None,
                            "success": False,
                            "errors": [{"statusCode": error[0], "message": error[1], "fields": error[2]}],
                        }
                    )
                    continue
                row = {
                    "Id": make_id("0Pa", len(assignments) + len(new) + 1),
                    "AssigneeId": assignee,
                    "PermissionSetId": permset,
                }
                existing.add((assignee, permset))
                new.append(row)
                results.append({"id": row["Id"], "success": True, "errors": [], "created": True})
            if all_or_none and not all(r["success"] for r in results):
                return [
                    r
                    if not r["success"]
                    else {
                        "id": None,
                        "success": False,
                        "errors": [
                            {
                                "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
                                "fields": [],
                            }
                        ],
                    }
                    for r in results
                ]
            self._save(ASSIGNMENTS_KEY, assignments + new)
            return results

    # -- queries -----------------------------------------------------------------------------
    def schema(self):
        return _schema(self.org.schema.get("User"))

    def scratch(self):
        """(schema, store) holding the two objects and a copy of the org's users."""
        from orgsim.storage import Store

        schema = self.schema()
        user_def = schema.get("User")
        store = Store(":memory:")
        for name in (*VIRTUAL_OBJECTS, "User"):
            store.ensure_table(schema.get(name))
        for row in self._load(PERMSETS_KEY):
            store.insert_row(schema.get("PermissionSet"), row)
        for row in self._load(ASSIGNMENTS_KEY):
            store.insert_row(schema.get("PermissionSetAssignment"), row)
        users = self.org.select("User", list(user_def.fields))
        for row in users:
            store.insert_row(user_def, row)
        return schema, store


def reject_other_writes(sobject: str, operation: str):
    return bad_request(
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY" if operation != "delete" else "DELETE_FAILED",
        f"orgsim supports only inserting {sobject} records through the API, not {operation}",
    )
