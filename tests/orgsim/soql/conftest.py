"""A real in-memory orgsim org with a few records; the SOQL executor runs on its query primitive."""

from __future__ import annotations

import datetime as dt

import pytest

from orgsim import Clock, Org

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def _ok(results):
    assert all(r.success for r in results), [r.errors for r in results]
    return [r.id for r in results]


@pytest.fixture
def org():
    org = Org.open(":memory:", clock=Clock(dt.datetime(2026, 1, 1, tzinfo=UTC)), run_async="manual")
    acme, globex = _ok(org.insert("Account", [{"Name": "Acme"}, {"Name": "Globex"}]))
    profit, nonprofit = _ok(
        org.insert(
            "RecordType",
            [
                {"Name": "Profit", "DeveloperName": "Profit", "SobjectType": "Opportunity"},
                {"Name": "Nonprofit", "DeveloperName": "Nonprofit", "SobjectType": "Opportunity"},
            ],
        )
    )
    _ok(
        org.insert(
            "Opportunity",
            [
                {
                    "Name": "gala sponsorship",
                    "StageName": "Prospecting",
                    "Amount": 2500.5,
                    "CloseDate": "2026-02-01",
                    "AccountId": globex,
                    "RecordTypeId": nonprofit,
                }
            ],
        )
    )
    org.clock.advance_to(dt.datetime(2026, 3, 14, 23, 59, 59, tzinfo=UTC))
    _ok(
        org.insert(
            "Opportunity",
            [
                {
                    "Name": "Annual dues 50%",
                    "StageName": "Closed Won",
                    "Amount": None,
                    "CloseDate": "2026-03-10",
                    "RecordTypeId": nonprofit,
                    "NextStep": "in_3",
                }
            ],
        )
    )
    org.clock.advance_to(NOW)
    _ok(
        org.insert(
            "Opportunity",
            [
                {
                    "Name": "Gala tickets",
                    "StageName": "Closed Won",
                    "Amount": 100,
                    "CloseDate": "2026-03-15",
                    "AccountId": acme,
                    "RecordTypeId": profit,
                    "NextStep": "in_1",
                }
            ],
        )
    )
    yield org
    org.close()
