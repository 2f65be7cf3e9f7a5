"""The server's view of the orgsim core (docs/orgsim.md): the calls handlers make, with core
exceptions turned into Salesforce REST errors. Runs on the gateway thread."""

from __future__ import annotations

import contextlib

from orgsim.server.errors import ApiError, bad_request, not_found


@contextlib.contextmanager
def rest_errors():
    """Unknown object -> 404 NOT_FOUND (as /sobjects/Nope answers), unknown field -> 400
    INVALID_FIELD, any other OrgError -> 400 with its status code; SOQL errors -> 400."""
    from orgsim.errors import OrgError, UnknownField, UnknownObject
    from orgsim.soql import SoqlError

    try:
        yield
    except UnknownObject:
        raise not_found() from None
    except UnknownField as exc:
        raise bad_request("INVALID_FIELD", str(exc)) from None
    except SoqlError as exc:
        raise bad_request(exc.error_code, exc.message) from None
    except OrgError as exc:
        status = 404 if exc.status_code == "NOT_FOUND" else 400
        raise ApiError(status, exc.status_code or "INVALID_INPUT", str(exc)) from None


class OrgApi:
    def __init__(self, org, permsets=None):
        self.org = org
        self.permsets = permsets

    def _source(self):
        from orgsim.server.query_source import ServerQuerySource

        return ServerQuerySource(self.org, self.permsets)

    @staticmethod
    def is_setup_object(sobject: str) -> bool:
        from orgsim.server.permsets import VIRTUAL_OBJECTS

        return sobject.lower() in {v.lower() for v in VIRTUAL_OBJECTS}

    def describe_global(self) -> list[dict]:
        with rest_errors():
            core = self.org.describe_global()["sobjects"]
        schema = self.permsets.schema()
        return core + [schema.get(name).describe() for name in ("PermissionSet", "PermissionSetAssignment")]

    def describe(self, sobject: str) -> dict:
        with rest_errors():
            return self._source().describe(sobject)

    def canonical_name(self, sobject: str) -> str:
        return self.describe(sobject)["name"]

    def insert(self, sobject: str, records: list[dict], all_or_none: bool = False) -> list:
        if sobject == "PermissionSetAssignment":
            return self.permsets.assign(records, all_or_none)
        if self.is_setup_object(sobject):
            raise _read_only(sobject, "insert")
        with rest_errors():
            return self.org.insert(sobject, records, all_or_none=all_or_none)

    def update(self, sobject: str, records: list[dict], all_or_none: bool = False) -> list:
        if self.is_setup_object(sobject):
            raise _read_only(sobject, "update")
        with rest_errors():
            return self.org.update(sobject, records, all_or_none=all_or_none)

    def upsert(self, sobject: str, external_field: str, records: list[dict], all_or_none: bool = False) -> list:
        if self.is_setup_object(sobject):
            raise _read_only(sobject, "upsert")
        with rest_errors():
            return self.org.upsert(sobject, external_field, records, all_or_none=all_or_none)

    def delete(self, sobject: str, ids: list[str], all_or_none: bool = False) -> list:
        if self.is_setup_object(sobject):
            raise _read_only(sobject, "delete")
        with rest_errors():
            return self.org.delete(sobject, ids, all_or_none=all_or_none)

    def delete_any(self, ids: list[str], all_or_none: bool = False) -> list:
        """DELETE /composite/sobjects?ids=...: ids of any types, grouped by key prefix."""
        from orgsim.dml.results import SaveError, SaveResult
        from orgsim.storage.ids import normalize_id

        results: list = [None] * len(ids)
        groups: dict[str, list[int]] = {}
        for index, record_id in enumerate(ids):
            sobject = self.org.schema.object_for_id(normalize_id(record_id) or record_id)
            if sobject is None:
                results[index] = SaveResult(
                    record_id, False, [SaveError("MALFORMED_ID", f"malformed id {record_id}").to_dict()]
                )
            else:
                groups.setdefault(sobject.name, []).append(index)
        if all_or_none and (len(groups) > 1 or any(r is not None for r in results)):
            raise bad_request(
                "INVALID_INPUT", "orgsim supports allOrNone deletes only for Ids of a single sObject type"
            )
        for sobject, indexes in groups.items():
            for index, result in zip(indexes, self.delete(sobject, [ids[i] for i in indexes], all_or_none)):
                results[index] = result
        return results

    def retrieve(self, sobject: str, record_id: str, fields: list[str] | None) -> dict:
        from orgsim.storage.ids import normalize_id
        from orgsim.storage.predicate import eq

        with rest_errors():
            if self.is_setup_object(sobject):
                source = self._source()
                wanted = fields or [f["name"] for f in source.describe(sobject)["fields"]]
                rows = source.select(sobject, wanted, eq("Id", normalize_id(record_id) or record_id))
                record = rows[0] if rows else None
            else:
                record = self.org.retrieve(sobject, record_id, fields)
        if record is None:
            raise not_found()
        return record

    def find_by_external_id(self, sobject: str, field: str, value: str) -> dict:
        """GET /sobjects/X/Field/value: exactly one match, else NOT_FOUND / MULTIPLE_CHOICES (300)."""
        from orgsim.storage.predicate import eq

        describe = self.describe(sobject)
        with rest_errors():
            rows = self._source().select(sobject, [f["name"] for f in describe["fields"]], eq(field, value), limit=2)
        if not rows:
            raise not_found()
        if len(rows) > 1:
            raise ApiError(300, "MULTIPLE_CHOICES", f"more than one {sobject} record has {field} = {value}")
        return rows[0]

    def query(self, soql: str, include_deleted: bool, api_version: str):
        from orgsim.soql import execute

        with rest_errors():
            return execute(self._source(), soql, include_deleted=include_deleted, api_version=api_version)


def _read_only(sobject: str, operation: str) -> ApiError:
    return ApiError(
        400,
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
        f"orgsim keeps {sobject} records for CumulusCI's permission set tasks; {operation} is not supported",
    )
