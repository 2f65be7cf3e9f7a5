"""Test clocks and the account clock: overdue invoices, auto-finalization."""

from __future__ import annotations

import pytest
import stripe

DAY = 86400
START = 1_767_225_600  # 2026-01-01T00:00:00Z


def clock_customer(client):
    clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": START, "name": "overdue"})
    customer = client.v1.customers.create(params={"email": "late@example.org", "test_clock": clock.id})
    return clock, customer


def open_invoice(client, customer, days=30, amount=1000):
    invoice = client.v1.invoices.create(
        params={"customer": customer.id, "collection_method": "send_invoice", "days_until_due": days}
    )
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": invoice.id, "amount": amount})
    return client.v1.invoices.finalize_invoice(invoice.id)


def overdue_ids(client):
    return [e.data.object.id for e in client.v1.events.list(params={"type": "invoice.overdue"}).data]


def test_objects_on_a_clock_live_in_its_time(client):
    clock, customer = clock_customer(client)
    assert clock.id.startswith("clock_") and clock.status == "ready" and clock.frozen_time == START
    assert customer.test_clock == clock.id and customer.created == START
    invoice = open_invoice(client, customer)
    assert invoice.test_clock == clock.id and invoice.created == START
    assert invoice.due_date == START + 30 * DAY


def test_advancing_past_the_due_date_emits_overdue_once(client):
    clock, customer = clock_customer(client)
    late = open_invoice(client, customer, days=30)
    paid = open_invoice(client, customer, days=30)
    client.v1.invoices.pay(paid.id, params={"paid_out_of_band": True})
    later = open_invoice(client, customer, days=60)

    advancing = client.v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": START + 29 * DAY})
    assert advancing.status == "advancing"
    assert client.v1.test_helpers.test_clocks.retrieve(clock.id).status == "ready"
    assert overdue_ids(client) == []

    client.v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": START + 31 * DAY})
    assert overdue_ids(client) == [late.id]
    event = client.v1.events.list(params={"type": "invoice.overdue"}).data[0]
    assert event.created == START + 31 * DAY and event.data.object.status == "open"

    client.v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": START + 90 * DAY})
    assert sorted(overdue_ids(client)) == sorted([late.id, later.id])
    types = [e.type for e in client.v1.events.list(params={"type": "test_helpers.test_clock.*"}).data]
    assert types.count("test_helpers.test_clock.ready") == 3


def test_clock_cannot_go_back(client):
    clock, _ = clock_customer(client)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": START - 1})
    assert caught.value.param == "frozen_time"


def test_auto_advance_finalizes_a_draft_after_an_hour(client):
    clock, customer = clock_customer(client)
    invoice = client.v1.invoices.create(
        params={
            "customer": customer.id,
            "collection_method": "send_invoice",
            "days_until_due": 10,
            "auto_advance": True,
        }
    )
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": invoice.id, "amount": 700})
    assert invoice.automatically_finalizes_at == START + 3600
    client.v1.test_helpers.test_clocks.advance(clock.id, params={"frozen_time": START + 2 * 3600})
    after = client.v1.invoices.retrieve(invoice.id)
    assert after.status == "open" and after.hosted_invoice_url
    types = [e.type for e in client.v1.events.list(params={"type": "invoice.*"}).data]
    assert "invoice.sent" in types and "invoice.finalized" in types


def test_customers_on_clocks_are_listed_by_clock(client):
    clock, customer = clock_customer(client)
    client.v1.customers.create(params={"email": "plain@example.org"})
    assert [c.email for c in client.v1.customers.list().data] == ["plain@example.org"]
    assert [c.id for c in client.v1.customers.list(params={"test_clock": clock.id}).data] == [customer.id]


def test_deleting_a_clock_deletes_its_customers(client):
    clock, customer = clock_customer(client)
    assert client.v1.test_helpers.test_clocks.delete(clock.id).deleted is True
    assert client.v1.customers.retrieve(customer.id).deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.test_helpers.test_clocks.retrieve(clock.id)


def test_account_clock_advance_marks_overdue(sim, client):
    customer = client.v1.customers.create(params={"email": "a@example.org"})
    invoice = open_invoice(client, customer, days=1)
    assert overdue_ids(client) == []
    sim.admin.advance_clock(2 * DAY)
    assert overdue_ids(client) == [invoice.id]


def test_account_clock_auto_finalizes_drafts(sim, client):
    customer = client.v1.customers.create(params={"email": "auto@example.org"})
    invoice = client.v1.invoices.create(params={"customer": customer.id, "auto_advance": True})
    client.v1.invoice_items.create(params={"customer": customer.id, "invoice": invoice.id, "amount": 100})
    manual = client.v1.invoices.create(params={"customer": customer.id})
    sim.admin.advance_clock(3601)
    assert client.v1.invoices.retrieve(invoice.id).status == "open"
    assert client.v1.invoices.retrieve(manual.id).status == "draft"
