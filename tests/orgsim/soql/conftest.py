"""A plain in-memory QuerySource: the SOQL package's only dependency, so its tests stand alone.
(The server tests run the same executor over the real orgsim core.)"""

from __future__ import annotations

import datetime as dt

import pytest


def _field(name, type_="string", reference_to=None, relationship=None):
    return {"name": name, "type": type_, "referenceTo": reference_to or [], "relationshipName": relationship}


DESCRIBES = {
    "Opportunity": {
        "name": "Opportunity",
        "fields": [
            _field("Id", "id"),
            _field("Name"),
            _field("StageName", "picklist"),
            _field("Amount", "currency"),
            _field("CloseDate", "date"),
            _field("CreatedDate", "datetime"),
            _field("IsPrivate", "boolean"),
            _field("AccountId", "reference", ["Account"], "Account"),
            _field("RecordTypeId", "reference", ["RecordType"], "RecordType"),
            _field("Stripe_Invoice_ID__c"),
        ],
    },
    "Account": {"name": "Account", "fields": [_field("Id", "id"), _field("Name")]},
    "RecordType": {
        "name": "RecordType",
        "fields": [_field("Id", "id"), _field("DeveloperName"), _field("SobjectType", "picklist")],
    },
}


class MemorySource:
    def __init__(self, tables, now):
        self.tables = tables
        self.deleted: dict[str, list[dict]] = {}
        self._now = now

    def describe(self, sobject):
        return next((d for n, d in DESCRIBES.items() if n.lower() == sobject.lower()), None)

    def rows(self, sobject, *, include_deleted=False):
        yield from self.tables.get(sobject, [])
        if include_deleted:
            yield from self.deleted.get(sobject, [])

    def rows_by_id(self, sobject, ids):
        return {r["Id"]: r for r in self.tables.get(sobject, []) if r["Id"] in ids}

    def now(self):
        return self._now


NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def source():
    accounts = [{"Id": "001A", "Name": "Acme"}, {"Id": "001B", "Name": "Globex"}]
    record_types = [
        {"Id": "012P", "DeveloperName": "Profit", "SobjectType": "Opportunity"},
        {"Id": "012N", "DeveloperName": "Nonprofit", "SobjectType": "Opportunity"},
    ]
    opps = [
        {"Id": "006a", "Name": "Gala tickets", "StageName": "Closed Won", "Amount": 100.0, "CloseDate": "2026-03-15",
         "CreatedDate": "2026-03-15T08:00:00.000+0000", "IsPrivate": False, "AccountId": "001A",
         "RecordTypeId": "012P", "Stripe_Invoice_ID__c": "in_1"},
        {"Id": "006b", "Name": "gala sponsorship", "StageName": "Prospecting", "Amount": 2500.5,
         "CloseDate": "2026-02-01", "CreatedDate": "2026-01-01T00:00:00.000+0000", "IsPrivate": True,
         "AccountId": "001B", "RecordTypeId": "012N", "Stripe_Invoice_ID__c": None},
        {"Id": "006c", "Name": "Annual dues 50%", "StageName": "Closed Won", "Amount": None,
         "CloseDate": "2026-03-10", "CreatedDate": "2026-03-14T23:59:59.000+0000", "IsPrivate": False,
         "AccountId": None, "RecordTypeId": "012N", "Stripe_Invoice_ID__c": "in_3"},
    ]
    return MemorySource({"Account": accounts, "RecordType": record_types, "Opportunity": opps}, NOW)
