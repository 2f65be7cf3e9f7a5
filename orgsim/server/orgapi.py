"""The server's view of the orgsim core: the calls handlers make, with core exceptions turned
into Salesforce REST errors. Runs on the gateway thread (one org call at a time)."""

from __future__ import annotations

import contextlib

from orgsim.server.errors import ApiError, bad_request, not_found


@contextlib.contextmanager
def rest_errors(sobject: str | None = None):
    """Map the core's exceptions to REST errors (unknown object -> NOT_FOUND, unknown field ->
    INVALID_FIELD, anything else the core reports with a status code -> 400 with it)."""
    from orgsim.errors import OrgError, UnknownField, UnknownObject

    try:
        yield
    except UnknownObject as exc:
        raise ApiError(404, "NOT_FOUND", str(exc) or "The requested resource does not exist") from None
    except UnknownField as exc:
        raise bad_request("INVALID_FIELD", str(exc)) from None
    except OrgError as exc:
        raise bad_request(getattr(exc, "status_code", "INVALID_INPUT") or "INVALID_INPUT", str(exc)) from None


class OrgApi:
    def __init__(self, org):
        self.org = org

    def describe_global(self) -> list[dict]:
        with rest_errors():
            return self.org.describe_global()

    def describe(self, sobject: str) -> dict:
        with rest_errors(sobject):
            return self.org.describe(sobject)

    def canonical_name(self, sobject: str) -> str:
        return self.describe(sobject)["name"]

    def insert(self, sobject: str, records: list[dict], all_or_none: bool = False) -> list:
        with rest_errors(sobject):
            return self.org.insert(sobject, records, all_or_none=all_or_none)

    def update(self, sobject: str, records: list[dict], all_or_none: bool = False) -> list:
        with rest_errors(sobject):
            return self.org.update(sobject, records, all_or_none=all_or_none)

    def upsert(self, sobject: str, external_field: str, records: list[dict], all_or_none: bool = False) -> list:
        with rest_errors(sobject):
            return self.org.upsert(sobject, external_field, records, all_or_none=all_or_none)

    def delete(self, ids: list[str], all_or_none: bool = False) -> list:
        with rest_errors():
            return self.org.delete(ids, all_or_none=all_or_none)

    def retrieve(self, sobject: str, record_id: str, fields: list[str] | None) -> dict:
        with rest_errors(sobject):
            record = self.org.retrieve(sobject, record_id, fields)
        if record is None:
            raise not_found()
        return record

    def find_by_external_id(self, sobject: str, field: str, value: str) -> dict:
        """GET /sobjects/X/Field/value: exactly one match, else NOT_FOUND / MULTIPLE_CHOICES (300)."""
        from orgsim.storage.predicate import eq

        with rest_errors(sobject):
            rows = self.org.select(sobject, None, eq(field, value), limit=2)
        if not rows:
            raise not_found()
        if len(rows) > 1:
            raise ApiError(300, "MULTIPLE_CHOICES", f"more than one {sobject} record has {field} = {value}")
        return rows[0]
