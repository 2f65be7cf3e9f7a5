"""Stripe event intake: one record per event id, stored as the connector stores it."""

import json

import pytest

from orgsim import OrgError
from orgsim.storage.predicate import eq

EVENT = {
    "id": "evt_1",
    "object": "event",
    "type": "invoice.paid",
    "api_version": "2025-04-30.basil",
    "data": {"object": {"id": "in_123", "object": "invoice", "status": "paid"}},
}


def test_one_record_per_event_id(org):
    first = org.intake_stripe_event(EVENT)
    again = org.intake_stripe_event(EVENT)
    assert first["created"] and not again["created"] and first["id"] == again["id"]
    row = org.select(
        "stripeGC__Stripe_Event__c",
        ["Name", "stripeGC__Event_Name__c", "stripeGC__Request_Body__c"],
        eq("Id", first["id"]),
    )[0]
    assert row["Name"] == "evt_1" and row["stripeGC__Event_Name__c"] == "invoice.paid"
    assert json.loads(row["stripeGC__Request_Body__c"]) == EVENT["data"]
    assert row["stripeGC__Request_Body__c"].startswith('{\n  "object": {\n    "id": "in_123"')


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"id": "x", "type": "t", "data": {"object": {}}},
        {"id": "evt_2", "type": "t"},
        {"id": "evt_2", "type": "t", "data": {}},
    ],
)
def test_malformed_events_are_refused(org, bad):
    with pytest.raises(OrgError, match="Stripe event needs"):
        org.intake_stripe_event(bad)
    assert org.count("stripeGC__Stripe_Event__c") == 0


def test_concurrent_redeliveries_create_one_record(org):
    from concurrent.futures import ThreadPoolExecutor

    event = {**EVENT, "id": "evt_concurrent"}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: org.intake_stripe_event(event), range(16)))
    assert sum(r["created"] for r in results) == 1
    assert org.count("stripeGC__Stripe_Event__c") == 1
